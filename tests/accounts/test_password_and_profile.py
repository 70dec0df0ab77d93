import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import TEST_PASSWORD, EmployerFactory, StudentFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-Strong-Pass-77"


def test_password_reset_by_email(client):
    user = StudentFactory(email="aibek@example.edu", preferred_language="")
    response = client.post(reverse("accounts:password-reset"), {"email": "AIBEK@example.edu"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aibek@example.edu"]
    assert user.username in message.body
    link = re.search(r"https?://\S+/password/reset/\S+/\S+/", message.body).group(0)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # A used link does not work twice.
    assert not client.get(link, follow=True).context["validlink"]


def test_password_reset_for_unknown_address_looks_the_same(client):
    response = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.edu"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-reset-done")
    assert mail.outbox == []


def test_password_reset_mail_is_in_the_requesters_language(client):
    StudentFactory(email="aibek@example.edu")
    client.post(
        reverse("accounts:password-reset"),
        {"email": "aibek@example.edu"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert "Student Portfolio" not in mail.outbox[0].subject


def test_change_password(client):
    user = StudentFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_change_password_with_wrong_old_password_changes_nothing(client):
    user = StudentFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_profile_saves_name_email_and_language(client):
    user = StudentFactory(preferred_language="")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "Бегимай", "last_name": "Асанова", "email": "b@example.edu",
         "preferred_language": "ky"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response.cookies["portfolio_language"].value == "ky"
    user.refresh_from_db()
    assert (user.first_name, user.email, user.preferred_language) == (
        "Бегимай",
        "b@example.edu",
        "ky",
    )
    page = client.get(reverse("accounts:profile"))
    assert 'lang="ky"' in page.content.decode()


def test_profile_refuses_an_email_taken_by_someone_else_and_keeps_the_input(client):
    StudentFactory(email="taken@example.edu")
    user = StudentFactory(first_name="Old")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "New", "last_name": "Name", "email": "TAKEN@example.edu",
         "preferred_language": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert response.context["form"]["first_name"].value() == "New"
    user.refresh_from_db()
    assert user.first_name == "Old"


def test_employer_edits_their_organisation_on_the_profile(client):
    employer = EmployerFactory()
    client.force_login(employer)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "A", "last_name": "B", "email": "hr@new.example", "preferred_language": "",
         "org-organisation": "New Name LLC", "org-website": "https://new.example",
         "org-position": "CTO"},
    )  # fmt: skip
    assert response.status_code == 302
    employer.employer_profile.refresh_from_db()
    assert employer.employer_profile.organisation == "New Name LLC"
