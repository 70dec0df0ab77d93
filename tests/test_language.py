"""Which language a page is in: the user's saved one, then the browser's, then English."""

import pytest
from django.urls import reverse

from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def page_language(response) -> str:
    html = response.content.decode()
    start = html.index('<html lang="') + len('<html lang="')
    return html[start : html.index('"', start)]


def test_english_by_default(client):
    assert page_language(client.get(reverse("home"))) == "en"


@pytest.mark.parametrize("browser", ["ru", "ky", "ru-RU,ru;q=0.9,en;q=0.5", "ky-KG,ky;q=0.9"])
def test_browser_language_is_used(client, browser):
    expected = browser[:2]
    assert page_language(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=browser)) == expected


def test_unsupported_browser_language_falls_back_to_english(client):
    assert page_language(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de,fr;q=0.8")) == "en"


def test_switcher_choice_beats_the_browser(client):
    response = client.post(reverse("set_language"), {"language": "ky", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="ru")
    assert page_language(page) == "ky"


def test_saved_language_beats_browser_and_cookie(client):
    client.force_login(StudentFactory(preferred_language="ky"))
    client.cookies["portfolio_language"] = "en"
    page = client.get(reverse("accounts:dashboard"), HTTP_ACCEPT_LANGUAGE="ru")
    assert page_language(page) == "ky"
    assert page["Content-Language"] == "ky"


def test_switching_language_saves_it_for_a_signed_in_user(client):
    user = StudentFactory(preferred_language="en")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "ru", "next": "/accounts/dashboard/"})
    user.refresh_from_db()
    assert user.preferred_language == "ru"
    assert page_language(client.get(reverse("accounts:dashboard"))) == "ru"


def test_unknown_language_is_ignored(client):
    user = StudentFactory(preferred_language="ky")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "ky"


def test_every_page_has_the_language_switcher(client):
    html = client.get(reverse("accounts:login")).content.decode()
    for code in ("en", "ru", "ky"):
        assert f'name="language" value="{code}"' in html


def sign_in(client, user):
    from tests.factories import TEST_PASSWORD

    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return response


def test_language_chosen_on_the_login_page_wins_and_is_saved(client):
    user = StudentFactory(preferred_language="ky")
    client.get(reverse("accounts:login"))
    client.post(reverse("set_language"), {"language": "ru", "next": "/accounts/login/"})
    sign_in(client, user)
    user.refresh_from_db()
    assert user.preferred_language == "ru"
    assert page_language(client.get(reverse("accounts:dashboard"))) == "ru"
    # Saved: it holds on the next sign-in too, without a new choice.
    client.post(reverse("accounts:logout"))
    sign_in(client, user)
    assert page_language(client.get(reverse("accounts:dashboard"))) == "ru"


def test_without_a_choice_before_sign_in_the_saved_language_applies(client):
    user = StudentFactory(preferred_language="ky")
    # A cookie left from earlier (another person on this computer), but no choice now.
    client.cookies["portfolio_language"] = "ru"
    sign_in(client, user)
    user.refresh_from_db()
    assert user.preferred_language == "ky"
    assert page_language(client.get(reverse("accounts:dashboard"))) == "ky"


def test_a_choice_is_used_once_not_for_the_next_person_signing_in(client):
    first = StudentFactory(preferred_language="en")
    second = StudentFactory(preferred_language="ky")
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    sign_in(client, first)
    client.post(reverse("accounts:logout"))
    sign_in(client, second)
    second.refresh_from_db()
    assert second.preferred_language == "ky"
