"""Term and employment-outcome dates outside 1900..2100 (issue 12): refused by the forms,
the admin and the database; ``feedback.0004_repair_out_of_range_dates`` moves the rows
stored before into the range, keeping each model's order rules."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.services import staff_group_ensure
from feedback.models import EmploymentOutcome, Term
from tests import out_of_range
from tests.factories import (
    EmploymentOutcomeFactory,
    StaffFactory,
    StudentFactory,
    TermFactory,
    portfolio_for,
)
from tests.out_of_range import MESSAGE, constraints_dropped, store

pytestmark = pytest.mark.django_db

TERM_CONSTRAINTS = ("term_starts_on_in_range", "term_ends_on_in_range")
OUTCOME_CONSTRAINTS = ("outcome_start_date_in_range", "outcome_end_date_in_range")
D = dt.date


@pytest.fixture
def staff_client():
    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def student_client(client):
    student = StudentFactory()
    portfolio_for(student)
    client.force_login(student)
    client.student = student
    return client


def repair():
    out_of_range.repair("feedback", "0004_repair_out_of_range_dates", Term, *TERM_CONSTRAINTS)
    out_of_range.repair(
        "feedback", "0004_repair_out_of_range_dates", EmploymentOutcome, *OUTCOME_CONSTRAINTS
    )


# Terms: (starts_on, ends_on) stored -> after the repair
TERMS = [
    (("0001-01-01", "2024-06-30"), (D(1900, 1, 1), D(2024, 6, 30))),
    (("0001-01-01", "0001-06-30"), (D(1900, 1, 1), D(1900, 1, 2))),
    (("2024-09-01", "9999-12-31"), (D(2024, 9, 1), D(2100, 12, 31))),
    (("9999-01-01", "9999-12-31"), (D(2100, 12, 30), D(2100, 12, 31))),
    (("0044-03-15 BC", "2024-06-30"), (D(1900, 1, 1), D(2024, 6, 30))),
    (("2024-09-01", "2024-12-31"), (D(2024, 9, 1), D(2024, 12, 31))),
]

# Outcomes: (start_date, end_date) stored -> after the repair
OUTCOMES = [
    (("0001-01-01", None), (D(1900, 1, 1), None)),
    (("0001-01-01", "2024-06-30"), (D(1900, 1, 1), D(2024, 6, 30))),
    (("0001-01-01", "0002-01-01"), (D(1900, 1, 1), D(1900, 1, 1))),
    (("2024-09-01", "9999-12-31"), (D(2024, 9, 1), None)),
    (("9999-01-01", "9999-12-31"), (D(2100, 12, 31), None)),
    (("2024-09-01", "2025-01-31"), (D(2024, 9, 1), D(2025, 1, 31))),
]


def test_the_repair_moves_dates_into_the_range_and_the_pages_answer(staff_client, student_client):
    terms = [TermFactory() for _ in TERMS]
    outcomes = [EmploymentOutcomeFactory(student=student_client.student) for _ in OUTCOMES]
    constraints_dropped(Term, *TERM_CONSTRAINTS)
    constraints_dropped(EmploymentOutcome, *OUTCOME_CONSTRAINTS)
    for term, (stored, _repaired) in zip(terms, TERMS, strict=True):
        store("UPDATE feedback_term SET starts_on = %s, ends_on = %s WHERE id = %s",
              [*stored, term.pk])  # fmt: skip
    for outcome, (stored, _repaired) in zip(outcomes, OUTCOMES, strict=True):
        store(
            "UPDATE feedback_employmentoutcome SET start_date = %s, end_date = %s WHERE id = %s",
            [*stored, outcome.pk],
        )

    repair()

    for term, (_stored, repaired) in zip(terms, TERMS, strict=True):
        assert Term.objects.values_list("starts_on", "ends_on").get(pk=term.pk) == repaired
    for outcome, (_stored, repaired) in zip(outcomes, OUTCOMES, strict=True):
        stored_now = EmploymentOutcome.objects.values_list("start_date", "end_date")
        assert stored_now.get(pk=outcome.pk) == repaired
    assert student_client.get(reverse("feedback:outcomes")).status_code == 200
    for url in (
        reverse("admin:feedback_term_changelist"),
        reverse("admin:feedback_term_change", args=[terms[0].pk]),
        reverse("admin:feedback_employmentoutcome_changelist"),
        reverse("analytics:dashboard"),
    ):
        assert staff_client.get(url).status_code == 200, url


@pytest.mark.parametrize("field", ["starts_on", "ends_on"])
def test_the_admin_refuses_a_term_out_of_range(staff_client, field):
    far = "9999-12-31" if field == "ends_on" else "0001-01-01"
    data = {"name_en": "Far", "name_ru": "", "name_ky": "", "starts_on": "2026-02-01",
            "ends_on": "2026-06-30", field: far}  # fmt: skip

    response = staff_client.post(reverse("admin:feedback_term_add"), data)

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not Term.objects.filter(name_en="Far").exists()


@pytest.mark.parametrize("changes", [{"start_date": "0001-01-01"}, {"end_date": "9999-12-31"}])
def test_the_outcome_form_refuses_dates_out_of_range(student_client, changes):
    data = {"employer_name": "Beeline", "position": "Analyst", "start_date": "2025-07-01",
            "end_date": "", "related_to_field": "on", **changes}  # fmt: skip

    response = student_client.post(reverse("feedback:outcomes"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert MESSAGE in html
    assert 'min="1900-01-01"' in html and 'max="2100-12-31"' in html
    assert not EmploymentOutcome.objects.exists()


def test_the_database_refuses_dates_out_of_range():
    term = TermFactory()
    outcome = EmploymentOutcomeFactory()
    for sql, pk in (
        ("UPDATE feedback_term SET starts_on = '0001-01-01' WHERE id = %s", term.pk),
        ("UPDATE feedback_term SET ends_on = '9999-12-31' WHERE id = %s", term.pk),
        ("UPDATE feedback_employmentoutcome SET end_date = '9999-12-31' WHERE id = %s",
         outcome.pk),
    ):  # fmt: skip
        with pytest.raises(IntegrityError, match="_in_range"), transaction.atomic():
            store(sql, [pk])
