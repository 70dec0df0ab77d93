"""Employment outcomes: a student records their jobs; supervisors read them on the student's
page; staff record graduates' jobs in the administration."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from feedback.models import EmploymentOutcome
from feedback.services.outcomes import outcome_save
from tests.factories import (
    EmploymentOutcomeFactory,
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    portfolio_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def student(client):
    student = StudentFactory(first_name="Аида", last_name="Бекова")
    portfolio_for(student)
    client.force_login(student)
    return student


def job(**changes):
    data = {
        "employer_name": "Кыргызтелеком",
        "position": "Junior data analyst",
        "start_date": "2025-07-01",
        "end_date": "",
        "related_to_field": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- The student's own jobs -------------------------------------------------------------


def test_a_student_adds_a_job(client, student):
    response = client.post(reverse("feedback:outcomes"), job())

    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:outcomes")
    outcome = EmploymentOutcome.objects.get()
    assert outcome.student == student
    assert outcome.recorded_by == student
    assert (outcome.employer_name, outcome.position) == ("Кыргызтелеком", "Junior data analyst")
    assert outcome.start_date == datetime.date(2025, 7, 1)
    assert outcome.end_date is None
    assert outcome.related_to_field is True
    assert "Saved. Congratulations on the job!" in messages_of(response)
    html = client.get(reverse("feedback:outcomes")).content.decode()
    assert "Junior data analyst" in html and "Кыргызтелеком" in html
    assert "July 2025 – now" in html


def test_a_job_not_related_to_the_field(client, student):
    client.post(reverse("feedback:outcomes"), job(related_to_field=None, end_date="2025-12-31"))

    outcome = EmploymentOutcome.objects.get()
    assert outcome.related_to_field is False
    assert outcome.end_date == datetime.date(2025, 12, 31)


def test_the_list_shows_only_my_jobs(client, student):
    EmploymentOutcomeFactory(student=student, position="My job")
    EmploymentOutcomeFactory(position="Someone else's job")

    html = client.get(reverse("feedback:outcomes")).content.decode()

    assert "My job" in html
    assert "Someone else&#x27;s job" not in html and "Someone else's job" not in html


def test_a_student_edits_their_job(client, student):
    outcome = EmploymentOutcomeFactory(student=student, position="Intern")
    url = reverse("feedback:outcome-edit", args=[outcome.pk])

    assert 'value="Intern"' in client.get(url).content.decode()
    response = client.post(url, job(position="Data analyst", end_date="2026-01-31"))

    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.position == "Data analyst"
    assert outcome.end_date == datetime.date(2026, 1, 31)
    assert EmploymentOutcome.objects.count() == 1


def test_a_student_deletes_their_job(client, student):
    outcome = EmploymentOutcomeFactory(student=student)

    response = client.post(reverse("feedback:outcome-delete", args=[outcome.pk]))

    assert response.status_code == 302
    assert not EmploymentOutcome.objects.exists()
    assert "The job is removed." in messages_of(response)


def test_an_end_before_the_start_is_an_error_and_nothing_is_saved(client, student):
    response = client.post(
        reverse("feedback:outcomes"), job(start_date="2025-07-01", end_date="2025-06-30")
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "The end date cannot be before the start date." in html
    assert "Nothing has been saved yet." in html
    assert not EmploymentOutcome.objects.exists()


def test_an_edit_with_the_end_before_the_start_changes_nothing(client, student):
    outcome = EmploymentOutcomeFactory(student=student, position="Intern")

    response = client.post(
        reverse("feedback:outcome-edit", args=[outcome.pk]),
        job(position="Changed", start_date="2025-07-01", end_date="2024-01-01"),
    )

    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.content.decode()
    outcome.refresh_from_db()
    assert outcome.position == "Intern"
    assert outcome.end_date is None


@pytest.mark.parametrize("missing", ["employer_name", "position", "start_date"])
def test_required_fields(client, student, missing):
    response = client.post(reverse("feedback:outcomes"), job(**{missing: ""}))

    assert response.status_code == 200
    assert missing in response.context["form"].errors
    assert not EmploymentOutcome.objects.exists()


def test_another_students_job_is_404(client, student):
    theirs = EmploymentOutcomeFactory(position="Their job")
    edit = reverse("feedback:outcome-edit", args=[theirs.pk])

    assert client.get(edit).status_code == 404
    assert client.post(edit, job(position="Hijacked")).status_code == 404
    assert client.post(reverse("feedback:outcome-delete", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.position == "Their job"


def test_the_database_keeps_dates_in_order():
    with pytest.raises(IntegrityError, match="outcome_dates_in_order"), transaction.atomic():
        EmploymentOutcomeFactory(
            start_date=datetime.date(2025, 7, 1), end_date=datetime.date(2025, 6, 1)
        )


def test_the_service_checks_the_dates_and_the_fields(student):
    with pytest.raises(ValidationError) as error:
        outcome_save(
            student=student,
            recorded_by=student,
            employer_name="A",
            position="B",
            start_date=datetime.date(2025, 7, 1),
            end_date=datetime.date(2025, 1, 1),
        )
    assert "The end date cannot be before the start date." in error.value.messages
    with pytest.raises(TypeError):
        outcome_save(student=student, recorded_by=student, salary=1000)
    assert not EmploymentOutcome.objects.exists()


# --- Supervisors and staff --------------------------------------------------------------


def test_supervisors_see_their_students_jobs(client, student):
    EmploymentOutcomeFactory(
        student=student, position="Junior data analyst", employer_name="Кыргызтелеком"
    )
    supervisor = SupervisorFactory()
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    client.force_login(supervisor)

    response = client.get(reverse("accounts:student-detail", args=[student.pk]))

    assert response.status_code == 200
    assert "Junior data analyst" in response.content.decode()
    assert "Кыргызтелеком" in response.content.decode()


def test_another_supervisor_cannot_open_the_students_page(client, student):
    EmploymentOutcomeFactory(student=student)
    client.force_login(SupervisorFactory())

    assert client.get(reverse("accounts:student-detail", args=[student.pk])).status_code == 404


def test_supervisors_have_no_employment_page_of_their_own(client):
    client.force_login(SupervisorFactory())

    assert client.get(reverse("feedback:outcomes")).status_code == 404


def test_the_student_page_keeps_its_sections_out_of_the_title(client, student):
    """The page's <title> is the student's name; the sections belong in the page body."""
    EmploymentOutcomeFactory(student=student, position="Junior data analyst")
    supervisor = SupervisorFactory()
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    client.force_login(supervisor)

    html = client.get(reverse("accounts:student-detail", args=[student.pk])).content.decode()

    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "Аида Бекова" in title
    assert "<" not in title
    assert "Junior data analyst" not in title
    assert html.count('id="outcomes-title"') == 1


def test_staff_add_a_graduates_job_in_the_admin(client, student):
    from accounts.services import staff_group_ensure

    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)

    response = client.post(
        reverse("admin:feedback_employmentoutcome_add"),
        {
            "student": student.pk,
            "employer_name": "Optima Bank",
            "position": "Analyst",
            "start_date": "2025-08-01",
            "end_date": "",
            "related_to_field": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    outcome = EmploymentOutcome.objects.get()
    assert (outcome.student, outcome.recorded_by) == (student, staff)
    assert outcome.position == "Analyst"


def test_the_admin_refuses_an_end_before_the_start(client, student):
    from accounts.services import staff_group_ensure

    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)

    response = client.post(
        reverse("admin:feedback_employmentoutcome_add"),
        {
            "student": student.pk,
            "employer_name": "Optima Bank",
            "position": "Analyst",
            "start_date": "2025-08-01",
            "end_date": "2025-07-01",
        },
    )

    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.content.decode()
    assert not EmploymentOutcome.objects.exists()
