"""The export and import tasks, and the beat task that clears old jobs away.

A task may run twice for one job (acks_late: a worker that dies mid-run leaves it queued;
the beat task queues again what a broker outage left waiting): transfer/jobs.py makes the
second run do nothing to a finished job. Passing faults (the database, the broker's
network, the file storage) are tried again with a growing wait; anything else fails the
job with a message for the student.
"""

from __future__ import annotations

from celery import shared_task

from transfer import jobs, services

MAX_RETRIES = 5


def _backoff(retries: int) -> int:
    """Seconds before try number ``retries + 2``: 15, 30, 60, 120, 240."""
    return 15 * 2**retries


def _run(task, runner, job_id: int) -> None:
    try:
        runner(job_id)
    except (jobs.Transient, *jobs.TRANSIENT_ERRORS) as error:
        if task.request.retries >= task.max_retries:
            jobs.give_up(job_id)
            return
        raise task.retry(exc=error, countdown=_backoff(task.request.retries)) from None


@shared_task(bind=True, max_retries=MAX_RETRIES)
def export_run(self, job_id: int) -> None:
    """Write the export zip of job ``job_id``."""
    _run(self, jobs.export_run, job_id)


@shared_task(bind=True, max_retries=MAX_RETRIES)
def import_run(self, job_id: int) -> None:
    """Import the uploaded zip of job ``job_id``."""
    _run(self, jobs.import_run, job_id)


@shared_task
def cleanup() -> dict[str, int]:
    """Beat (settings: CELERY_BEAT_SCHEDULE["transfer-cleanup"])."""
    return services.transfer_cleanup()
