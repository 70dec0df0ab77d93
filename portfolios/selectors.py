"""Reads for portfolio pages: a fixed number of queries whatever the number of items."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max, Prefetch
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from achievements.models import Achievement, Evidence
from portfolios.access import Audience
from portfolios.models import Category, Portfolio, ShareLink, Skill


@dataclass
class Section:
    category: Category
    achievements: list[Achievement] = field(default_factory=list)


@dataclass
class PortfolioView:
    portfolio: Portfolio
    audience: Audience
    sections: list[Section]
    skills: list[Skill]

    @property
    def achievement_count(self) -> int:
        return sum(len(s.achievements) for s in self.sections)

    @property
    def filled_sections(self) -> list[Section]:
        return [s for s in self.sections if s.achievements]


def portfolio_view(portfolio: Portfolio, audience: Audience, *, outline=False) -> PortfolioView:
    """The portfolio as ``audience`` sees it, grouped by section in display order.

    ``outline`` is for the editor: each achievement carries ``evidence_count`` instead of
    its evidence and skills, which the editor does not show.
    """
    achievements = (
        Achievement.objects.filter(portfolio=portfolio)
        .visible_at(audience.level)
        .select_related("category", "verified_by")
        .in_display_order()
    )
    if outline:
        achievements = achievements.annotate(evidence_count=Count("evidence")).defer(
            "description", "description_html"
        )
    else:
        achievements = achievements.prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("order", "pk")),
            Prefetch("skills", queryset=Skill.objects.order_by("name")),
        )
    categories = list(Category.objects.filter(is_active=True).order_by("order", "name_en"))
    by_category = {category.pk: Section(category) for category in categories}
    for achievement in achievements:
        section = by_category.get(achievement.category_id)
        if section is None:  # a section staff switched off still shows its items
            section = by_category[achievement.category_id] = Section(achievement.category)
        section.achievements.append(achievement)
    skills = list(portfolio.skills.order_by("name"))
    return PortfolioView(
        portfolio=portfolio, audience=audience, sections=list(by_category.values()), skills=skills
    )


PAGE_CACHE_SECONDS = 600


def portfolio_body_html(portfolio: Portfolio, audience: Audience, *, share_token=None):
    """The about, skills and sections of a portfolio page as HTML, cached.

    The key holds everything the HTML depends on: the portfolio's content version (moved by
    every change to its achievements and evidence, see achievements/signals.py) and update
    time, what the audience may see, the secret link in the file addresses and the
    language. Section names edited in admin show within PAGE_CACHE_SECONDS.
    """
    key = ":".join(
        str(part)
        for part in (
            "portfolio-body", portfolio.pk, portfolio.content_version,
            portfolio.updated_at.timestamp(), audience.level, int(audience.is_owner),
            share_token or "-", get_language(),
        )
    )  # fmt: skip
    html = cache.get(key)
    if html is None:
        view = portfolio_view(portfolio, audience)
        html = render_to_string(
            "portfolios/_portfolio_body.html",
            {"view": view, "portfolio": portfolio, "audience": audience,
             "share_token": share_token},
        )  # fmt: skip
        cache.set(key, html, PAGE_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - our own template's output


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: list[str]


def completeness(view: PortfolioView) -> Completeness:
    """How complete a portfolio is: the profile counts for 40 points, sections with items
    for 45, evidence for 15. ``missing`` names what would raise it. Keep in step with
    ``portfolios.derived.COMPLETENESS_SQL``, which stores the same figure."""
    from django.utils.translation import gettext as _

    portfolio = view.portfolio
    profile_checks = [
        (bool(portfolio.headline), _("a headline")),
        (bool(portfolio.about), _("a few lines about you")),
        (bool(portfolio.photo), _("a photo")),
        (bool(view.skills), _("your skills")),
    ]
    points = sum(10 for done, _label in profile_checks if done)
    missing = [label for done, label in profile_checks if not done]
    sections = [s for s in view.sections if s.category.is_active]
    if sections:
        filled = sum(1 for s in sections if s.achievements)
        points += _rounded_share(45, filled, len(sections))
    items = [a for s in view.sections for a in s.achievements]
    with_evidence = sum(1 for a in items if _evidence_count(a))
    if items:
        points += _rounded_share(15, with_evidence, len(items))
    if not items or with_evidence < len(items):
        missing.append(_("evidence for every achievement"))
    return Completeness(percent=min(100, points), missing=missing)


def _rounded_share(points: int, part: int, whole: int) -> int:
    """``points * part / whole`` rounded half up, in integers — exactly as the SQL in
    search/derived.py rounds it."""
    return (2 * points * part + whole) // (2 * whole)


def _evidence_count(achievement) -> int:
    count = getattr(achievement, "evidence_count", None)
    return count if count is not None else len(achievement.evidence.all())


def share_links_with_visits(portfolio: Portfolio):
    return (
        ShareLink.objects.filter(portfolio=portfolio)
        .annotate(visit_count=Count("visits"), last_visit=Max("visits__visited_at"))
        .order_by("-created_at")
    )


def skill_suggestions(limit: int = 200) -> list[str]:
    """The skills most used across portfolios and achievements, for the tag input
    (counted at most every ten minutes)."""
    return cache.get_or_set(f"skill-suggestions:{limit}", lambda: _count_skills(limit), timeout=600)


def _count_skills(limit: int) -> list[str]:
    """Uses of each skill by portfolios and by achievements: one GROUP BY over each link
    table, added up in the database. (Counting both joins in one query multiplies them:
    minutes on 100,000 portfolios.)"""
    from django.db.models import IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from achievements.models import Achievement

    def uses(through, column):
        return Coalesce(
            Subquery(
                through.objects.filter(skill_id=OuterRef("pk"))
                .order_by()
                .values("skill_id")
                .annotate(n=Count(column))
                .values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        )

    return list(
        Skill.objects.annotate(
            uses=uses(Portfolio.skills.through, "portfolio_id")
            + uses(Achievement.skills.through, "achievement_id")
        )
        .order_by("-uses", "name")
        .values_list("name", flat=True)[:limit]
    )
