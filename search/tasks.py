"""Scheduled work of the search package."""

from __future__ import annotations

from celery import shared_task

from search.derived import vocabulary_rebuild


@shared_task(acks_late=True)
def rebuild_vocabulary() -> None:
    """Nightly: the vocabulary anew from the listed documents (search/models.py)."""
    vocabulary_rebuild()
