"""An export or import of a portfolio that runs as a background task (transfer/tasks.py),
with what its progress page shows while it runs and when it has finished."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files.storage import upload_to_folder

STORAGE_FOLDER = "transfer"  # private like every stored file: served only by the job's views


def transfer_upload_to(instance, filename: str) -> str:
    return upload_to_folder(STORAGE_FOLDER, filename)


class Kind(models.TextChoices):
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")
    LEAP2A_EXPORT = "leap2a-export", _("Leap2A export")
    LEAP2A_IMPORT = "leap2a-import", _("Leap2A import")


EXPORT_KINDS = (Kind.EXPORT, Kind.LEAP2A_EXPORT)
IMPORT_KINDS = (Kind.IMPORT, Kind.LEAP2A_IMPORT)
LEAP2A_KINDS = (Kind.LEAP2A_EXPORT, Kind.LEAP2A_IMPORT)


class Status(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


ACTIVE = (Status.QUEUED, Status.RUNNING)
FINISHED = (Status.DONE, Status.FAILED)


class Stage(models.TextChoices):
    """Where a running job is; the progress page shows the label."""

    WAITING = "waiting", _("Waiting for its turn")
    RETRYING = "retrying", _("Waiting to try again")
    COLLECTING = "collecting", _("Collecting your portfolio")
    PACKING = "packing", _("Packing your files")
    STORING = "storing", _("Storing the archive")
    READING = "reading", _("Reading the archive")
    CHECKING = "checking", _("Checking the files")
    SAVING = "saving", _("Saving your portfolio")
    FINISHED = "finished", _("Finished")


class TransferJobQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE)

    def of(self, owner, kind: str | None = None):
        jobs = self.filter(owner=owner)
        return jobs.filter(kind=kind) if kind else jobs


class TransferJob(models.Model):
    """One export or import. The export's zip and the import's uploaded zip live in private
    storage (``archive``); the uploaded zip is deleted once the import has finished, the
    export's when it expires (``expires_at``, the beat task ``transfer.tasks.cleanup``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="transfer_jobs",
        verbose_name=_("student"),
    )
    portfolio = models.ForeignKey(
        "portfolios.Portfolio",
        on_delete=models.CASCADE,
        related_name="transfer_jobs",
        verbose_name=_("portfolio"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices,
                             default=Stage.WAITING)  # fmt: skip
    progress_done = models.PositiveIntegerField(_("items done"), default=0)
    progress_total = models.PositiveIntegerField(_("items in all"), default=0)
    # The language the student started the job in: the task speaks it (error messages).
    language = models.CharField(_("language"), max_length=10, default="en")
    error = models.TextField(
        _("error"), blank=True, help_text=_("What the student was told; details are logged.")
    )
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    archive = models.FileField(
        _("archive"), upload_to=transfer_upload_to, blank=True, max_length=200
    )
    archive_size = models.PositiveBigIntegerField(_("archive size"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("began running"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("download until"), null=True, blank=True)

    objects = TransferJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export or import")
        verbose_name_plural = _("exports and imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One export and one import at a time per student: the limit holds however
            # many app servers take the requests.
            models.UniqueConstraint(
                fields=["owner", "kind"],
                condition=Q(status__in=["queued", "running"]),
                name="transfer_one_active_job_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(progress_done__lte=F("progress_total")),
                name="transfer_progress_within_total",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="transfer_status_created")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.owner} · {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def is_export(self) -> bool:
        return self.kind in EXPORT_KINDS

    @property
    def is_import(self) -> bool:
        return self.kind in IMPORT_KINDS

    @property
    def is_leap2a(self) -> bool:
        """A Leap2A (Mahara) export or import rather than the site's own zip."""
        return self.kind in LEAP2A_KINDS

    @property
    def percent(self) -> int:
        if self.status == Status.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    def download_ready(self, now=None) -> bool:
        """An export whose zip is there and not yet expired."""
        now = now or timezone.now()
        return (
            self.kind in EXPORT_KINDS
            and self.status == Status.DONE
            and bool(self.archive)
            and (self.expires_at is None or self.expires_at > now)
        )
