"""What happened that a user should know about, and how each user wants to hear of it.

A notification keeps its kind and the facts (``params``), not a sentence: the sentence is
written when it is shown (texts.py), in the language of whoever reads it then.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMMENT = "comment", _("Comments on your portfolio, achievements and posts")
    REPLY = "reply", _("Replies to your comments")
    REVIEW_RELEASED = "review_released", _("Reviews released by your supervisor")
    VERIFICATION_DECIDED = "verification_decided", _("Verification decisions on your achievements")
    EMPLOYER_FEEDBACK = "employer_feedback", _("Feedback from employers")
    SHARE_LINK_OPENED = "share_link_opened", _("Your secret links being opened")
    CONTACT_REQUESTED = "contact_requested", _("Invitations to get in touch from employers")
    CONTACT_ANSWERED = "contact_answered", _("Students' answers to your invitations")


class Delivery(models.TextChoices):
    EMAIL_NOW = "email_now", _("E-mail me at once")
    DAILY_DIGEST = "daily_digest", _("One e-mail a day with everything new")
    IN_APP = "in_app", _("Only here on the site, no e-mail")


# What a user gets before they choose (README.md, "Notifications"): what a student acts on
# (a grade, a decision) comes at once; conversation and feedback once a day; a link being
# opened, which can happen many times a day, only on the site.
DEFAULT_DELIVERY = {
    Kind.COMMENT: Delivery.DAILY_DIGEST,
    Kind.REPLY: Delivery.DAILY_DIGEST,
    Kind.REVIEW_RELEASED: Delivery.EMAIL_NOW,
    Kind.VERIFICATION_DECIDED: Delivery.EMAIL_NOW,
    Kind.EMPLOYER_FEEDBACK: Delivery.DAILY_DIGEST,
    Kind.SHARE_LINK_OPENED: Delivery.IN_APP,
    # An invitation waits for an answer, and an answer may carry contact details.
    Kind.CONTACT_REQUESTED: Delivery.EMAIL_NOW,
    Kind.CONTACT_ANSWERED: Delivery.EMAIL_NOW,
}


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who did it"),
    )
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("address"), max_length=500, blank=True)
    # Repeats of the same event folded into this one (a secret link opened 5 times an hour).
    count = models.PositiveIntegerField(_("times"), default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    digested_at = models.DateTimeField(_("sent in a digest"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The unread count on every page, and the unread ones first.
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="notif_recipient_unread_idx"
            ),
            # The notification centre, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_time_idx"),
            # The daily digest: what is still waiting to be sent.
            models.Index(
                fields=["created_at"],
                condition=Q(
                    digested_at__isnull=True, emailed_at__isnull=True, read_at__isnull=True
                ),
                name="notif_digest_waiting_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="notification_kind_known"
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="notification_count_positive"),
        ]

    def __str__(self) -> str:
        from notifications.texts import notification_text

        return notification_text(self)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def text(self) -> str:
        """The sentence in the active language."""
        from notifications.texts import notification_text

        return notification_text(self)


class NotificationPreference(models.Model):
    """How one user hears of one kind; no row means the default (DEFAULT_DELIVERY)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    delivery = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique"),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="notification_delivery_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}: {self.get_delivery_display()}"
