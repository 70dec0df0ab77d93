"""Fixtures for the whole suite: pytest-django on PostgreSQL (embedded, or DATABASE_URL)."""

import os
import socket
import uuid

import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--per-module",
        type=int,
        default=0,
        metavar="N",
        help="a smoke of the suite: only the first N tests of each test module "
        "(every module is still imported and run; CI's second run on the newest Python)",
    )


def pytest_collection_modifyitems(config, items):
    limit = config.getoption("--per-module")
    if not limit:
        return
    kept, deselected, seen = [], [], {}
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        seen[module] = seen.get(module, 0) + 1
        (kept if seen[module] <= limit else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(autouse=True)
def _isolated_files_and_static(settings, tmp_path):
    """Uploaded files go to a temporary folder; static files need no collectstatic run."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache_and_language():
    from django.conf import settings
    from django.core.cache import caches
    from django.utils import translation

    for alias in settings.CACHES:  # the page cache and the limits' counts
        caches[alias].clear()
    yield
    translation.activate("en")


# --- Shared Redis (the machine's and CI's; core/cache.py, core/limits.py) ----------------
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _point_caches_at(settings, monkeypatch, url: str) -> None:
    from core import cache as core_cache
    from portfolio_site.settings import redis_caches

    monkeypatch.setattr(core_cache, "_paused_until", {})  # no outage remembered
    # Each test has keys of its own, and clear() deletes only them.
    settings.CACHES = redis_caches(url, key_prefix=f"test-{uuid.uuid4().hex}")


@pytest.fixture
def shared_redis(settings, monkeypatch):
    """Both cache aliases in the machine's Redis, as on app servers with REDIS_URL."""
    from django.core.cache import caches

    _point_caches_at(settings, monkeypatch, TEST_REDIS_URL)
    yield settings.CACHES
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def unreachable_redis(settings, monkeypatch):
    """Both cache aliases at 127.0.0.1 on a port nothing listens on: Redis is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _point_caches_at(settings, monkeypatch, f"redis://127.0.0.1:{port}/0")
    return settings.CACHES


@pytest.fixture
def password():
    return "Correct-Horse-Battery-42"


@pytest.fixture
def start_and_open(django_capture_on_commit_callbacks):
    """Post to a page that starts a job (an export or import), run what it queued (without
    a broker the tasks run inline once the transaction commits), and open the job's page
    where the start redirected: returns that page's response."""

    def post(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            started = client.post(url, data or {})
        assert started.status_code == 302, started.content.decode()[:2000]
        return client.get(started.url)

    return post


@pytest.fixture
def default_sections(transactional_db):
    """Tests on a database flushed after each test (browser tests, real workers) lose the
    sections a data migration made; put them back."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("portfolios.migrations.0002_default_sections")
    migration.add_sections(apps, None)
