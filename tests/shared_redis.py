"""Helpers for tests against the shared Redis (fixtures ``shared_redis`` and
``unreachable_redis`` are in the root conftest.py)."""

from django.conf import settings
from django.utils.module_loading import import_string


def separate_client(alias: str):
    """A cache built from the settings as another app server builds its own: it shares no
    object (client, connection pool) with this process's ``caches``."""
    config = settings.CACHES[alias]
    backend = import_string(config["BACKEND"])
    return backend(config["LOCATION"], {k: v for k, v in config.items() if k != "BACKEND"})
