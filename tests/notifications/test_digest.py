"""The daily digest: one e-mail per user with the unread notifications of the last day of
the kinds they want once a day; each notification in one digest only."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from notifications.models import Delivery, Kind, Notification, NotificationPreference
from tests.factories import NotificationFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _digest():
    """The daily digest, committed: the outbox sends what it queued."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_notification_digest", verbosity=0)


def test_one_mail_per_user_with_their_digest_kinds(employer, supervisor):
    aida = StudentFactory(preferred_language="ru")
    bolot = StudentFactory()
    quiet = StudentFactory()
    # Aida: two of the kinds that default to the digest, and one e-mailed at once.
    NotificationFactory(recipient=aida, kind=Kind.EMPLOYER_FEEDBACK, actor=employer,
                        params={"organisation": "Ала-Тоо Софт"})  # fmt: skip
    NotificationFactory(recipient=aida, kind=Kind.COMMENT, actor=supervisor,
                        params={"target_kind": "post", "target": "Практика"})  # fmt: skip
    NotificationFactory(recipient=aida, kind=Kind.REVIEW_RELEASED)  # email_now by default
    # Bolot chose the digest for reviews.
    NotificationPreference.objects.create(
        user=bolot, kind=Kind.REVIEW_RELEASED, delivery=Delivery.DAILY_DIGEST
    )
    NotificationFactory(recipient=bolot, kind=Kind.REVIEW_RELEASED)
    # Quiet wants comments only on the site; the share link defaults to the site only.
    NotificationPreference.objects.create(user=quiet, kind=Kind.COMMENT, delivery=Delivery.IN_APP)
    NotificationFactory(recipient=quiet, kind=Kind.COMMENT, params={"target": "x"})
    NotificationFactory(recipient=quiet, kind=Kind.SHARE_LINK_OPENED, actor=None,
                        params={"link_id": 1, "label": "x"})  # fmt: skip

    _digest()

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == sorted([aida.email, bolot.email])
    body = by_recipient[aida.email].body
    assert "Ала-Тоо Софт" in body
    assert "«Практика»" in body  # Russian quotes, from the Russian sentence
    assert "Autumn" not in body and "Осень" not in body  # the review is not in the digest
    assert "Autumn" in by_recipient[bolot.email].body  # Bolot reads English
    assert Notification.objects.filter(digested_at__isnull=False).count() == 3


def test_digest_is_in_the_recipients_language():
    aida = StudentFactory(preferred_language="ru")
    NotificationPreference.objects.create(
        user=aida, kind=Kind.REVIEW_RELEASED, delivery=Delivery.DAILY_DIGEST
    )
    NotificationFactory(recipient=aida)  # the term: Autumn / Осень / Күз

    _digest()

    [message] = mail.outbox
    assert "Осень" in message.body
    assert "Autumn" not in message.body


def test_running_it_again_sends_nothing_twice():
    student = StudentFactory()
    NotificationFactory(recipient=student, kind=Kind.COMMENT, params={"target": "x"})

    _digest()
    _digest()
    assert len(mail.outbox) == 1

    NotificationFactory(recipient=student, kind=Kind.REPLY, params={"target": "y"})
    _digest()
    assert len(mail.outbox) == 2
    assert "“y”" in mail.outbox[1].body
    assert "“x”" not in mail.outbox[1].body


def test_read_old_and_already_emailed_ones_are_left_out():
    student = StudentFactory()
    now = timezone.now()
    NotificationFactory(
        recipient=student, kind=Kind.COMMENT, read_at=now, params={"target": "read"}
    )
    NotificationFactory(recipient=student, kind=Kind.COMMENT, params={"target": "old"},
                        created_at=now - timedelta(days=2))  # fmt: skip
    NotificationFactory(recipient=student, kind=Kind.COMMENT, emailed_at=now,
                        params={"target": "mailed"})  # fmt: skip

    _digest()
    assert mail.outbox == []


def test_users_without_an_address_or_inactive_get_nothing():
    NotificationFactory(recipient=StudentFactory(email=""), kind=Kind.COMMENT)
    NotificationFactory(recipient=StudentFactory(is_active=False), kind=Kind.COMMENT)
    _digest()
    assert mail.outbox == []


def test_the_command_says_how_many_it_sent(capsys):
    NotificationFactory(recipient=StudentFactory(), kind=Kind.COMMENT, params={"target": "x"})
    call_command("send_notification_digest")
    assert "Notification digests sent: 1." in capsys.readouterr().out
