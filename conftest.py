"""Fixtures for the whole suite: pytest-django on PostgreSQL (embedded, or DATABASE_URL)."""

import pytest


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
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    yield
    translation.activate("en")


@pytest.fixture
def password():
    return "Correct-Horse-Battery-42"
