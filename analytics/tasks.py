"""Scheduled work of analytics (beat: portfolio_site/settings.py, "Scheduled work")."""

from __future__ import annotations

from celery import shared_task

from analytics import rollups, services


@shared_task
def refresh() -> int:
    """Nightly: move the 30- and 90-day windows to today (``manage.py analytics_refresh``);
    how many students changed. Running it again the same day changes nothing."""
    return rollups.windows_slide()


@shared_task
def purge_view_counts() -> int:
    """Nightly: delete daily portfolio view counts older than 400 days
    (``manage.py purge_view_counts``); how many rows went."""
    return services.portfolio_view_counts_purge()
