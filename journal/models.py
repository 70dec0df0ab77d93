"""Journal posts a student writes, and the files attached to them."""

from __future__ import annotations

import html
import re

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core import markdown
from core.dates import datetime_range_constraint, validate_date_in_range
from core.files.storage import evidence_upload_to
from core.models import StoredFile
from portfolios.models import Portfolio, Visibility

MAX_TAGS = 10
TAG_LENGTH = 40
BODY_MAX_LENGTH = 10_000  # Markdown: see core/markdown.py
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
        max_length=BODY_MAX_LENGTH,
        validators=markdown.source_validators(BODY_MAX_LENGTH),
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
        validators=[validate_date_in_range],
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
            datetime_range_constraint("published_at", name="post_published_at_in_range"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        markdown.render_on_save(self, "body", "body_html", kwargs)
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


class PostAttachment(StoredFile):
    """A file attached to a post: checked, stored and delivered like achievement evidence
    (core.files, core.models.StoredFile)."""

    quota_owner = "post__portfolio"

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("post")
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=200)

    class Meta(StoredFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") & ~Q(kind="link"), name="post_attachment_is_a_file"
            )
        ]

    def __str__(self) -> str:
        return self.original_name
