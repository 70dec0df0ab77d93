"""Reads of export and import jobs."""

from __future__ import annotations

from transfer.models import TransferJob

RECENT_JOBS = 5


def recent_jobs(owner, kind: str) -> list[TransferJob]:
    """The student's latest jobs of ``kind``, newest first (the export and import pages)."""
    return list(TransferJob.objects.of(owner, kind).order_by("-created_at", "-pk")[:RECENT_JOBS])
