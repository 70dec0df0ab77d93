"""The activity log: every change to a student's portfolio content, every login and every
review they receive, written by the services. Analytics reads engagement from here."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    ACHIEVEMENT_CREATED = "achievement_created", _("Achievement added")
    ACHIEVEMENT_UPDATED = "achievement_updated", _("Achievement changed")
    ACHIEVEMENT_DELETED = "achievement_deleted", _("Achievement deleted")
    EVIDENCE_ADDED = "evidence_added", _("Evidence added")
    EVIDENCE_UPDATED = "evidence_updated", _("Evidence changed")
    EVIDENCE_DELETED = "evidence_deleted", _("Evidence deleted")
    PROFILE_UPDATED = "profile_updated", _("Profile changed")
    POST_CREATED = "post_created", _("Journal post written")
    POST_UPDATED = "post_updated", _("Journal post changed")
    POST_DELETED = "post_deleted", _("Journal post deleted")
    LOGIN = "login", _("Signed in")
    REVIEW_RECEIVED = "review_received", _("Review received")


# What counts as an update of the portfolio (engagement metrics count these).
CONTENT_KINDS = frozenset(
    {
        ActivityKind.ACHIEVEMENT_CREATED, ActivityKind.ACHIEVEMENT_UPDATED,
        ActivityKind.ACHIEVEMENT_DELETED, ActivityKind.EVIDENCE_ADDED,
        ActivityKind.EVIDENCE_UPDATED, ActivityKind.EVIDENCE_DELETED,
        ActivityKind.PROFILE_UPDATED, ActivityKind.POST_CREATED, ActivityKind.POST_UPDATED,
        ActivityKind.POST_DELETED,
    }
)  # fmt: skip


class ActivityEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activity_events",
        verbose_name=_("student"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("what happened"), max_length=24, choices=ActivityKind.choices)
    object_id = models.PositiveBigIntegerField(_("object"), null=True, blank=True)
    object_label = models.CharField(_("object name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("activity event")
        verbose_name_plural = _("activity events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["student", "created_at"], name="activity_student_time_idx"),
            # Append-only and written in time order: a BRIN index serves time ranges cheaply.
            BrinIndex(fields=["created_at"], name="activity_time_brin"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_content_change(self) -> bool:
        return self.kind in CONTENT_KINDS
