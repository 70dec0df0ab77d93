"""The student hears of an invitation, the employer of the answer; both by e-mail at once,
in the reader's language, after the commit."""

import pytest
from django.core import mail
from django.urls import reverse

from contacts import services
from notifications.models import Kind, Notification
from notifications.selectors import kinds_for

pytestmark = pytest.mark.django_db


def test_an_invitation_tells_the_student_by_email(invite, student, employer,
                                                  django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        made = invite(purpose="Junior analyst")
    notification = Notification.objects.get()
    assert notification.recipient == student
    assert notification.kind == Kind.CONTACT_REQUESTED
    assert notification.url == reverse("contacts:detail", args=[made.pk])
    organisation = employer.employer_profile.organisation
    assert notification.text == f"{organisation} invites you to get in touch: “Junior analyst”"
    [message] = mail.outbox
    assert message.to == [student.email]
    assert "Junior analyst" in message.subject


def test_the_answer_tells_the_employer_but_not_what_was_shared(
    invite, student, employer, details, django_capture_on_commit_callbacks
):
    made = invite()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_request_answer(contact_request=made, accept=True, reply="Glad to",
                                        share=["email"])  # fmt: skip
    notification = Notification.objects.get(recipient=employer)
    assert notification.kind == Kind.CONTACT_ANSWERED
    assert notification.text == "Аида Бекова accepted your invitation “Junior analyst”"
    [message] = mail.outbox
    assert message.to == [employer.email]
    assert "Glad to" in message.body
    assert "aida.work@example.edu" not in message.body  # only on the request's page


def test_a_decline_says_so(invite, employer):
    made = invite()
    services.contact_request_answer(contact_request=made, accept=False)
    notification = Notification.objects.get(recipient=employer)
    assert notification.text == "Аида Бекова declined your invitation “Junior analyst”"


def test_a_blocked_request_notifies_nobody(invite, student, employer):
    invite()
    services.employer_block(student=student, employer=employer)
    assert Notification.objects.filter(recipient=employer).count() == 0


def test_employers_can_choose_how_they_hear_of_answers(student, employer):
    assert Kind.CONTACT_ANSWERED in kinds_for(employer)
    assert Kind.CONTACT_REQUESTED in kinds_for(student)
    assert Kind.CONTACT_ANSWERED not in kinds_for(student)
