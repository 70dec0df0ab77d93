"""The analytics figures: computed in PostgreSQL over the roll-ups (one row per student),
finished in Python with scipy's distributions (p-values, confidence intervals) — no
per-student rows are loaded except for the exports.

``analytics_figures(filters)`` is what the dashboard, ``analytics_report`` and the CSV
exports show; ``student_rows(filters)`` is the per-student table researchers get, from the
same SQL, so the figures can be checked against it (tests/analytics/test_figures.py does,
with scipy and numpy, to 1e-9).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analytics import rollups
from analytics.stats import (
    EXACT_BELOW,
    MIN_CORRELATION,
    MIN_SKEW,
    MIN_SPREAD,
    exact_p_values,
    fisher_ci95,
    mean_ci95,
    pearson_p,
    spearman_p,
)

SCATTER_POINTS_MAX = 1000  # above this the scatter plot shows a density grid
GRID = 20
WEEKS_WITHOUT_TERM = 26


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    term_sql: str  # with a term chosen
    all_sql: str  # over all terms
    whole: bool = True  # whole numbers (counts, days, percent): the chart's axis too


METRICS = {
    m.key: m
    for m in [
        Metric("updates_term", _("Updates in the term"), "COALESCE(t.updates, 0)",
               "COALESCE(a.updates_total, 0)"),
        Metric("active_weeks", _("Active weeks"), "COALESCE(t.active_weeks, 0)",
               "COALESCE(a.active_weeks_total, 0)"),
        Metric("updates_per_active_week", _("Updates per active week"),
               "COALESCE(t.updates::float8 / NULLIF(t.active_weeks, 0), 0)",
               "COALESCE(a.updates_total::float8 / NULLIF(a.active_weeks_total, 0), 0)",
               whole=False),
        Metric("updates_30d", _("Updates in the last 30 days"), "COALESCE(a.updates_30d, 0)",
               "COALESCE(a.updates_30d, 0)"),
        Metric("updates_90d", _("Updates in the last 90 days"), "COALESCE(a.updates_90d, 0)",
               "COALESCE(a.updates_90d, 0)"),
        Metric("days_since_update", _("Days since the last update"),
               "%(today)s - (a.last_update_at AT TIME ZONE %(tz)s)::date",
               "%(today)s - (a.last_update_at AT TIME ZONE %(tz)s)::date"),
        Metric("completeness", _("Completeness, %"), "a.completeness", "a.completeness"),
        Metric("evidence_count", _("Evidence files"), "a.evidence_count", "a.evidence_count"),
        Metric("verified_count", _("Verified achievements"), "a.verified_count",
               "a.verified_count"),
    ]
}  # fmt: skip
DEFAULT_METRIC = "updates_term"


@dataclass(frozen=True)
class Filters:
    program_id: int | None = None
    cohort_id: int | None = None
    term_id: int | None = None  # None: all terms
    metric: str = DEFAULT_METRIC
    bin_width: int = 10
    inactive_days: int = 30
    completeness_below: int = 50
    supervisor_id: int | None = None  # a supervisor sees only their students
    today: date = field(default_factory=timezone.localdate)

    def cache_key(self) -> str:
        parts = [
            self.program_id, self.cohort_id, self.term_id, self.metric, self.bin_width,
            self.inactive_days, self.completeness_below, self.supervisor_id, self.today,
        ]  # fmt: skip
        return "analytics:v1:" + ":".join(str(p) for p in parts)


def _where(f: Filters, alias: str = "u", id_column: str = "id") -> tuple[str, dict]:
    """The filters as SQL on a table with ``program_id``, ``cohort_id`` and the student's
    id: accounts_user (``u``), or analytics_studentactivity (``a``, students only)."""
    clauses = [f"{alias}.role = 'student'"] if alias == "u" else ["true"]
    params: dict = {}
    if f.program_id:
        clauses.append(f"{alias}.program_id = %(program)s")
        params["program"] = f.program_id
    if f.cohort_id:
        clauses.append(f"{alias}.cohort_id = %(cohort)s")
        params["cohort"] = f.cohort_id
    if f.supervisor_id:
        clauses.append(
            f"{alias}.{id_column} IN (SELECT student_id FROM accounts_supervisorassignment "
            "WHERE supervisor_id = %(supervisor)s)"
        )
        params["supervisor"] = f.supervisor_id
    return " AND ".join(clauses), params


def base_sql(f: Filters, *, metrics=None, employment: bool = False) -> tuple[str, dict]:
    """One row per student in scope: score (None without a released review) and the
    activity measures ``metrics`` (all of them by default), plus what the monitoring counts
    need. It reads the roll-ups only (analytics_studentactivity carries copies of the
    program, cohort and portfolio figures): at 100,000 students every join and column
    counts, so the dashboard asks only for the chosen measure."""
    where, params = _where(f, alias="a", id_column="student_id")
    by_term = f.term_id is not None
    keys = list(METRICS) if metrics is None else list(metrics)
    columns = "".join(
        f",\n  ({(METRICS[k].term_sql if by_term else METRICS[k].all_sql)}) AS {k}" for k in keys
    )
    if "completeness" not in keys:
        columns += ",\n  a.completeness"
    joins = []
    if by_term:
        joins.append(
            "LEFT JOIN analytics_studenttermactivity t "
            "ON t.student_id = a.student_id AND t.term_id = %(term)s"
        )
    if employment:
        # Graduates' jobs, and their activity over the whole study (employment by tertile).
        columns += (
            ",\n  a.cohort_id = ANY(%(graduated_cohorts)s) AS graduated,"
            "\n  a.updates_total::float8 AS activity_total,"
            "\n  o.student_id IS NOT NULL AS employed, COALESCE(o.in_field, false) AS in_field"
        )
        joins.append(
            "LEFT JOIN (SELECT student_id, bool_or(related_to_field) AS in_field "
            "FROM feedback_employmentoutcome GROUP BY student_id) o "
            "ON o.student_id = a.student_id"
        )
        params["graduated_cohorts"] = graduated_cohorts(f.today)
    score_source = "t" if by_term else "a"
    join_sql = "\n".join(joins)
    sql = f"""
