import re

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from tests.factories import TEST_PASSWORD, EmployerFactory, StudentFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-Strong-Pass-77"


def _committed(post):
    """A request whose work is committed: the reset task and the outbox run (inline)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return post()


def test_password_reset_by_email(client):
    user = StudentFactory(email="aibek@example.edu", preferred_language="")
    response = _committed(
        lambda: client.post(reverse("accounts:password-reset"), {"email": "AIBEK@example.edu"})
    )
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
    response = _committed(
        lambda: client.post(reverse("accounts:password-reset"), {"email": "nobody@example.edu"})
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-reset-done")
    assert mail.outbox == []


def test_password_reset_mail_is_in_the_users_language(client):
    from django.utils import translation

    StudentFactory(email="aibek@example.edu", preferred_language="ky")
    _committed(
        lambda: client.post(
            reverse("accounts:password-reset"),
            {"email": "aibek@example.edu"},
            HTTP_ACCEPT_LANGUAGE="ru",
        )
    )
    with translation.override("ky"):
        expected = translation.gettext("Choose a new password for Student Portfolio")
    assert mail.outbox[0].subject == expected != "Choose a new password for Student Portfolio"


def test_password_reset_mails_are_limited(client, settings):
    settings.PASSWORD_RESET_LIMIT = 2
    StudentFactory(email="aibek@example.edu")
    for _ in range(4):
        response = _committed(
            lambda: client.post(reverse("accounts:password-reset"), {"email": "aibek@example.edu"})
        )
        assert response.status_code == 302  # the same answer every time
    assert len(mail.outbox) == 2


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
         "preferred_language": "ky", "current_password": TEST_PASSWORD},
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


def test_changing_email_needs_the_current_password(client):
    user = StudentFactory(email="old@example.edu")
    client.force_login(user)
    data = {"first_name": "A", "last_name": "B", "email": "thief@example.com",
            "preferred_language": ""}  # fmt: skip
    response = client.post(reverse("accounts:profile"), {**data, "current_password": "wrong"})
    assert response.context["form"].errors["current_password"]
    user.refresh_from_db()
    assert user.email == "old@example.edu"
    # Other changes need no password.
    same_email = {**data, "email": "OLD@example.edu", "first_name": "Новое"}
    assert client.post(reverse("accounts:profile"), same_email).status_code == 302


def test_choosing_browser_language_forgets_the_cookie(client):
    client.force_login(StudentFactory(preferred_language="ky"))
    client.cookies["portfolio_language"] = "ky"
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "A", "last_name": "B", "email": "x@example.edu", "preferred_language": "",
         "current_password": TEST_PASSWORD},
    )  # fmt: skip
    assert response.cookies["portfolio_language"].value == ""


def test_employer_edits_their_organisation_and_goes_back_to_review(client):
    from accounts.models import EmployerProfile

    employer = EmployerFactory(approved=True, email="hr@old.example")
    client.force_login(employer)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "A", "last_name": "B", "email": "hr@old.example", "preferred_language": "",
         "org-organisation": "Google", "org-website": "https://google.example",
         "org-position": "CTO"},
    )  # fmt: skip
    assert response.status_code == 302
    employer.employer_profile.refresh_from_db()
    assert employer.employer_profile.organisation == "Google"
    assert employer.employer_profile.status == EmployerProfile.Status.PENDING


def test_employer_changing_only_their_position_stays_approved(client):
    from accounts.models import EmployerProfile

    employer = EmployerFactory(approved=True, email="hr@old.example")
    profile = employer.employer_profile
    client.force_login(employer)
    client.post(
        reverse("accounts:profile"),
        {"first_name": "A", "last_name": "B", "email": "hr@old.example", "preferred_language": "",
         "org-organisation": profile.organisation, "org-website": profile.website,
         "org-position": "Head of HR"},
    )  # fmt: skip
    profile.refresh_from_db()
    assert (profile.position, profile.status) == ("Head of HR", EmployerProfile.Status.APPROVED)


@pytest.mark.parametrize("url_name", ["set_language", "accounts:profile"])
def test_language_cookie_is_secure_and_http_only_under_production_settings(
    client, settings, url_name
):
    """Both places that set the language cookie follow LANGUAGE_COOKIE_SECURE/HTTPONLY."""
    settings.LANGUAGE_COOKIE_SECURE = True
    client.force_login(StudentFactory(preferred_language=""))
    if url_name == "set_language":
        response = client.post(reverse(url_name), {"language": "ru", "next": "/"})
    else:
        response = client.post(
            reverse(url_name),
            {"first_name": "A", "last_name": "B", "email": "x@example.edu",
             "preferred_language": "ru", "current_password": TEST_PASSWORD},
        )  # fmt: skip
    cookie = response.cookies["portfolio_language"]
    assert cookie.value == "ru"
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
