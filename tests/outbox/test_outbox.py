"""The outbox (eager tasks): a row per e-mail in the caller's transaction, sent after the
commit, once; transient failures tried again with backoff, permanent ones recorded; the
minute sweep; the purge; the admin."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from outbox import sending
from outbox.models import OutgoingEmail
from outbox.sending import MAX_ATTEMPTS, Outcome, email_deliver, emails_send_pending
from outbox.services import email_queue, emails_purge
from outbox.tasks import send_email, send_pending

pytestmark = pytest.mark.django_db

real_send = EmailBackend.send_messages


def failing(*errors):
    """The mail backend raises ``errors`` one per call, then sends as usual."""
    pending = list(errors)

    def send_messages(backend, messages):
        if pending:
            raise pending.pop(0)
        return real_send(backend, messages)

    return mock.patch.object(EmailBackend, "send_messages", autospec=True,
                             side_effect=send_messages)  # fmt: skip


def queued(**fields):
    """An e-mail row as ``email_queue`` writes it, its task not run."""
    defaults = {"to": ["aida@example.edu"], "subject": "Hello", "body": "Body"}
    return OutgoingEmail.objects.create(**{**defaults, **fields})


def test_queued_in_the_transaction_and_sent_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        email = email_queue(to="aida@example.edu", subject="Hello\n  there", body="Text",
                            headers={"X-Kind": "test"})  # fmt: skip
        assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.PENDING
        assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == ["aida@example.edu"]
    assert message.subject == "Hello there"
    assert message.extra_headers == {"X-Kind": "test"}
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert email.attempts == 1
    assert email.claimed_until is None


def test_a_rolled_back_write_leaves_no_row_and_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        email_queue(to="aida@example.edu", subject="Hello", body="Text")
        raise RuntimeError("the action failed")
    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_the_same_key_is_queued_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = email_queue(to="aida@example.edu", subject="A", body="A", key="notification:7")
        again = email_queue(to="aida@example.edu", subject="B", body="B", key="notification:7")
    assert again.pk == first.pk
    assert len(callbacks) == 1  # one task, for the first
    assert [m.subject for m in mail.outbox] == ["A"]


def test_a_task_run_twice_sends_once(django_capture_on_commit_callbacks):
    email = queued()
    assert send_email.apply(args=[email.pk]).get() == Outcome.SENT
    assert send_email.apply(args=[email.pk]).get() == Outcome.DONE
    assert len(mail.outbox) == 1


def test_a_lease_held_by_another_worker_is_respected():
    email = queued(claimed_until=timezone.now() + timedelta(seconds=60), attempts=1)
    outcome = email_deliver(email.pk)
    assert outcome.state == Outcome.BUSY
    assert 55 < outcome.retry_in <= 61  # looked at again when the lease runs out
    assert mail.outbox == []


def test_a_lease_that_ran_out_is_taken_over():
    """A worker that died mid-send leaves its lease; once it runs out the e-mail goes."""
    email = queued(claimed_until=timezone.now() - timedelta(seconds=1), attempts=1)
    assert email_deliver(email.pk).state == Outcome.SENT
    email.refresh_from_db()
    assert (email.attempts, len(mail.outbox)) == (2, 1)


def test_the_claim_is_one_conditional_update(django_assert_num_queries):
    email = queued()
    with django_assert_num_queries(3) as captured:  # claim, read, mark sent
        email_deliver(email.pk)
    claim = captured.captured_queries[0]["sql"]
    assert claim.startswith('UPDATE "outbox_outgoingemail"')
    assert '"sent_at" IS NULL' in claim and '"claimed_until"' in claim


def test_transient_failures_are_tried_again_with_growing_waits(settings):
    settings.OUTBOX_RETRY_BACKOFF_SECONDS = 15
    email = queued()
    errors = [smtplib.SMTPServerDisconnected("gone"), TimeoutError("timed out")]
    with failing(*errors):
        first = email_deliver(email.pk)
        email.refresh_from_db()
        assert (first.state, first.retry_in) == (Outcome.RETRY, 15)
        assert email.status == OutgoingEmail.Status.PENDING
        assert "SMTPServerDisconnected: gone" in email.last_error
        # The wait is kept on the row: nobody tries before it is over.
        assert email_deliver(email.pk).state == Outcome.BUSY
        OutgoingEmail.objects.filter(pk=email.pk).update(claimed_until=timezone.now())
        second = email_deliver(email.pk)
        assert (second.state, second.retry_in) == (Outcome.RETRY, 30)
        OutgoingEmail.objects.filter(pk=email.pk).update(claimed_until=timezone.now())
        assert email_deliver(email.pk).state == Outcome.SENT
    email.refresh_from_db()
    assert email.attempts == 3
    assert "TimeoutError" in email.last_error  # what went wrong before stays readable
    assert len(mail.outbox) == 1


def test_backoff_doubles_up_to_an_hour(settings):
    settings.OUTBOX_RETRY_BACKOFF_SECONDS = 15
    waits = [sending.backoff_seconds(attempt) for attempt in range(1, MAX_ATTEMPTS + 1)]
    assert waits[:4] == [15, 30, 60, 120]
    assert max(waits) == 3600
    assert waits == sorted(waits)


def test_the_task_schedules_its_retry_after_the_backoff(settings):
    settings.OUTBOX_RETRY_BACKOFF_SECONDS = 15
    email = queued()
    with (
        failing(ConnectionRefusedError("refused")),
        mock.patch.object(send_email, "retry", side_effect=Retry()) as retry,
        pytest.raises(Retry),
    ):
        send_email.run(email.pk)  # as a worker runs it (not inline)
    retry.assert_called_once_with(countdown=15.0)


def test_inline_a_transient_failure_waits_for_the_sweep(settings):
    """Without a broker nothing is retried inside the request; the sweep sends it."""
    email = queued(created_at=timezone.now() - timedelta(minutes=5))
    with failing(ConnectionRefusedError("refused")):
        assert send_email.apply(args=[email.pk]).get() == Outcome.RETRY
    assert mail.outbox == []
    OutgoingEmail.objects.filter(pk=email.pk).update(claimed_until=timezone.now())
    assert emails_send_pending() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPConnectError(421, "busy"), True),
        (smtplib.SMTPAuthenticationError(535, "bad login"), True),  # the settings, not the mail
        (smtplib.SMTPSenderRefused(451, "later", "noreply@localhost"), True),
        (smtplib.SMTPDataError(451, "try later"), True),
        (smtplib.SMTPRecipientsRefused({"a@example.edu": (450, b"mailbox busy")}), True),
        (TimeoutError("timed out"), True),
        (ConnectionRefusedError("refused"), True),
        (smtplib.SMTPRecipientsRefused({"a@example.edu": (550, b"no such user")}), False),
        (smtplib.SMTPDataError(554, "message refused"), False),
        (ValueError("header with a new line"), False),
    ],
)
def test_which_errors_are_transient(error, transient):
    assert sending.is_transient(error) is transient


def test_a_refused_recipient_is_failed_for_good_and_not_tried_again():
    email = queued(created_at=timezone.now() - timedelta(minutes=5))
    refused = smtplib.SMTPRecipientsRefused({"aida@example.edu": (550, b"5.1.1 no such user")})
    with failing(refused):
        assert send_email.apply(args=[email.pk]).get() == Outcome.FAILED
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert "no such user" in email.last_error
    assert (email.attempts, email.claimed_until) == (1, None)
    assert emails_send_pending() == 0  # the sweep leaves it alone
    assert email_deliver(email.pk).state == Outcome.DONE
    assert mail.outbox == []


def test_the_last_try_fails_it_for_good():
    email = queued(attempts=MAX_ATTEMPTS - 1)
    with failing(smtplib.SMTPServerDisconnected("gone")):
        assert email_deliver(email.pk).state == Outcome.FAILED
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.FAILED, MAX_ATTEMPTS)


def test_the_sweep_sends_what_no_task_sent_once():
    old = timezone.now() - timedelta(minutes=5)
    forgotten = queued(subject="forgotten", created_at=old)
    being_sent = queued(subject="being sent", created_at=old, attempts=1,
                        claimed_until=timezone.now() + timedelta(minutes=1))  # fmt: skip
    fresh = queued(subject="fresh")  # its own task is on its way
    used_up = queued(subject="used up", created_at=old, attempts=MAX_ATTEMPTS)

    assert send_pending.apply().get() == 1
    assert send_pending.apply().get() == 0
    assert [m.subject for m in mail.outbox] == ["forgotten"]
    forgotten.refresh_from_db()
    being_sent.refresh_from_db()
    fresh.refresh_from_db()
    used_up.refresh_from_db()
    assert forgotten.status == OutgoingEmail.Status.SENT
    assert being_sent.status == fresh.status == OutgoingEmail.Status.PENDING
    assert used_up.status == OutgoingEmail.Status.FAILED


def test_the_command_sends_queued_email_by_hand(capsys):
    queued()
    call_command("send_queued_email", "--all")
    assert "Queued e-mails sent: 1." in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_purge_deletes_old_sent_and_failed_ones_only():
    now = timezone.now()
    old = now - timedelta(days=31)
    sent_old = queued(created_at=old, sent_at=old)
    failed_old = queued(created_at=old, failed_at=old)
    sent_recent = queued(created_at=old, sent_at=now - timedelta(days=2))
    unsent_old = queued(created_at=old)
    assert emails_purge(keep_days=30) == 2
    remaining = set(OutgoingEmail.objects.values_list("pk", flat=True))
    assert remaining == {sent_recent.pk, unsent_old.pk}
    assert {sent_old.pk, failed_old.pk}.isdisjoint(remaining)
    assert emails_purge(keep_days=30) == 0
    with pytest.raises(ValueError):
        emails_purge(keep_days=0)


@pytest.fixture
def staff_client(client):
    from accounts.services import staff_group_ensure
    from tests.factories import StaffFactory

    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    return client


def test_admin_lists_them_without_bodies_and_resends_failed_ones(
    staff_client, django_capture_on_commit_callbacks
):
    failed = queued(subject="Reset", body="secret-reset-link", failed_at=timezone.now(),
                    attempts=3, last_error="SMTPRecipientsRefused: 550")  # fmt: skip
    sent = queued(subject="Done", sent_at=timezone.now(), attempts=1)
    changelist = reverse("admin:outbox_outgoingemail_changelist")

    page = staff_client.get(changelist, {"status": "failed"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reset" in html and "Done" not in html
    detail = staff_client.get(reverse("admin:outbox_outgoingemail_change", args=[failed.pk]))
    assert detail.status_code == 200
    assert "secret-reset-link" not in detail.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            changelist,
            {"action": "resend", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    assert "1 failed e-mail queued again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.SENT
    assert failed.attempts == 1
    assert [m.subject for m in mail.outbox] == ["Reset"]  # the sent one is not sent again
