"""The analytics dashboard and its downloads: staff see every student, supervisors only
their own (the filters carry the supervisor; selectors.py applies it in SQL). And the
student's own "Who looked at my portfolio" page."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from accounts.access import role_required
from accounts.models import Program, Role
from analytics import charts, formatting, stats
from analytics.exports import TABLES, table_rows, write_csv
from analytics.forms import ALL_TERMS, AnalyticsFilterForm
from analytics.models import ViewerKind
from analytics.selectors import (
    GRID,
    METRICS,
    analytics_figures,
    monitoring_rows,
    portfolio_views_by_week,
)
from portfolios.access import access_own_portfolio

MONITORING_SHOWN = 20


def _filters(request):
    form = AnalyticsFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    supervisor_id = None if request.user.is_staff_member else request.user.pk
    return form, form.filters(supervisor_id=supervisor_id)


def _charts(figures: dict, metric_label: str) -> dict:
    summary, correlation = figures["summary"], figures["correlation"]
    histogram = figures["histogram"]
    if summary["n"]:
        fullest = max(histogram, key=lambda b: b["n"])
        histogram_text = ngettext(
            "Portfolio scores of %(n)s student in bins of %(width)s points; the most "
            "common range is %(low)s–%(high)s, the mean %(mean)s.",
            "Portfolio scores of %(n)s students in bins of %(width)s points; the most "
            "common range is %(low)s–%(high)s, the mean %(mean)s.",
            summary["n"],
        ) % {"n": summary["n"], "width": figures["bin_width"], "low": fullest["low"],
             "high": fullest["high"], "mean": formatting.score(summary["mean"])}  # fmt: skip
    else:
        histogram_text = _("No student in this group has a released score yet.")
    result = {
        "histogram": charts.bar_chart(
            id="chart-histogram", title=_("Portfolio scores"), description=histogram_text,
            labels=[f"{b['low']}–{b['high']}" for b in histogram],
            values=[b["n"] for b in histogram], x_label=_("Score"), y_label=_("Students"),
            edges=[b["low"] for b in histogram] + [histogram[-1]["high"]],
        ),
    }  # fmt: skip
    if correlation["n"]:
        if correlation["r"] is not None:
            scatter_text = _(
                "%(n)s students: score against %(metric)s. Pearson r = %(r)s; the line is the "
                "least-squares fit."
            ) % {"n": correlation["n"], "metric": metric_label,
                 "r": formatting.coefficient(correlation["r"])}  # fmt: skip
        else:
            scatter_text = _("%(n)s students: score against %(metric)s.") % {
                "n": correlation["n"], "metric": metric_label,
            }  # fmt: skip
        if figures["grid"]:
            scatter_text += " " + _(
                "Too many students for single dots: darker cells hold more students."
            )
        result["scatter"] = charts.scatter_chart(
            id="chart-scatter", title=_("Score and activity"), description=scatter_text,
            points=figures["points"], grid=figures["grid"], grid_size=GRID,
            x_range=(correlation["metric_min"] or 0, correlation["metric_max"] or 0),
            slope=correlation["slope"], intercept=correlation["intercept"],
            x_label=metric_label, y_label=_("Score"), x_counts=METRICS[figures["metric"]].whole,
        )  # fmt: skip
    weekly = figures["weekly"]
    labels = [w["week"].strftime("%d.%m") for w in weekly]
    total_updates = sum(w["updates"] for w in weekly)
    result["weekly_students"] = charts.bar_chart(
        id="chart-weekly-students", title=_("Students active per week"),
        description=ngettext(
            "Students with at least one update, in each of %(weeks)s week.",
            "Students with at least one update, in each of %(weeks)s weeks.", len(weekly),
        ) % {"weeks": len(weekly)},
        labels=labels, values=[w["active_students"] for w in weekly],
        x_label=_("Week starting"), y_label=_("Students"),
    )  # fmt: skip
    result["weekly_updates"] = charts.bar_chart(
        id="chart-weekly-updates", title=_("Updates per week"),
        description=ngettext(
            "%(total)s update in %(weeks)s weeks.", "%(total)s updates in %(weeks)s weeks.",
            total_updates,
        ) % {"total": total_updates, "weeks": len(weekly)},
        labels=labels, values=[w["updates"] for w in weekly],
        x_label=_("Week starting"), y_label=_("Updates"),
    )  # fmt: skip
    employment = figures["employment"]
    if employment:
        names = {1: _("Least active third"), 2: _("Middle third"), 3: _("Most active third")}
        result["employment"] = charts.bar_chart(
            id="chart-employment", title=_("Graduates in work, by activity"),
            description=_(
                "Share of graduates with a recorded job, for the least, middle and most "
                "active third of graduates by updates over their studies."
            ),
            labels=[names[e["tertile"]] for e in employment],
            values=[100 * e["rate"] for e in employment],
            value_labels=[formatting.percent(e["rate"]) for e in employment], y_max=100,
            x_label=_("Activity"), y_label=_("Employed, %"),
        )  # fmt: skip
    return result


def _cautions(figures: dict) -> dict:
    """What the page must say beside figures that could mislead: how to word the
    correlation (analytics/stats.py), intervals cut to the score range, small groups of
    graduates."""
    limited = [
        stats.within_score_range(ci)
        for ci in [figures["summary"]["ci95"], *(p["ci95"] for p in figures["programs"])]
    ]
    graduates = [e["graduates"] for e in figures["employment"]]
    return {
        "verdict": stats.correlation_verdict(figures["correlation"]),
        "exact_below": stats.EXACT_BELOW,
        "summary_ci_limited": bool(limited[0] and limited[0][2]),
        "programs_ci_limited": any(ci and ci[2] for ci in limited[1:]),
        "fewest_graduates": min(graduates) if graduates else None,
        "min_graduates": stats.MIN_GROUP_FOR_RATES,
    }


@role_required(Role.SUPERVISOR)
def dashboard(request):
    form, f = _filters(request)
    figures = analytics_figures(f)
    metric_label = str(METRICS[f.metric].label)
    monitoring = cache.get_or_set(
        f.cache_key() + ":monitoring",
        lambda: monitoring_rows(f, limit=MONITORING_SHOWN),
        settings.ANALYTICS_CACHE_SECONDS,
    )
    programs = Program.objects.in_bulk(
        {r["program_id"] for rows in monitoring.values() for r in rows}
    )
    for rows in monitoring.values():
        for row in rows:
            row["program_obj"] = programs.get(row["program_id"])
    return render(request, "analytics/dashboard.html", {
        "form": form, "filters": f, "figures": figures, "metric_label": metric_label,
        "charts": _charts(figures, metric_label), "monitoring": monitoring,
        "monitoring_shown": MONITORING_SHOWN, "query": request.GET.urlencode(),
        "is_staff_view": request.user.is_staff_member,
        "cache_minutes": max(1, settings.ANALYTICS_CACHE_SECONDS // 60),
        "term": next((t for t in form.terms if t.pk == f.term_id), None),
        "selected_term": ALL_TERMS if f.term_id is None else str(f.term_id),
        **_cautions(figures),
    })  # fmt: skip


@role_required(Role.SUPERVISOR)
def export_csv(request, table: str):
    if table not in TABLES:
        raise Http404
    _form, f = _filters(request)
    figures = analytics_figures(f) if table not in ("students", "inactive", "incomplete") else {}
    buffer = io.StringIO()
    write_csv(buffer, table_rows(table, figures, f))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="analytics-{table}-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


VIEW_WEEKS = 12


@login_required
@require_safe
def portfolio_views(request):
    """Who looked at the student's portfolio, per week: the owner only (others: 404)."""
    portfolio = access_own_portfolio(request.user)
    weeks = portfolio_views_by_week(portfolio.pk, weeks=VIEW_WEEKS)
    total = sum(week.total for week in weeks)
    chart = charts.bar_chart(
        id="chart-portfolio-views", title=_("Views per week"),
        description=ngettext(
            "%(total)s view of your portfolio in the last %(weeks)s weeks.",
            "%(total)s views of your portfolio in the last %(weeks)s weeks.", total,
        ) % {"total": total, "weeks": len(weeks)},
        labels=[week.starts_on.strftime("%d.%m") for week in weeks],
        values=[week.total for week in weeks],
        x_label=_("Week starting"), y_label=_("Views"),
    )  # fmt: skip
    response = render(request, "analytics/portfolio_views.html", {
        "portfolio": portfolio, "weeks": weeks[::-1], "total": total, "chart": chart,
        "kinds": ViewerKind.choices, "week_count": len(weeks),
    })  # fmt: skip
    response["Cache-Control"] = "private, no-cache"
    return response
