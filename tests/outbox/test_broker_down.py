"""Broker down at request time: the transactional outbox. The write commits with its
e-mail row; queueing the task fails quietly (logged); the minute sweep sends the e-mail,
once."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Kind
from notifications.services import notify
from outbox.models import OutgoingEmail
from outbox.tasks import send_pending
from tests.factories import StudentFactory, SupervisorFactory
from tests.outbox.conftest import free_port, publishing_to

pytestmark = pytest.mark.django_db

UNREACHABLE = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there


def test_a_write_commits_while_the_broker_is_down_and_its_email_goes_once(
    django_capture_on_commit_callbacks, caplog
):
    student, supervisor = StudentFactory(), SupervisorFactory()
    with (
        publishing_to(UNREACHABLE),
        caplog.at_level(logging.WARNING, logger="core.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = notify(recipient=student.pk, kind=Kind.REVIEW_RELEASED,
                              actor=supervisor.pk, params={"term": "Autumn"})  # fmt: skip

    assert notification.pk is not None  # the write stands
    email = OutgoingEmail.objects.get(key=f"notification:{notification.pk}")
    assert (email.status, email.attempts) == (OutgoingEmail.Status.PENDING, 0)
    assert "could not queue outbox.tasks.send_email" in caplog.text
    assert mail.outbox == []

    assert send_pending.apply().get() == 0  # younger than a minute: its task may come yet
    OutgoingEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )
    assert send_pending.apply().get() == 1  # beat's minute sweep, the broker back
    assert send_pending.apply().get() == 0
    [message] = mail.outbox
    assert message.to == [student.email]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.SENT, 1)
