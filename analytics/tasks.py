"""Scheduled work of analytics (beat: portfolio_site/settings.py, "Scheduled work")."""

from __future__ import annotations

from celery import shared_task

from analytics import rollups


@shared_task
def refresh() -> int:
    """Nightly: move the 30- and 90-day windows to today (``manage.py analytics_refresh``);
    how many students changed. Running it again the same day changes nothing."""
    return rollups.windows_slide()
