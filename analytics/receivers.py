"""Analytics listens. Students' changes go into the activity log from the signals their
apps declare (achievements, journal, portfolios, feedback), inside the change's transaction;
sign-ins from Django's ``user_logged_in``; the copy of each portfolio's figures from the
search package's ``portfolio_figures_refreshed``. Scores and term counts in the roll-ups
follow reviews, terms and accounts however they are changed (model signals: the admin too).
"""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import Role, User
from achievements.signals import achievement_deleted, achievement_saved, evidence_changed
from analytics.models import ActivityKind
from analytics.rollups import portfolio_sync, scores_refresh, student_sync, term_refresh
from analytics.services import activity_record, activity_record_many
from core.signals import deleted_by_cascade
from feedback.models import Review, Term
from feedback.signals import review_released
from journal.signals import post_deleted, post_saved
from portfolios.signals import profile_updated
from search.signals import portfolio_figures_refreshed


@receiver(user_logged_in, dispatch_uid="activity_login")
def _logged_in(sender, request, user, **kwargs):
    if user.role == Role.STUDENT:
        activity_record(student_id=user.pk, kind=ActivityKind.LOGIN, actor_id=user.pk)


@receiver(post_save, sender=Review, dispatch_uid="analytics_review_saved")
@receiver(post_delete, sender=Review, dispatch_uid="analytics_review_deleted")
def _review_changed(sender, instance: Review, origin=None, **kwargs):
    if deleted_by_cascade(origin, Review):
        return  # the student's account is being deleted: their roll-ups go with it
    if instance.is_released:
        scores_refresh(instance.student_id)


@receiver(post_save, sender=Term, dispatch_uid="analytics_term_saved")
def _term_saved(sender, instance: Term, update_fields=None, **kwargs):
    if update_fields is None or {"starts_on", "ends_on"} & set(update_fields):
        term_refresh(instance.pk)


SYNCED_FIELDS = {"role", "program", "cohort", "is_active"}


@receiver(post_save, sender=User, dispatch_uid="analytics_student_saved")
def _user_saved(sender, instance: User, created, update_fields=None, **kwargs):
    if update_fields is not None and not SYNCED_FIELDS & set(update_fields):
        return  # a sign-in (last_login), a password change: nothing analytics keeps
    if created and instance.role != Role.STUDENT:
        return
    student_sync(student_id=instance.pk, is_student=instance.role == Role.STUDENT)


def _student_change(student_id: int, kind: str, obj, label: str | None = None) -> None:
    """The student changed their own portfolio (they are the actor)."""
    activity_record(
        student_id=student_id, actor_id=student_id, kind=kind, object_id=obj.pk,
        label=str(obj) if label is None else label,
    )  # fmt: skip


def _evidence(student_id: int, kind: str, evidence: list) -> None:
    activity_record_many(student_id=student_id, actor_id=student_id, kind=kind, objects=evidence)


@receiver(achievement_saved, dispatch_uid="analytics_achievement_saved")
def _achievement_saved(sender, achievement, created, evidence_added=(), **kwargs):
    student_id = achievement.portfolio.student_id
    kind = ActivityKind.ACHIEVEMENT_CREATED if created else ActivityKind.ACHIEVEMENT_UPDATED
    _student_change(student_id, kind, achievement)
    _evidence(student_id, ActivityKind.EVIDENCE_ADDED, evidence_added)


@receiver(achievement_deleted, dispatch_uid="analytics_achievement_deleted")
def _achievement_deleted(sender, achievement, **kwargs):
    _student_change(
        achievement.portfolio.student_id, ActivityKind.ACHIEVEMENT_DELETED, achievement,
        label=achievement.title,
    )  # fmt: skip


@receiver(evidence_changed, dispatch_uid="analytics_evidence_changed")
def _evidence_changed(sender, achievement, added=(), updated=(), removed=(), **kwargs):
    student_id = achievement.portfolio.student_id
    _evidence(student_id, ActivityKind.EVIDENCE_ADDED, added)
    _evidence(student_id, ActivityKind.EVIDENCE_UPDATED, updated)
    _evidence(student_id, ActivityKind.EVIDENCE_DELETED, removed)


@receiver(post_saved, dispatch_uid="analytics_post_saved")
def _post_saved(sender, post, created, **kwargs):
    kind = ActivityKind.POST_CREATED if created else ActivityKind.POST_UPDATED
    _student_change(post.portfolio.student_id, kind, post, label=post.title)


@receiver(post_deleted, dispatch_uid="analytics_post_deleted")
def _post_deleted(sender, post, **kwargs):
    _student_change(post.portfolio.student_id, ActivityKind.POST_DELETED, post, label=post.title)


@receiver(profile_updated, dispatch_uid="analytics_profile_updated")
def _profile_updated(sender, portfolio, **kwargs):
    _student_change(portfolio.student_id, ActivityKind.PROFILE_UPDATED, portfolio, portfolio.slug)


@receiver(review_released, dispatch_uid="analytics_review_released")
def _review_released(sender, review, **kwargs):
    """A released review is an event in the student's log (its supervisor is the actor)."""
    activity_record(
        student_id=review.student_id, actor_id=review.supervisor_id,
        kind=ActivityKind.REVIEW_RECEIVED, object_id=review.pk, label=str(review.term),
    )  # fmt: skip


@receiver(portfolio_figures_refreshed, dispatch_uid="analytics_portfolio_figures")
def _portfolio_figures_refreshed(sender, portfolio_ids, **kwargs):
    portfolio_sync(portfolio_ids)  # the per-student copy of completeness and counts
