"""Sign-in and reset limits counted in the shared Redis, so every app server counts together,
and what happens while Redis is down: pages are served, sign-in and reset refuse."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from accounts import views
from core.limits import Limit, LimitUnavailable
from portfolios.models import Visibility
from tests.factories import TEST_PASSWORD, StudentFactory, portfolio_for
from tests.shared_redis import separate_client

pytestmark = pytest.mark.django_db

SIGN_IN_UNAVAILABLE = "Signing in is unavailable for a moment. Please try again in a minute."
RESET_UNAVAILABLE = "Password resets are unavailable for a moment. Please try again in a minute."


def login(client, username, password=TEST_PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def reset(client, email, **extra):
    return client.post(reverse("accounts:password-reset"), {"email": email}, **extra)


@pytest.fixture
def no_password_check(monkeypatch):
    """Fails the test if any password is checked."""

    def refuse(*args, **kwargs):
        raise AssertionError("a password was checked")

    monkeypatch.setattr("accounts.backends.UsernameOrEmailBackend.authenticate", refuse)
    monkeypatch.setattr("axes.backends.AxesStandaloneBackend.authenticate", refuse)


def test_failures_counted_on_another_app_server_block_the_address_here(shared_redis, client,
                                                                       settings):  # fmt: skip
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    StudentFactory(username="aibek")
    other_server = separate_client("limits")
    cooloff = int(settings.AXES_COOLOFF_TIME.total_seconds())
    for _ in range(2):  # two wrong guesses from 127.0.0.1 answered by the other server
        other_server.count_hit(views.LOGIN_ADDRESS_FAILURES.key("127.0.0.1"), cooloff)
    assert login(client, "guess", "wrong").status_code == 200  # the third, here
    assert login(client, "aibek").status_code == 429  # blocked, right password or not
    assert "_auth_user_id" not in client.session
    assert login(client, "aibek", REMOTE_ADDR="10.9.9.9").status_code == 302


def test_resets_counted_on_another_app_server_stop_the_e_mails_here(
    shared_redis, client, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_LIMIT = 2
    StudentFactory(email="aibek@example.edu")
    StudentFactory(email="aida@example.edu")
    other_server = separate_client("limits")
    for _ in range(2):
        other_server.count_hit(views.RESETS_PER_EMAIL.key("aibek@example.edu"), 3600)
    # From an address the other server never saw: the per-account count stops it.
    with django_capture_on_commit_callbacks(execute=True):  # queued tasks run inline
        response = reset(client, "Aibek@Example.edu", REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-reset-done")
    assert mail.outbox == []
    # The same answer for an account the limit does not stop, whose e-mail goes out.
    with django_capture_on_commit_callbacks(execute=True):
        assert reset(client, "aida@example.edu", REMOTE_ADDR="10.1.1.2").status_code == 302
    assert [message.to for message in mail.outbox] == [["aida@example.edu"]]


def test_the_reset_limit_works_through_the_shared_store(
    shared_redis, client, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_LIMIT = 2
    StudentFactory(email="aibek@example.edu")
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail task runs inline
        for _ in range(4):
            assert reset(client, "aibek@example.edu").status_code == 302
    assert len(mail.outbox) == 2


def test_with_redis_down_pages_are_served_and_a_warning_logged(unreachable_redis, client,
                                                               caplog):  # fmt: skip
    student = StudentFactory(username="aibek")
    portfolio = portfolio_for(student, visibility=Visibility.PUBLIC)
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert client.get(reverse("home")).status_code == 200
        assert client.get(reverse("portfolios:public", args=[portfolio.slug])).status_code == 200
        client.force_login(student)
        assert client.get(reverse("accounts:dashboard")).status_code == 200
        assert client.get(reverse("portfolios:public", args=[portfolio.slug])).status_code == 200
    assert any("Redis cache unavailable" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("password", [TEST_PASSWORD, "wrong-password"])
def test_with_redis_down_nobody_signs_in_and_no_password_is_checked(
    unreachable_redis, client, no_password_check, password
):
    StudentFactory(username="aibek")
    response = login(client, "aibek", password)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert SIGN_IN_UNAVAILABLE in html
    assert 'value="aibek"' in html  # what was typed stays in the form
    assert "_auth_user_id" not in client.session


def test_a_failure_that_cannot_be_counted_refuses_too(shared_redis, client, monkeypatch):
    """Redis going away between the look at the count and the count of this failure."""
    StudentFactory(username="aibek")

    def unavailable(self, subject):
        raise LimitUnavailable(self.name)

    monkeypatch.setattr(Limit, "hit", unavailable)
    response = login(client, "aibek", "wrong-password")
    assert response.status_code == 503
    assert SIGN_IN_UNAVAILABLE in response.content.decode()


@pytest.mark.parametrize("email", ["aibek@example.edu", "nobody@example.edu"])
def test_with_redis_down_no_reset_e_mail_is_sent(
    unreachable_redis, client, email, django_capture_on_commit_callbacks
):
    StudentFactory(email="aibek@example.edu")
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = reset(client, email)
    assert queued == []  # no task queued
    assert response.status_code == 503  # the same answer whether the account exists or not
    html = response.content.decode()
    assert RESET_UNAVAILABLE in html
    assert f'value="{email}"' in html
    assert mail.outbox == []
