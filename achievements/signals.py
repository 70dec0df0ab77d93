"""Files follow their rows: whatever deletes an evidence row or a portfolio (a service, a
cascade from a deleted account, the admin) deletes its stored files once committed."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from achievements.files import delete_after_commit
from achievements.models import Evidence
from portfolios.models import Portfolio


@receiver(post_delete, sender=Evidence, dispatch_uid="evidence_files_delete")
def _evidence_deleted(sender, instance: Evidence, **kwargs):
    delete_after_commit(instance.stored_names())


@receiver(post_delete, sender=Portfolio, dispatch_uid="portfolio_photo_delete")
def _portfolio_deleted(sender, instance: Portfolio, **kwargs):
    delete_after_commit([f.name for f in (instance.photo, instance.photo_thumbnail) if f])
