"""Sending queued e-mails (what outbox/tasks.py runs).

``email_deliver`` claims the row with one conditional UPDATE (unsent, and nobody else's
lease running), sends it with Django's mail API, and marks it sent. Two workers, a task
delivered twice (``acks_late``) or a retry racing the minute sweep therefore send an e-mail
once. A worker killed after the mail server accepted the message but before the row was
marked would send it again when the lease runs out: that window is one UPDATE long, and no
SMTP client can close it.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone

from outbox.models import OutgoingEmail

logger = logging.getLogger(__name__)

# How many times an e-mail is tried before it is failed for good; with the backoff below
# (15 s doubling, at most an hour apart) the last try is about four hours after the first.
MAX_ATTEMPTS = 12
BACKOFF_MAX_SECONDS = 3600
# The minute sweep leaves younger rows to the task queued when they were written.
SWEEP_AFTER = timedelta(minutes=1)
SWEEP_BATCH = 200


@dataclass(frozen=True)
class Outcome:
    """What one call of ``email_deliver`` did; ``retry_in``: when to try again (seconds)."""

    SENT = "sent"
    FAILED = "failed"
    RETRY = "retry"  # a transient error: try again after the backoff
    BUSY = "busy"  # someone else holds the lease: look again when it runs out
    DONE = "done"  # nothing to do: sent or failed before, or no such row

    state: str
    retry_in: float | None = None


def backoff_seconds(attempts: int) -> float:
    """How long to wait after the ``attempts``-th failed try: the base, doubling each try."""
    base = settings.OUTBOX_RETRY_BACKOFF_SECONDS
    return float(min(base * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def is_transient(error: BaseException) -> bool:
    """Whether trying again later may work: the server or the network failed (timeouts,
    refused connections, 4xx replies, a login refused until the settings are put right).
    Not when the mail server refused the recipients or the message itself (5xx), nor for
    a message that cannot be built."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code < 500
    return isinstance(error, (smtplib.SMTPException, OSError))


def _message(email: OutgoingEmail) -> EmailMessage:
    return EmailMessage(email.subject, email.body, None, list(email.to), headers=email.headers)


def _claim(email_id: int, *, now) -> bool:
    """Take the row for one try, in one statement: only an unsent row whose lease is free,
    and that has tries left. Under PostgreSQL's row lock two claims cannot both succeed."""
    lease = timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    claimed = (
        OutgoingEmail.objects.filter(pk=email_id, attempts__lt=MAX_ATTEMPTS)
        .unsent()
        .lease_free(now)
        .update(claimed_until=now + lease, attempts=F("attempts") + 1)
    )
    return claimed == 1


def email_deliver(email_id: int) -> Outcome:
    """Send one queued e-mail if it is still to be sent and nobody else is sending it."""
    now = timezone.now()
    if not _claim(email_id, now=now):
        row = OutgoingEmail.objects.filter(pk=email_id).unsent().first()
        if row is None or row.attempts >= MAX_ATTEMPTS:
            return Outcome(Outcome.DONE)
        until = row.claimed_until or now
        return Outcome(Outcome.BUSY, retry_in=max((until - now).total_seconds(), 0) + 1)
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        _message(email).send()
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the row
        return _record_failure(email, error)
    OutgoingEmail.objects.filter(pk=email.pk).update(sent_at=timezone.now(), claimed_until=None)
    return Outcome(Outcome.SENT)


def _record_failure(email: OutgoingEmail, error: Exception) -> Outcome:
    now = timezone.now()
    description = f"{type(error).__name__}: {error}"[:2000]
    rows = OutgoingEmail.objects.filter(pk=email.pk)
    if is_transient(error) and email.attempts < MAX_ATTEMPTS:
        delay = backoff_seconds(email.attempts)
        # The lease now says "not before": the sweep leaves it alone until the retry is due.
        rows.update(last_error=description, claimed_until=now + timedelta(seconds=delay))
        logger.warning("e-mail %s not sent (try %s), again in %.0f s: %s", email.pk,
                       email.attempts, delay, description)  # fmt: skip
        return Outcome(Outcome.RETRY, retry_in=delay)
    rows.update(last_error=description, failed_at=now, claimed_until=None)
    if isinstance(error, smtplib.SMTPException | OSError):
        logger.error("e-mail %s failed for good: %s", email.pk, description)
    else:
        logger.error("e-mail %s could not be sent", email.pk, exc_info=error)
    return Outcome(Outcome.FAILED)


def emails_send_pending(*, now=None, older_than: timedelta = SWEEP_AFTER) -> int:
    """Send the e-mails no task has sent (the broker was down when they were written, a
    worker died, a retry is due): unsent rows older than ``older_than`` whose lease is
    free, oldest first, a batch per run. Rows that used up their tries are failed. Returns
    how many were sent."""
    now = now or timezone.now()
    OutgoingEmail.objects.unsent().lease_free(now).filter(attempts__gte=MAX_ATTEMPTS).update(
        failed_at=now, claimed_until=None
    )
    due = list(
        OutgoingEmail.objects.unsent()
        .lease_free(now)
        .filter(created_at__lte=now - older_than)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return sum(email_deliver(pk).state == Outcome.SENT for pk in due)
