"""Queueing work for the Celery worker (portfolio_site/celery.py).

``enqueue`` is the one way the site queues a task: after the current transaction commits
(at once outside one), so a worker never looks for rows that were rolled back. Without a
broker the task runs inline at that moment. A broker that cannot be reached is logged,
never raised into the request that already committed its write: whatever the task was to
do must also be recorded in the database, where a scheduled task picks it up again (the
e-mail outbox does this).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from celery import shared_task
from django.core.cache import cache
from django.db import transaction

from core.files.storage import delete_stored_files, orphaned_files

logger = logging.getLogger(__name__)


def enqueue(task, *args, using: str | None = None, **kwargs) -> None:
    """Queue ``task(*args, **kwargs)`` once the transaction commits."""

    def publish():
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except Exception:  # noqa: BLE001 - the broker's errors vary by transport
            logger.warning(
                "could not queue %s; it will be picked up again", task.name, exc_info=True
            )

    transaction.on_commit(publish, using=using, robust=True)


@shared_task(acks_late=True)
def purge_orphan_files(older_than_hours: int = 24) -> int:
    """Delete stored files no row refers to (``manage.py storage_orphans --delete``);
    running it twice deletes nothing more. Returns how many were deleted."""
    names = orphaned_files(older_than=timedelta(hours=older_than_hours))
    delete_stored_files(names)
    if names:
        logger.info("deleted %d orphaned stored files", len(names))
    return len(names)


# --- The worker's heartbeat ------------------------------------------------------------
# Beat queues ``heartbeat`` every 30 seconds (settings, "Health"); the worker that runs it
# writes the time into the shared cache, where /healthz reads how long ago a worker last
# took a task from the queue (portfolio_site/health.py). The worker also writes it as soon
# as it is ready, so a fresh deployment is ready without waiting for the first beat.
HEARTBEAT_CACHE_KEY = "health:worker-heartbeat"
HEARTBEAT_KEEP_SECONDS = 60 * 60


def write_heartbeat() -> None:
    cache.set(HEARTBEAT_CACHE_KEY, time.time(), timeout=HEARTBEAT_KEEP_SECONDS)


def last_heartbeat() -> float | None:
    """When a worker last wrote its heartbeat (seconds since the epoch), or None."""
    return cache.get(HEARTBEAT_CACHE_KEY)


@shared_task(name="core.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    write_heartbeat()
