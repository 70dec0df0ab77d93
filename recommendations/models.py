"""Trained model versions, what each student was shown and what they answered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ModelVersion(models.Model):
    """One run of ``recommendations_train``: what it learned from, how it did on the held-out
    term against its baselines, and where the fitted estimators are stored. The site uses the
    newest version with ``passed`` set; each of its two models is used only if it passed."""

    created_at = models.DateTimeField(_("trained"), default=timezone.now)
    training_rows = models.PositiveIntegerField(_("training rows"), default=0)
    test_rows = models.PositiveIntegerField(_("held-out rows"), default=0)
    train_terms = models.JSONField(_("training terms"), default=list, blank=True)
    test_term = models.CharField(_("held-out term"), max_length=200, blank=True)
    features = models.JSONField(_("features"), default=list, blank=True)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    score_passed = models.BooleanField(_("score model beat its baselines"), default=False)
    update_passed = models.BooleanField(_("update model beat its baselines"), default=False)
    passed = models.BooleanField(_("in use when newest"), default=False)
    file = models.CharField(_("stored estimators"), max_length=300, blank=True)
    seconds = models.FloatField(_("training time, s"), default=0)

    class Meta:
        verbose_name = _("recommendation model version")
        verbose_name_plural = _("recommendation model versions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M}"


class Choice(models.TextChoices):
    DONE = "done", _("Done")
    LATER = "later", _("Not now")
    NOT_USEFUL = "not_useful", _("Not useful")


class Mode(models.TextChoices):
    MODEL = "model", _("Learned")
    RULES = "rules", _("Rules")


class Response(models.Model):
    """A student's latest answer to a card (its stable key, e.g. ``evidence:42``)."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recommendation_responses",
        verbose_name=_("student"),
    )
    key = models.CharField(_("recommendation"), max_length=120)
    choice = models.CharField(_("answer"), max_length=12, choices=Choice.choices)
    hidden_until = models.DateTimeField(_("hidden until"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("answer to a recommendation")
        verbose_name_plural = _("answers to recommendations")
        constraints = [
            models.UniqueConstraint(fields=["student", "key"], name="recommendation_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.key}: {self.choice}"


class Exposure(models.Model):
    """A card shown to a student: when first and last, and how it was chosen."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recommendation_exposures",
        verbose_name=_("student"),
    )
    key = models.CharField(_("recommendation"), max_length=120)
    mode = models.CharField(_("chosen by"), max_length=8, choices=Mode.choices)
    first_shown_at = models.DateTimeField(_("first shown"), default=timezone.now)
    last_shown_at = models.DateTimeField(_("last shown"), default=timezone.now)

    class Meta:
        verbose_name = _("recommendation shown")
        verbose_name_plural = _("recommendations shown")
        constraints = [
            models.UniqueConstraint(fields=["student", "key"], name="recommendation_shown_unique")
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.key} ({self.mode})"
