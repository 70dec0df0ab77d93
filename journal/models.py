"""Journal posts a student writes, and the files attached to them."""

from __future__ import annotations

import html
import re
import uuid

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from achievements.files import evidence_upload_to
from achievements.uploads import Kind
from portfolio_site import markdown
from portfolios.models import Portfolio, Visibility

MAX_TAGS = 10
TAG_LENGTH = 40
EXCERPT_WORDS = 40
BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|td|th|blockquote|pre|dt|dd)>|<br\s*/?>", re.IGNORECASE)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PostQuerySet(models.QuerySet):
    def visible_at(self, level: int):
        """Published posts whose date has come, at visibility ``level`` or wider."""
        return self.filter(
            status=Status.PUBLISHED, published_at__lte=timezone.now(), visibility__gte=level
        )

    def newest_first(self):
        return self.order_by(models.F("published_at").desc(nulls_first=True), "-pk")


class Post(models.Model):
    portfolio = models.ForeignKey(
        Portfolio, on_delete=models.CASCADE, related_name="posts", verbose_name=_("portfolio")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_("Markdown: **bold**, *italic*, lists, links, tables."),
    )
    body_html = models.TextField(editable=False, blank=True)
    tags = ArrayField(
        models.CharField(max_length=TAG_LENGTH),
        verbose_name=_("tags"),
        default=list,
        blank=True,
        size=MAX_TAGS,
    )
    visibility = models.PositiveSmallIntegerField(
        _("who can see it"), choices=Visibility.choices, default=Visibility.SUPERVISORS
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("A date in the future schedules the post: nobody sees it before then."),
    )
    comments_enabled = models.BooleanField(_("allow comments"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("journal post")
        verbose_name_plural = _("journal posts")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(
                fields=["portfolio", "status", "visibility", "-published_at"],
                name="post_visible_idx",
            ),
            GinIndex(fields=["tags"], name="post_tags_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=[v.value for v in Visibility]),
                name="post_visibility_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="post_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="post_published_has_date",
                violation_error_message=_("A published post needs a publication date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Markdown is rendered and sanitised once, when written, not on every page view.
        self.body_html = markdown.render(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("journal:detail", args=[self.portfolio.slug, self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def excerpt(self) -> str:
        """The first words of the text, as plain text (escaped again where shown); the
        ends of paragraphs, list items, headings and cells become " · " so a list does not
        run together into one sentence."""
        marked = BLOCK_END.sub(" · ", self.body_html)
        text = " ".join(html.unescape(strip_tags(marked)).split())
        text = re.sub(r"(\s*·\s*)+", " · ", text).strip(" ·")
        return Truncator(text).words(EXCERPT_WORDS)

    def is_visible_at(self, level: int) -> bool:
        """In Python what ``PostQuerySet.visible_at`` asks the database."""
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
            and self.visibility >= level
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )


class PostAttachment(models.Model):
    """A file attached to a post: checked, stored and delivered like achievement evidence
    (achievements/uploads.py, achievements/files.py, achievements/delivery.py)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("post")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=200)
    display_file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=200)
    thumbnail_file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=200)
    original_name = models.CharField(_("file name"), max_length=150, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    stored_bytes = models.PositiveBigIntegerField(
        _("stored bytes"), default=0, help_text=_("The file with its display copy and thumbnail.")
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") & ~Q(kind="link"), name="post_attachment_is_a_file"
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    def stored_names(self) -> list[str]:
        return [f.name for f in (self.file, self.display_file, self.thumbnail_file) if f]
