"""Writes for notifications: tell someone what happened, mark what they read, keep how
they want to hear of each kind (also from the one-click link in every e-mail), send the
daily digest, and delete what is old enough (NOTIFICATIONS_KEEP_DAYS).

``notify`` is what other apps call from their services. It never tells people about
their own actions. Whether an e-mail goes out at once is the recipient's choice per kind
(NotificationPreference, else DEFAULT_DELIVERY); that e-mail is queued in the outbox in the
same transaction (outbox/services.py) and leaves after the commit, so a rolled-back action
mails nobody and a committed one is never without its e-mail.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme

from notifications.access import ALL_KINDS, unsubscribe_token
from notifications.models import (
    DEFAULT_DELIVERY,
    Delivery,
    Kind,
    Notification,
    NotificationPreference,
)
from notifications.selectors import deliveries_for, kinds_for
from notifications.texts import notification_detail
from outbox.models import OutgoingEmail
from outbox.services import email_queue

logger = logging.getLogger(__name__)

# Floods fold into one notification: the same event again while its notification is still
# unread (and, where a window is given, younger than it) is counted on that notification.
# kind: (the fact that makes it "the same", how long a notification takes more).
FOLD = {
    Kind.SHARE_LINK_OPENED: ("link_id", timedelta(hours=1)),  # a link opened over and over
    Kind.EMPLOYER_FEEDBACK: ("feedback_id", None),  # an employer polishing their feedback
}

_muted: ContextVar[bool] = ContextVar("notifications_muted", default=False)


@contextmanager
def notifications_muted():
    """Inside it ``notify`` does nothing (demo data built with the real services)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _pk(user) -> int | None:
    return getattr(user, "pk", user)


def delivery_for(*, user_id: int, kind: str) -> str:
    chosen = (
        NotificationPreference.objects.filter(user_id=user_id, kind=kind)
        .values_list("delivery", flat=True)
        .first()
    )
    return chosen or DEFAULT_DELIVERY[Kind(kind)]


def notify(
    *,
    recipient,
    kind: str,
    actor=None,
    url: str = "",
    params: dict | None = None,
) -> Notification | None:
    """Tell ``recipient`` (a user or a user id) that ``actor`` did something of ``kind``.

    ``url`` is where the notification leads (a path on this site); ``params`` are the
    facts the sentence is written from (texts.py). Returns the notification, or None when
    nobody is told (the recipient is the actor, or notifications are muted).
    """
    recipient_id, actor_id = _pk(recipient), _pk(actor)
    if _muted.get() or recipient_id is None or recipient_id == actor_id:
        return None
    params = params or {}
    # Asked first, folded or not: a page that notifies (a secret link's) costs the same
    # queries on every visit (three, or two for a kind that never folds).
    delivery = delivery_for(user_id=recipient_id, kind=kind)
    if kind in FOLD:
        folded = _fold(recipient_id=recipient_id, kind=kind, params=params)
        if folded is not None:
            return folded
    notification = Notification(
        recipient_id=recipient_id, kind=kind, actor_id=actor_id, url=url, params=params
    )
    # Foreign keys and check constraints are the database's to hold (no extra queries).
    notification.full_clean(exclude=["recipient", "actor"], validate_constraints=False)
    notification.save()
    if delivery == Delivery.EMAIL_NOW:
        # The recipient and the actor (the e-mail names them) in one query.
        people = get_user_model().objects.in_bulk({recipient_id, actor_id} - {None})
        notification.recipient = people[recipient_id]
        if actor_id is not None:
            notification.actor = people.get(actor_id)
        notification_email_now(notification)
    return notification


def _fold(*, recipient_id: int, kind: str, params: dict) -> Notification | None:
    """Count the event on its unread notification, if there is one (FOLD): one query when
    there is none, two when there is."""
    key, window = FOLD[kind]
    if params.get(key) is None:
        return None
    recent = Notification.objects.filter(
        recipient_id=recipient_id,
        kind=kind,
        read_at__isnull=True,
        **{f"params__{key}": params[key]},
    )
    if window is not None:
        recent = recent.filter(created_at__gte=timezone.now() - window)
    notification = recent.order_by("-created_at").first()
    if notification is None:
        return None
    Notification.objects.filter(pk=notification.pk).update(count=F("count") + 1)
    notification.count += 1
    return notification


def site_url() -> str:
    """The site's address for links in e-mails: SITE_URL, else the first host allowed."""
    configured = getattr(settings, "SITE_URL", "")
    if configured:
        return configured.rstrip("/")
    host = next(
        (h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))), "localhost"
    )
    return f"{'http' if settings.DEBUG else 'https'}://{host}"


