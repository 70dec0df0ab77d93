"""Who may change an achievement and who may download an evidence file."""

from __future__ import annotations

from django.http import Http404

from achievements.models import Achievement, Evidence
from portfolios.access import Audience, audience_for, share_link_audience
from portfolios.models import ShareLink


def access_own_achievement(user, pk: int) -> Achievement:
    """The owner's achievement for editing; anyone else (staff included) gets a 404."""
    if not user.is_authenticated:
        raise Http404
    achievement = (
        Achievement.objects.select_related("portfolio", "category")
        .filter(pk=pk, portfolio__student=user)
        .first()
    )
    if achievement is None:
        raise Http404
    return achievement


def access_own_evidence(user, public_id) -> Evidence:
    if not user.is_authenticated:
        raise Http404
    evidence = (
        Evidence.objects.select_related("achievement__portfolio")
        .filter(public_id=public_id, achievement__portfolio__student=user)
        .first()
    )
    if evidence is None:
        raise Http404
    return evidence


def access_evidence_file(viewer, public_id, *, share_link: ShareLink | None = None) -> Evidence:
    """The evidence if this viewer (or this secret link) may see its achievement; else 404."""
    evidence = (
        Evidence.objects.select_related("achievement__portfolio")
        .filter(public_id=public_id, achievement__portfolio__student__is_active=True)
        .first()
    )
    if evidence is None:
        raise Http404
    portfolio = evidence.achievement.portfolio
    audience: Audience
    if share_link is not None:
        if share_link.portfolio_id != portfolio.pk:
            raise Http404
        audience = share_link_audience(share_link)
    else:
        audience = audience_for(viewer, portfolio)
    if not audience.may_open(portfolio) or not audience.sees(evidence.achievement.visibility):
        raise Http404
    return evidence
