"""Who may read, change or download what in the journal. A post or file the viewer may not
see is a 404, never a 403: its existence is not given away."""

from __future__ import annotations

from django.http import Http404

from core.files.delivery import own_stored_file_or_404, stored_file_or_404
from journal.models import Post, PostAttachment
from portfolios.access import (
    Audience,
    access_portfolio_page,
    audience_for,
    file_audience,
    share_link_audience,
)
from portfolios.models import Portfolio, ShareLink


def access_post(user, pk: int, *, for_edit: bool = False) -> Post:
    """A post by its id. ``for_edit``: the owner's post (drafts included); anyone else,
    staff too, gets a 404. Otherwise: the post if ``user`` may open the portfolio page and
    the post is published, its date has come and its visibility reaches the user."""
    if for_edit:
        if not user.is_authenticated:
            raise Http404
        post = (
            Post.objects.select_related("portfolio").filter(pk=pk, portfolio__student=user).first()
        )
        if post is None:
            raise Http404
        return post
    post = (
        Post.objects.select_related("portfolio")
        .filter(pk=pk, portfolio__student__is_active=True)
        .first()
    )
    if post is None:
        raise Http404
    if not post_readable(post, audience_for(user, post.portfolio)):
        raise Http404
    return post


def post_readable(post: Post, audience: Audience) -> bool:
    """The owner reads their drafts and scheduled posts (a preview); others read what is
    published, dated in the past and visible at their level, on a page they may open."""
    if audience.is_owner:
        return True
    return audience.may_open(post.portfolio) and post.is_visible_at(audience.level)


def access_post_page(viewer, slug: str, pk: int) -> tuple[Portfolio, Audience, Post]:
    """A post at its address under the student's page: /p/<slug>/journal/<pk>/."""
    portfolio, audience = access_portfolio_page(viewer, slug)
    queryset = Post.objects.filter(pk=pk, portfolio=portfolio)
    if not audience.is_owner:
        queryset = queryset.visible_at(audience.level)
    post = queryset.prefetch_related("attachments").first()
    if post is None:
        raise Http404
    post.portfolio = portfolio
    return portfolio, audience, post


def access_shared_post(link: ShareLink, pk: int) -> tuple[Audience, Post]:
    """A post through a secret link: published, dated in the past and visible at the
    link's level, on the link's portfolio. Anything else is a 404."""
    audience = share_link_audience(link)
    post = (
        Post.objects.filter(pk=pk, portfolio=link.portfolio)
        .visible_at(audience.level)
        .prefetch_related("attachments")
        .first()
    )
    if post is None:
        raise Http404
    post.portfolio = link.portfolio
    return audience, post


def access_own_attachment(user, public_id) -> PostAttachment:
    attachments = PostAttachment.objects.select_related("post__portfolio")
    return own_stored_file_or_404(user, attachments, public_id, owner="post__portfolio__student")


def access_attachment_file(
    viewer, public_id, *, share_link: ShareLink | None = None
) -> PostAttachment:
    """The attachment if this viewer may read its post (the rules of ``access_post``), or,
    through ``share_link``, if the post is on the link's portfolio and the link reaches it."""

    def may_see(attachment: PostAttachment) -> bool:
        audience = file_audience(viewer, attachment.post.portfolio, share_link)
        return audience is not None and post_readable(attachment.post, audience)

    return stored_file_or_404(
        PostAttachment.objects.select_related("post__portfolio").filter(
            post__portfolio__student__is_active=True
        ),
        public_id,
        may_see=may_see,
    )
