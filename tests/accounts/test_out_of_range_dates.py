"""A cohort's graduation year stays within the years the site's dates cover (issue 12):
refused after 2100 by the admin and the database; ``accounts.0003_repair_out_of_range_dates``
sets a stored one back to four years after entry."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Cohort
from accounts.services import staff_group_ensure
from tests import out_of_range
from tests.factories import CohortFactory, StaffFactory, StudentFactory
from tests.out_of_range import constraints_dropped, store

pytestmark = pytest.mark.django_db

CONSTRAINT = "cohort_graduation_year_plausible"


@pytest.fixture
def staff_client(client):
    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    return client


def test_the_repair_sets_a_far_graduation_year_back_to_the_default(staff_client):
    usual = CohortFactory(entry_year=2024)
    late = CohortFactory(entry_year=2099)
    constraints_dropped(Cohort, CONSTRAINT)
    store("UPDATE accounts_cohort SET graduation_year = 32767 WHERE id = %s", [usual.pk])
    store("UPDATE accounts_cohort SET graduation_year = 9999 WHERE id = %s", [late.pk])

    out_of_range.repair("accounts", "0003_repair_out_of_range_dates", Cohort, CONSTRAINT)

    usual.refresh_from_db()
    late.refresh_from_db()
    assert (usual.graduation_year, late.graduation_year) == (2028, 2100)
    assert staff_client.get(reverse("admin:accounts_cohort_changelist")).status_code == 200


def test_the_admin_and_the_database_refuse_a_graduation_year_after_2100(staff_client):
    response = staff_client.post(
        reverse("admin:accounts_cohort_add"),
        {"entry_year": 2030, "graduation_year": 9999, "is_active": "on"},
    )

    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 2100." in response.content.decode()
    assert not Cohort.objects.filter(entry_year=2030).exists()
    cohort = CohortFactory(entry_year=2024)
    with pytest.raises(IntegrityError, match=CONSTRAINT), transaction.atomic():
        store("UPDATE accounts_cohort SET graduation_year = 2101 WHERE id = %s", [cohort.pk])


def test_the_default_graduation_year_stays_within_the_range():
    assert CohortFactory(entry_year=2099).graduation_year == 2100


def test_staff_cannot_type_a_users_sign_in_or_sign_up_date(staff_client):
    student = StudentFactory()
    form = staff_client.get(reverse("admin:accounts_user_change", args=[student.pk]))
    fields = form.context["adminform"].form.fields
    assert "last_login" not in fields and "date_joined" not in fields
