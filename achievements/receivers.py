"""Model signals of the achievements app, for what does not go through a service: files
follow their rows (a service, a cascade from a deleted account, the admin), and a change made
in the admin still reaches the portfolio's one refresh path (portfolios/content.py; inside a
service's batch these marks fold into its single flush)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from achievements.models import VERIFICATION_STATE_FIELDS, Achievement, Evidence
from core.files.storage import delete_after_commit
from core.signals import deleted_by_cascade
from portfolios.content import content_changed


@receiver(post_delete, sender=Evidence, dispatch_uid="evidence_files_delete")
def _evidence_deleted(sender, instance: Evidence, **kwargs):
    delete_after_commit(instance.stored_names())


@receiver(post_save, sender=Achievement, dispatch_uid="achievement_saved_bump")
@receiver(post_delete, sender=Achievement, dispatch_uid="achievement_deleted_bump")
def _achievement_changed(sender, instance: Achievement, update_fields=None, origin=None, **kwargs):
    if deleted_by_cascade(origin, Achievement):
        return  # the portfolio or the account goes with it: nothing to refresh
    # Saving only the verification state is a supervisor's decision, not a student's update.
    touch = not (update_fields and set(update_fields) <= set(VERIFICATION_STATE_FIELDS))
    content_changed(instance.portfolio_id, touch=touch)


@receiver(post_save, sender=Evidence, dispatch_uid="evidence_saved_bump")
@receiver(post_delete, sender=Evidence, dispatch_uid="evidence_deleted_bump")
def _evidence_changed(sender, instance: Evidence, origin=None, **kwargs):
    if deleted_by_cascade(origin, Evidence):
        return
    content_changed(instance.achievement.portfolio_id)


@receiver(m2m_changed, sender=Achievement.skills.through, dispatch_uid="achievement_skills_bump")
def _achievement_skills_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Achievement):
        content_changed(instance.portfolio_id)
