"""Comments on a portfolio page, an achievement or a journal post, with one level of
replies, and the reports readers make about them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import markdown

BODY_MAX_LENGTH = 5000  # Markdown: see core/markdown.py


class Comment(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("author"),
    )
    # The target: exactly one of these three is set (see the check constraint).
    portfolio = models.ForeignKey(
        "portfolios.Portfolio",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("portfolio page"),
    )
    achievement = models.ForeignKey(
        "achievements.Achievement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("achievement"),
    )
    post = models.ForeignKey(
        "journal.Post",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("journal post"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    body = models.TextField(
        _("comment"),
        max_length=BODY_MAX_LENGTH,
        validators=markdown.source_validators(BODY_MAX_LENGTH),
        help_text=_("Markdown: **bold**, *italic*, lists, links."),
    )
    body_html = models.TextField(editable=False, blank=True)
    is_private = models.BooleanField(
        _("private feedback"),
        default=False,
        help_text=_("Only the owner of the page and you will see it."),
    )
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(portfolio__isnull=False, achievement__isnull=True, post__isnull=True)
                    | Q(portfolio__isnull=True, achievement__isnull=False, post__isnull=True)
                    | Q(portfolio__isnull=True, achievement__isnull=True, post__isnull=False)
                ),
                name="comment_exactly_one_target",
                violation_error_message=_("A comment belongs to exactly one item."),
            ),
        ]
        indexes = [
            # A thread is read by its target in order of writing.
            models.Index(
                fields=["portfolio", "created_at"],
                condition=Q(portfolio__isnull=False),
                name="comment_portfolio_thread_idx",
            ),
            models.Index(
                fields=["achievement", "created_at"],
                condition=Q(achievement__isnull=False),
                name="comment_achievement_thread_idx",
            ),
            models.Index(
                fields=["post", "created_at"],
                condition=Q(post__isnull=False),
                name="comment_post_thread_idx",
            ),
            models.Index(fields=["author", "-created_at"], name="comment_author_idx"),
        ]

    def __str__(self) -> str:
        text = " ".join(self.body.split())
        return text[:60] + ("…" if len(text) > 60 else "")

    def save(self, *args, **kwargs):
        # Markdown is rendered and sanitised once, when written, not on every page view.
        markdown.render_on_save(self, "body", "body_html", kwargs)
        super().save(*args, **kwargs)

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def target_kind(self) -> str:
        if self.portfolio_id is not None:
            return "portfolio"
        if self.achievement_id is not None:
            return "achievement"
        return "post"


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Insulting or harassing")
    PERSONAL = "personal", _("Shares personal data")
    OFF_TOPIC = "off_topic", _("Off topic")
    OTHER = "other", _("Something else")


class CommentReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class CommentReport(models.Model):
    """A reader's report about a comment; staff work through open ones in admin."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("comment")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comment_reports",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    note = models.TextField(
        _("note"), max_length=1000, blank=True, validators=[MaxLengthValidator(1000)]
    )
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution = models.CharField(
        _("decision"),
        max_length=20,
        blank=True,
        choices=[("hidden", _("Comment hidden")), ("dismissed", _("Dismissed"))],
    )

    objects = CommentReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                name="comment_report_once_per_reporter",
                violation_error_message=_("You have already reported this comment."),
            ),
            models.CheckConstraint(
                condition=Q(reason__in=[r.value for r in ReportReason]),
                name="comment_report_reason_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-created_at"],
                condition=Q(resolved_at__isnull=True),
                name="comment_report_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.comment}"
