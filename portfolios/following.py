"""Following portfolios: who may follow what, the writes, and the dashboard feed.

A follow is the follower's own record. The feed is built from the portfolios' current
content on every read, through the same rules as the portfolio page (``portfolios.access``,
``visible_at`` of achievements and posts): an item made private, a draft, a scheduled post
or a page the follower may no longer open never shows. The activity log is not read: its
labels name items the follower may not see.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext as _

from achievements.models import Achievement
from journal.models import Post
from portfolios.access import Audience, access_portfolio_page, audiences_for
from portfolios.models import Follow, Portfolio, Visibility

FEED_LENGTH = 15
# At most this many updates of one portfolio in the feed, so one busy student does not
# push everyone else out of it (their page has the rest).
FEED_PER_PORTFOLIO = 3
# An item saved again within this time of its creation (evidence attached with it) was
# "added", not "changed"; a portfolio saved within it of its creation has no profile yet.
SAME_EDIT = timedelta(minutes=1)
# The feed never carries "only me" items, nor anything of a page open to its owner only,
# even to staff, who see those on the page itself.
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


class FeedKind:
    ACHIEVEMENT_ADDED = "achievement_added"
    ACHIEVEMENT_CHANGED = "achievement_changed"
    POST_PUBLISHED = "post_published"
    PROFILE_UPDATED = "profile_updated"


@dataclass(frozen=True)
class FeedItem:
    kind: str
    at: datetime
    portfolio: Portfolio
    title: str = ""
    object_id: int | None = None


def _newest_per_portfolio(queryset: QuerySet, *order: str) -> QuerySet:
    """``queryset`` cut to the newest FEED_PER_PORTFOLIO rows of each portfolio (in SQL,
    with ROW_NUMBER over each portfolio's rows), newest first."""
    ordering = [F(name[1:]).desc() if name.startswith("-") else F(name) for name in order]
    return (
        queryset.annotate(
            feed_rank=Window(RowNumber(), partition_by=F("portfolio_id"), order_by=ordering)
        )
        .filter(feed_rank__lte=FEED_PER_PORTFOLIO)
        .order_by(*order)
    )


def following_feed(viewer, *, limit: int = FEED_LENGTH) -> list[FeedItem]:
    """The newest ``limit`` updates of the portfolios ``viewer`` follows that they may see
    now: achievements added or changed, journal posts published, profiles updated; at most
    FEED_PER_PORTFOLIO of each portfolio.

    Five queries at most, whatever the number of portfolios followed: the portfolios, the
    viewer's supervisor assignments among them, an employer's approval, the achievements
    and the posts (each cut per portfolio and to ``limit`` in the database).
    """
    if not viewer.is_authenticated:
        return []
    portfolios = {
        p.pk: p
        for p in Portfolio.objects.filter(follows__follower_id=viewer.pk, student__is_active=True)
        .select_related("student")
        .defer("about", "about_html")
    }
    audiences = audiences_for(viewer, portfolios.values())
    by_level: dict[int, list[int]] = {}
    for pk, portfolio in portfolios.items():
        audience = audiences[pk]
        level = max(audience.level, FEED_FLOOR)
        if not audience.is_owner and Audience(level=level).may_open(portfolio):
            by_level.setdefault(level, []).append(pk)
    if not by_level:
        return []

    shown = {pk for pks in by_level.values() for pk in pks}
    items = [
        FeedItem(kind=FeedKind.PROFILE_UPDATED, at=p.updated_at, portfolio=p)
        for pk, p in portfolios.items()
        if pk in shown and p.updated_at - p.created_at > SAME_EDIT
    ]
    achievements = reduce(
        operator.or_,
        (
            Achievement.objects.filter(portfolio_id__in=pks).visible_at(level)
            for level, pks in by_level.items()
        ),
    )
    achievements = achievements.only("pk", "title", "portfolio_id", "created_at", "updated_at")
    for achievement in _newest_per_portfolio(achievements, "-updated_at", "-pk")[:limit]:
        added = achievement.updated_at - achievement.created_at <= SAME_EDIT
        items.append(
            FeedItem(
                kind=FeedKind.ACHIEVEMENT_ADDED if added else FeedKind.ACHIEVEMENT_CHANGED,
                at=achievement.updated_at,
                portfolio=portfolios[achievement.portfolio_id],
                title=achievement.title,
                object_id=achievement.pk,
            )
        )
    posts = reduce(
        operator.or_,
        (
            Post.objects.filter(portfolio_id__in=pks).visible_at(level)
            for level, pks in by_level.items()
        ),
    )
    posts = posts.only("pk", "title", "portfolio_id", "published_at")
    for post in _newest_per_portfolio(posts, "-published_at", "-pk")[:limit]:
        items.append(
            FeedItem(
                kind=FeedKind.POST_PUBLISHED,
                at=post.published_at,
                portfolio=portfolios[post.portfolio_id],
                title=post.title,
                object_id=post.pk,
            )
        )
    items.sort(key=lambda item: (item.at, item.object_id or 0), reverse=True)
    per_portfolio: dict[int, int] = {}
    feed = []
    for item in items:
        seen = per_portfolio.get(item.portfolio.pk, 0)
        if seen < FEED_PER_PORTFOLIO:
            per_portfolio[item.portfolio.pk] = seen + 1
            feed.append(item)
    return feed[:limit]
