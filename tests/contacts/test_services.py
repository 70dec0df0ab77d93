"""The rules of contact requests: who may invite whom, how often, what is shared."""

import pytest
from django.core.exceptions import ValidationError

from contacts import services
from contacts.models import (
    ContactDetails,
    ContactMessage,
    ContactRequest,
    EmployerBlock,
    EmployerReport,
    Status,
)
from tests.factories import EmployerFactory, StaffFactory, StudentFactory, portfolio_for

pytestmark = pytest.mark.django_db


def _codes(error: ValidationError) -> set:
    return {e.code for e in error.error_list} if hasattr(error, "error_list") else set()


def test_an_invitation_is_open_and_its_markdown_rendered(invite, student, employer):
    made = invite(message="We liked your **charts**.")
    assert made.status == Status.OPEN
    assert made.student == student and made.employer == employer
    assert "<strong>charts</strong>" in made.message_html


def test_html_typed_into_a_message_is_sanitised(invite):
    made = invite(
        message='<script>alert("x")</script><img src=x onerror="alert(1)"> '
        '<a href="javascript:alert(1)">click</a> <b onclick="x()">bold</b>'
    )
    html = made.message_html
    # Typed HTML is text: shown escaped, never a live tag or attribute.
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "<img" not in html
    assert "<a " not in html
    assert "<b " not in html
    made = invite(by=EmployerFactory(approved=True), message="[click](javascript:alert(1))")
    assert "javascript:" not in made.message_html.split("click")[0]
    assert 'href="javascript' not in made.message_html


def test_one_open_invitation_per_employer_and_student(invite):
    invite()
    with pytest.raises(ValidationError) as caught:
        invite(purpose="Again")
    assert "already_open" in _codes(caught.value)
    assert ContactRequest.objects.count() == 1


def test_the_database_holds_one_open_invitation_per_pair(invite, employer, student):
    from django.db import IntegrityError, transaction

    invite()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactRequest.objects.create(employer=employer, student=student, purpose="x",
                                      message="y")  # fmt: skip


def test_after_an_answer_the_employer_may_invite_again(invite, details):
    first = invite()
    services.contact_request_answer(contact_request=first, accept=False)
    second = invite(purpose="Another position")
    assert second.status == Status.OPEN


def test_the_daily_limit_counts_in_the_database(settings, employer):
    settings.CONTACT_REQUESTS_PER_DAY = 2
    students = [StudentFactory() for _ in range(3)]
    for student in students:
        portfolio_for(student)
    for student in students[:2]:
        services.contact_request_create(employer=employer, portfolio=student.portfolio,
                                        purpose="Role", message="Hi")  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        services.contact_request_create(employer=employer, portfolio=students[2].portfolio,
                                        purpose="Role", message="Hi")  # fmt: skip
    assert "daily_limit" in _codes(caught.value)
    assert "2 invitations" in caught.value.messages[0]
    # Another employer has their own count.
    other = EmployerFactory(approved=True)
    services.contact_request_create(employer=other, portfolio=students[2].portfolio,
                                    purpose="Role", message="Hi")  # fmt: skip


@pytest.mark.parametrize("who", ["pending", "staff", "student"])
def test_only_approved_employers_invite(portfolio, who):
    sender = {"pending": EmployerFactory, "staff": StaffFactory, "student": StudentFactory}[who]()
    with pytest.raises(ValidationError) as caught:
        services.contact_request_create(employer=sender, portfolio=portfolio, purpose="Role",
                                        message="Hi")  # fmt: skip
    assert "not_approved" in _codes(caught.value)


def test_an_inactive_student_cannot_be_invited(invite, student):
    student.is_active = False
    student.save()
    with pytest.raises(ValidationError) as caught:
        invite()
    assert "inactive" in _codes(caught.value)


def test_a_blocked_employer_cannot_invite_and_their_open_invitation_closes(
    invite, student, employer
):
    made = invite()
    services.employer_block(student=student, employer=employer)
    made.refresh_from_db()
    assert made.status == Status.CLOSED
    with pytest.raises(ValidationError) as caught:
        invite()
    assert "blocked" in _codes(caught.value)
    # Unblocked: invitations are welcome again.
    services.employer_unblock(block=EmployerBlock.objects.get())
    assert invite().status == Status.OPEN


