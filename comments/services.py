"""Writes for comments and reports. Who may do what is decided in comments/access.py before
these are called; these keep the data right (one level of replies, private threads stay
private, the rate limit)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.models import Comment, CommentReport
from comments.signals import comment_posted
from core import markdown
from core.limits import Limit, LimitUnavailable

# Counted in the shared store (core/limits.py), so a user's comments count together on
# every app server. The window starts at the first comment of a minute.
COMMENTS_PER_USER = Limit(
    "comments", maximum=lambda: settings.COMMENTS_PER_MINUTE, window=lambda: 60
)


class CommentRateLimited(ValidationError):
    """More than COMMENTS_PER_MINUTE comments from one user in a minute."""

    def __init__(self):
        super().__init__(
            _("You are commenting too fast. Wait a minute and try again."), code="rate_limited"
        )


class CommentsUnavailable(ValidationError):
    """The limit cannot be counted (its store is unreachable): nothing is posted for the
    moment, rather than letting a flood (and its notification e-mails) through."""

    def __init__(self):
        super().__init__(
            _("Comments cannot be posted for a moment. Please try again in a minute."),
            code="unavailable",
        )


def _count_comment(user) -> None:
    """Count one comment of ``user``, or raise if it is one too many (or cannot be counted).
    Counting and comparing is one step, so parallel requests cannot slip past the limit."""
    try:
        allowed = COMMENTS_PER_USER.allows(user.pk)
    except LimitUnavailable:
        raise CommentsUnavailable() from None
    if not allowed:
        raise CommentRateLimited()


def comment_create(
    *,
    author,
    body: str,
    portfolio=None,
    achievement=None,
    post=None,
    parent: Comment | None = None,
    is_private: bool = False,
) -> Comment:
    """A comment on one item, or a reply. A reply to a reply answers the first comment; a
    reply in a private thread is private. Raises CommentRateLimited past the limit, and
    CommentsUnavailable when the limit cannot be counted (both ValidationErrors: the form
    shows them above the text, which stays)."""
    if parent is not None:
        if parent.parent_id is not None:
            parent = parent.parent
        portfolio, achievement, post = parent.portfolio, parent.achievement, parent.post
        is_private = parent.is_private
    comment = Comment(
        author=author, body=body, portfolio=portfolio, achievement=achievement, post=post,
        parent=parent, is_private=is_private,
    )  # fmt: skip
    comment.full_clean()
    _count_comment(author)
    markdown.render_ahead(comment, "body")  # rendered before the transaction starts
    with transaction.atomic():
        comment.save()
        comment_posted.send(sender=Comment, comment=comment)
    return comment


def comment_update(*, comment: Comment, body: str) -> Comment:
    if body == comment.body:
        return comment
    comment.body = body
    comment.edited_at = timezone.now()
    comment.full_clean()
    markdown.render_ahead(comment, "body")  # rendered before the transaction starts
    with transaction.atomic():
        comment.save(update_fields=["body", "edited_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment) -> None:
    """Deletes the comment with its replies and reports."""
    comment.delete()


@transaction.atomic
def comment_hide(*, comment: Comment, by) -> Comment:
    if comment.hidden_at is None:
        comment.hidden_at = timezone.now()
        comment.hidden_by = by
        comment.save(update_fields=["hidden_at", "hidden_by"])
    return comment


@transaction.atomic
def comment_unhide(*, comment: Comment) -> Comment:
    if comment.hidden_at is not None:
        comment.hidden_at = None
        comment.hidden_by = None
        comment.save(update_fields=["hidden_at", "hidden_by"])
    return comment


class AlreadyReported(ValidationError):
    def __init__(self):
        super().__init__(_("You have already reported this comment."), code="already_reported")


@transaction.atomic
def comment_report(*, comment: Comment, reporter, reason: str, note: str = "") -> CommentReport:
    """A report for staff's moderation queue; one per reader and comment."""
    report = CommentReport(comment=comment, reporter=reporter, reason=reason, note=note)
    try:
        report.full_clean()
    except ValidationError as error:
        if (
            "__all__" in error.message_dict
            and CommentReport.objects.filter(comment=comment, reporter=reporter).exists()
        ):
            raise AlreadyReported() from None
        raise
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # the same report from another tab, just now
        raise AlreadyReported() from None
    return report


@transaction.atomic
def report_resolve(*, report: CommentReport, by, hide: bool) -> CommentReport:
    """Staff's decision: hide the comment (which resolves every open report on it) or
    dismiss this report."""
    now = timezone.now()
    if hide:
        comment_hide(comment=report.comment, by=by)
        CommentReport.objects.open().filter(comment_id=report.comment_id).update(
            resolved_at=now, resolved_by=by, resolution="hidden"
        )
        report.refresh_from_db()
    elif report.resolved_at is None:
        report.resolved_at = now
        report.resolved_by = by
        report.resolution = "dismissed"
        report.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    return report
