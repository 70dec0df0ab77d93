"""Writes for the e-mail outbox.

``email_queue`` is how every part of the site sends an e-mail: it writes the row in the
caller's transaction and queues ``send_email`` for after the commit. So an action that
rolls back mails nobody, and an action that commits has its e-mail on record even when the
broker cannot be reached at that moment: ``emails_send_pending`` (every minute, by beat)
sends what no task has sent.

The sending itself (what the tasks run) is in sending.py.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.tasks import enqueue
from outbox import tasks
from outbox.models import OutgoingEmail


def email_queue(
    *,
    to: str | list[str],
    subject: str,
    body: str,
    headers: dict[str, str] | None = None,
    key: str | None = None,
) -> OutgoingEmail:
    """Queue an e-mail: its row now, in the caller's transaction; the sending task after
    the commit. With ``key`` (what the e-mail is for: ``"notification:12"``) an e-mail
    already queued under that key is returned and not queued again."""
    email = OutgoingEmail(
        to=[to] if isinstance(to, str) else list(to),
        subject=" ".join(subject.split())[:255],
        body=body,
        headers=headers or {},
        key=key,
    )
    email.full_clean(validate_unique=False, validate_constraints=False)
    if key is None:
        email.save(force_insert=True)
    else:
        try:
            with transaction.atomic():  # a savepoint: a clash leaves the caller's work intact
                email.save(force_insert=True)
        except IntegrityError:
            return OutgoingEmail.objects.get(key=key)
    enqueue(tasks.send_email, email.pk)
    return email


@transaction.atomic
def emails_resend(*, emails) -> int:
    """Queue failed e-mails again with a fresh count of tries; how many. Others are left
    as they are (a sent e-mail is never sent again from here)."""
    ids = list(emails.filter(failed_at__isnull=False).values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=ids).update(failed_at=None, attempts=0, claimed_until=None)
    for pk in ids:
        enqueue(tasks.send_email, pk)
    return len(ids)


def emails_purge(*, now=None, keep_days: int | None = None) -> int:
    """Delete e-mails sent, or failed, more than ``keep_days`` (OUTBOX_KEEP_DAYS) ago;
    how many. Unsent ones are never deleted."""
    keep_days = settings.OUTBOX_KEEP_DAYS if keep_days is None else keep_days
    if keep_days < 1:
        raise ValueError("keep_days must be at least 1")
    before = (now or timezone.now()) - timedelta(days=keep_days)
    old = OutgoingEmail.objects.filter(sent_at__lt=before) | OutgoingEmail.objects.filter(
        failed_at__lt=before
    )
    return old.delete()[0]
