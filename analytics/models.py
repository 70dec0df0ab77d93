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


# --- Roll-ups ---------------------------------------------------------------------------
# Kept current by analytics/rollups.py in the transaction that writes each event, so the
# dashboard aggregates one row per student instead of millions of events. They can all be
# rebuilt from the log (``analytics_refresh --rebuild``).


class StudentActivity(models.Model):
    """One row per student: counters over their whole study, and copies of what the
    dashboard filters and counts on (program, cohort, active account, portfolio figures), so
    its figures read one table instead of joining four at 100,000 students."""

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="activity_summary",
        verbose_name=_("student"),
    )
    # Copies, kept by rollups.student_sync (account saved) and rollups.portfolio_sync
    # (search/derived.py, whenever a portfolio's figures change).
    program = models.ForeignKey(
        "accounts.Program", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("program"),
    )  # fmt: skip
    cohort = models.ForeignKey(
        "accounts.Cohort", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("cohort"),
    )  # fmt: skip
    is_active = models.BooleanField(_("active account"), default=True)
    completeness = models.PositiveSmallIntegerField(_("completeness, %"), default=0)
    evidence_count = models.PositiveIntegerField(_("evidence files"), default=0)
    verified_count = models.PositiveIntegerField(_("verified achievements"), default=0)
    updates_total = models.PositiveIntegerField(_("updates"), default=0)
    active_weeks_total = models.PositiveIntegerField(_("active weeks"), default=0)
    logins_total = models.PositiveIntegerField(_("sign-ins"), default=0)
    first_update_at = models.DateTimeField(_("first update"), null=True, blank=True)
    last_update_at = models.DateTimeField(_("last update"), null=True, blank=True)
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    # Sliding windows ending on AnalyticsState.windows_on (moved on each day by
    # rollups.windows_slide); an event adds to them at once.
    updates_30d = models.PositiveIntegerField(_("updates in 30 days"), default=0)
    updates_90d = models.PositiveIntegerField(_("updates in 90 days"), default=0)
    # Released review totals over all terms (the all-terms score is their mean).
    score_sum = models.DecimalField(
        _("sum of review totals"), max_digits=12, decimal_places=2, default=0
    )
    review_count = models.PositiveIntegerField(_("released reviews"), default=0)

    class Meta:
        verbose_name = _("student activity")
        verbose_name_plural = _("student activity")

    def __str__(self) -> str:
        return str(self.student_id)


class StudentTermActivity(models.Model):
    """A student's updates, active weeks and score in one term."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="term_activity",
        verbose_name=_("student"),
    )
    term = models.ForeignKey(
        "feedback.Term",
        on_delete=models.CASCADE,
        related_name="student_activity",
        verbose_name=_("term"),
    )
    updates = models.PositiveIntegerField(_("updates"), default=0)
    active_weeks = models.PositiveIntegerField(_("active weeks"), default=0)
    score_sum = models.DecimalField(
        _("sum of review totals"), max_digits=12, decimal_places=2, default=0
    )
    review_count = models.PositiveIntegerField(_("released reviews"), default=0)

    class Meta:
        verbose_name = _("student activity in a term")
        verbose_name_plural = _("student activity in terms")
        constraints = [
            models.UniqueConstraint(fields=["term", "student"], name="term_activity_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} · {self.term_id}"


class ActivityDay(models.Model):
    """A student's updates and sign-ins on one day (local time)."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("student"),
    )  # fmt: skip
    day = models.DateField(_("day"))
    updates = models.PositiveIntegerField(_("updates"), default=0)
    logins = models.PositiveIntegerField(_("sign-ins"), default=0)

    class Meta:
        verbose_name = _("student activity on a day")
        verbose_name_plural = _("student activity by day")
        constraints = [
            models.UniqueConstraint(fields=["student", "day"], name="activity_day_unique"),
        ]
        indexes = [models.Index(fields=["day"], name="activity_day_idx")]

    def __str__(self) -> str:
        return f"{self.student_id} {self.day}: {self.updates}"


class WeeklyActivity(models.Model):
    """Per week (its Monday), program and cohort: updates and students with an update.
    Students count in the program and cohort they had that week."""

    week = models.DateField(_("week"), help_text=_("The Monday the week starts on."))
    program = models.ForeignKey(
        "accounts.Program", on_delete=models.CASCADE, null=True, related_name="+",
        verbose_name=_("program"),
    )  # fmt: skip
    cohort = models.ForeignKey(
        "accounts.Cohort", on_delete=models.CASCADE, null=True, related_name="+",
        verbose_name=_("cohort"),
    )  # fmt: skip
    updates = models.PositiveIntegerField(_("updates"), default=0)
    active_students = models.PositiveIntegerField(_("students with an update"), default=0)

    class Meta:
        verbose_name = _("weekly activity")
        verbose_name_plural = _("weekly activity")
        constraints = [
            models.UniqueConstraint(
                fields=["week", "program", "cohort"],
                name="weekly_activity_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.program_id}/{self.cohort_id}: {self.active_students}"


class AnalyticsState(models.Model):
    """One row: the day the 30- and 90-day windows end on."""

    windows_on = models.DateField(_("30- and 90-day windows end on"), null=True)

    class Meta:
        verbose_name = _("analytics state")
        verbose_name_plural = _("analytics state")

    def __str__(self) -> str:
        return f"windows on {self.windows_on}"


# --- Who looked at a portfolio ----------------------------------------------------------
# Counts per portfolio, day (local time) and kind of viewer, written by
# analytics/portfolio_views.py once per viewer and day (the dedupe is a keyed hash in the
# cache, never stored here): no address, browser or visitor is recorded, only the numbers.


class ViewerKind(models.TextChoices):
    VISITOR = "visitor", _("Visitors")
    # Students, and employers staff have not approved yet (their organisation is unchecked).
    SIGNED_IN = "signed_in", _("Signed-in users")
    SUPERVISOR = "supervisor", _("Supervisors")
    EMPLOYER = "employer", _("Employers")


class PortfolioViewDay(models.Model):
    """How many viewers of one kind opened a portfolio on one day."""

    portfolio = models.ForeignKey(
        "portfolios.Portfolio", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("portfolio"),
    )  # fmt: skip
    day = models.DateField(_("day"))
    kind = models.CharField(_("viewers"), max_length=12, choices=ViewerKind.choices)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("portfolio views on a day")
        verbose_name_plural = _("portfolio views by day")
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio", "day", "kind"], name="portfolio_view_day_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ViewerKind.values), name="portfolio_view_day_kind"
            ),
        ]
        indexes = [models.Index(fields=["day"], name="portfolio_view_day_idx")]

    def __str__(self) -> str:
        return f"{self.portfolio_id} {self.day} {self.kind}: {self.count}"


class EmployerViewDay(models.Model):
    """How often an approved employer's people opened a portfolio on one day (each person
    once a day), with the organisation's name as it was: the count stays when the employer's
    account goes."""

    portfolio = models.ForeignKey(
        "portfolios.Portfolio", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("portfolio"),
    )  # fmt: skip
    day = models.DateField(_("day"))
    employer_profile = models.ForeignKey(
        "accounts.EmployerProfile", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("employer"),
    )  # fmt: skip
    organisation = models.CharField(_("organisation"), max_length=200)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("employer views on a day")
        verbose_name_plural = _("employer views by day")
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio", "day", "employer_profile"], name="employer_view_day_unique"
            ),
        ]
        indexes = [models.Index(fields=["day"], name="employer_view_day_idx")]

    def __str__(self) -> str:
        return f"{self.portfolio_id} {self.day} {self.organisation}: {self.count}"
