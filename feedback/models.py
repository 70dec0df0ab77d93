"""Terms, rubrics and supervisor reviews; verification audit; employer feedback and
shortlists; employment outcomes."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import TranslatedNameMixin
from core import markdown
from core.dates import date_range_constraint, validate_date_in_range


class Term(TranslatedNameMixin):
    """An academic term ("2025–26 autumn"); reviews and scores belong to one."""

    starts_on = models.DateField(_("starts on"), validators=[validate_date_in_range])
    ends_on = models.DateField(_("ends on"), validators=[validate_date_in_range])
    is_current = models.BooleanField(
        _("current term"),
        default=False,
        help_text=_("New reviews go to the current term. Marking one current unmarks the others."),
    )

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="term_dates_in_order",
                violation_error_message=_("A term must end after it starts."),
            ),
            date_range_constraint("starts_on", name="term_starts_on_in_range"),
            date_range_constraint("ends_on", name="term_ends_on_in_range"),
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="term_one_current",
                violation_error_message=_("Only one term can be the current one."),
            ),
            models.UniqueConstraint(
                fields=["name_en"],
                name="term_unique_name",
                violation_error_message=_("A term with this name already exists."),
            ),
        ]


class RubricQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Rubric(TranslatedNameMixin):
    """How supervisors score a portfolio: weighted criteria whose weights sum to 100."""

    program = models.ForeignKey(
        "accounts.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rubrics",
        verbose_name=_("program"),
        help_text=_("Leave empty for the default rubric used by every program without its own."),
    )
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("New reviews use the active rubric.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RubricQuerySet.as_manager()

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["program__name_en", "name_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(is_active=True, program__isnull=False),
                name="rubric_one_active_per_program",
                violation_error_message=_("This program already has a rubric in use."),
            ),
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True, program__isnull=True),
                name="rubric_one_active_default",
                violation_error_message=_("A default rubric is already in use."),
            ),
        ]


class RubricCriterion(models.Model):
    rubric = models.ForeignKey(
        Rubric, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("rubric")
    )
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=100, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_ky = models.TextField(_("description (Kyrgyz)"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight, %"), help_text=_("The weights of a rubric's criteria sum to 100.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100),
                name="criterion_weight_1_100",
                violation_error_message=_("A weight is between 1 and 100."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def _translated(self, field: str) -> str:
        language = (translation.get_language() or "en").split("-")[0]
        return getattr(self, f"{field}_{language}", "") or getattr(self, f"{field}_en")

    @property
    def name(self) -> str:
        return self._translated("name")

    @property
    def description(self) -> str:
        return self._translated("description")


class ReviewQuerySet(models.QuerySet):
    def released(self):
        return self.filter(status=Review.Status.RELEASED)

    def drafts(self):
        return self.filter(status=Review.Status.DRAFT)


FEEDBACK_MAX_LENGTH = 10_000  # Markdown: see core/markdown.py
SCORE_RANGE = Q(total__gte=0, total__lte=100)


class Review(models.Model):
    """A supervisor's review of a student's portfolio for a term: rubric scores, the
    weighted total and written feedback. The student sees it once released."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        RELEASED = "released", _("Released")

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reviews_received",
        verbose_name=_("student"),
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # Released scores are part of students' records: deactivate a supervisor who
        # leaves instead of deleting the account.
        on_delete=models.PROTECT,
        related_name="reviews_given",
        verbose_name=_("supervisor"),
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("term")
    )
    rubric = models.ForeignKey(
        Rubric, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("rubric")
    )
    total = models.DecimalField(
        _("total score"),
        max_digits=5,
        decimal_places=2,
        help_text=_("The weighted mean of the criterion scores, 0–100."),
    )
    feedback = models.TextField(
        _("written feedback"),
        blank=True,
        max_length=FEEDBACK_MAX_LENGTH,
        validators=markdown.source_validators(FEEDBACK_MAX_LENGTH),
        help_text=_("Markdown: **bold**, *italic*, lists."),
    )
    feedback_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-term__starts_on", "student__last_name", "student__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "supervisor", "term"],
                name="review_one_per_student_supervisor_term",
                violation_error_message=_(
                    "This supervisor has already reviewed this student for this term."
                ),
            ),
            models.CheckConstraint(
                condition=SCORE_RANGE,
                name="review_total_0_100",
                violation_error_message=_("A score is between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(released_at__isnull=False),
                name="review_released_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["term", "status", "student"], name="review_term_status_idx"),
            models.Index(fields=["supervisor", "term"], name="review_supervisor_term_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.term}"

    def save(self, *args, **kwargs):
        markdown.render_on_save(self, "feedback", "feedback_html", kwargs)
        super().save(*args, **kwargs)

    @property
    def is_released(self) -> bool:
        return self.status == self.Status.RELEASED


class ReviewScore(models.Model):
    """One criterion's score; the weight is copied so later rubric edits leave it intact."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review")
    )
    criterion = models.ForeignKey(
        RubricCriterion,
        on_delete=models.PROTECT,
        related_name="scores",
        verbose_name=_("criterion"),
    )
    score = models.PositiveSmallIntegerField(_("score"))
    weight = models.PositiveSmallIntegerField(_("weight, %"))

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_one_per_criterion"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100),
                name="score_0_100",
                violation_error_message=_("A score is between 0 and 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class ReviewRevision(models.Model):
    """What a released review said before its supervisor changed it."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("review")
    )
    total = models.DecimalField(_("total score"), max_digits=5, decimal_places=2)
    feedback = models.TextField(_("written feedback"), blank=True)
    scores = models.JSONField(_("criterion scores"), default=list)
    released_at = models.DateTimeField(_("released"))
    replaced_at = models.DateTimeField(_("replaced"), auto_now_add=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("earlier version of a review")
        verbose_name_plural = _("earlier versions of reviews")
        ordering = ["-replaced_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=SCORE_RANGE, name="revision_total_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.review} @ {self.replaced_at:%Y-%m-%d %H:%M}"

    @property
    def score_lines(self) -> list[dict]:
        """The stored scores with each criterion named in the active language (a snapshot
        keeps the names in every language; one without them falls back to English)."""
        language = (translation.get_language() or "en").split("-")[0]
        lines = []
        for entry in self.scores:
            names = entry.get("names") or {}
            name = names.get(language) or names.get("en") or entry.get("criterion", "")
            lines.append({"name": name, "weight": entry.get("weight"), "score": entry.get("score")})
        return lines


def weighted_total(pairs) -> Decimal:
    """The weighted mean of (score, weight) pairs, to two decimals."""
    pairs = list(pairs)
    weight_sum = sum(weight for _score, weight in pairs)
    if not weight_sum:
        return Decimal("0.00")
    value = Decimal(sum(score * weight for score, weight in pairs)) / Decimal(weight_sum)
    return value.quantize(Decimal("0.01"))


class VerificationEvent(models.Model):
    """The audit trail of verification: every request, decision and reset."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("Verification requested")
        WITHDRAWN = "withdrawn", _("Request withdrawn")
        VERIFIED = "verified", _("Verified")
        DECLINED = "declined", _("Declined")
        RESET = "reset", _("Verification reset")

    achievement = models.ForeignKey(
        "achievements.Achievement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="verification_events",
        verbose_name=_("achievement"),
    )
    achievement_title = models.CharField(_("achievement"), max_length=200)
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="verification_events",
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
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("verification event")
        verbose_name_plural = _("verification events")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["student", "-created_at"], name="verification_student_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.achievement_title}: {self.get_action_display()}"


def _rating(label):
    return models.PositiveSmallIntegerField(label, choices=[(i, str(i)) for i in range(1, 6)])


class EmployerFeedback(models.Model):
    """An approved employer's structured impression of a portfolio."""

    employer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="feedback_given",
        verbose_name=_("employer"),
    )
    portfolio = models.ForeignKey(
        "portfolios.Portfolio",
        on_delete=models.CASCADE,
        related_name="employer_feedback",
        verbose_name=_("portfolio"),
    )
    presentation = _rating(_("presentation"))
    skills_relevance = _rating(_("relevance of skills"))
    evidence_credibility = _rating(_("credibility of evidence"))
    comment = models.TextField(_("comment"), blank=True, max_length=3000)
    would_interview = models.BooleanField(_("would invite to an interview"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("employer feedback")
        verbose_name_plural = _("employer feedback")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "portfolio"],
                name="employer_feedback_one_per_portfolio",
                violation_error_message=_("You have already left feedback on this portfolio."),
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
                    name=f"employer_feedback_{field}_1_5",
                    violation_error_message=_("A rating is between 1 and 5."),
                )
                for field in ("presentation", "skills_relevance", "evidence_credibility")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.employer} → {self.portfolio}"

    @property
    def mean_rating(self) -> float:
        return (self.presentation + self.skills_relevance + self.evidence_credibility) / 3


class ShortlistEntry(models.Model):
    """A portfolio an employer keeps, with a note only they see."""

    employer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shortlist",
        verbose_name=_("employer"),
    )
    portfolio = models.ForeignKey(
        "portfolios.Portfolio",
        on_delete=models.CASCADE,
        related_name="shortlisted_by",
        verbose_name=_("portfolio"),
    )
    note = models.TextField(_("private note"), blank=True, max_length=3000)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("shortlist entry")
        verbose_name_plural = _("shortlist entries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "portfolio"], name="shortlist_one_per_portfolio"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} ☆ {self.portfolio}"


class EmploymentOutcome(models.Model):
    """A job a student or graduate took: what analytics compares with portfolio activity."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="employment_outcomes",
        verbose_name=_("student"),
        limit_choices_to={"role": "student"},
    )
    employer_name = models.CharField(_("employer"), max_length=200)
    position = models.CharField(_("position"), max_length=200)
    start_date = models.DateField(_("start date"), validators=[validate_date_in_range])
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("Leave empty if you still work there."),
    )
    related_to_field = models.BooleanField(
        _("related to my field of study"),
        default=True,
        help_text=_("The job uses what the study program teaches."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("employment outcome")
        verbose_name_plural = _("employment outcomes")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["student", "-start_date"], name="outcome_student_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="outcome_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            date_range_constraint("start_date", name="outcome_start_date_in_range"),
            date_range_constraint("end_date", name="outcome_end_date_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.position}, {self.employer_name}"
