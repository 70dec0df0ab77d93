"""Reads of achievements: a portfolio's achievements as an audience sees them, grouped by
section (the portfolio page, the editor, the dashboard and the export all start from it),
and the skill suggestions of the tag inputs. A fixed number of queries whatever the number
of items."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce

from achievements.models import Achievement, Evidence
from portfolios.access import Audience
from portfolios.models import Category, Portfolio, Skill


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


def skill_suggestions(limit: int = 200) -> list[str]:
    """The skills most used across portfolios and achievements, for the tag input
    (counted at most every ten minutes)."""
    return cache.get_or_set(f"skill-suggestions:{limit}", lambda: _count_skills(limit), timeout=600)


def _count_skills(limit: int) -> list[str]:
    """Uses of each skill by portfolios and by achievements: one GROUP BY over each link
    table, added up in the database. (Counting both joins in one query multiplies them:
    minutes on 100,000 portfolios.)"""

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
