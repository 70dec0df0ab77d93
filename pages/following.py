"""The dashboard feed of the portfolios a user follows.

It is built from the portfolios' current content on every read, through the same rules as
the portfolio page (``portfolios.access``, ``visible_at`` of achievements and posts): an
item made private, a draft, a scheduled post or a page the follower may no longer open
never shows. The activity log is not read: its labels name items the follower may not see.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from achievements.models import Achievement
from journal.models import Post
from portfolios.access import Audience, audiences_for
from portfolios.following import FEED_FLOOR
from portfolios.models import Portfolio

FEED_LENGTH = 15
# At most this many updates of one portfolio in the feed, so one busy student does not
# push everyone else out of it (their page has the rest).
FEED_PER_PORTFOLIO = 3
# An item saved again within this time of its creation (evidence attached with it) was
# "added", not "changed"; a portfolio saved within it of its creation has no profile yet.
SAME_EDIT = timedelta(minutes=1)


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
