"""Every e-mail the site sends is an outbox row written with the action that sends it:
notifications (key ``notification:<id>``, one-click unsubscribe headers), the daily digest,
employer decisions and password resets. And the reset page does the same work for any
address: it queues one task and looks nobody up."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmployerProfile
from accounts.services import employers_decide
from accounts.tasks import password_reset_send
from notifications.models import Kind, Notification
from notifications.services import digest_send, notify
from outbox.models import OutgoingEmail
from tests.factories import EmployerFactory, NotificationFactory, StaffFactory, StudentFactory

pytestmark = pytest.mark.django_db

TERM = {"en": "Autumn term", "ru": "Осенний семестр", "ky": "Күзгү семестр"}


def test_a_notification_email_is_queued_with_the_notification(
    settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://portfolio.example.edu"
    student = StudentFactory(preferred_language="ru")
    supervisor = StaffFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        notification = notify(recipient=student.pk, kind=Kind.REVIEW_RELEASED,
                              actor=supervisor.pk, params={"term": TERM})  # fmt: skip
        email = OutgoingEmail.objects.get()  # in the same transaction
    assert email.key == f"notification:{notification.pk}"
    assert email.to == [student.email]
    assert "Осенний семестр" in email.subject
    assert email.headers["List-Unsubscribe"].startswith(
        "<https://portfolio.example.edu/notifications/unsubscribe/"
    )
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    notification.refresh_from_db()
    assert notification.emailed_at is not None  # so no digest carries it again
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.message()["List-Unsubscribe"] == email.headers["List-Unsubscribe"]
    email.refresh_from_db()
    assert email.sent_at is not None


def test_the_digest_is_queued_with_its_marks(django_capture_on_commit_callbacks):
    student = StudentFactory()
    first = NotificationFactory(recipient=student, kind=Kind.COMMENT, params={"target": "x"})
    NotificationFactory(recipient=student, kind=Kind.REPLY, params={"target": "y"})
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send() == 1
        assert digest_send() == 0  # each notification in one digest only
    [email] = OutgoingEmail.objects.all()
    assert email.key == f"digest:{student.pk}:{first.pk}"
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.sent_at is not None
    assert not Notification.objects.filter(digested_at__isnull=True).exists()
    assert len(mail.outbox) == 1


def test_an_employer_decision_is_queued_with_the_decision(django_capture_on_commit_callbacks):
    employer = EmployerFactory(preferred_language="ky")
    staff = StaffFactory()
    profiles = EmployerProfile.objects.filter(pk=employer.employer_profile.pk)
    with django_capture_on_commit_callbacks() as callbacks:
        assert employers_decide(profiles=profiles, approve=True, by=staff) == 1
        [email] = OutgoingEmail.objects.all()
    assert email.to == [employer.email]
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[employer.email]]


def test_a_password_reset_is_queued_by_its_task_in_the_users_language(
    django_capture_on_commit_callbacks,
):
    user = StudentFactory(email="aibek@example.edu", preferred_language="ky")
    StudentFactory(email="inactive@example.edu", is_active=False)
    kwargs = {"language": "ru", "domain": "portfolio.example.edu", "use_https": True}
    with django_capture_on_commit_callbacks(execute=True):
        result = password_reset_send.apply(kwargs={"email": "AIBEK@example.edu", **kwargs})
        assert result.get() == 1
        # Run twice (a redelivered task): the same e-mail, not queued again.
        assert (
            password_reset_send.apply(
                kwargs={"email": "aibek@example.edu", **kwargs}, task_id=result.id
            ).get()
            == 1
        )
    [email] = OutgoingEmail.objects.all()
    assert email.key == f"password-reset:{result.id}:{user.pk}"
    assert "https://portfolio.example.edu/" in email.body
    assert "/password/reset/" in email.body
    assert email.sent_at is not None
    [message] = mail.outbox
    assert message.subject != "Choose a new password for Student Portfolio"  # in Kyrgyz

    with django_capture_on_commit_callbacks(execute=True):
        nobody = password_reset_send.apply(kwargs={"email": "inactive@example.edu", **kwargs})
    assert nobody.get() == 0  # an inactive account gets nothing
    assert OutgoingEmail.objects.count() == 1


def _reset_request(client, email, django_capture_on_commit_callbacks, monkeypatch):
    """The reset page's own work for ``email``: its SQL and the tasks it queues."""
    queued = []
    monkeypatch.setattr(password_reset_send, "apply_async",
                        lambda args=(), kwargs=None, **options: queued.append(kwargs))  # fmt: skip
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as captured,
    ):
        response = client.post(reverse("accounts:password-reset"), {"email": email})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-reset-done")
    return [query["sql"] for query in captured.captured_queries], queued


def test_the_reset_page_does_the_same_work_for_known_and_unknown_addresses(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    StudentFactory(email="aibek@example.edu", last_login=timezone.now())
    known = _reset_request(client, "aibek@example.edu", django_capture_on_commit_callbacks,
                           monkeypatch)  # fmt: skip
    unknown = _reset_request(client, "nobody@example.edu", django_capture_on_commit_callbacks,
                             monkeypatch)  # fmt: skip

    known_sql, [known_task] = known
    unknown_sql, [unknown_task] = unknown
    assert known_sql == unknown_sql  # the same statements, whatever the address
    assert not any("accounts_user" in sql for sql in known_sql)  # nobody is looked up
    assert known_task.keys() == unknown_task.keys()
    assert {k: v for k, v in known_task.items() if k != "email"} == {
        k: v for k, v in unknown_task.items() if k != "email"
    }
    assert (known_task["email"], unknown_task["email"]) == (
        "aibek@example.edu",
        "nobody@example.edu",
    )
    assert not OutgoingEmail.objects.exists()  # the task, not the request, queues the e-mail
