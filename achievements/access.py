"""Who may change an achievement and who may download an evidence file."""

from __future__ import annotations

from django.http import Http404

from achievements.models import Achievement, Evidence
from core.files.delivery import own_stored_file_or_404, stored_file_or_404
from portfolios.access import file_audience
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
    evidence = Evidence.objects.select_related("achievement__portfolio")
    return own_stored_file_or_404(
        user, evidence, public_id, owner="achievement__portfolio__student"
    )


def access_evidence_file(viewer, public_id, *, share_link: ShareLink | None = None) -> Evidence:
    """The evidence if this viewer (or this secret link) may see its achievement; else 404."""

    def may_see(evidence: Evidence) -> bool:
        portfolio = evidence.achievement.portfolio
        audience = file_audience(viewer, portfolio, share_link)
        return (
            audience is not None
            and audience.may_open(portfolio)
            and audience.sees(evidence.achievement.visibility)
        )

    return stored_file_or_404(
        Evidence.objects.select_related("achievement__portfolio").filter(
            achievement__portfolio__student__is_active=True
        ),
        public_id,
        may_see=may_see,
    )
