"""Scheduled work of the search package."""

from __future__ import annotations

from celery import shared_task

from search import derived


@shared_task(acks_late=True)
def rebuild_vocabulary() -> int:
    """Nightly: the vocabulary anew from the listed documents (search/models.py); the
    number of words it holds."""
    return derived.vocabulary_rebuild()
