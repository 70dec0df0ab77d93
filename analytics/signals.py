"""Sign-ins of students go into the activity log (Django sends ``user_logged_in``)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.models import Role
from analytics.models import ActivityKind
from analytics.services import activity_record


@receiver(user_logged_in, dispatch_uid="activity_login")
def _logged_in(sender, request, user, **kwargs):
    if user.role == Role.STUDENT:
        activity_record(student_id=user.pk, kind=ActivityKind.LOGIN, actor_id=user.pk)