def test_blocking_one_employer_leaves_others_alone(invite, student, employer, portfolio):
    other = EmployerFactory(approved=True)
    theirs = invite(by=other)
    services.employer_block(student=student, employer=employer)
    theirs.refresh_from_db()
    assert theirs.status == Status.OPEN


def test_accepting_shares_exactly_what_was_ticked(invite, details):
    made = invite()
    services.contact_request_answer(contact_request=made, accept=True, reply="Glad to",
                                    share=["email", "messenger"])  # fmt: skip
    made.refresh_from_db()
    assert made.status == Status.ACCEPTED
    assert made.shared_details == {"email": "aida.work@example.edu", "messenger": "@aida"}
    assert [label for label, _value in made.shared_list()] == ["e-mail address",
                                                                "Telegram or WhatsApp"]  # fmt: skip
    # What was shared stays as it was when shared.
    services.contact_details_save(student=details.student, email="new@example.edu")
    made.refresh_from_db()
    assert made.shared_details["email"] == "aida.work@example.edu"


def test_sharing_an_empty_or_unknown_detail_is_refused(invite, details):
    made = invite()
    for share in (["note"], ["password"]):  # note is empty; password is no detail
        with pytest.raises(ValidationError):
            services.contact_request_answer(contact_request=made, accept=True, share=share)
    made.refresh_from_db()
    assert made.status == Status.OPEN


def test_declining_shares_nothing_and_an_answer_is_final(invite, details):
    made = invite()
    services.contact_request_answer(contact_request=made, accept=False, share=["email"])
    made.refresh_from_db()
    assert made.status == Status.DECLINED
    assert made.shared_details == {}
    with pytest.raises(ValidationError):
        services.contact_request_answer(contact_request=made, accept=True, share=["email"])


def test_messages_only_after_acceptance_and_only_by_the_two(invite, details, student, employer):
    made = invite()
    with pytest.raises(ValidationError):
        services.contact_message_post(contact_request=made, author=employer, body="Hello?")
    services.contact_request_answer(contact_request=made, accept=True, share=["email"])
    made.refresh_from_db()
    services.contact_message_post(contact_request=made, author=employer, body="Thursday?")
    services.contact_message_post(contact_request=made, author=student, body="Yes")
    with pytest.raises(ValidationError):
        services.contact_message_post(contact_request=made, author=StudentFactory(), body="Hi")
    assert list(made.messages.values_list("body", flat=True)) == ["Thursday?", "Yes"]
    services.employer_block(student=student, employer=employer)
    with pytest.raises(ValidationError):
        services.contact_message_post(contact_request=made, author=employer, body="Why?")


def test_a_report_goes_to_staffs_queue_and_is_handled_once(invite, student, employer):
    made = invite()
    report = services.employer_report(student=student, employer=employer, reason="Rude",
                                      contact_request=made)  # fmt: skip
    assert list(EmployerReport.objects.open()) == [report]
    with pytest.raises(ValidationError):
        services.employer_report(student=student, employer=employer, reason="  ")
    staff = StaffFactory()
    assert services.employer_reports_handle(reports=EmployerReport.objects.all(), by=staff) == 1
    assert services.employer_reports_handle(reports=EmployerReport.objects.all(), by=staff) == 0
    report.refresh_from_db()
    assert report.handled_by == staff


def test_a_student_who_deletes_their_account_takes_their_requests(invite, student, details):
    made = invite()
    services.contact_request_answer(contact_request=made, accept=True, share=["email"])
    made.refresh_from_db()
    services.contact_message_post(contact_request=made, author=student, body="Hi")
    services.employer_report(student=student, employer=made.employer, reason="x")
    services.employer_block(student=student, employer=made.employer)
    student.delete()
    assert not ContactRequest.objects.exists()
    assert not ContactMessage.objects.exists()
    assert not ContactDetails.objects.exists()
    assert not EmployerBlock.objects.exists()
    assert not EmployerReport.objects.exists()


def test_an_employer_deleted_takes_their_requests(invite, employer, student):
    invite()
    services.employer_block(student=student, employer=employer)
    employer.delete()
    assert not ContactRequest.objects.exists()
    assert not EmployerBlock.objects.exists()
    assert student.__class__.objects.filter(pk=student.pk).exists()