def absolute_url(path: str) -> str:
    return site_url() + path if path.startswith("/") else path


def safe_target(notification: Notification) -> str:
    """Where opening the notification leads: its own address when it is on this site."""
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts=None, require_https=False
    ):
        return notification.url
    return reverse("notifications:list")


def _language_of(user) -> str:
    return user.preferred_language or settings.LANGUAGE_CODE


def unsubscribe_link(*, user_id: int, kind: str) -> str:
    """The full address that stops e-mails of ``kind`` (or ALL_KINDS) to the user, with no
    sign-in (access.unsubscribe_token)."""
    token = unsubscribe_token(user_id=user_id, kind=kind)
    return absolute_url(reverse("notifications:unsubscribe", args=[token]))


def _queue_mail(*, recipient, subject: str, body: str, unsubscribe: str, key: str | None):
    """Queue one notification e-mail with the RFC 8058 one-click unsubscribe headers: a mail
    program's "Unsubscribe" button POSTs to ``unsubscribe`` and the e-mails stop."""
    return email_queue(
        to=recipient.email,
        subject=" ".join(subject.split())[:200],
        body=body,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        key=key,
    )


def notification_email_now(notification: Notification) -> OutgoingEmail | None:
    """Queue the e-mail of a notification just saved, in its recipient's language, in the
    current transaction (key ``notification:<id>``: never queued twice), and mark it
    e-mailed. None when the recipient has no address or no active account."""
    recipient = notification.recipient
    if notification.emailed_at is not None or not recipient.email or not recipient.is_active:
        return None
    unsubscribe = unsubscribe_link(user_id=recipient.pk, kind=notification.kind)
    with translation.override(_language_of(recipient)):
        context = {
            "user": recipient,
            "notification": notification,
            "detail": notification_detail(notification),
            "link": absolute_url(safe_target(notification)),
            "settings_link": absolute_url(reverse("notifications:settings")),
            "unsubscribe_link": unsubscribe,
        }
        subject = render_to_string("notifications/email/notification_subject.txt", context)
        body = render_to_string("notifications/email/notification.txt", context)
    email = _queue_mail(recipient=recipient, subject=subject, body=body,
                        unsubscribe=unsubscribe, key=f"notification:{notification.pk}")  # fmt: skip
    notification.emailed_at = timezone.now()
    Notification.objects.filter(pk=notification.pk).update(emailed_at=notification.emailed_at)
    return email


def notification_open(*, notification: Notification) -> str:
    """Mark it read; where to go next."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return safe_target(notification)


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of ``user`` read; how many there were."""
    return Notification.objects.for_recipient(user).unread().update(read_at=timezone.now())


@transaction.atomic
def notification_preferences_save(*, user, deliveries: dict[str, str]) -> None:
    """Keep the user's choice per kind (a choice equal to the default is kept too: the
    user made it, and a later change of defaults should not overrule it)."""
    for kind, delivery in deliveries.items():
        kind, delivery = Kind(kind), Delivery(delivery)  # ValueError for anything else
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )


@transaction.atomic
def notifications_unsubscribed(*, user, kind: str) -> bool:
    """Whether e-mails of ``kind`` (or of every kind that can reach ``user``) are off."""
    deliveries = deliveries_for(user)
    kinds = kinds_for(user) if kind == ALL_KINDS else [Kind(kind)]
    return all(deliveries[k.value] == Delivery.IN_APP for k in kinds)


def notifications_unsubscribe(*, user, kind: str) -> dict[str, str]:
    """Stop e-mails of ``kind`` (or of every kind, ALL_KINDS) to ``user``: "site only".
    The one thing the sign-in-free link in an e-mail can do. Returns the kinds that
    reached the user by e-mail until now, with how they did (empty: nothing changed)."""
    kinds = list(Kind) if kind == ALL_KINDS else [Kind(kind)]
    before = deliveries_for(user)
    notification_preferences_save(user=user, deliveries={k: Delivery.IN_APP for k in kinds})
    # For "all", name only the kinds that can reach this user (a supervisor has no reviews).
    shown = [k for k in kinds if kind != ALL_KINDS or k in kinds_for(user)]
    return {k.value: before[k.value] for k in shown if before[k.value] != Delivery.IN_APP}


