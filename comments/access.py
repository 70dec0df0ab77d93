"""Who may read and write which comments. Views call these; they do not re-check anything.

Reading follows the item: a viewer reads the comments of a portfolio page, an achievement
or a journal post when the access rules of portfolios, achievements and journal let them
see it (else 404). Private comments (feedback) are read only by the owner of the item and
the comment's author — in a private thread, by the owner and the author of its first
comment. Comments the owner hid show to others as a line saying so.

Writing needs a signed-in user who may see the item, with comments turned on for the item
and for the portfolio page (else 403: the item itself is no secret). A comment the viewer
may not read is a 404 for every action on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from achievements.models import Achievement
from comments.models import Comment
from journal.access import access_post_page, post_readable
from journal.models import Post
from portfolios.access import Audience, access_portfolio_page, audience_for
from portfolios.models import Portfolio

KINDS = ("portfolio", "achievement", "post")


@dataclass
class Target:
    """The item a thread belongs to, as one viewer sees it."""

    kind: str
    item: Portfolio | Achievement | Post
    portfolio: Portfolio
    audience: Audience

    @property
    def owner_id(self) -> int:
        return self.portfolio.student_id

    @property
    def comments_enabled(self) -> bool:
        """Comments on: for the item and for the portfolio page it is on."""
        return self.portfolio.comments_enabled and self.item.comments_enabled

    @property
    def filter(self) -> dict:
        return {self.kind: self.item}

    @property
    def title(self) -> str:
        if self.kind == "portfolio":
            return self.portfolio.student.display_name
        return self.item.title

    def page_url(self) -> str:
        """Where the thread shows: the portfolio page, the post page, or the achievement's
        own thread page (the portfolio page's body is cached; its threads are not on it)."""
        if self.kind == "portfolio":
            return reverse("portfolios:public", args=[self.portfolio.slug])
        if self.kind == "post":
            return reverse("journal:detail", args=[self.portfolio.slug, self.item.pk])
        return self.thread_url()

    def thread_url(self) -> str:
        """The thread on its own (GET: a page, or the fragment for htmx; POST: comment)."""
        if self.kind == "portfolio":
            return reverse("comments:portfolio", args=[self.portfolio.slug])
        return reverse(f"comments:{self.kind}", args=[self.portfolio.slug, self.item.pk])


def access_thread(viewer, kind: str, slug: str, pk: int | None = None) -> Target:
    """The item's thread if ``viewer`` may see the item; else 404."""
    if kind == "post":
        portfolio, audience, post = access_post_page(viewer, slug, pk)
        return Target(kind, post, portfolio, audience)
    portfolio, audience = access_portfolio_page(viewer, slug)
    if kind == "portfolio":
        return Target(kind, portfolio, portfolio, audience)
    if kind == "achievement":
        achievement = (
            Achievement.objects.filter(portfolio=portfolio, pk=pk)
            .visible_at(audience.level)
            .first()
        )
        if achievement is None:
            raise Http404
        achievement.portfolio = portfolio
        return Target(kind, achievement, portfolio, audience)
    raise Http404


def check_may_write(viewer, target: Target) -> None:
    """Signed in (the view's login_required sees to that) and comments on; else 403."""
    if not viewer.is_authenticated:
        raise Http404
    if not target.comments_enabled:
        raise PermissionDenied


def may_write(viewer, target: Target) -> bool:
    return viewer.is_authenticated and target.comments_enabled


def _target_of(comment: Comment, viewer) -> Target:
    """The comment's item as ``viewer`` sees it; 404 when they may not see it."""
    kind = comment.target_kind
    if kind == "portfolio":
        item = portfolio = comment.portfolio
    elif kind == "achievement":
        item = comment.achievement
        portfolio = item.portfolio
    else:
        item = comment.post
        portfolio = item.portfolio
    if not portfolio.student.is_active:
        raise Http404
    audience = audience_for(viewer, portfolio)
    if not audience.may_open(portfolio):
        raise Http404
    if kind == "achievement" and not audience.sees(item.visibility):
        raise Http404
    if kind == "post" and not post_readable(item, audience):
        raise Http404
    return Target(kind, item, portfolio, audience)


def comment_readable(comment: Comment, viewer, owner_id: int) -> bool:
    """Private comments: the owner, the author and, in a private thread, the author of its
    first comment. Everything else anyone who sees the item reads."""
    if not comment.is_private:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.pk in (owner_id, comment.author_id):
        return True
    return comment.parent_id is not None and comment.parent.author_id == viewer.pk


ACTIONS = ("reply", "edit", "delete", "hide", "report")


def may_report(viewer_id: int | None, comment: Comment) -> bool:
    """Who may report a comment they can read: any signed-in reader but its author, and
    not once it is hidden (already dealt with; others see no text to report). The thread
    offers "Report" by this rule, and ``access_comment`` refuses by it."""
    return bool(viewer_id) and viewer_id != comment.author_id and not comment.is_hidden


def access_comment(viewer, pk: int, *, action: str) -> tuple[Comment, Target]:
    """The comment and its item for ``action``, or 404 (403 for a reply when comments are
    off). reply: anyone who may write on the item, to a comment that is not hidden (a
    reply to a reply answers its first comment); edit: the author; delete: the author or
    the owner of the item; hide (and show again): the owner; report: any signed-in
    reader but the author."""
    if action not in ACTIONS:
        raise ValueError(action)
    if not viewer.is_authenticated:
        raise Http404
    comment = (
        Comment.objects.select_related(
            "author",
            "parent",
            "portfolio__student",
            "achievement__portfolio__student",
            "post__portfolio__student",
        )
        .filter(pk=pk)
        .first()
    )
    if comment is None:
        raise Http404
    target = _target_of(comment, viewer)
    if not comment_readable(comment, viewer, target.owner_id):
        raise Http404
    is_owner = viewer.pk == target.owner_id
    is_author = viewer.pk == comment.author_id
    if action == "reply":
        if comment.parent_id is not None:
            comment = comment.parent
        if comment.is_hidden and not is_owner:
            raise Http404
        check_may_write(viewer, target)
    elif (
        (action == "edit" and not is_author)
        or (action == "delete" and not (is_author or is_owner))
        or (action == "hide" and not is_owner)
        or (action == "report" and not may_report(viewer.pk, comment))
    ):
        raise Http404
    return comment, target
