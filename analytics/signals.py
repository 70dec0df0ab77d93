"""Sign-ins of students go into the activity log (Django sends ``user_logged_in``); scores
and term counts in the roll-ups follow reviews and terms, however they are changed."""

from django.contrib.auth.signals import user_logged_in
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import Role, User
from analytics.models import ActivityKind
from analytics.rollups import scores_refresh, student_sync, term_refresh
from analytics.services import activity_record
from feedback.models import Review, Term


@receiver(user_logged_in, dispatch_uid="activity_login")
def _logged_in(sender, request, user, **kwargs):
    if user.role == Role.STUDENT:
        activity_record(student_id=user.pk, kind=ActivityKind.LOGIN, actor_id=user.pk)


@receiver(post_save, sender=Review, dispatch_uid="analytics_review_saved")
@receiver(post_delete, sender=Review, dispatch_uid="analytics_review_deleted")
def _review_changed(sender, instance: Review, origin=None, **kwargs):
    origin_model = origin.model if isinstance(origin, QuerySet) else type(origin)
    if origin is not None and origin_model is not Review:
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
