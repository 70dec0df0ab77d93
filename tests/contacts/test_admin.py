"""Staff's queue of reports about employers: open ones by a filter, "mark handled", and the
count on the staff dashboard."""

import pytest
from django.urls import reverse

from contacts import services
from contacts.models import EmployerReport
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(invite, student, employer):
    made = invite()
    return [
        services.employer_report(
            student=student, employer=employer, reason=reason, contact_request=made
        )  # fmt: skip
        for reason in ("Asked for my passport", "Calls at night")
    ]


def test_staff_filter_open_reports_and_mark_them_handled(client, reports):
    staff = StaffFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    url = reverse("admin:contacts_employerreport_changelist")
    assert "Calls at night" in client.get(url, {"state": "open"}).content.decode()
    assert "Calls at night" not in client.get(url, {"state": "handled"}).content.decode()

    response = client.post(url, {"action": "mark_handled", "_selected_action": [reports[0].pk]})
    assert response.status_code == 302
    assert list(EmployerReport.objects.open()) == [reports[1]]
    handled = EmployerReport.objects.get(pk=reports[0].pk)
    assert handled.handled_by == staff
    assert "Asked for my passport" in client.get(url, {"state": "handled"}).content.decode()


def test_the_staff_dashboard_counts_open_reports(client, reports):
    client.force_login(StaffFactory())
    response = client.get(reverse("accounts:dashboard"))
    assert response.context["open_employer_report_count"] == 2
    assert "2 open reports about employers" in response.content.decode()


@pytest.mark.parametrize(
    "model", ["contactrequest", "contactdetails", "employerblock", "employerreport"]
)
def test_every_model_has_an_admin_page(client, reports, details, model):
    client.force_login(StaffFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse(f"admin:contacts_{model}_changelist")).status_code == 200
