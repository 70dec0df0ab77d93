"""Contact requests: an approved employer invites a student to get in touch; the student
accepts (sharing the contact details they choose for this request) or declines. Students
keep their contact details once, can block an employer and report one to staff."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import markdown

MESSAGE_MAX_LENGTH = 3000  # Markdown: see core/markdown.py
FOLLOW_UP_MAX_LENGTH = 2000


class ContactDetails(models.Model):
    """What a student may share with an employer; each request shares only what the student
    ticks when accepting it."""

    # The fields a student can share, in the order they are offered.
    SHAREABLE = ("email", "phone", "messenger", "note")

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_details",
        verbose_name=_("student"),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    messenger = models.CharField(
        _("Telegram or WhatsApp"),
        max_length=100,
        blank=True,
        help_text=_("Your user name or number there, for example @meerim."),
    )
    note = models.CharField(
        _("note for employers"),
        max_length=300,
        blank=True,
        help_text=_("For example, when it is best to call you."),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("contact details")
        verbose_name_plural = _("contact details")

    def __str__(self) -> str:
        return str(self.student)

    def filled(self) -> list[tuple[str, str, str]]:
        """(field, label, value) of what the student has filled in."""
        return [
            (name, str(self._meta.get_field(name).verbose_name), getattr(self, name))
            for name in self.SHAREABLE
            if getattr(self, name)
        ]


class Status(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CLOSED = "closed", _("Closed")


class ContactRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Status.OPEN)


class ContactRequest(models.Model):
    employer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_requests_sent",
        verbose_name=_("employer"),
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_requests_received",
        verbose_name=_("student"),
    )
    purpose = models.CharField(
        _("purpose or position"),
        max_length=150,
        help_text=_("For example, “Summer internship in data analysis”."),
    )
    message = models.TextField(
        _("message"),
        max_length=MESSAGE_MAX_LENGTH,
        validators=markdown.source_validators(MESSAGE_MAX_LENGTH),
        help_text=_("A few lines to the student. Markdown: **bold**, *italic*, lists, links."),
    )
    message_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("state"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    reply = models.CharField(_("reply"), max_length=500, blank=True)
    # What the student chose to share when accepting: {field: value}, as it was then.
    shared_details = models.JSONField(_("shared contact details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = ContactRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "student"],
                condition=Q(status="open"),
                name="contact_request_one_open_per_pair",
                violation_error_message=_(
                    "You already have an invitation to this student waiting for an answer."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "accepted", "declined", "closed"]),
                name="contact_request_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(employer=models.F("student")), name="contact_request_two_people"
            ),
        ]
        indexes = [
            # The employer's list and their count for the day.
            models.Index(fields=["employer", "-created_at"], name="contact_employer_idx"),
            # The student's inbox.
            models.Index(fields=["student", "-created_at"], name="contact_student_idx"),
        ]

    def __str__(self) -> str:
        return self.purpose

    def save(self, *args, **kwargs):
        # Markdown is rendered and sanitised once, when written.
        markdown.render_on_save(self, "message", "message_html", kwargs)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("contacts:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def is_accepted(self) -> bool:
        return self.status == Status.ACCEPTED

    def shared_list(self) -> list[tuple[str, str]]:
        """(label, value) of the shared details, in the order they are offered."""
        labels = {
            name: str(ContactDetails._meta.get_field(name).verbose_name)
            for name in ContactDetails.SHAREABLE
        }
        return [
            (labels[name], self.shared_details[name])
            for name in ContactDetails.SHAREABLE
            if self.shared_details.get(name)
        ]


class ContactMessage(models.Model):
    """A follow-up message in an accepted request, from either side (plain text)."""

    contact_request = models.ForeignKey(
        ContactRequest,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("contact request"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(
        _("message"),
        max_length=FOLLOW_UP_MAX_LENGTH,
        validators=[MaxLengthValidator(FOLLOW_UP_MAX_LENGTH)],
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["contact_request", "created_at"], name="contact_message_idx")
        ]

    def __str__(self) -> str:
        text = " ".join(self.body.split())
        return text[:60] + ("…" if len(text) > 60 else "")


class EmployerBlock(models.Model):
    """A student blocked an employer: no invitations from them until unblocked."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="employer_blocks",
        verbose_name=_("student"),
    )
    employer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("employer"),
    )
    created_at = models.DateTimeField(_("blocked"), auto_now_add=True)

    class Meta:
        verbose_name = _("blocked employer")
        verbose_name_plural = _("blocked employers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "employer"], name="employer_block_once_per_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} ⊘ {self.employer}"


class EmployerReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(handled_at__isnull=True)


class EmployerReport(models.Model):
    """A student's report about an employer, for staff's queue in the admin."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="employer_reports",
        verbose_name=_("reported by"),
    )
    employer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reports_about",
        verbose_name=_("employer"),
    )
    contact_request = models.ForeignKey(
        ContactRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("contact request"),
    )
    reason = models.TextField(_("reason"), max_length=1000, validators=[MaxLengthValidator(1000)])
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )

    objects = EmployerReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report about an employer")
        verbose_name_plural = _("reports about employers")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["-created_at"],
                condition=Q(handled_at__isnull=True),
                name="employer_report_open_idx",
            )
        ]

    def __str__(self) -> str:
        text = " ".join(self.reason.split())
        return f"{self.employer}: {text[:60]}"
