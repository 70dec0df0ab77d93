"""Writes for journal posts and their attachments.

Attachments follow the rules of achievement evidence: files are checked by
core.files.uploads before anything is stored (the form does it), written through
``StoredFiles`` so that a failure anywhere removes them again, and count against the
student's one storage quota (core.files.quota.storage_reserve).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from core import markdown
from core.files.quota import storage_reserve
from core.files.storage import StoredFiles
from core.files.uploads import PreparedFile
from journal.models import MAX_TAGS, TAG_LENGTH, Post, PostAttachment, Status
from journal.signals import post_deleted, post_saved
from portfolios.content import content_batch, content_changed, content_changed_many
from portfolios.models import Portfolio

POST_FIELDS = (
    "title", "body", "tags", "visibility", "status", "published_at", "comments_enabled",
)  # fmt: skip


def tags_normalise(names: list[str]) -> list[str]:
    """Tags as shown (single spaces, trimmed, at most TAG_LENGTH characters), without
    repeats that differ only in case; the first spelling wins (like skills)."""
    seen: dict[str, str] = {}
    for raw in names:
        display = " ".join(str(raw).split())[:TAG_LENGTH].strip()
        key = display.casefold()
        if key and key not in seen:
            seen[key] = display
    return list(seen.values())[:MAX_TAGS]


def _saved(post: Post, *, created: bool = False) -> None:
    """The portfolio is refreshed once at the end of the write; listeners (analytics)
    hear of the post."""
    content_changed(post.portfolio_id)
    post_saved.send(sender=Post, post=post, created=created)


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - set(POST_FIELDS)
    if unknown:
        raise TypeError(f"unknown post fields: {sorted(unknown)}")


def _date_on_publish(post: Post) -> None:
    """A post published without a date is published now; a draft keeps its date (if the
    student chose one, it is used when the post is published)."""
    if post.status == Status.PUBLISHED and post.published_at is None:
        post.published_at = timezone.now()


def _store_attachments(stored: StoredFiles, post: Post, files) -> list[PostAttachment]:
    order = (post.attachments.aggregate(top=Max("order"))["top"] or 0) + 1
    return [
        PostAttachment.create_from_prepared(stored, item, post=post, order=order + position)
        for position, item in enumerate(files)
    ]


def post_create(*, portfolio: Portfolio, files: list[PreparedFile] | None = None, **fields) -> Post:
    """A new post with its attachments; on any failure no row and no file remain."""
    _check_fields(fields)
    fields.setdefault("visibility", portfolio.default_visibility)
    fields["tags"] = tags_normalise(fields.get("tags") or [])
    post = Post(portfolio=portfolio, **fields)
    markdown.render_ahead(post, "body")  # before the quota takes the portfolio's row lock
    with StoredFiles() as stored, transaction.atomic(), content_batch():
        storage_reserve(portfolio, files or [])
        _date_on_publish(post)
        post.full_clean()
        post.save()
        _store_attachments(stored, post, files or [])
        _saved(post, created=True)
    return post


def post_update(*, post: Post, files: list[PreparedFile] | None = None, **fields) -> Post:
    _check_fields(fields)
    if "tags" in fields:
        fields["tags"] = tags_normalise(fields["tags"] or [])
    markdown.render_ahead(post, "body", fields.get("body", post.body))  # before the lock
    with StoredFiles() as stored, transaction.atomic(), content_batch():
        storage_reserve(post.portfolio, files or [])
        for name, value in fields.items():
            setattr(post, name, value)
        _date_on_publish(post)
        post.full_clean()
        post.save()
        _store_attachments(stored, post, files or [])
        _saved(post)
    return post


def post_publish(*, post: Post, at=None) -> Post:
    """Publish a draft now (or at ``at``: a future time schedules it)."""
    with transaction.atomic(), content_batch():
        post.status = Status.PUBLISHED
        post.published_at = at or post.published_at or timezone.now()
        post.full_clean()
        post.save(update_fields=["status", "published_at", "updated_at"])
        _saved(post)
    return post


def post_unpublish(*, post: Post) -> Post:
    """Back to a draft: nobody but the student sees it."""
    with transaction.atomic(), content_batch():
        post.status = Status.DRAFT
        post.full_clean()
        post.save(update_fields=["status", "updated_at"])
        _saved(post)
    return post


def post_delete(*, post: Post) -> None:
    """The attachments go with it; their files are deleted after commit (receivers.py).
    Listeners hear of it before the row goes."""
    with transaction.atomic(), content_batch():
        post_deleted.send(sender=Post, post=post)
        content_changed(post.portfolio_id)
        post.delete()


def attachment_delete(*, attachment: PostAttachment) -> None:
    """The files are deleted after commit (receivers.py); the change is the post's."""
    with transaction.atomic(), content_batch():
        post = attachment.post
        attachment.delete()
        Post.objects.filter(pk=post.pk).update(updated_at=timezone.now())
        _saved(post)


def due_posts_publish(*, batch_size: int = 100) -> int:
    """Show scheduled posts whose date has come everywhere a stored copy would hide them.

    Lists, feeds and post pages ask the clock when they read; two things are written ahead:
    the cached portfolio page (keyed by the content version) and the employers' search
    document. For every portfolio with a post that came due after its document was last
    written, move the content version and rewrite the figures and the document. Returns
    how many portfolios; safe to run at any interval (``manage.py publish_due_posts``)."""
    ids = list(
        Post.objects.filter(
            status=Status.PUBLISHED,
            published_at__lte=timezone.now(),
            published_at__gt=F("portfolio__search_document__updated_at"),
        )
        .values_list("portfolio_id", flat=True)
        .distinct()
        .order_by("portfolio_id")
    )
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        with transaction.atomic(), content_batch():
            content_changed_many(batch)
    return len(ids)
