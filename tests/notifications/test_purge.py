"""Retention: read notifications go after NOTIFICATIONS_KEEP_DAYS, unread ones after twice
that, a batch per statement; nothing still due for the daily digest is ever deleted."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone

from notifications.models import Kind, Notification
from notifications.services import notifications_purge
from tests.factories import NotificationFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _made(days_ago, *, read=False, **fields):
    now = timezone.now()
    return NotificationFactory(
        created_at=now - timedelta(days=days_ago),
        read_at=now - timedelta(days=days_ago) if read else None,
        **fields,
    )


def test_purge_keeps_what_it_should_and_removes_the_rest(settings, capsys):
    settings.NOTIFICATIONS_KEEP_DAYS = 10
    read_old = _made(11, read=True)
    read_very_old = _made(30, read=True)
    unread_past_double = _made(21)
    read_recent = _made(9, read=True)
    unread_past_single = _made(11)  # unread: kept twice as long
    unread_emailed = _made(19, emailed_at=timezone.now())
    new = _made(0)

    call_command("purge_notifications")

    assert "Notifications removed: 3 " in capsys.readouterr().out
    remaining = set(Notification.objects.values_list("pk", flat=True))
    assert remaining == {read_recent.pk, unread_past_single.pk, unread_emailed.pk, new.pk}
    assert not {read_old.pk, read_very_old.pk, unread_past_double.pk} & remaining

    call_command("purge_notifications")  # again: nothing more to remove
    assert "Notifications removed: 0 " in capsys.readouterr().out
    assert Notification.objects.count() == 4


def test_purge_deletes_a_batch_per_statement_within_a_query_bound(
    django_assert_max_num_queries,
):
    student = StudentFactory()
    old = timezone.now() - timedelta(days=400)
    Notification.objects.bulk_create(
        [Notification(recipient=student, kind=Kind.COMMENT, created_at=old) for _ in range(25)]
        + [Notification(recipient=student, kind=Kind.COMMENT) for _ in range(5)]
    )

    # 3 batches of at most 10: each one SELECT of ids and one DELETE.
    with django_assert_max_num_queries(6) as captured:
        assert notifications_purge(keep_days=180, batch_size=10) == 25
    deletes = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("DELETE")]
    assert len(deletes) == 3
    assert Notification.objects.count() == 5


def test_nothing_due_for_the_digest_is_purged_even_with_the_shortest_retention(settings):
    settings.NOTIFICATIONS_KEEP_DAYS = 1  # the least allowed
    student = StudentFactory()
    due = _made(0.9, recipient=student, kind=Kind.COMMENT, params={"target": "due"})
    _made(1.5, read=True, recipient=student, kind=Kind.COMMENT, params={"target": "read"})

    call_command("purge_notifications", verbosity=0)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the outbox sends after commit
        call_command("send_notification_digest", verbosity=0)

    assert Notification.objects.filter(pk=due.pk).exists()
    [message] = mail.outbox
    assert "“due”" in message.body
    assert "“read”" not in message.body


def test_a_retention_below_one_day_or_an_empty_batch_is_refused():
    with pytest.raises(ValueError):
        notifications_purge(keep_days=0)
    with pytest.raises(CommandError):
        call_command("purge_notifications", batch_size=0)
