"""How each kind reaches the user: an e-mail at once (after commit, in their language),
the daily digest, or only the notification centre."""

import pytest
from django.core import mail
from django.db import transaction

from notifications.models import Delivery, Kind, Notification, NotificationPreference
from notifications.selectors import deliveries_for, kinds_for
from notifications.services import notify

pytestmark = pytest.mark.django_db

TERM = {"en": "Autumn term", "ru": "Осенний семестр", "ky": "Күзгү семестр"}


def _review_released(student, supervisor):
    return notify(recipient=student, kind=Kind.REVIEW_RELEASED, actor=supervisor,
                  url="/portfolio/reviews/", params={"term": TERM})  # fmt: skip


def test_defaults_per_kind(student):
    assert deliveries_for(student) == {
        "comment": Delivery.DAILY_DIGEST,
        "reply": Delivery.DAILY_DIGEST,
        "review_released": Delivery.EMAIL_NOW,
        "verification_decided": Delivery.EMAIL_NOW,
        "employer_feedback": Delivery.DAILY_DIGEST,
        "share_link_opened": Delivery.IN_APP,
        "contact_requested": Delivery.EMAIL_NOW,
        "contact_answered": Delivery.EMAIL_NOW,
    }


def test_email_now_is_sent_after_commit_in_the_recipients_language(
    student, supervisor, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://portfolio.example.edu"
    student.preferred_language = "ru"
    student.save()

    with django_capture_on_commit_callbacks() as callbacks:
        notification = _review_released(student, supervisor)
        assert mail.outbox == []  # not before the commit
    for callback in callbacks:
        callback()

    [message] = mail.outbox
    assert message.to == [student.email]
    assert "Осенний семестр" in message.subject  # the term's name in Russian
    assert "Autumn term" not in message.body
    assert "https://portfolio.example.edu/portfolio/reviews/" in message.body
    assert "https://portfolio.example.edu/notifications/settings/" in message.body
    notification.refresh_from_db()
    assert notification.emailed_at is not None

    for callback in callbacks:  # run again (a retry): not sent twice
        callback()
    assert len(mail.outbox) == 1


def test_a_rolled_back_action_mails_nobody(student, supervisor, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _review_released(student, supervisor)
        raise RuntimeError("the action failed")
    assert mail.outbox == []
    assert not Notification.objects.exists()


@pytest.mark.parametrize("delivery", [Delivery.DAILY_DIGEST, Delivery.IN_APP])
def test_no_email_now_for_digest_or_in_app(
    student, supervisor, delivery, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=student, kind=Kind.REVIEW_RELEASED, delivery=delivery
    )
    with django_capture_on_commit_callbacks(execute=True):
        notification = _review_released(student, supervisor)
    assert mail.outbox == []
    assert notification.pk is not None  # the centre still shows it


def test_email_now_when_chosen_for_a_kind_that_defaults_to_the_digest(
    student, employer, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=student, kind=Kind.EMPLOYER_FEEDBACK, delivery=Delivery.EMAIL_NOW
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=student, kind=Kind.EMPLOYER_FEEDBACK, actor=employer, url="/",
               params={"organisation": "Ала-Тоо Софт"})  # fmt: skip
    [message] = mail.outbox
    assert "Ала-Тоо Софт left feedback on your portfolio" in message.subject


def test_no_email_without_an_address(student, supervisor, django_capture_on_commit_callbacks):
    student.email = ""
    student.save()
    with django_capture_on_commit_callbacks(execute=True):
        _review_released(student, supervisor)
    assert mail.outbox == []


def test_settings_page_saves_a_choice_per_kind(client, student):
    client.force_login(student)
    page = client.get("/notifications/settings/")
    assert page.status_code == 200
    html = page.content.decode()
    for kind in kinds_for(student):  # all but the answers to an employer's invitations
        assert f'name="{kind.value}"' in html
    assert f'name="{Kind.CONTACT_ANSWERED.value}"' not in html
    form = page.context["form"]
    assert form[Kind.REVIEW_RELEASED].initial == Delivery.EMAIL_NOW
    assert form[Kind.SHARE_LINK_OPENED].initial == Delivery.IN_APP

    data = {kind.value: Delivery.IN_APP for kind in Kind}
    data[Kind.COMMENT] = Delivery.EMAIL_NOW
    response = client.post("/notifications/settings/", data)
    assert response.status_code == 302

    chosen = deliveries_for(student)
    assert chosen[Kind.COMMENT] == Delivery.EMAIL_NOW
    assert chosen[Kind.REVIEW_RELEASED] == Delivery.IN_APP
    assert NotificationPreference.objects.filter(user=student).count() == len(kinds_for(student))


def test_settings_page_refuses_an_unknown_choice(client, student):
    client.force_login(student)
    response = client.post("/notifications/settings/", {"comment": "carrier-pigeon"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not NotificationPreference.objects.exists()


def test_non_students_choose_only_what_can_reach_them(client, supervisor):
    client.force_login(supervisor)
    form = client.get("/notifications/settings/").context["form"]
    assert list(form.fields) == [Kind.REPLY]
