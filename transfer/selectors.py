"""Reads of export and import jobs."""

from __future__ import annotations

from transfer.models import TransferJob

RECENT_JOBS = 5


def recent_jobs(owner, *kinds: str) -> list[TransferJob]:
    """The student's latest jobs of ``kinds``, newest first (the export and import pages)."""
    jobs = TransferJob.objects.filter(owner=owner, kind__in=kinds)
    return list(jobs.order_by("-created_at", "-pk")[:RECENT_JOBS])
