"""The demo's invitations: one in each state, a block and an open report, made once."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from contacts.models import ContactMessage, ContactRequest, EmployerBlock, EmployerReport, Status

pytestmark = pytest.mark.django_db


def test_seed_demo_sends_invitations_in_every_state_once(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", "--students", "5", verbosity=0)
    states = set(ContactRequest.objects.values_list("status", flat=True))
    assert states == {Status.OPEN, Status.ACCEPTED, Status.DECLINED, Status.CLOSED}
    accepted = ContactRequest.objects.get(student__username="student1", status=Status.ACCEPTED)
    assert set(accepted.shared_details) == {"email", "messenger"}
    assert ContactMessage.objects.filter(contact_request=accepted).count() == 2
    assert EmployerBlock.objects.filter(student__username="student4").exists()
    assert EmployerReport.objects.open().count() == 1

    count = ContactRequest.objects.count()
    call_command("seed_demo", "--students", "5", verbosity=0)
    assert ContactRequest.objects.count() == count

    client.force_login(accepted.employer)
    page = client.get(reverse("contacts:detail", args=[accepted.pk])).content.decode()
    assert accepted.shared_details["messenger"] in page
