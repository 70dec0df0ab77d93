"""Reads for threads: one query for the whole thread, however long it is."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from comments.access import Target, comment_readable
from comments.models import Comment


@dataclass
class Thread:
    target: Target
    # The first comments, oldest first, each with its replies in .thread_replies.
    comments: list[Comment] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(1 + len(c.thread_replies) for c in self.comments)


def thread_for(target: Target, viewer) -> Thread:
    """The comments of ``target`` that ``viewer`` may read, oldest first, replies under
    their first comment. Hidden comments stay in (the template shows them as hidden)."""
    comments = (
        Comment.objects.filter(**target.filter)
        .select_related("author", "parent")
        .only(
            "pk",
            "author_id",
            "parent_id",
            "body_html",
            "is_private",
            "hidden_at",
            "edited_at",
            "created_at",
            "portfolio_id",
            "achievement_id",
            "post_id",
            "author__username",
            "author__first_name",
            "author__last_name",
            "author__role",
            "parent__author_id",
            "parent__is_private",
        )  # fmt: skip
        .order_by("created_at", "pk")
    )
    owner_id = target.owner_id
    if viewer is None or not viewer.is_authenticated:
        comments = comments.filter(is_private=False)
    elif viewer.pk != owner_id:
        comments = comments.filter(
            Q(is_private=False) | Q(author=viewer) | Q(parent__author=viewer)
        )
    first: list[Comment] = []
    by_pk: dict[int, Comment] = {}
    replies: list[Comment] = []
    for comment in comments:
        if not comment_readable(comment, viewer, owner_id):  # the SQL above, once more
            continue
        if comment.parent_id is None:
            comment.thread_replies = []
            by_pk[comment.pk] = comment
            first.append(comment)
        else:
            replies.append(comment)
    for reply in replies:
        parent = by_pk.get(reply.parent_id)
        if parent is not None:
            parent.thread_replies.append(reply)
    return Thread(target=target, comments=first)
