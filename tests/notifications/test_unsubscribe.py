"""The link in every notification e-mail stops that kind of e-mail (a digest's: all of them)
without signing in; RFC 8058 one-click headers; a tampered token is a 404."""

import re

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client, TestCase

from notifications.access import unsubscribe_token
from notifications.models import Delivery, Kind, NotificationPreference
from notifications.selectors import deliveries_for
from notifications.services import notify
from tests.factories import NotificationFactory, StudentFactory

pytestmark = pytest.mark.django_db

SITE = "https://portfolio.example.edu"
TERM = {"en": "Autumn term", "ru": "Осенний семестр", "ky": "Күзгү семестр"}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def _link_in(message) -> str:
    """The unsubscribe path in the e-mail's body; the headers point at the same address."""
    [path] = re.findall(rf"{re.escape(SITE)}(/notifications/unsubscribe/[^\s/]+/)", message.body)
    assert message.extra_headers["List-Unsubscribe"] == f"<{SITE}{path}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    sent = message.message()  # as it goes out
    assert sent["List-Unsubscribe"] == f"<{SITE}{path}>"
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return path


def _review_mail(student, supervisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=student, kind=Kind.REVIEW_RELEASED, actor=supervisor,
               url="/portfolio/reviews/", params={"term": TERM})  # fmt: skip
    [message] = mail.outbox
    return message


def test_the_link_in_an_email_stops_that_kind_without_signing_in(
    student, supervisor, django_capture_on_commit_callbacks
):
    bystander = StudentFactory()
    NotificationPreference.objects.create(
        user=bystander, kind=Kind.REVIEW_RELEASED, delivery=Delivery.EMAIL_NOW
    )
    path = _link_in(_review_mail(student, supervisor, django_capture_on_commit_callbacks))
    client = Client(enforce_csrf_checks=True)  # a visitor, and no CSRF token

    page = client.get(path)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reviews released by your supervisor" in html
    assert student.display_name in html
    assert '<form method="post"' in html
    assert not NotificationPreference.objects.filter(user=student).exists()

    done = client.post(path, {"List-Unsubscribe": "One-Click"})  # RFC 8058 one-click

    assert done.status_code == 200
    html = done.content.decode()
    assert "Reviews released by your supervisor: “E-mail me at once” is now “Only here" in html
    assert 'href="/notifications/settings/"' in html
    after = deliveries_for(student)
    assert after[Kind.REVIEW_RELEASED] == Delivery.IN_APP
    assert after[Kind.VERIFICATION_DECIDED] == Delivery.EMAIL_NOW  # other kinds as they were
    chosen = NotificationPreference.objects.filter(user=student)
    assert list(chosen.values_list("kind", flat=True)) == [Kind.REVIEW_RELEASED]
    assert deliveries_for(bystander)[Kind.REVIEW_RELEASED] == Delivery.EMAIL_NOW

    mail.outbox.clear()  # and the next review is not e-mailed
    _ = notify(
        recipient=student, kind=Kind.REVIEW_RELEASED, actor=supervisor, params={"term": TERM}
    )
    assert mail.outbox == []


def test_the_digest_link_stops_every_kind_for_that_user_only(client, supervisor):
    student = StudentFactory()
    other = StudentFactory()
    for user in (student, other):
        NotificationFactory(recipient=user, kind=Kind.COMMENT, params={"target": "x"})
    with TestCase.captureOnCommitCallbacks(execute=True):  # the outbox sends after commit
        call_command("send_notification_digest", verbosity=0)
    message = next(m for m in mail.outbox if m.to == [student.email])
    path = _link_in(message)
    client.force_login(other)  # signed in as someone else: the token decides whose

    assert "Stop every notification e-mail" in client.get(path).content.decode()
    html = client.post(path).content.decode()

    assert set(deliveries_for(student).values()) == {Delivery.IN_APP}
    assert "Comments on your portfolio, achievements and posts" in html
    assert "Your secret links being opened" not in html  # it sent no e-mail: not a change
    assert not NotificationPreference.objects.filter(user=other).exists()
    mail.outbox.clear()
    NotificationFactory(recipient=student, kind=Kind.REPLY, params={"target": "y"})
    with TestCase.captureOnCommitCallbacks(execute=True):  # the outbox sends after commit
        call_command("send_notification_digest", verbosity=0)
    assert mail.outbox == []


def test_the_post_does_only_the_tokens_change(client, student):
    path = f"/notifications/unsubscribe/{unsubscribe_token(user_id=student.pk, kind='comment')}/"

    client.post(path, {"kind": "all", "delivery": Delivery.EMAIL_NOW, "comment": "email_now"})
    assert deliveries_for(student)[Kind.COMMENT] == Delivery.IN_APP
    assert NotificationPreference.objects.filter(user=student).count() == 1

    again = client.post(path).content.decode()  # already site only: says so
    assert "Nothing needed changing" in again


@pytest.mark.parametrize("kind", ["comment", "all"])
def test_opening_a_used_link_again_says_the_emails_are_off(client, student, kind):
    path = f"/notifications/unsubscribe/{unsubscribe_token(user_id=student.pk, kind=kind)}/"
    assert "Stop these e-mails" in client.get(path).content.decode()  # asks first

    client.post(path)
    page = client.get(path).content.decode()

    assert "Nothing needed changing" in page
    assert "Stop these e-mails" not in page


def _tampered(token: str) -> list[str]:
    payload, signature = token.rsplit(":", 1)
    other_payload = signing.dumps([99999, "comment"], salt="notifications.unsubscribe")
    return [
        f"{payload}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",  # signature
        f"{other_payload.rsplit(':', 1)[0]}:{signature}",  # someone else's id, this signature
        signing.dumps([1, "comment"]),  # no salt: signed for something else
        signing.dumps([1, "carrier_pigeon"], salt="notifications.unsubscribe"),  # unknown kind
        signing.dumps([99999, "all"], salt="notifications.unsubscribe"),  # nobody
        "not-a-token",
    ]


def test_a_bad_or_tampered_token_is_not_found(client, student):
    for token in _tampered(unsubscribe_token(user_id=student.pk, kind="comment")):
        path = f"/notifications/unsubscribe/{token}/"
        assert client.get(path).status_code == 404, token
        assert client.post(path).status_code == 404, token
    assert not NotificationPreference.objects.exists()
