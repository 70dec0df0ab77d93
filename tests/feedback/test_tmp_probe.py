import pytest
from django.test import Client
from django.urls import reverse
from portfolios.models import Visibility
from tests.feedback.test_verification import *  # noqa

pytestmark = pytest.mark.django_db

def test_probe(client, supervisor_client, student, achievement):
    ask(client, achievement)
    r = client.post(reverse("achievements:edit", args=[achievement.pk]), edit_data(achievement, visibility=Visibility.PRIVATE, description="secret diary text"))
    print(r.status_code, fresh(achievement).visibility, fresh(achievement).verification_status)
    html = supervisor_client.get(reverse("feedback:verification-queue")).content.decode()
    print("secret diary" in html, "Republican" in html)
    ev = achievement.evidence.get()
    print(supervisor_client.get(reverse("achievements:file", args=[ev.public_id, "original"])).status_code)
    r = decide(supervisor_client, achievement)
    print(fresh(achievement).verification_status)
