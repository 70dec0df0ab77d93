import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD, StudentFactory

pytestmark = pytest.mark.django_db

WRONG = "The username, e-mail or password is wrong."


def login(client, username, password=TEST_PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


@pytest.mark.parametrize("login_as", ["aibek", "AIBEK", "aibek@example.edu", "Aibek@Example.EDU"])
def test_log_in_by_username_or_email(client, login_as):
    user = StudentFactory(username="aibek", email="aibek@example.edu")
    response = login(client, login_as)
    assert response.status_code == 302
    assert response.url == reverse("accounts:dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_failed_login_does_not_tell_whether_the_account_exists(client):
    StudentFactory(username="aibek")
    wrong_password = login(client, "aibek", "not-the-password")
    no_such_user = login(client, "nobody-here", "not-the-password")
    assert wrong_password.status_code == no_such_user.status_code == 200
    errors = [r.context["form"].errors.as_data() for r in (wrong_password, no_such_user)]
    assert [[e.messages for e in errs["__all__"]] for errs in errors] == [
        [[WRONG + " Please try again."]]
    ] * 2
    assert set(errors[0]) == set(errors[1]) == {"__all__"}


def test_inactive_account_gets_the_same_message(client):
    StudentFactory(username="gone", is_active=False)
    assert WRONG in login(client, "gone").content.decode()


def test_repeated_failures_lock_the_account_from_that_address(client, settings):
    StudentFactory(username="aibek")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "aibek", "wrong-password")

    locked = login(client, "aibek")  # even the right password is refused now
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    # Another address is not locked out (a campus shares addresses; we lock the pair).
    other = login(client, "aibek", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


@pytest.mark.parametrize("variant", ["AIBEK", "Aibek", "aibek@example.edu", "AIBEK@EXAMPLE.EDU"])
def test_lockout_cannot_be_dodged_by_spelling_the_login_differently(client, settings, variant):
    StudentFactory(username="aibek", email="aibek@example.edu")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "aibek", "wrong-password")
    assert login(client, variant).status_code == 429


def test_mixed_spellings_add_up_to_one_lockout(client, settings):
    StudentFactory(username="aibek", email="aibek@example.edu")
    spellings = ["aibek", "AIBEK", "aibek@example.edu", "Aibek", "AiBeK"]
    for spelling in spellings[: settings.AXES_FAILURE_LIMIT]:
        login(client, spelling, "wrong-password")
    assert login(client, "aibek").status_code == 429


def test_one_address_trying_many_accounts_is_blocked(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    StudentFactory(username="aibek")
    for number in range(6):
        assert login(client, f"guess{number}", "wrong").status_code == 200
    blocked = login(client, "aibek")
    assert blocked.status_code == 429
    assert login(client, "aibek", REMOTE_ADDR="10.9.9.9").status_code == 302


def test_lockout_message_is_translated(client, settings):
    StudentFactory(username="aibek")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "aibek", "wrong-password")
    locked = login(client, "aibek", HTTP_ACCEPT_LANGUAGE="ky")
    assert locked.status_code == 429
    assert "Too many failed attempts" not in locked.content.decode()
    assert 'lang="ky"' in locked.content.decode()


def test_logout_is_post_only(client):
    client.force_login(StudentFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
