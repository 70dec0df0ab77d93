"""A database that cannot be reached (stopped, restarting, out of connections) gets the
site's own 503 page, with Retry-After and no traceback; once it answers again the next
request is served as usual, by the same process, without a restart."""

import socket

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import path

from portfolios.models import Visibility
from tests.factories import StudentFactory, portfolio_for

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends


class Database:
    """Takes the site's connection to a port where nothing listens, and back."""

    def __init__(self):
        self.saved = {key: connection.settings_dict.get(key) for key in ("HOST", "PORT", "OPTIONS")}

    def stop(self):
        connection.close()
        connection.settings_dict.update(
            HOST="127.0.0.1",
            PORT=str(_closed_port()),
            OPTIONS={**(self.saved["OPTIONS"] or {}), "host": "127.0.0.1"},
        )

    def start(self):
        connection.close()
        connection.settings_dict.update(self.saved)


@pytest.fixture
def database():
    database = Database()
    yield database
    database.start()


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "The site is unavailable for a moment"), ("ru", "Сайт ненадолго недоступен")],
)
def test_pages_answer_503_while_the_database_is_down(client, database, settings, language, title):
    settings.DEBUG = False
    client.raise_request_exception = False
    portfolio_for(StudentFactory(username="aida"), visibility=Visibility.PUBLIC)
    assert client.get("/p/aida/").status_code == 200
    reader = Client(raise_request_exception=False)
    reader.force_login(StudentFactory(username="bek"))

    database.stop()
    for visitor, address in ((client, "/p/aida/"), (reader, "/"), (reader, "/portfolio/")):
        down = visitor.get(address, HTTP_ACCEPT_LANGUAGE=language)

        assert down.status_code == 503, address
        assert down["Retry-After"] == "30"
        assert down["Cache-Control"] == "no-store"
        page = down.content.decode()
        assert title in page
        assert "Traceback" not in page and "OperationalError" not in page

    database.start()
    assert client.get("/p/aida/").status_code == 200


def _raises(exception):
    def view(request):
        raise exception

    return view


urlpatterns = [
    path("bug/", _raises(ValueError("a bug"))),
    path("deadlock/", _raises(OperationalError("deadlock detected"))),
]
handler500 = "portfolio_site.errors.server_error_or_unavailable"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(("path", "status"), [("/bug/", 500), ("/deadlock/", 503)])
def test_a_bug_is_still_the_500_page(client, settings, path, status):
    settings.DEBUG = False
    client.raise_request_exception = False

    response = client.get(path)

    assert response.status_code == status
    assert ("Retry-After" in response) == (status == 503)
