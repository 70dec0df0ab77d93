"""Starting exports and imports as jobs, and clearing away old ones.

A job runs as a Celery task queued after the job's row commits (core.tasks.enqueue), or
inline at that moment without a broker. An export of a small portfolio is made in the
request anyway (it takes a fraction of a second), so its page shows the download at once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.files.quota import storage_used
from core.files.storage import StoredFiles, delete_after_commit
from core.tasks import enqueue
from portfolios.models import Portfolio
from transfer import archive, jobs, tasks
from transfer.models import (
    ACTIVE,
    EXPORT_KINDS,
    IMPORT_KINDS,
    STORAGE_FOLDER,
    Kind,
    Status,
    TransferJob,
)  # fmt: skip

logger = logging.getLogger(__name__)


class TransferBusy(Exception):
    """The student already has a job of this kind waiting or running (``job``)."""

    def __init__(self, kind: str, job: TransferJob | None):
        if kind in EXPORT_KINDS:
            message = _("Your download is already being prepared.")
        else:
            message = _("An import is already running; wait until it has finished.")
        super().__init__(message)
        self.message = message
        self.job = job


def _create_job(*, owner, portfolio: Portfolio, kind: str, language: str, **fields):
    """The job's row, unless one of this kind is active already (``TransferBusy``). The
    partial unique constraint decides when two requests race past the first check."""
    active = TransferJob.objects.of(owner, kind).active().first()
    if active is not None:
        raise TransferBusy(kind, active)
    job = TransferJob(owner=owner, portfolio=portfolio, kind=kind, language=language, **fields)
    job.full_clean(exclude=["archive"], validate_constraints=False)
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:
        raise TransferBusy(kind, TransferJob.objects.of(owner, kind).active().first()) from None
    return job


def _export_inline(job_id: int) -> None:
    try:
        jobs.export_run(job_id)
    except jobs.Transient:
        enqueue(tasks.export_run, job_id)  # the worker tries again later


@transaction.atomic
def export_start(
    *,
    owner,
    portfolio: Portfolio,
    language: str,
    inline: bool | None = None,
    kind: str = Kind.EXPORT,
) -> TransferJob:
    """Start an export of ``portfolio`` (``kind``: the site's zip or Leap2A): inline once
    the row commits when its files are small (``TRANSFER_INLINE_EXPORT_BYTES``) or
    ``inline`` says so, else as a task."""
    if kind not in EXPORT_KINDS:
        raise ValueError(f"not an export: {kind}")
    job = _create_job(owner=owner, portfolio=portfolio, kind=kind, language=language)
    if inline is None:
        inline = storage_used(portfolio) <= settings.TRANSFER_INLINE_EXPORT_BYTES
    if inline:
        transaction.on_commit(lambda: _export_inline(job.pk), robust=True)
    else:
        enqueue(tasks.export_run, job.pk)
    return job


def import_start(*, owner, portfolio: Portfolio, upload, language: str) -> TransferJob:
    """Keep the uploaded zip in private storage and queue its import. Refuses at once
    (``ImportRefused``) when the portfolio has achievements; everything else about the
    zip is checked by the task, which says what was wrong on the job's page."""
    archive.refuse_if_not_empty(portfolio, with_posts=False)
    with StoredFiles() as stored, transaction.atomic():
        job = _create_job(owner=owner, portfolio=portfolio, kind=Kind.IMPORT,
                          language=language, archive_size=upload.size)  # fmt: skip
        # A storage failure is an UploadRejected naming the file; the row goes with it.
        stored.save(job.archive, upload, folder=STORAGE_FOLDER, extension="zip",
                    label=getattr(upload, "name", ""))  # fmt: skip
        job.save(update_fields=["archive"])
        enqueue(tasks.import_run, job.pk)
    return job


def leap2a_import_start(*, owner, portfolio: Portfolio, upload, language: str) -> TransferJob:
    """Keep an uploaded Leap2A zip or leap2a.xml in private storage and queue its import
    (beside whatever the portfolio has); the task checks everything in it."""
    name = getattr(upload, "name", "") or ""
    extension = "xml" if name.lower().endswith(".xml") else "zip"
    with StoredFiles() as stored, transaction.atomic():
        job = _create_job(owner=owner, portfolio=portfolio, kind=Kind.LEAP2A_IMPORT,
                          language=language, archive_size=upload.size)  # fmt: skip
        stored.save(job.archive, upload, folder=STORAGE_FOLDER, extension=extension,
                    label=name)  # fmt: skip
        job.save(update_fields=["archive"])
        enqueue(tasks.import_run, job.pk)
    return job


def transfer_cleanup(*, now=None) -> dict[str, int]:
    """The beat task's work (transfer.tasks.cleanup): queue again what a broker outage
    left waiting, stop jobs that ran far too long, delete expired downloads and old jobs
    (their files go after commit: transfer/receivers.py)."""
    now = now or timezone.now()
    waiting = TransferJob.objects.filter(
        status=Status.QUEUED,
        created_at__lt=now - timedelta(minutes=settings.TRANSFER_REQUEUE_MINUTES),
        created_at__gte=now - timedelta(hours=settings.TRANSFER_JOB_TIMEOUT_HOURS),
    )
    requeued = 0
    for job_id, kind in waiting.values_list("pk", "kind"):
        enqueue(tasks.export_run if kind in EXPORT_KINDS else tasks.import_run, job_id)
        requeued += 1
    stopped = 0
    for job in TransferJob.objects.filter(
        status__in=ACTIVE, created_at__lt=now - timedelta(hours=settings.TRANSFER_JOB_TIMEOUT_HOURS)
    ):
        with transaction.atomic():
            stopped += _stop_stale(job, now)
    with transaction.atomic():
        expired = list(
            TransferJob.objects.select_for_update()
            .filter(kind__in=EXPORT_KINDS, expires_at__lte=now)
            .exclude(archive="")
        )
        for job in expired:
            delete_after_commit([job.archive.name])
        TransferJob.objects.filter(pk__in=[job.pk for job in expired]).update(archive="")
    old = TransferJob.objects.filter(
        ~Q(status__in=ACTIVE),
        created_at__lt=now - timedelta(days=settings.TRANSFER_JOB_KEEP_DAYS),
    )
    deleted = 0
    for job in old:
        job.delete()  # one by one: each row's file follows it (transfer/receivers.py)
        deleted += 1
    return {"requeued": requeued, "stopped": stopped, "expired": len(expired),
            "deleted": deleted}  # fmt: skip


def _stop_stale(job: TransferJob, now) -> int:
    """A job still waiting or running long after any run could take: failed, with the
    reason in the student's language; its upload (import) deleted."""
    with translation.override(job.language):
        message = jobs.stale_message()
    fields = {"status": Status.FAILED, "error": message, "finished_at": now}
    if job.kind in IMPORT_KINDS:
        fields["archive"] = ""
    updated = TransferJob.objects.filter(pk=job.pk, status__in=ACTIVE).update(**fields)
    if updated and job.kind in IMPORT_KINDS:
        delete_after_commit([job.archive.name])
    return updated
