"""Running an export or import job: what the tasks (transfer/tasks.py) and a small export
in the request (transfer/services.py) both call.

Each run may happen twice: a task is acknowledged only when it has finished, so a worker
that dies mid-run leaves the job for the next one, and a broker may deliver a task twice.
So a run first takes a PostgreSQL advisory lock on the job (a second delivery running at
the same time finds it taken and leaves), then does nothing to a finished job, and runs a
job that is still "running" (its worker died) again from the start. The export writes a
new zip and swaps it in with the job's last UPDATE; the import is one transaction that
also marks the job done, so it is either wholly there with its job done or not at all.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from contextlib import contextmanager
from datetime import timedelta

from botocore.exceptions import ConnectionError as StorageConnectionError
from botocore.exceptions import HTTPClientError as StorageHTTPError
from django.conf import settings
from django.core.files import File
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.files.storage import StorageUnavailable, StoredFiles, delete_after_commit
from core.files.types import UploadRejected
from transfer import archive
from transfer.leap2a.importer import import_leap2a
from transfer.leap2a.writer import export_leap2a
from transfer.models import (
    ACTIVE,
    FINISHED,
    IMPORT_KINDS,
    STORAGE_FOLDER,
    Kind,
    Stage,
    Status,
    TransferJob,
)  # fmt: skip

logger = logging.getLogger(__name__)

# Worth another try later: the database, the broker's network or the file storage being
# unreachable for a moment. Anything else fails the job with a message.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError,
                    StorageConnectionError, StorageHTTPError, StorageUnavailable)  # fmt: skip
LOCK_CLASS = 71301  # the advisory locks' first key: "transfer jobs"


class Transient(Exception):
    """The run stopped on a passing fault; the job is queued again (``retrying``)."""


class _Superseded(Exception):
    """The job was finished by someone else (stopped as stale) while this run worked."""


def failed_export_message() -> str:
    return _("Your download could not be prepared because of an error on our side. "
             "Please try again later.")  # fmt: skip


def failed_import_message() -> str:
    return _("The import stopped because of an error on our side; nothing was imported. "
             "Please try again later.")  # fmt: skip


def unavailable_message() -> str:
    return _("A service the site needs was unavailable, so this was stopped; nothing was "
             "changed. Please try again later.")  # fmt: skip


def stale_message() -> str:
    return _("This took too long and was stopped; nothing was changed. Please try again.")


def upload_missing_message() -> str:
    return _("The uploaded archive is no longer there. Please upload it again.")


class JobProgress:
    """The ``progress`` callback of an export or import: writes the job's stage and
    counts as they move, at most once per percent (a 5000-file export costs 100 small
    UPDATEs, not 5000), and always at a new stage and the last item."""

    def __init__(self, job: TransferJob):
        self.job_id = job.pk
        self.last: tuple | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        done = min(done, total)
        key = (stage, total, done * 100 // total if total else 0)
        if key == self.last and done != total:
            return
        self.last = key
        TransferJob.objects.filter(pk=self.job_id, status=Status.RUNNING).update(
            stage=stage, progress_done=done, progress_total=total
        )


@contextmanager
def _claimed(job_id: int):
    """The job, running in this process, or None: gone, finished, or run by another
    process right now (the advisory lock is this connection's until released, or until
    the connection closes with a worker that died)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, job_id % 2**31])
        locked = cursor.fetchone()[0]
    if not locked:
        logger.info("transfer job %s is being run elsewhere", job_id)
        yield None
        return
    try:
        job = (
            TransferJob.objects.select_related("portfolio__student", "owner")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status in FINISHED:
            yield None
            return
        fields = {"status": Status.RUNNING, "started_at": timezone.now(), "error": "",
                  "stage": Stage.WAITING, "progress_done": 0, "progress_total": 0}  # fmt: skip
        claimed = TransferJob.objects.filter(pk=job.pk, status__in=ACTIVE).update(
            attempts=F("attempts") + 1, **fields
        )
        if not claimed:  # stopped as stale (transfer_cleanup) a moment ago
            yield None
            return
        for name, value in fields.items():
            setattr(job, name, value)
        yield job
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, job_id % 2**31])
        except (OperationalError, InterfaceError):
            logger.warning("could not release the lock of transfer job %s", job_id)


def _fail(job: TransferJob, message: str) -> None:
    """Finish ``job`` as failed with ``message`` (for the student); an import's upload
    goes, since nothing will read it again."""
    upload = job.archive.name if job.kind in IMPORT_KINDS else ""
    fields = {"status": Status.FAILED, "error": message, "finished_at": timezone.now()}
    if upload:
        fields["archive"] = ""
    with transaction.atomic():
        TransferJob.objects.filter(pk=job.pk, status__in=ACTIVE).update(**fields)
        delete_after_commit([upload])


def _queue_again(job: TransferJob) -> None:
    TransferJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        status=Status.QUEUED, stage=Stage.RETRYING
    )