SELECT a.student_id, a.program_id, a.cohort_id, a.is_active, a.last_update_at,
  ({score_source}.score_sum / NULLIF({score_source}.review_count, 0))::float8 AS score{columns}
FROM analytics_studentactivity a
{join_sql}
WHERE {where}
"""
    params.update({"term": f.term_id, "today": f.today, "tz": settings.TIME_ZONE})
    return sql, params


FIGURES_SQL = """
WITH base AS MATERIALIZED ({base}),
scored AS MATERIALIZED (SELECT score, program_id, {metric}::float8 AS metric FROM base
                        WHERE score IS NOT NULL),
-- One pass for the summary and Pearson's r (aggregates of two inputs skip rows where
-- either is missing, as the correlation's pairs do).
summary AS (
  SELECT count(*) AS n, avg(score) AS mean, stddev_samp(score) AS sd, min(score) AS min,
         max(score) AS max, percentile_cont(0.5) WITHIN GROUP (ORDER BY score) AS median,
         count(metric) AS pairs_n, corr(metric, score) AS r, regr_slope(score, metric) AS slope,
         regr_intercept(score, metric) AS intercept, min(metric) AS metric_min,
         max(metric) AS metric_max
  FROM scored
),
moments AS (
  SELECT avg(power(score - s.mean, 2)) AS m2, avg(power(score - s.mean, 3)) AS m3
  FROM scored, summary s
),
histogram AS (
  SELECT LEAST(width_bucket(score, 0, 100, %(bins)s), %(bins)s) AS bin, count(*) AS n
  FROM scored GROUP BY 1
),
programs AS (
  SELECT program_id, count(*) AS n, avg(score) AS mean, stddev_samp(score) AS sd,
         min(score) AS min, max(score) AS max
  FROM scored GROUP BY program_id
),
pairs AS MATERIALIZED (SELECT score, metric FROM scored WHERE metric IS NOT NULL),
graduates AS MATERIALIZED (SELECT activity_total, employed, in_field FROM base WHERE graduated),
pearson AS (
  SELECT pairs_n AS n, r, slope, intercept, metric_min, metric_max FROM summary
),
-- Mid-ranks (ties share the mean of their ranks, as scipy's rankdata): one row per
-- distinct value, then joined back.
score_ranks AS (
  SELECT score, (sum(count(*)) OVER (ORDER BY score) - (count(*) - 1) / 2.0)::float8 AS rank_score
  FROM pairs GROUP BY score
),
metric_ranks AS (
  SELECT metric,
         (sum(count(*)) OVER (ORDER BY metric) - (count(*) - 1) / 2.0)::float8 AS rank_metric
  FROM pairs GROUP BY metric
),
ranked AS (
  SELECT rank_score, rank_metric
  FROM pairs JOIN score_ranks USING (score) JOIN metric_ranks USING (metric)
)
SELECT json_build_object(
  'students', (SELECT count(*) FROM base),
  'summary', (SELECT row_to_json(x) FROM (SELECT n, mean, sd, min, max, median, m2, m3
                                          FROM summary, moments) x),
  'histogram', (SELECT json_agg(json_build_array(bin, n) ORDER BY bin) FROM histogram),
  'programs', (SELECT json_agg(row_to_json(x)) FROM programs x),
  'pearson', (SELECT row_to_json(x) FROM pearson x),
  'spearman', (SELECT corr(rank_metric, rank_score) FROM ranked),
  'points', CASE WHEN (SELECT n FROM pearson) <= {points_max}
    THEN (SELECT json_agg(json_build_array(metric, score)) FROM pairs) END,
  'grid', CASE WHEN (SELECT n FROM pearson) > {points_max} THEN (
    SELECT json_agg(json_build_array(gx, gy, n)) FROM (
      SELECT LEAST(width_bucket(metric, x.metric_min, x.metric_max + 1e-9, {grid}), {grid}) AS gx,
             LEAST(width_bucket(score, 0, 100, {grid}), {grid}) AS gy, count(*) AS n
      FROM pairs, pearson x GROUP BY 1, 2) g) END,
  'employment', (
    SELECT json_agg(json_build_array(tertile, n, employed, in_field, low, high) ORDER BY tertile)
    FROM (
      SELECT CASE WHEN activity_total <= c[1] THEN 1 WHEN activity_total <= c[2] THEN 2
                  ELSE 3 END AS tertile,
             count(*) AS n, count(*) FILTER (WHERE employed) AS employed,
             count(*) FILTER (WHERE in_field) AS in_field, min(activity_total) AS low,
             max(activity_total) AS high
      FROM graduates,
           (SELECT percentile_cont(ARRAY[1 / 3.0, 2 / 3.0])
                     WITHIN GROUP (ORDER BY activity_total) AS c FROM graduates) cuts
      GROUP BY 1) e),
  'monitoring', (SELECT json_build_object(
      'inactive', count(*) FILTER (WHERE last_update_at IS NULL
                                   OR last_update_at < %(inactive_since)s),
      'incomplete', count(*) FILTER (WHERE completeness < %(completeness_below)s),
      'active_accounts', count(*))
    FROM base WHERE is_active)
)
"""

WEEKLY_SQL = """
SELECT w.week::date, COALESCE(sum(a.active_students), 0), COALESCE(sum(a.updates), 0)
FROM generate_series(%(start)s::date, %(end)s::date, interval '1 week') AS w(week)
LEFT JOIN analytics_weeklyactivity a ON a.week = w.week::date {where}
GROUP BY w.week ORDER BY w.week
"""

# A supervisor's few students: counted from their days, not the faculty-wide roll-up.
WEEKLY_STUDENTS_SQL = """
SELECT w.week::date, count(DISTINCT d.student_id), COALESCE(sum(d.updates), 0)
FROM generate_series(%(start)s::date, %(end)s::date, interval '1 week') AS w(week)
LEFT JOIN (analytics_activityday d JOIN accounts_user u ON u.id = d.student_id AND {where})
  ON d.day >= w.week::date AND d.day < w.week::date + 7 AND d.updates > 0
GROUP BY w.week ORDER BY w.week
"""


def graduated_by(today: date) -> int:
    """The latest graduation year that has passed (Kyrgyz universities graduate in June;
    accounts.models.Cohort.has_graduated agrees)."""
    return today.year if today.month >= 7 else today.year - 1


def _weeks(f: Filters, term) -> tuple[date, date]:
    last = rollups.week_of(f.today)
    if term is None:
        return last - timedelta(weeks=WEEKS_WITHOUT_TERM - 1), last
    start = rollups.week_of(term.starts_on)
    end = min(rollups.week_of(term.ends_on), last)
    return start, max(start, end)


def _weekly(f: Filters, term) -> list[dict]:
    start, end = _weeks(f, term)
    params = {"start": start, "end": end}
    if f.supervisor_id:
        where, extra = _where(f)
        sql = WEEKLY_STUDENTS_SQL.format(where=where)
    else:
        clauses, extra = [], {}
        if f.program_id:
            clauses.append("a.program_id = %(program)s")
            extra["program"] = f.program_id
        if f.cohort_id:
            clauses.append("a.cohort_id = %(cohort)s")
            extra["cohort"] = f.cohort_id
        sql = WEEKLY_SQL.format(where="".join(f" AND {c}" for c in clauses))
    params.update(extra)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            {"week": week, "active_students": int(active), "updates": int(updates)}
            for week, active, updates in cursor.fetchall()
        ]


def graduated_cohorts(today: date) -> list[int]:
    from accounts.models import Cohort

    year = graduated_by(today)
    graduated = Q(graduation_year__lte=year) | Q(graduation_year=None, entry_year__lte=year - 4)
    return list(Cohort.objects.filter(graduated).values_list("pk", flat=True))


def _employment(raw: dict) -> list[dict]:
    return [
        {
            "tertile": tertile, "graduates": n, "employed": employed, "in_field": in_field,
            "rate": employed / n, "in_field_rate": in_field / n,
            "activity_min": float(low), "activity_max": float(high),
        }
        for tertile, n, employed, in_field, low, high in raw["employment"] or []
    ]  # fmt: skip


# --- Statistics from the aggregates (analytics/stats.py) ---------------------------------


def _correlation(raw: dict) -> dict:
    pearson = raw["pearson"]
    n = pearson["n"]
    result = {
        "n": n, "r": None, "p": None, "ci95": None, "spearman": None, "spearman_p": None,
        "slope": None, "intercept": None, "too_few": n < MIN_CORRELATION,
        "no_variation": False, "exact": False, "metric_min": pearson["metric_min"],
        "metric_max": pearson["metric_max"],
    }  # fmt: skip
    if n < MIN_CORRELATION:
        return result
    r, rho = pearson["r"], raw["spearman"]
    if r is None:  # one of the two does not vary
        result["no_variation"] = True
        return result
    result.update(
        r=r, ci95=fisher_ci95(r, n), slope=pearson["slope"], intercept=pearson["intercept"],
        spearman=rho,
    )  # fmt: skip
    if n < EXACT_BELOW:
        # A small group's pairs are all in "points" (SCATTER_POINTS_MAX is far above).
        result["p"], result["spearman_p"] = exact_p_values(raw["points"])
        result["exact"] = True
    else:
        result["p"] = pearson_p(r, n)
        result["spearman_p"] = None if rho is None else spearman_p(rho, n)
    return result


def _summary(raw: dict) -> dict:
    s = raw["summary"]
    n = s["n"]
    skewness = None
    if n >= MIN_SKEW and s["m2"] and s["m2"] > 0:
        skewness = s["m3"] / s["m2"] ** 1.5
    return {
        "n": n, "mean": s["mean"], "median": s["median"],
        "sd": s["sd"] if n >= MIN_SPREAD else None, "skewness": skewness,
        "min": s["min"], "max": s["max"], "ci95": mean_ci95(n, s["mean"], s["sd"]),
    }  # fmt: skip


def _histogram(raw: dict, bin_width: int) -> list[dict]:
    counts = dict(raw["histogram"] or [])
    bins = 100 // bin_width
    return [
        {"low": (b - 1) * bin_width, "high": b * bin_width, "n": counts.get(b, 0)}
        for b in range(1, bins + 1)
    ]


def _programs(raw: dict) -> list[dict]:
    from accounts.models import Program

    rows = raw["programs"] or []
    names = {p.pk: p for p in Program.objects.filter(pk__in=[r["program_id"] for r in rows])}
    out = []
    for row in rows:
        n = row["n"]
        program = names.get(row["program_id"])
        out.append({
            "program_id": row["program_id"], "program": program,
            "code": program.code if program else "", "n": n, "mean": row["mean"],
            "sd": row["sd"] if n >= MIN_SPREAD else None, "min": row["min"], "max": row["max"],
            "ci95": mean_ci95(n, row["mean"], row["sd"]),
        })  # fmt: skip
    out.sort(key=lambda r: (-r["mean"], r["code"]))
    return out


# For the analytics statements only (SET LOCAL: until the end of their transaction): they
# are short scans and joins of one row per student, where compiling (JIT) costs more than it
# saves and where the planner underrates sharing the work with parallel workers — with them,
# 100,000 students take about 40% less time (bench/analytics.py).
SESSION_SETTINGS = {
    "jit": "off",
    "parallel_setup_cost": "0",
    "parallel_tuple_cost": "0",
    "min_parallel_table_scan_size": "0",
}


@contextmanager
def analytics_cursor():
    """A cursor in a transaction with SESSION_SETTINGS (set_config(..., true) is SET LOCAL)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in SESSION_SETTINGS),
            [value for item in SESSION_SETTINGS.items() for value in item],
        )
        yield cursor


