"""Scheduled work of the journal (beat: portfolio_site/settings.py, "Scheduled work")."""

from __future__ import annotations

from celery import shared_task

from journal.services import due_posts_publish


@shared_task
def publish_due_posts() -> int:
    """Every 10 minutes: bring cached pages and search up to date with the scheduled posts
    whose date has come (``manage.py publish_due_posts``); how many portfolios."""
    return due_posts_publish()
