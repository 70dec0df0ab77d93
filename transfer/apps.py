from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    """Export a portfolio as a zip and import it again, as background jobs (top layer)."""

    name = "transfer"
    verbose_name = _("Exports and imports")

    def ready(self):
        from transfer.models import TransferJob
        from transfer.receivers import delete_job_archive

        post_delete.connect(
            delete_job_archive, sender=TransferJob, dispatch_uid="transfer_delete_job_archive"
        )