def _digest_candidates(*, since) -> dict[int, list[Notification]]:
    """Unread notifications since ``since`` not yet e-mailed, by recipient, of the kinds
    each recipient wants in the daily digest."""
    waiting = list(
        Notification.objects.filter(
            created_at__gte=since,
            read_at__isnull=True,
            digested_at__isnull=True,
            emailed_at__isnull=True,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .select_related("recipient", "actor")
        .order_by("recipient_id", "created_at", "pk")
    )
    chosen = {
        (user_id, kind): delivery
        for user_id, kind, delivery in NotificationPreference.objects.filter(
            user_id__in={n.recipient_id for n in waiting}
        ).values_list("user_id", "kind", "delivery")
    }
    by_recipient: dict[int, list[Notification]] = {}
    for notification in waiting:
        key = (notification.recipient_id, notification.kind)
        delivery = chosen.get(key) or DEFAULT_DELIVERY[Kind(notification.kind)]
        if delivery == Delivery.DAILY_DIGEST:
            by_recipient.setdefault(notification.recipient_id, []).append(notification)
    return by_recipient


# How far back the daily digest looks by default. Unread notifications are kept at least
# 2 × NOTIFICATIONS_KEEP_DAYS ≥ 2 days (notifications_purge), so the purge never deletes one
# that a digest is still due to send.
DIGEST_WINDOW = timedelta(days=1)


def digest_send(*, now=None, window: timedelta = DIGEST_WINDOW) -> int:
    """One e-mail per user with what they chose to hear of once a day and have not read,
    from the last ``window``; each notification is sent in one digest only. Returns how
    many e-mails were queued (the outbox sends them). Safe to run twice, or twice at once."""
    now = now or timezone.now()
    sent = 0
    for notifications in _digest_candidates(since=now - window).values():
        if _digest_send_one(notifications, now=now):
            sent += 1
    return sent


def _digest_send_one(notifications: list[Notification], *, now) -> bool:
    recipient = notifications[0].recipient
    with transaction.atomic():
        # Another run sending the same notifications holds their rows: skip them.
        ids = set(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=[n.pk for n in notifications], digested_at__isnull=True)
            .values_list("pk", flat=True)
        )
        items = [n for n in notifications if n.pk in ids]
        if not items:
            return False
        # A digest mixes kinds: its link stops every notification e-mail (the page says so
        # before anything changes; the settings page turns single kinds back on).
        unsubscribe = unsubscribe_link(user_id=recipient.pk, kind=ALL_KINDS)
        with translation.override(_language_of(recipient)):
            context = {
                "user": recipient,
                "items": [(n, absolute_url(safe_target(n))) for n in items],
                "centre_link": absolute_url(reverse("notifications:list")),
                "settings_link": absolute_url(reverse("notifications:settings")),
                "unsubscribe_link": unsubscribe,
            }
            subject = render_to_string("notifications/email/digest_subject.txt", context)
            body = render_to_string("notifications/email/digest.txt", context)
        # Queued in the transaction that marks them: the digest and its marks commit
        # together, and the outbox sends it once.
        _queue_mail(recipient=recipient, subject=subject, body=body, unsubscribe=unsubscribe,
                    key=f"digest:{recipient.pk}:{min(ids)}")  # fmt: skip
        Notification.objects.filter(pk__in=ids).update(digested_at=now)
    return True


def notifications_purge(*, now=None, keep_days: int | None = None, batch_size: int = 1000) -> int:
    """Delete read notifications created more than ``keep_days`` (NOTIFICATIONS_KEEP_DAYS)
    ago, and unread ones more than twice that ago; how many were deleted.

    Unread ones are kept longer because nobody has seen them yet; with ``keep_days`` ≥ 1
    that is at least two days, longer than the digest looks back (DIGEST_WINDOW), so a
    notification still due for a digest is never deleted (read ones never are due).
    Deletes ``batch_size`` rows per statement, each committed on its own, so no statement
    holds many row locks for long; batches walk the primary key, so no batch scans rows an
    earlier one looked at. Running it again deletes nothing more.
    """
    keep_days = settings.NOTIFICATIONS_KEEP_DAYS if keep_days is None else keep_days
    if keep_days < 1:
        raise ValueError("keep_days must be at least 1")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    now = now or timezone.now()
    old_enough = Notification.objects.filter(
        Q(read_at__isnull=False, created_at__lt=now - timedelta(days=keep_days))
        | Q(created_at__lt=now - timedelta(days=2 * keep_days))
    ).order_by("pk")
    deleted, last_pk = 0, 0
    while True:
        batch = list(old_enough.filter(pk__gt=last_pk).values_list("pk", flat=True)[:batch_size])
        if not batch:
            break
        # One DELETE per batch, committed on its own (outside a caller's transaction).
        deleted += Notification.objects.filter(pk__in=batch).delete()[0]
        last_pk = batch[-1]
        if len(batch) < batch_size:
            break
    return deleted
