"""Controlled experiments on recommendations: who is in which arm, what they were shown and
what they did with it. The figures come from analytics' per-term roll-ups
(experiments/selectors.py); the statistics are in experiments/stats.py."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class Arm(models.TextChoices):
    CONTROL = "control", _("Control: no recommendations")
    MODEL = "model", _("Treatment: recommendations")
    RULES = "rules", _("Rules only")


# What each arm means for the pages (experiments.selectors.recommendation_mode_for).
MODE_OF_ARM = {Arm.CONTROL: "none", Arm.MODEL: "model", Arm.RULES: "rules"}


class Metric(models.TextChoices):
    UPDATES_PER_WEEK = "updates_per_week", _("Updates per week of the term")
    REVIEW_SCORE = "review_score", _("Review score in the term")
    ACTIVE_WEEKS_SHARE = "active_weeks_share", _("Share of the term's weeks with an update")


# A primary metric is one of these two (the engagement and results).
PRIMARY_METRICS = [Metric.UPDATES_PER_WEEK, Metric.REVIEW_SCORE]


def new_salt() -> str:
    return secrets.token_hex(16)


class Experiment(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    hypothesis = models.TextField(_("hypothesis"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    salt = models.CharField(_("salt"), max_length=32, default=new_salt, editable=False)
    with_rules_arm = models.BooleanField(
        _("add a rules-only arm"),
        default=False,
        help_text=_("A third arm that sees only the simple rules' recommendations."),
    )
    programs = models.ManyToManyField(
        "accounts.Program", blank=True, related_name="+", verbose_name=_("programs"),
        help_text=_("Empty: every program."),
    )  # fmt: skip
    cohorts = models.ManyToManyField(
        "accounts.Cohort", blank=True, related_name="+", verbose_name=_("cohorts"),
        help_text=_("Empty: every cohort."),
    )  # fmt: skip
    term = models.ForeignKey(
        "feedback.Term", on_delete=models.PROTECT, related_name="+", verbose_name=_("term"),
        help_text=_("The metrics are measured in this term; the previous term gives the "
                    "baseline and each student's value before the experiment."),
    )  # fmt: skip
    primary_metric = models.CharField(
        _("primary metric"), max_length=24, choices=Metric.choices,
        default=Metric.UPDATES_PER_WEEK,
    )  # fmt: skip
    secondary_metrics = ArrayField(
        models.CharField(max_length=24, choices=Metric.choices),
        blank=True, default=list, verbose_name=_("secondary metrics"),
    )  # fmt: skip
    mde = models.FloatField(
        _("minimum detectable effect"), default=0.2,
        validators=[MinValueValidator(0.01), MaxValueValidator(5.0)],
        help_text=_("Relative to the baseline mean: 0.2 is +20%."),
    )  # fmt: skip
    alpha = models.FloatField(
        _("significance level (alpha)"), default=0.05,
        validators=[MinValueValidator(0.001), MaxValueValidator(0.2)],
    )  # fmt: skip
    power = models.FloatField(
        _("power"), default=0.8, validators=[MinValueValidator(0.5), MaxValueValidator(0.99)]
    )
    # Fixed at the start (experiment_start), from the previous term's data.
    baseline_mean = models.FloatField(_("baseline mean"), null=True, blank=True)
    baseline_sd = models.FloatField(_("baseline standard deviation"), null=True, blank=True)
    baseline_n = models.PositiveIntegerField(_("baseline students"), null=True, blank=True)
    required_n = models.PositiveIntegerField(_("required students per arm"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(started_at__isnull=False),
                name="experiment_started_has_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="finished") | Q(finished_at__isnull=False),
                name="experiment_finished_has_end",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def arms(self) -> list[str]:
        arms = [Arm.CONTROL.value, Arm.MODEL.value]
        if self.with_rules_arm:
            arms.append(Arm.RULES.value)
        return arms

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_running(self) -> bool:
        return self.status == Status.RUNNING

    @property
    def comparisons(self) -> int:
        """Treatment arms compared with the control (the significance level is split
        between them, Bonferroni)."""
        return len(self.arms) - 1

    @property
    def alpha_per_comparison(self) -> float:
        return self.alpha / self.comparisons


class Assignment(models.Model):
    """A student's arm in an experiment: made at the start (or when a student of the
    population first comes by), never changed, kept after the experiment finishes."""

    experiment = models.ForeignKey(
        Experiment, on_delete=models.CASCADE, related_name="assignments",
        verbose_name=_("experiment"),
    )  # fmt: skip
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="experiment_assignments",
        verbose_name=_("student"),
    )  # fmt: skip
    arm = models.CharField(_("arm"), max_length=10, choices=Arm.choices)
    stratum = models.ForeignKey(
        "accounts.Program", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("program (stratum)"),
    )  # fmt: skip
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    exposures = models.PositiveIntegerField(_("cards shown"), default=0)
    actions = models.PositiveIntegerField(_("answers to cards"), default=0)
    # The student's figures in the term before the experiment's, copied when the arm is
    # given: the covariate of the adjusted estimate must be fixed before any treatment.
    pre_updates = models.PositiveIntegerField(_("updates in the previous term"), default=0)
    pre_active_weeks = models.PositiveIntegerField(
        _("active weeks in the previous term"), default=0
    )
    pre_score_sum = models.FloatField(_("review totals in the previous term"), default=0)
    pre_reviews = models.PositiveIntegerField(_("reviews in the previous term"), default=0)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["experiment", "student"], name="experiment_assignment_unique"
            ),
        ]
        indexes = [models.Index(fields=["student"], name="experiment_assignment_student")]

    def __str__(self) -> str:
        return f"{self.experiment_id} · {self.student_id} · {self.arm}"


class Exposure(models.Model):
    """A recommendation card shown to a student in an experiment."""

    id = models.BigAutoField(primary_key=True)
    experiment = models.ForeignKey(
        Experiment, on_delete=models.CASCADE, related_name="exposures",
        verbose_name=_("experiment"),
    )  # fmt: skip
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("student"),
    )  # fmt: skip
    key = models.CharField(_("card"), max_length=100)
    mode = models.CharField(_("mode"), max_length=10)
    shown_at = models.DateTimeField(_("shown"), default=timezone.now)

    class Meta:
        verbose_name = _("card shown")
        verbose_name_plural = _("cards shown")
        indexes = [models.Index(fields=["experiment", "student"], name="exposure_student")]

    def __str__(self) -> str:
        return f"{self.student_id} {self.key}"


class Action(models.Model):
    """A student's answer to a card (done, not now, not useful) in an experiment."""

    class Choice(models.TextChoices):
        DONE = "done", _("Done")
        LATER = "later", _("Not now")
        NOT_USEFUL = "not_useful", _("Not useful")

    id = models.BigAutoField(primary_key=True)
    experiment = models.ForeignKey(
        Experiment, on_delete=models.CASCADE, related_name="actions",
        verbose_name=_("experiment"),
    )  # fmt: skip
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("student"),
    )  # fmt: skip
    key = models.CharField(_("card"), max_length=100)
    choice = models.CharField(_("answer"), max_length=12, choices=Choice.choices)
    acted_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("answer to a card")
        verbose_name_plural = _("answers to cards")
        indexes = [models.Index(fields=["experiment", "student"], name="action_student")]

    def __str__(self) -> str:
        return f"{self.student_id} {self.key} {self.choice}"
