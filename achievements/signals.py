"""Files follow their rows: whatever deletes an evidence row or a portfolio (a service, a
cascade from a deleted account, the admin) deletes its stored files once committed."""

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from achievements.files import delete_after_commit
from achievements.models import Achievement, Evidence
from portfolios.models import Portfolio


@receiver(post_delete, sender=Evidence, dispatch_uid="evidence_files_delete")
def _evidence_deleted(sender, instance: Evidence, **kwargs):
    delete_after_commit(instance.stored_names())


def _bump(portfolio_id) -> None:
    """Cached portfolio pages show the new content at once (see portfolio_body_html)."""
    Portfolio.objects.filter(pk=portfolio_id).update(content_version=F("content_version") + 1)


@receiver(post_save, sender=Achievement, dispatch_uid="achievement_saved_bump")
@receiver(post_delete, sender=Achievement, dispatch_uid="achievement_deleted_bump")
def _achievement_changed(sender, instance: Achievement, **kwargs):
    _bump(instance.portfolio_id)


@receiver(post_save, sender=Evidence, dispatch_uid="evidence_saved_bump")
@receiver(post_delete, sender=Evidence, dispatch_uid="evidence_deleted_bump")
def _evidence_changed(sender, instance: Evidence, **kwargs):
    portfolio_id = (
        Achievement.objects.filter(pk=instance.achievement_id)
        .values_list("portfolio_id", flat=True)
        .first()
    )
    if portfolio_id is not None:
        _bump(portfolio_id)


@receiver(m2m_changed, sender=Achievement.skills.through, dispatch_uid="achievement_skills_bump")
def _achievement_skills_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Achievement):
        _bump(instance.portfolio_id)


@receiver(post_delete, sender=Portfolio, dispatch_uid="portfolio_photo_delete")
def _portfolio_deleted(sender, instance: Portfolio, **kwargs):
    delete_after_commit([f.name for f in (instance.photo, instance.photo_thumbnail) if f])
