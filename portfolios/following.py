"""Following portfolios: who may follow what, the writes, the follow button's state and
the list of portfolios followed. A follow is the follower's own record. The dashboard feed
built from the followed portfolios' achievements and posts is in ``pages.following``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from portfolios.access import Audience, access_portfolio_page, audiences_for
from portfolios.models import Follow, Portfolio, Visibility

# The dashboard feed (pages.following) never carries "only me" items, nor anything of a
# page open to its owner only, even to staff, who see those on the page itself.
FEED_FLOOR = Visibility.SUPERVISORS

# --- Access ------------------------------------------------------------------------------


def access_follow_target(user, slug: str) -> Portfolio:
    """A portfolio ``user`` may follow: one whose page they may open now (else 404), not
    their own (403)."""
    portfolio, audience = access_portfolio_page(user, slug)
    if audience.is_owner:
        raise PermissionDenied
    return portfolio


def access_unfollow_target(user, slug: str) -> Portfolio:
    """A portfolio ``user`` follows, whether or not they may still open it (a follow is
    theirs to remove), or else one they may follow; anything else is a 404."""
    follow = (
        Follow.objects.select_related("portfolio")
        .filter(follower_id=user.pk, portfolio__slug=slug.lower())
        .first()
    )
    if follow is not None:
        return follow.portfolio
    return access_follow_target(user, slug)


# --- Writes ------------------------------------------------------------------------------


@transaction.atomic
def follow_add(*, follower, portfolio: Portfolio) -> Follow:
    """Follow ``portfolio``; following it again changes nothing."""
    if follower.pk == portfolio.student_id:
        raise ValidationError(_("You cannot follow your own portfolio."), code="own_portfolio")
    follow, _created = Follow.objects.get_or_create(follower=follower, portfolio=portfolio)
    return follow


@transaction.atomic
def follow_remove(*, follower, portfolio: Portfolio) -> bool:
    """Stop following ``portfolio``; whether there was a follow to remove."""
    deleted, _by_model = Follow.objects.filter(follower=follower, portfolio=portfolio).delete()
    return deleted > 0


# --- Reads -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowState:
    """What the follow button shows: whether the viewer follows, and how many do."""

    portfolio: Portfolio
    is_following: bool
    follower_count: int | None = None


def annotate_follow_state(portfolios: QuerySet[Portfolio], viewer) -> QuerySet[Portfolio]:
    """Each portfolio with ``follower_count`` and ``followed_by_viewer``: the follow
    button's state in the query that loads the page (no query of its own)."""
    count = Subquery(
        Follow.objects.filter(portfolio=OuterRef("pk"))
        .order_by()
        .values("portfolio")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )
    mine = (
        Exists(Follow.objects.filter(portfolio=OuterRef("pk"), follower_id=viewer.pk))
        if viewer is not None and viewer.is_authenticated
        else Value(False)
    )
    return portfolios.annotate(follower_count=Coalesce(count, 0), followed_by_viewer=mine)


def follow_state(viewer, portfolio: Portfolio) -> FollowState:
    """The follower count and whether ``viewer`` is one of them: from the annotations of
    ``annotate_follow_state`` if the portfolio has them, else one query."""
    if hasattr(portfolio, "follower_count"):
        return FollowState(
            portfolio=portfolio,
            is_following=bool(portfolio.followed_by_viewer),
            follower_count=portfolio.follower_count,
        )
    annotated = annotate_follow_state(Portfolio.objects.filter(pk=portfolio.pk), viewer)
    counts = annotated.values("follower_count", "followed_by_viewer").get()
    return FollowState(
        portfolio=portfolio,
        is_following=bool(counts["followed_by_viewer"]),
        follower_count=counts["follower_count"],
    )


@dataclass(frozen=True)
class FollowedPortfolio:
    portfolio: Portfolio
    follow: Follow
    is_visible: bool

    @property
    def state(self) -> FollowState:
        return FollowState(portfolio=self.portfolio, is_following=True)


def followed_portfolios(viewer) -> list[FollowedPortfolio]:
    """The portfolios ``viewer`` follows, newest follow first, each marked whether they
    may open its page now (two queries at most, however many)."""
    follows = list(
        Follow.objects.filter(follower_id=viewer.pk, portfolio__student__is_active=True)
        .select_related("portfolio__student__program")
        .order_by("-created_at", "-pk")
    )
    audiences = audiences_for(viewer, [f.portfolio for f in follows])
    return [
        FollowedPortfolio(
            portfolio=f.portfolio,
            follow=f,
            is_visible=_opens(audiences[f.portfolio.pk], f.portfolio),
        )
        for f in follows
    ]


def _opens(audience: Audience, portfolio: Portfolio) -> bool:
    return not audience.is_owner and audience.may_open(portfolio)