def figures_sql(f: Filters) -> tuple[str, dict]:
    """The one statement behind the histogram, the summary, the program table, the
    correlation, the scatter plot and the monitoring counts."""
    base, params = base_sql(f, metrics=[f.metric], employment=True)
    tz = timezone.get_current_timezone()
    params.update(
        bins=100 // f.bin_width, completeness_below=f.completeness_below,
        # "No update in N days": the last one was on or before today - N (local days).
        inactive_since=datetime.combine(f.today - timedelta(days=f.inactive_days - 1), time(), tz),
    )  # fmt: skip
    sql = FIGURES_SQL.format(base=base, metric=f.metric, points_max=SCATTER_POINTS_MAX, grid=GRID)
    return sql, params


def compute(f: Filters) -> dict:
    """Every figure of the dashboard for ``f``, straight from the database."""
    from feedback.models import Term

    windows_on = rollups.ensure_fresh()
    if f.metric not in METRICS:
        raise ValueError(f"unknown metric {f.metric!r}")
    term = Term.objects.filter(pk=f.term_id).first() if f.term_id else None
    sql, params = figures_sql(f)
    with analytics_cursor() as cursor:
        cursor.execute(sql, params)
        raw = cursor.fetchone()[0]
        weekly = _weekly(f, term)
    if isinstance(raw, str):
        raw = json.loads(raw)
    summary = _summary(raw)
    return {
        "students": raw["students"],
        "without_score": raw["students"] - summary["n"],
        "n": summary["n"],
        "summary": summary,
        "bin_width": f.bin_width,
        "histogram": _histogram(raw, f.bin_width),
        "programs": _programs(raw),
        "metric": f.metric,
        "correlation": _correlation(raw),
        "points": raw["points"] or [],
        "grid": raw["grid"] or [],
        "weekly": weekly,
        "monitoring": raw["monitoring"],
        "employment": _employment(raw),
        "computed_at": timezone.now(),
        "windows_on": windows_on,
    }


