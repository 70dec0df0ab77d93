"""Reads for journal pages: a fixed number of queries whatever the number of posts."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from journal.models import Post, Status
from portfolios.access import PUBLIC, Audience, audience_for
from portfolios.models import Portfolio

LATEST_ON_PAGE = 3


def posts_for_audience(portfolio: Portfolio, audience: Audience) -> QuerySet[Post]:
    """Published posts (their date come) that ``audience`` may see, newest first, with
    their text. Drafts and scheduled posts are the owner's, on the journal editor."""
    return (
        Post.objects.filter(portfolio=portfolio)
        .visible_at(audience.level)
        .defer("body")
        .newest_first()
    )


def posts_visible_to(viewer, portfolio: Portfolio) -> QuerySet[Post]:
    """The posts of ``portfolio`` a user (or an anonymous visitor) may read."""
    return posts_for_audience(portfolio, audience_for(viewer, portfolio))


def posts_latest(portfolio: Portfolio, audience: Audience, *, limit: int = LATEST_ON_PAGE):
    """The newest ``limit`` posts for the portfolio page and whether there are more."""
    posts = list(
        Post.objects.filter(portfolio=portfolio)
        .visible_at(audience.level)
        .defer("body")
        .newest_first()[: limit + 1]
    )
    return posts[:limit], len(posts) > limit


def posts_public(portfolio: Portfolio, *, limit: int = 20) -> QuerySet[Post]:
    """What the Atom feed carries: published posts everyone may see."""
    return posts_for_audience(portfolio, PUBLIC)[:limit]


def posts_of_owner(portfolio: Portfolio, *, tag: str = "") -> QuerySet[Post]:
    """Every post of the student, drafts and scheduled ones included, for the editor."""
    posts = (
        Post.objects.filter(portfolio=portfolio)
        .defer("body", "body_html")
        .annotate(attachment_count=Count("attachments"))
        .newest_first()
    )
    return posts.filter(tags__contains=[tag]) if tag else posts


def journal_counts(portfolio: Portfolio) -> dict[str, int]:
    """How many posts the student has: published (their date come), scheduled and drafts
    (one query)."""
    now = timezone.now()
    published = Q(status=Status.PUBLISHED)
    return Post.objects.filter(portfolio=portfolio).aggregate(
        total=Count("pk"),
        published=Count("pk", filter=published & Q(published_at__lte=now)),
        scheduled=Count("pk", filter=published & Q(published_at__gt=now)),
        drafts=Count("pk", filter=Q(status=Status.DRAFT)),
    )
