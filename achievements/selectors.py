"""Reads of achievements: a portfolio's achievements as an audience sees them, grouped by
section (the portfolio page, the editor, the dashboard and the export all start from it),
and the skill suggestions of the tag inputs. A fixed number of queries whatever the number
of items."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.expressions import RawSQL
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


# The evidence columns the portfolio page shows (templates/pages/_portfolio_item.html; a test
# keeps the two in step). Hashing these, not the whole rows, keeps the digest cheap.
EVIDENCE_SHOWN = (
    "public_id", "kind", "caption", "original_name", "size", "width", "external_url", "order",
)  # fmt: skip


def content_digest() -> RawSQL:
    """An achievement's version as its page shows it, for ``Achievement`` querysets: a hash
    of its whole row, its evidence (``EVIDENCE_SHOWN``), its skills (each link row's id, so
    a skill removed and added back is a new version) with their names and the name of who
    verified it, each with its row version. Whatever road a change takes (a service, a
    supervisor's decision that saves only the verification fields, the admin, a bare
    ``update()``), the hash moves with it, so a fragment cached under it cannot go stale;
    there is no version column to keep up to date. (The whole page body above the
    fragments is keyed by the portfolio's content version, as before.) About 1.5 ms for
    100 items with 3 files each, computed in the query that lists them.

    The row version is PostgreSQL's ``xmin``: it changes with every UPDATE of a row, and a
    row never gets an earlier one back. Cached HTML is made from rows read after the digest
    it is stored under, so it may be newer than its key, never older; with the row
    versions a change back to an earlier content still gives a new key, so that newer HTML
    is never served for the earlier one."""
    item = Achievement._meta.db_table
    evidence = Evidence._meta.db_table
    shown = ", ".join(f'e."{Evidence._meta.get_field(name).column}"' for name in EVIDENCE_SHOWN)
    links = Achievement.skills.through._meta.db_table
    skill = Skill._meta.db_table
    user = get_user_model()._meta.db_table
    return RawSQL(
        f"""md5(concat_ws('|', "{item}".xmin, "{item}"::text,
            (SELECT string_agg(concat_ws(',', e.id, e.xmin, {shown}), '|' ORDER BY e.id)
             FROM "{evidence}" e WHERE e.achievement_id = "{item}".id),
            (SELECT string_agg(concat_ws(',', l.id, s.id, s.xmin, s.name), '|' ORDER BY s.id)
             FROM "{links}" l JOIN "{skill}" s ON s.id = l.skill_id
             WHERE l.achievement_id = "{item}".id),
            (SELECT concat_ws(',', u.xmin, u.username, u.first_name, u.last_name)
             FROM "{user}" u WHERE u.id = "{item}".verified_by_id)))""",
        (),
    )


@dataclass(frozen=True)
class ItemVersion:
    """An achievement on a page, without loading it: its id, its ``content_digest`` and its
    section."""

    pk: int
    digest: str
    category: Category


# What a section heading needs (the guidance texts stay in the database), in the model's
# field order, as ``Model.from_db`` takes them.
_HEADING_FIELDS = tuple(
    f.attname
    for f in Category._meta.concrete_fields
    if f.attname in {"id", "code", "order", "is_active", "name_en", "name_ru", "name_ky"}
)


def portfolio_item_versions(portfolio: Portfolio, audience: Audience) -> list[ItemVersion]:
    """The achievements ``audience`` sees, in display order, as ids, versions and sections:
    one query and no model instance per item (a page whose items are cached needs no more)."""
    rows = (
        Achievement.objects.filter(portfolio=portfolio)
        .visible_at(audience.level)
        .in_display_order()
        .annotate(digest=content_digest())
        .values_list("pk", "digest", *(f"category__{name}" for name in _HEADING_FIELDS))
    )
    categories: dict[int, Category] = {}
    items = []
    for pk, digest, *heading in rows:
        category = categories.get(heading[0])
        if category is None:
            category = Category.from_db(Category.objects.db, _HEADING_FIELDS, heading)
            categories[heading[0]] = category
        items.append(ItemVersion(pk=pk, digest=digest, category=category))
    return items


def portfolio_items(portfolio: Portfolio, audience: Audience, pks) -> list[Achievement]:
    """The achievements ``pks`` of ``portfolio`` that ``audience`` sees, ready to show:
    evidence (the columns the page shows) and skills in display order and who verified
    them. Three queries, however many."""
    evidence = Evidence.objects.order_by("order", "pk").only("achievement", *EVIDENCE_SHOWN)
    return list(
        Achievement.objects.filter(portfolio=portfolio, pk__in=list(pks))
        .visible_at(audience.level)
        .order_by()
        .select_related("verified_by")
        .prefetch_related(
            Prefetch("evidence", queryset=evidence),
            Prefetch("skills", queryset=Skill.objects.order_by("name")),
        )
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
