"""Reads that assemble several apps for the composed pages: the portfolio page's body
(cached), its completeness and a new student's next steps."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from achievements.selectors import (
    ItemVersion,
    PortfolioView,
    portfolio_item_versions,
    portfolio_items,
)
from portfolios.access import Audience
from portfolios.models import Category, Portfolio, Visibility

PAGE_CACHE_SECONDS = 600


def portfolio_body_html(portfolio: Portfolio, audience: Audience, *, share_token=None):
    """The about, skills and sections of a portfolio page as HTML, cached.

    The key holds everything the HTML depends on: the portfolio's content version (moved by
    write that changes its content, once per write: portfolios/content.py) and update
    time, what the audience may see, the secret link in the file addresses and the
    language. Section names edited in admin show within PAGE_CACHE_SECONDS.

    When the body is not cached (after a change), each achievement's HTML is still reused
    if that item has not changed: see ``_item_fragments``.
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
        html = _body_html(portfolio, audience, share_token)
        cache.set(key, html, PAGE_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - our own template's output


@dataclass
class BodySection:
    category: Category
    items: list[str] = field(default_factory=list)  # each achievement's HTML


def _body_html(portfolio: Portfolio, audience: Audience, share_token) -> str:
    context = {"portfolio": portfolio, "audience": audience, "share_token": share_token}
    items = portfolio_item_versions(portfolio, audience)
    fragments = _item_fragments(items, context)
    return render_to_string(
        "pages/_portfolio_body.html",
        {**context, "sections": _sections(items, fragments),
         "skills": list(portfolio.skills.order_by("name"))},
    )  # fmt: skip


def _item_fragments(items: list[ItemVersion], context: dict) -> dict[int, str]:
    """Each achievement's HTML, from the cache where the item is unchanged.

    A fragment's key holds the item's ``content_digest`` (a hash of its row, evidence,
    skills and verifier's name with their row versions: it moves with any change to them,
    however made) and everything else the HTML depends on: the audience's level, the
    owner's badges, the secret link in the file addresses, the language, and the
    portfolio's address and comments switch. Only the items not found are loaded (three
    queries) and rendered, and stored under the key listed before they were loaded (so
    the HTML under a key is never older than the key)."""
    portfolio, audience = context["portfolio"], context["audience"]
    prefix = ":".join(
        str(part)
        for part in (
            "portfolio-item", audience.level, int(audience.is_owner),
            context["share_token"] or "-", get_language(), portfolio.slug,
            int(portfolio.comments_enabled),
        )
    )  # fmt: skip
    keys = {item.pk: f"{prefix}:{item.pk}:{item.digest}" for item in items}
    found = cache.get_many(list(keys.values())) if keys else {}
    html = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in html]
    if missing:
        rendered = {}
        template = get_template("pages/_portfolio_item.html")  # looked up once, not per item
        for achievement in portfolio_items(portfolio, audience, missing):
            fragment = template.render({**context, "item": achievement})
            html[achievement.pk] = fragment
            rendered[keys[achievement.pk]] = fragment
        cache.set_many(rendered, PAGE_CACHE_SECONDS)
    return html


def _sections(items: list[ItemVersion], fragments: dict[int, str]) -> list[BodySection]:
    """The sections with items, in the page's order: sections in use by their order, then
    any section staff switched off (its items still show) where its items come. An item
    hidden or deleted since it was listed is left out."""
    sections: dict[int, BodySection] = {}
    for item in items:
        if item.pk not in fragments:
            continue
        section = sections.get(item.category.pk)
        if section is None:
            section = sections[item.category.pk] = BodySection(item.category)
        section.items.append(mark_safe(fragments[item.pk]))  # noqa: S308 - our template's
    arrival = {pk: number for number, pk in enumerate(sections)}

    def place(section: BodySection):
        category = section.category
        if category.is_active:
            return (0, category.order, category.name_en, category.pk)
        return (1, arrival[category.pk])

    return sorted(sections.values(), key=place)


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: list[str]


def completeness(view: PortfolioView) -> Completeness:
    """How complete a portfolio is: the profile counts for 40 points, sections with items
    for 45, evidence for 15. ``missing`` names what would raise it. Keep in step with
    ``search.derived.COMPLETENESS_SQL``, which stores the same figure."""
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
    if not items:  # "evidence for every achievement" means nothing before the first one
        missing.append(_("your first achievement, with a file that proves it"))
    elif with_evidence < len(items):
        missing.append(_("evidence for every achievement"))
    return Completeness(percent=min(100, points), missing=missing)


def _rounded_share(points: int, part: int, whole: int) -> int:
    """``points * part / whole`` rounded half up, in integers — exactly as the SQL in
    search/derived.py rounds it."""
    return (2 * points * part + whole) // (2 * whole)


def _evidence_count(achievement) -> int:
    count = getattr(achievement, "evidence_count", None)
    return count if count is not None else len(achievement.evidence.all())


@dataclass(frozen=True)
class NextStep:
    title: str
    description: str
    done: bool
    url_name: str = ""


def student_next_steps(
    student: User, *, supervisor_count: int, portfolio_view=None
) -> list[NextStep]:
    """What a new student should do first, in order, with what is already done."""
    portfolio_steps = []
    if portfolio_view is not None:
        portfolio = portfolio_view.portfolio
        items = [a for s in portfolio_view.sections for a in s.achievements]
        portfolio_steps = [
            NextStep(
                title=_("Write a headline and a few lines about you"),
                description=_("The first thing a supervisor or an employer reads."),
                done=bool(portfolio.headline and portfolio.about),
                url_name="portfolios:profile",
            ),
            NextStep(
                title=_("Attach evidence to one of your achievements")
                if items
                else _("Add your first achievement with evidence"),
                description=_(
                    "A grade, a certificate, a conference: attach the scan or photo that proves it."
                ),
                done=any(item.evidence_count for item in items),
                url_name="portfolios:editor" if items else "achievements:create",
            ),
            NextStep(
                title=_("Fill three sections of your portfolio"),
                description=_("Each section on your portfolio page says what belongs there."),
                done=len(portfolio_view.filled_sections) >= 3,
                url_name="portfolios:editor",
            ),
            NextStep(
                title=_("Choose who sees your page"),
                description=_(
                    "Only you and your supervisors see it now. Make it public when you are ready."
                ),
                done=portfolio.visibility != Visibility.SUPERVISORS,
                url_name="portfolios:profile",
            ),
        ]
    return [
        NextStep(
            title=_("Add your full name"),
            description=_("Supervisors and employers see your name on everything you share."),
            done=bool(student.first_name and student.last_name),
            url_name="accounts:profile",
        ),
        NextStep(
            title=_("Check your e-mail address"),
            description=_("Password resets and messages from the site go to this address."),
            done=bool(student.email),
            url_name="accounts:profile",
        ),
        NextStep(
            title=_("Choose your language"),
            description=_(
                "Kyrgyz, Russian or English: the site remembers it wherever you sign in."
            ),
            done=bool(student.preferred_language),
            url_name="accounts:profile",
        ),
        NextStep(
            title=_("Meet your supervisor"),
            description=_(
                "The faculty assigns you a supervisor who reviews your portfolio. "
                "Ask your dean's office if nobody is listed yet."
            ),
            done=supervisor_count > 0,
        ),
        *portfolio_steps,
    ]
