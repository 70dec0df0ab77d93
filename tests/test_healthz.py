"""/healthz (readiness: database, cache, storage, worker) and /livez (liveness)."""

import logging
import threading
import time

import pytest
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection

from core import tasks
from portfolio_site import health

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


class UnreachableStorage(FileSystemStorage):
    """A file store that cannot be reached (S3 down, a volume gone)."""

    def exists(self, name):
        raise OSError("the file store did not answer")


@pytest.fixture
def with_redis(settings):
    settings.REDIS_URL = REDIS_TEST_URL
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": "test-healthz",
        }
    }


@pytest.fixture
def with_broker(settings):
    """As with CELERY_BROKER_URL set: tasks go to a worker, whose heartbeat counts."""
    settings.CELERY_TASK_ALWAYS_EAGER = False


@pytest.mark.django_db
def test_healthy_without_broker_or_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "not configured",
        "storage": "ok",
        "worker": "inline",
    }
    assert b'"database": "ok"' in response.content  # what CI's probe looks for
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_database_unreachable(client, monkeypatch, caplog):
    # The check opens a connection of its own, here to a port where nothing listens.
    monkeypatch.setitem(connection.settings_dict, "PORT", "1")
    with caplog.at_level(logging.WARNING):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "error"
    assert body["storage"] == "ok"
    # Logged once, with the reason, as a warning: not an ERROR (a Sentry event) per probe.
    (record,) = caplog.records
    assert record.levelname == "WARNING"
    assert "health check database failed" in record.getMessage()
    assert isinstance(record.exc_info[1], OperationalError)


@pytest.mark.django_db
def test_redis_ok(client, with_redis):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "ok"


@pytest.mark.django_db
def test_redis_unreachable(client, settings, with_redis):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "error"


@pytest.mark.django_db
def test_storage_unreachable(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.test_healthz.UnreachableStorage"},
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "error"


@pytest.mark.django_db
def test_a_check_that_hangs_is_reported_as_a_timeout(client, settings, monkeypatch):
    settings.HEALTHZ_TIMEOUT = 0.2
    released = threading.Event()

    def hanging_storage():
        released.wait(10)
        return health.OK

    monkeypatch.setitem(health.CHECKS, "storage", hanging_storage)
    try:
        response = client.get("/healthz")
    finally:
        released.set()
    assert response.status_code == 503
    body = response.json()
    assert body["storage"] == "timeout"
    assert body["database"] == "ok"


@pytest.mark.django_db
def test_worker_ok_after_its_heartbeat(client, with_broker):
    tasks.heartbeat.apply()  # what the worker does with beat's message
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"] == "ok"


@pytest.mark.django_db
def test_stale_heartbeat_is_not_ready(client, settings, with_broker):
    cache.set(tasks.HEARTBEAT_CACHE_KEY, time.time() - settings.HEALTHZ_HEARTBEAT_MAX_AGE - 5)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == "stale"


@pytest.mark.django_db
def test_no_heartbeat_is_not_ready(client, with_broker):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == "missing"


@pytest.mark.django_db
def test_worker_can_be_reported_without_failing_readiness(client, settings, with_broker):
    settings.HEALTHZ_WORKER_REQUIRED = False
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"] == "missing"


@pytest.mark.django_db
def test_heartbeat_task_writes_the_time(with_redis):
    before = time.time()
    tasks.heartbeat.delay()  # inline: no broker in the tests
    written = tasks.last_heartbeat()
    assert written is not None
    assert before <= written <= time.time()


def test_beat_schedules_the_heartbeat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["heartbeat"]
    assert entry["task"] == tasks.heartbeat.name == "core.tasks.heartbeat"
    assert entry["schedule"] < settings.HEALTHZ_HEARTBEAT_MAX_AGE


def test_livez_needs_no_database(client, monkeypatch):
    # No django_db mark: pytest-django refuses any database access, so this passes only
    # because /livez makes none; the database being down changes nothing.
    monkeypatch.setitem(connection.settings_dict, "PORT", "1")
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/livez"])
def test_probes_by_ip_address_over_plain_http(client, settings, path):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/", HTTP_HOST="testserver").status_code == 301  # others redirect
    response = client.get(path, HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 200


@pytest.mark.django_db
def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405
