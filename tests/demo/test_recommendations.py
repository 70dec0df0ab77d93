"""The demo trains the recommendation models once and says which cards the dashboards show."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from recommendations.models import ModelVersion

pytestmark = pytest.mark.django_db


def test_seed_demo_trains_once_and_student1_sees_cards(settings, client):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--students", "30", stdout=out)
    assert "Recommendations:" in out.getvalue()
    assert "learned cards" in out.getvalue() or "rules' cards" in out.getvalue()
    versions = ModelVersion.objects.count()
    assert versions <= 1  # a version, or "too little data" said instead
    call_command("seed_demo", "--students", "30", stdout=StringIO())
    assert ModelVersion.objects.count() == versions
    client.force_login(User.objects.get(username="student1"))
    response = client.get(reverse("accounts:dashboard"))
    assert response.context["recommendations"]
    assert "Suggested for you" in response.content.decode()
