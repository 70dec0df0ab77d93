"""Comments tell the people concerned: the student whose portfolio, achievement or journal
post was commented on, and, for a reply, the author of the comment replied to. Connected
in apps.py only when the comments app is installed."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from notifications.models import Kind
from notifications.services import notify


def connect_comments() -> None:
    from comments.models import Comment
    from comments.signals import comment_posted

    comment_posted.connect(
        comment_posted_notify, sender=Comment, dispatch_uid="notifications_comment_posted"
    )


def _thread_url(name: str, args: list, fallback: str) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the comments app's pages are not there (yet)
        return fallback


def comment_target(comment) -> tuple[int, dict, str]:
    """The student who owns what was commented on, the facts for the sentence, and where
    the thread shows (as comments' Target.page_url: the portfolio page, the post page, the
    achievement's thread page)."""
    if getattr(comment, "achievement", None) is not None:
        achievement = comment.achievement
        portfolio = achievement.portfolio
        url = _thread_url(
            "comments:achievement",
            [portfolio.slug, achievement.pk],
            reverse("portfolios:public", args=[portfolio.slug]),
        )
        return (
            portfolio.student_id,
            {"target_kind": "achievement", "target": achievement.title},
            url,
        )
    if getattr(comment, "post", None) is not None:
        post = comment.post
        portfolio = post.portfolio
        url = reverse("journal:detail", args=[portfolio.slug, post.pk])
        return portfolio.student_id, {"target_kind": "post", "target": post.title}, url
    portfolio = comment.portfolio
    url = reverse("portfolios:public", args=[portfolio.slug])
    return (
        portfolio.student_id,
        {"target_kind": "portfolio", "target": portfolio.student.display_name},
        url,
    )


def comment_posted_notify(sender, comment, **kwargs) -> None:
    """The owner hears of a comment, the parent's author of a reply; nobody of their own
    comment, and nobody twice."""
    owner_id, params, url = comment_target(comment)
    url = f"{url}#comment-{comment.pk}"
    params = {**params, "private": bool(getattr(comment, "is_private", False))}
    author_id = comment.author_id
    parent = getattr(comment, "parent", None)
    parent_author_id = parent.author_id if parent is not None else None
    if parent_author_id is not None and parent_author_id != author_id:
        notify(recipient=parent_author_id, kind=Kind.REPLY, actor=author_id, url=url, params=params)
    if owner_id != parent_author_id:
        notify(recipient=owner_id, kind=Kind.COMMENT, actor=author_id, url=url, params=params)
