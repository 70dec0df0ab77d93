"""Tasks of the e-mail outbox (services.py says how an e-mail is sent exactly once).

``send_email`` is queued after the commit of the transaction that wrote the row; beat runs
``send_pending`` every minute (whatever no task sent) and ``purge`` daily
(portfolio_site/settings.py, "Scheduled work").
"""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import MaxRetriesExceededError

from outbox import sending, services


@shared_task(bind=True, max_retries=sending.MAX_ATTEMPTS)
def send_email(self, email_id: int) -> str:
    """Send queued e-mail ``email_id`` once. A transient failure is tried again with
    exponential backoff; the wait is kept on the row (its lease), so this retry and the
    minute sweep keep to one schedule. Inline (no broker) nothing waits in the request:
    the sweep, or ``manage.py send_queued_email``, tries again."""
    outcome = sending.email_deliver(email_id)
    if outcome.retry_in is not None and not self.request.is_eager:
        try:
            raise self.retry(countdown=outcome.retry_in)
        except MaxRetriesExceededError:
            pass  # the sweep goes on until the row's own tries are used up
    return outcome.state


@shared_task
def send_pending() -> int:
    """Every minute: send what no task has sent; how many were sent."""
    return sending.emails_send_pending()


@shared_task
def purge() -> int:
    """Daily: delete e-mails sent or failed more than OUTBOX_KEEP_DAYS days ago."""
    return services.emails_purge()
