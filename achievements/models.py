"""Achievements and the evidence files behind them."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import markdown
from core.dates import date_range_constraint, validate_date_in_range
from core.models import StoredFile
from portfolios.models import Category, Portfolio, Skill, Visibility


class Level(models.TextChoices):
    FACULTY = "faculty", pgettext_lazy("level of an achievement", "Faculty")
    UNIVERSITY = "university", pgettext_lazy("level of an achievement", "University")
    CITY = "city", pgettext_lazy("level of an achievement", "City")
    NATIONAL = "national", pgettext_lazy("level of an achievement", "National")
    INTERNATIONAL = "international", pgettext_lazy("level of an achievement", "International")


class VerificationStatus(models.TextChoices):
    NONE = "", _("Not verified")
    PENDING = "pending", _("Verification requested")
    VERIFIED = "verified", _("Verified")
    DECLINED = "declined", _("Verification declined")


# Where an achievement's verification stands. Supervisors' decisions save only these; a
# student's edit never writes them from its own (possibly older) copy.
DESCRIPTION_MAX_LENGTH = 10_000  # Markdown: see core/markdown.py
VERIFICATION_STATE_FIELDS = (
    "verification_status", "verification_requested_at", "verified_by", "verified_at",
    "verification_note",
)  # fmt: skip


class AchievementQuerySet(models.QuerySet):
    def visible_at(self, level: int):
        """Items whose visibility is at least ``level`` (0 shows everything)."""
        return self.filter(visibility__gte=level)

    def in_display_order(self):
        return self.order_by("category__order", "category_id", "order", "-start_date", "pk")


class Achievement(models.Model):
    portfolio = models.ForeignKey(
        Portfolio,
        on_delete=models.CASCADE,
        related_name="achievements",
        verbose_name=_("portfolio"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="achievements", verbose_name=_("section")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=markdown.source_validators(DESCRIPTION_MAX_LENGTH),
        help_text=_("Markdown: **bold**, *italic*, lists, links."),
    )
    description_html = models.TextField(editable=False, blank=True)
    start_date = models.DateField(
        _("date"), null=True, blank=True, validators=[validate_date_in_range]
    )
    end_date = models.DateField(
        _("until"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("Leave empty for a single day."),
    )
    organisation = models.CharField(_("organisation or issuer"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    result = models.CharField(
        _("result or role"),
        max_length=120,
        blank=True,
        help_text=_("For example “1st place”, “speaker”, “team lead”."),
    )
    grade = models.CharField(
        _("grade"), max_length=20, blank=True, help_text=_("Only for academic items.")
    )
    url = models.URLField(_("external link"), blank=True)
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="achievements", verbose_name=_("skills")
    )
    visibility = models.PositiveSmallIntegerField(
        _("who can see it"), choices=Visibility.choices, default=Visibility.SUPERVISORS
    )
    featured = models.BooleanField(_("featured"), default=False)
    comments_enabled = models.BooleanField(_("allow comments"), default=True)
    verification_status = models.CharField(
        _("verification"),
        max_length=10,
        choices=VerificationStatus.choices,
        blank=True,
        default=VerificationStatus.NONE,
    )
    verification_requested_at = models.DateTimeField(
        _("verification requested"), null=True, blank=True
    )
    verified_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verification_note = models.TextField(
        _("verification note"),
        blank=True,
        help_text=_("Why verification was declined or reset."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AchievementQuerySet.as_manager()

    class Meta:
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        ordering = ["category__order", "order", "-start_date", "pk"]
        indexes = [
            models.Index(fields=["portfolio", "visibility"], name="achievement_visible_idx"),
            models.Index(fields=["portfolio", "category", "order"], name="achievement_order_idx"),
            models.Index(
                fields=["verification_status"],
                condition=Q(verification_status="pending"),
                name="achievement_pending_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=False, end_date__gte=F("start_date")),
                name="achievement_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            date_range_constraint("start_date", name="achievement_start_date_in_range"),
            date_range_constraint("end_date", name="achievement_end_date_in_range"),
            models.CheckConstraint(
                condition=Q(visibility__in=[v.value for v in Visibility]),
                name="achievement_visibility_valid",
            ),
            models.CheckConstraint(
                condition=~Q(verification_status="verified") | Q(verified_at__isnull=False),
                name="achievement_verified_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        markdown.render_on_save(self, "description", "description_html", kwargs)
        super().save(*args, **kwargs)

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED

    @property
    def is_verification_pending(self) -> bool:
        return self.verification_status == VerificationStatus.PENDING


class Evidence(StoredFile):
    """A file (or a video link) that proves an achievement."""

    quota_owner = "achievement__portfolio"

    achievement = models.ForeignKey(
        Achievement,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("achievement"),
    )
    external_url = models.URLField(_("video link"), blank=True)
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta(StoredFile.Meta):
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="link") & ~Q(external_url="") & Q(file=""))
                | (~Q(kind="link") & ~Q(file="") & Q(external_url="")),
                name="evidence_file_or_link",
            )
        ]

    def __str__(self) -> str:
        return self.caption or self.original_name or self.external_url
