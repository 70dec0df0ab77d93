"""Scheduled work of notifications (beat: portfolio_site/settings.py, "Scheduled work").
The e-mails themselves leave through the outbox (outbox/tasks.py)."""

from __future__ import annotations

from celery import shared_task

from notifications.services import digest_send, notifications_purge


@shared_task
def send_digest() -> int:
    """Daily: queue each user's digest (``manage.py send_notification_digest``); how many.
    Each notification goes into one digest only, so a second run queues nothing twice."""
    return digest_send()


@shared_task
def purge() -> int:
    """Daily: delete old notifications (``manage.py purge_notifications``); how many."""
    return notifications_purge()