def analytics_figures(f: Filters, *, fresh: bool = False) -> dict:
    """``compute(f)``, cached for ANALYTICS_CACHE_SECONDS (README: when figures refresh)."""
    key = f.cache_key()
    if not fresh:
        cached = cache.get(key)
        if cached is not None:
            return cached
    figures = compute(f)
    cache.set(key, figures, settings.ANALYTICS_CACHE_SECONDS)
    return figures


# --- Per-student rows ------------------------------------------------------------------------

STUDENT_COLUMNS = ["pseudonym", "program", "cohort", "term", "score", *METRICS]


def pseudonym(student_id: int) -> str:
    """A stable id that does not reveal the student (keyed with the site's secret)."""
    key = hashlib.sha256(("analytics:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, str(student_id).encode(), hashlib.sha256).hexdigest()[:16]


def student_rows(f: Filters) -> Iterator[dict]:
    """The per-student rows behind the figures: pseudonymous, ordered by pseudonym."""
    from accounts.models import Cohort, Program
    from feedback.models import Term

    rollups.ensure_fresh()
    base, params = base_sql(f)
    programs = dict(Program.objects.values_list("pk", "code"))
    cohorts = dict(Cohort.objects.values_list("pk", "entry_year"))
    term = Term.objects.filter(pk=f.term_id).first() if f.term_id else None
    term_name = term.name_en if term else "all"
    keys = list(METRICS)
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(base, params)
        names = [c.name for c in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            rows.append({
                "pseudonym": pseudonym(row["student_id"]),
                "program": programs.get(row["program_id"], ""),
                "cohort": cohorts.get(row["cohort_id"], ""),
                "term": term_name, "score": row["score"],
                **{k: row[k] for k in keys},
            })  # fmt: skip
    rows.sort(key=lambda r: r["pseudonym"])
    yield from rows


def monitoring_rows(f: Filters, *, limit: int | None = None) -> dict[str, list[dict]]:
    """Students (active accounts) with no update in ``inactive_days`` days, and portfolios
    below the completeness threshold: who a supervisor should contact. Chosen and ordered
    on the roll-ups; names are looked up only for the rows returned."""
    where, params = _where(f, alias="a", id_column="student_id")
    tz = timezone.get_current_timezone()
    params.update(
        below=f.completeness_below, today=f.today, tz=settings.TIME_ZONE,
        inactive_since=datetime.combine(f.today - timedelta(days=f.inactive_days - 1), time(), tz),
    )  # fmt: skip
    limit_sql = f"LIMIT {int(limit)}" if limit else ""
    select = f"""
SELECT a.student_id AS id, u.first_name, u.last_name, u.username, a.program_id,
       pr.code AS program, c.entry_year AS cohort, p.slug, a.completeness, a.last_update_at,
       %(today)s - (a.last_update_at AT TIME ZONE %(tz)s)::date AS days
FROM (SELECT * FROM analytics_studentactivity a
      WHERE {where} AND a.is_active AND {{condition}} ORDER BY {{order}} {limit_sql}) a
JOIN accounts_user u ON u.id = a.student_id
LEFT JOIN accounts_program pr ON pr.id = a.program_id
LEFT JOIN accounts_cohort c ON c.id = a.cohort_id
LEFT JOIN portfolios_portfolio p ON p.student_id = a.student_id
ORDER BY {{order}}
"""
    lists = {
        "inactive": (
            "(a.last_update_at IS NULL OR a.last_update_at < %(inactive_since)s)",
            "a.last_update_at ASC NULLS FIRST, a.student_id",
        ),
        "incomplete": ("a.completeness < %(below)s", "a.completeness, a.student_id"),
    }
    out = {}
    with connection.cursor() as cursor:
        for name, (condition, order) in lists.items():
            cursor.execute(select.format(condition=condition, order=order), params)
            columns = [c.name for c in cursor.description]
            out[name] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return out


# --- Who looked at a portfolio (the student's own page) ---------------------------------


@dataclass
class WeekViews:
    """One week (Monday to Sunday, local days) of a portfolio's viewers."""

    starts_on: date
    counts: dict[str, int] = field(default_factory=dict)  # by ViewerKind value
    organisations: list[tuple[str, int]] = field(default_factory=list)  # most views first

    @property
    def ends_on(self) -> date:
        return self.starts_on + timedelta(days=6)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count_of(self, kind: str) -> int:
        return self.counts.get(kind, 0)


def portfolio_views_by_week(
    portfolio_id: int, *, weeks: int = 12, today: date | None = None
) -> list[WeekViews]:
    """The last ``weeks`` weeks (this one included, oldest first) of a portfolio's daily
    view counts, summed per week and kind, with the employers' organisations per week.
    Two queries, whatever the number of days and organisations."""
    from analytics.models import EmployerViewDay, PortfolioViewDay, ViewerKind

    first = rollups.week_of(today or timezone.localdate()) - timedelta(weeks=weeks - 1)
    by_week = {
        first + timedelta(weeks=n): WeekViews(
            starts_on=first + timedelta(weeks=n), counts=dict.fromkeys(ViewerKind.values, 0)
        )
        for n in range(weeks)
    }
    rows = PortfolioViewDay.objects.filter(portfolio_id=portfolio_id, day__gte=first)
    for day, kind, count in rows.values_list("day", "kind", "count"):
        week = by_week.get(rollups.week_of(day))
        if week is not None:
            week.counts[kind] = week.counts.get(kind, 0) + count
    organisations: dict[date, dict[str, int]] = {}
    rows = EmployerViewDay.objects.filter(portfolio_id=portfolio_id, day__gte=first)
    for day, name, count in rows.values_list("day", "organisation", "count"):
        week_names = organisations.setdefault(rollups.week_of(day), {})
        week_names[name] = week_names.get(name, 0) + count
    for monday, names in organisations.items():
        if monday in by_week:
            by_week[monday].organisations = sorted(names.items(), key=lambda n: (-n[1], n[0]))
    return list(by_week.values())