def give_up(job_id: int) -> None:
    """After the last retry: the job fails with a message that nothing changed."""
    job = TransferJob.objects.filter(pk=job_id).first()
    if job is not None and job.status not in FINISHED:
        with translation.override(job.language):
            _fail(job, unavailable_message())


def export_run(job_id: int) -> None:
    """Write the export's zip to private storage and mark the job done (or failed)."""
    with _claimed(job_id) as job:
        if job is None:
            return
        try:
            with translation.override(job.language):
                _export(job)
        except _Superseded:
            logger.info("transfer job %s was finished elsewhere; its zip is dropped", job.pk)
        except (*TRANSIENT_ERRORS, UploadRejected) as error:  # the storage refused the write
            logger.warning("export job %s stopped; it will be tried again", job.pk, exc_info=True)
            _queue_again(job)
            raise Transient(str(error)) from error
        except Exception:
            logger.exception("export job %s failed", job.pk)
            with translation.override(job.language):
                _fail(job, failed_export_message())


def _export(job: TransferJob) -> None:
    portfolio = job.portfolio
    write = export_leap2a if job.kind == Kind.LEAP2A_EXPORT else archive.export_zip
    with tempfile.TemporaryFile() as spool:
        write(portfolio, spool, progress=JobProgress(job))
        size = spool.seek(0, 2)
        spool.seek(0)
        JobProgress(job)(Stage.STORING, 0, 1)
        now = timezone.now()
        # The zip and the row that names it, together: a failure stores neither. (A worker
        # that dies between the two leaves a zip no row names; the next run makes another.)
        with StoredFiles() as stored, transaction.atomic():
            name = stored.save(job.archive, File(spool, name="portfolio.zip"),
                               folder=STORAGE_FOLDER, extension="zip")  # fmt: skip
            updated = TransferJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
                status=Status.DONE, stage=Stage.FINISHED, archive=name, archive_size=size,
                progress_done=1, progress_total=1, finished_at=now,
                expires_at=now + timedelta(days=settings.TRANSFER_EXPORT_DAYS),
            )  # fmt: skip
            if not updated:
                raise _Superseded


def import_run(job_id: int) -> None:
    """Import the job's uploaded zip into its portfolio; the upload is deleted once the
    job has finished, whichever way."""
    with _claimed(job_id) as job:
        if job is None:
            return
        with translation.override(job.language):
            try:
                _import(job)
            except archive.ImportRefused as refusal:
                _fail(job, refusal.message)
            except FileNotFoundError:
                logger.warning("import job %s: the upload is gone", job.pk)
                _fail(job, upload_missing_message())
            except _Superseded:
                logger.info("transfer job %s was finished elsewhere; import rolled back", job.pk)
            except TRANSIENT_ERRORS as error:
                logger.warning("import job %s stopped; it is tried again", job.pk, exc_info=True)
                _queue_again(job)
                raise Transient(str(error)) from error
            except Exception:
                logger.exception("import job %s failed", job.pk)
                _fail(job, failed_import_message())


def _import(job: TransferJob) -> None:
    if not job.archive:
        raise FileNotFoundError
    if job.kind == Kind.LEAP2A_IMPORT:
        _import_leap2a(job)
        return
    portfolio = job.portfolio
    posts_before = portfolio.posts.count()  # a version 1 zip imports beside posts
    upload = job.archive.name

    def finish(achievements: int) -> None:
        summary = {"achievements": achievements, "posts": portfolio.posts.count() - posts_before}
        _import_done(job, upload, summary)

    with _spooled(job) as spool:
        archive.import_zip(portfolio, spool, progress=JobProgress(job), on_restored=finish)


@contextmanager
def _spooled(job: TransferJob):
    """A local copy of the job's upload: zipfile seeks all over the file, which S3 makes
    slow."""
    with tempfile.TemporaryFile() as spool:
        with job.archive.open("rb") as source:
            shutil.copyfileobj(source, spool, 1024 * 1024)
        spool.seek(0)
        yield spool


def _import_done(job: TransferJob, upload: str, summary: dict) -> None:
    """Inside the import's transaction: the job is done with it, or neither is; the
    uploaded file goes once it has committed."""
    updated = TransferJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        status=Status.DONE, stage=Stage.FINISHED, summary=summary, archive="",
        progress_done=1, progress_total=1, finished_at=timezone.now(),
    )  # fmt: skip
    if not updated:
        raise _Superseded
    delete_after_commit([upload])


def _import_leap2a(job: TransferJob) -> None:
    """A Leap2A zip or leap2a.xml: the report of what went where is the job's summary."""
    upload = job.archive.name

    def finish(report: dict) -> None:
        _import_done(job, upload, report)

    with _spooled(job) as spool:
        import_leap2a(job.portfolio, spool, progress=JobProgress(job), on_done=finish)
