"""The pages: invite, answer, messages, block, report, settings; refusals keep what was typed."""

import pytest
from django.urls import reverse

from contacts import services
from contacts.models import ContactRequest, EmployerBlock, EmployerReport, Status
from portfolios.models import Visibility
from tests.factories import EmployerFactory, StudentFactory, portfolio_for

pytestmark = pytest.mark.django_db

# Session, user, unread count, the page count and its rows; whatever the rows.
QUERIES = 6


def test_an_employer_invites_from_the_form(client, employer, portfolio, student):
    client.force_login(employer)
    url = reverse("contacts:new", args=[portfolio.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert "Invite Аида Бекова to get in touch" in page.content.decode()
    response = client.post(url, {"purpose": "Junior analyst", "message": "Hello *there*"})
    made = ContactRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("contacts:detail", args=[made.pk])
    assert (made.employer, made.student, made.purpose) == (employer, student, "Junior analyst")


def test_a_refusal_keeps_what_was_typed(client, employer, portfolio, student, settings):
    settings.CONTACT_REQUESTS_PER_DAY = 0
    client.force_login(employer)
    url = reverse("contacts:new", args=[portfolio.slug])
    assert "the most allowed" in client.get(url).content.decode()  # said before typing
    response = client.post(url, {"purpose": "Analyst", "message": "My long message"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "the most allowed" in html
    assert "My long message" in html and 'value="Analyst"' in html
    assert not ContactRequest.objects.exists()


def test_a_missing_purpose_is_a_form_error(client, employer, portfolio):
    client.force_login(employer)
    response = client.post(reverse("contacts:new", args=[portfolio.slug]),
                           {"purpose": "", "message": "Kept"})  # fmt: skip
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert "Kept" in response.content.decode()


def test_a_page_the_employer_cannot_open_cannot_be_invited(client, employer):
    hidden = StudentFactory()
    portfolio_for(hidden, visibility=Visibility.SUPERVISORS)
    client.force_login(employer)
    assert client.get(reverse("contacts:new", args=[hidden.portfolio.slug])).status_code == 404


def test_a_pending_employer_gets_the_waiting_page(client, portfolio):
    client.force_login(EmployerFactory())
    response = client.get(reverse("contacts:new", args=[portfolio.slug]))
    assert response.status_code == 403
    assert "Your account is waiting for approval" in response.content.decode()


def test_other_students_and_employers_get_404(client, invite):
    made = invite()
    url = reverse("contacts:detail", args=[made.pk])
    for other in (StudentFactory(), EmployerFactory(approved=True)):
        client.force_login(other)
        assert client.get(url).status_code == 404
        assert client.post(reverse("contacts:message", args=[made.pk]),
                           {"body": "x"}).status_code == 404  # fmt: skip
    client.force_login(made.employer)  # the employer cannot answer their own invitation
    response = client.post(reverse("contacts:answer", args=[made.pk]), {"decision": "accept"})
    assert response.status_code == 404


def test_the_student_accepts_sharing_what_they_tick(client, invite, details, student):
    made = invite()
    client.force_login(student)
    page = client.get(reverse("contacts:detail", args=[made.pk])).content.decode()
    assert "aida.work@example.edu" in page  # offered as a choice
    answer = {"decision": "accept", "share": ["email"], "reply": "Glad to"}
    response = client.post(reverse("contacts:answer", args=[made.pk]), answer)
    assert response.status_code == 302
    client.force_login(made.employer)
    page = client.get(reverse("contacts:detail", args=[made.pk])).content.decode()
    assert "aida.work@example.edu" in page
    assert "+996 555 000 111" not in page  # not ticked
    assert "Glad to" in page


def test_accepting_without_a_tick_is_refused_and_keeps_the_reply(client, invite, details,
                                                                  student):  # fmt: skip
    made = invite()
    client.force_login(student)
    response = client.post(reverse("contacts:answer", args=[made.pk]),
                           {"decision": "accept", "reply": "My reply"})  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tick at least one contact detail to share." in html
    assert "My reply" in html
    made.refresh_from_db()
    assert made.status == Status.OPEN


def test_accepting_without_details_asks_to_fill_them_in(client, invite, student):
    made = invite()
    client.force_login(student)
    response = client.post(reverse("contacts:answer", args=[made.pk]), {"decision": "accept"})
    assert "Fill in your contact details first, then accept." in response.content.decode()


def test_both_write_messages_after_acceptance(client, invite, details, student):
    made = invite()
    services.contact_request_answer(contact_request=made, accept=True, share=["email"])
    for user, text in ((student, "From the student"), (made.employer, "From the employer")):
        client.force_login(user)
        response = client.post(reverse("contacts:message", args=[made.pk]), {"body": text})
        assert response.status_code == 302
    page = client.get(reverse("contacts:detail", args=[made.pk])).content.decode()
    assert "From the student" in page and "From the employer" in page


def test_block_report_and_unblock(client, invite, student, employer):
    made = invite()
    client.force_login(student)
    client.post(reverse("contacts:block", args=[made.pk]))
    made.refresh_from_db()
    assert made.status == Status.CLOSED
    response = client.post(reverse("contacts:report", args=[made.pk]),
                           {"reason": "Asked for my passport"})  # fmt: skip
    assert response.status_code == 302
    assert EmployerReport.objects.get().reason == "Asked for my passport"
    settings_page = client.get(reverse("contacts:settings")).content.decode()
    assert employer.employer_profile.organisation in settings_page
    block = EmployerBlock.objects.get()
    client.post(reverse("contacts:unblock", args=[block.pk]))
    assert not EmployerBlock.objects.exists()


def test_an_empty_report_is_refused(client, invite, student):
    made = invite()
    client.force_login(student)
    response = client.post(reverse("contacts:report", args=[made.pk]), {"reason": ""})
    assert response.status_code == 200
    assert not EmployerReport.objects.exists()


def test_the_settings_page_saves_details_and_refuses_a_bad_address(client, student):
    client.force_login(student)
    url = reverse("contacts:settings")
    response = client.post(url, {"email": "not an address", "phone": "+996 700 1"})
    assert response.status_code == 200
    assert "+996 700 1" in response.content.decode()
    client.post(url, {"email": "a@example.edu", "phone": "+996 700 1", "messenger": "@a"})
    assert student.contact_details.messenger == "@a"


def test_the_portfolio_page_and_search_cards_offer_the_invitation(client, employer, portfolio):
    client.force_login(employer)
    invite_url = reverse("contacts:new", args=[portfolio.slug])
    assert invite_url in client.get(portfolio.get_absolute_url()).content.decode()
    client.force_login(StudentFactory())
    assert invite_url not in client.get(portfolio.get_absolute_url()).content.decode()


def test_lists_show_each_sides_requests(client, invite, student, employer):
    invite(purpose="Visible purpose")
    client.force_login(student)
    assert "Visible purpose" in client.get(reverse("contacts:inbox")).content.decode()
    client.force_login(employer)
    assert "Visible purpose" in client.get(reverse("contacts:sent")).content.decode()
    client.force_login(StudentFactory())
    assert "Visible purpose" not in client.get(reverse("contacts:inbox")).content.decode()


def test_lists_cost_the_same_queries_for_many_rows(client, employer, django_assert_max_num_queries):
    students = [StudentFactory() for _ in range(6)]
    for student in students:
        portfolio_for(student, visibility=Visibility.SIGNED_IN)
        made = services.contact_request_create(employer=employer, portfolio=student.portfolio,
                                               purpose="Role", message="Hi")  # fmt: skip
        services.contact_details_save(student=student, email="x@example.edu")
        services.contact_request_answer(contact_request=made, accept=True, share=["email"])
    client.force_login(employer)
    with django_assert_max_num_queries(QUERIES):
        assert client.get(reverse("contacts:sent")).status_code == 200
    other = EmployerFactory(approved=True)
    services.contact_request_create(employer=other, portfolio=students[0].portfolio,
                                    purpose="Role 2", message="Hi")  # fmt: skip
    client.force_login(students[0])
    with django_assert_max_num_queries(QUERIES):
        assert client.get(reverse("contacts:inbox")).status_code == 200
