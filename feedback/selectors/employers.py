"""Reads for employers' discovery, shortlists and feedback, and for the students and
supervisors who read that feedback. Each decides its own joins, so a page's query count
does not grow with its rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, Prefetch, QuerySet, prefetch_related_objects

from feedback.models import EmployerFeedback, ShortlistEntry
from portfolios.access import audience_for
from portfolios.models import Portfolio, Skill
from search.query import search_snippets


@dataclass(frozen=True)
class EmployerPortfolioState:
    """What the public page shows an approved employer about their own actions."""

    on_shortlist: bool
    feedback: EmployerFeedback | None


def own_feedback(*, employer, portfolio: Portfolio) -> EmployerFeedback | None:
    return EmployerFeedback.objects.filter(employer=employer, portfolio=portfolio).first()


def employer_portfolio_state(*, employer, portfolio: Portfolio) -> EmployerPortfolioState:
    """Whether the portfolio is on the employer's shortlist and their feedback on it (two
    queries)."""
    return EmployerPortfolioState(
        on_shortlist=ShortlistEntry.objects.filter(employer=employer, portfolio=portfolio).exists(),
        feedback=own_feedback(employer=employer, portfolio=portfolio),
    )


def search_skill_suggestions(limit: int = 200) -> list[str]:
    """The skills most listed portfolios name, for the search form's skill input (counted
    at most every ten minutes, one GROUP BY over the portfolios' skills)."""

    def count() -> list[str]:
        rows = (
            Portfolio.skills.through.objects.filter(portfolio__search_document__is_listed=True)
            .values("skill__name")
            .annotate(uses=Count("pk"))
            .order_by("-uses", "skill__name")[:limit]
        )
        return [row["skill__name"] for row in rows]

    return cache.get_or_set(f"search-skill-suggestions:{limit}", count, timeout=600)


def _skills_prefetch() -> Prefetch:
    return Prefetch("skills", queryset=Skill.objects.order_by("name"))


def portfolio_cards(
    portfolios: Sequence[Portfolio], *, employer, query: str = ""
) -> list[Portfolio]:
    """One page of search results made ready for cards: skills loaded, ``on_shortlist``
    set on each and, for a query, ``snippet``: where its words occur, marked (three
    queries, whatever the page's length)."""
    portfolios = list(portfolios)
    if not portfolios:
        return portfolios
    prefetch_related_objects(portfolios, _skills_prefetch())
    snippets = search_snippets([p.pk for p in portfolios], query) if query else {}
    for portfolio in portfolios:
        portfolio.snippet = snippets.get(portfolio.pk, "")
    shortlisted = set(
        ShortlistEntry.objects.filter(
            employer=employer, portfolio__in=[p.pk for p in portfolios]
        ).values_list("portfolio_id", flat=True)
    )
    for portfolio in portfolios:
        portfolio.on_shortlist = portfolio.pk in shortlisted
    return portfolios


def shortlist_entries(*, employer) -> QuerySet[ShortlistEntry]:
    """The employer's shortlist, newest first, with what the cards show."""
    return (
        ShortlistEntry.objects.filter(employer=employer)
        .select_related("portfolio__student__program__faculty", "portfolio__student__cohort")
        .defer("portfolio__about", "portfolio__about_html")
        .annotate(listed_verified_count=F("portfolio__search_document__verified_count"))
        .order_by("-created_at", "-pk")
    )


def shortlist_cards(entries: Sequence[ShortlistEntry], *, employer) -> list[ShortlistEntry]:
    """One page of the shortlist: each entry says whether its page is still open to the
    employer (``is_available``) and carries their feedback (two queries)."""
    entries = list(entries)
    if not entries:
        return entries
    portfolios = [entry.portfolio for entry in entries]
    prefetch_related_objects(portfolios, _skills_prefetch())
    feedback = {
        item.portfolio_id: item
        for item in EmployerFeedback.objects.filter(
            employer=employer, portfolio__in=[p.pk for p in portfolios]
        )
    }
    for entry in entries:
        portfolio = entry.portfolio
        portfolio.listed_verified_count = entry.listed_verified_count
        portfolio.on_shortlist = True
        entry.is_available = portfolio.student.is_active and audience_for(
            employer, portfolio
        ).may_open(portfolio)
        entry.feedback = feedback.get(portfolio.pk)
    return entries


def employer_feedback_for_portfolio(portfolio: Portfolio) -> QuerySet[EmployerFeedback]:
    """Every employer's feedback on ``portfolio``, newest first, with the organisation
    (``feedback.employer.employer_profile.organisation``) in the same query. For the
    student and their supervisors. Only from employers still approved and active: staff
    rejecting an account takes its feedback out of sight."""
    from accounts.models import EmployerProfile

    return (
        EmployerFeedback.objects.filter(
            portfolio=portfolio,
            employer__is_active=True,
            employer__employer_profile__status=EmployerProfile.Status.APPROVED,
        )
        .select_related("employer__employer_profile")
        .order_by("-updated_at", "-pk")
    )
