"""The e-mail outbox: every e-mail the site sends is first a row here, written in the
transaction of the action that sends it, then sent by a task (outbox/tasks.py).

A row is pending until a worker claims it (``claimed_until``: a lease, so two workers or a
retried task never send it at once), sent once ``sent_at`` is set, and failed once
``failed_at`` is (a permanent refusal, or too many attempts); staff can queue a failed one
again from the admin.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmailQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True, failed_at__isnull=True)

    def lease_free(self, now):
        """Rows nobody is sending now (no lease, or one that has run out)."""
        return self.filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    key = models.CharField(
        _("key"),
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_("What the e-mail is for; the same key is never queued twice."),
    )
    to = ArrayField(models.EmailField(max_length=254), verbose_name=_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_until = models.DateTimeField(
        _("not before"),
        null=True,
        blank=True,
        help_text=_("Being sent, or waiting to be tried again, until then."),
    )

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The minute sweep reads only the unsent rows, oldest first.
            models.Index(
                fields=["created_at"],
                name="outbox_unsent_idx",
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(failed_at__isnull=True),
                name="outbox_sent_or_failed_not_both",
            ),
        ]

    def __str__(self) -> str:
        return f"{', '.join(self.to)}: {self.subject}"

    @property
    def status(self) -> str:
        if self.sent_at is not None:
            return self.Status.SENT
        if self.failed_at is not None:
            return self.Status.FAILED
        return self.Status.PENDING
