"""Readiness (``/healthz``) and liveness (``/livez``) for load balancers and monitoring.

``/livez`` says only that the process answers: 200, no database, nothing shared.

``/healthz`` checks what a request needs, all at once, each with the same deadline
(``HEALTHZ_TIMEOUT``, 1.5 s), so it answers in about that time whatever is down:

- ``database``: a new connection (2 s connect timeout) runs ``SELECT 1`` and is closed;
- ``cache``: a value written to the shared cache reads back (``not configured`` without
  ``REDIS_URL``: each process has its own memory cache then);
- ``storage``: one round trip to the file store (``exists`` of a marker: a ``HEAD`` on S3);
- ``worker``: a Celery worker wrote its heartbeat (``core.tasks.heartbeat``, queued by beat
  every 30 s) less than ``HEALTHZ_HEARTBEAT_MAX_AGE`` seconds ago; ``inline`` without a
  broker (tasks run in the request). ``HEALTHZ_WORKER_REQUIRED=0`` reports it without
  letting it fail the answer.

Each part is ``ok`` (or ``not configured`` / ``inline``), ``error``, ``timeout``, or for
the worker ``stale`` / ``missing``; any failing required part makes the answer 503. What
went wrong is logged, never shown: the endpoint is public.

``HealthCheckMiddleware`` answers both paths before every other middleware (after the
request id), so a probe by IP address (a ``Host`` not in ``ALLOWED_HOSTS``) or over plain
HTTP gets its answer, and no session, language or CSRF work is done for it.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core import tasks

logger = logging.getLogger(__name__)

OK = "ok"
ERROR = "error"
TIMEOUT = "timeout"
NOT_CONFIGURED = "not configured"
INLINE = "inline"
STALE = "stale"
MISSING = "missing"
PASSING = {OK, NOT_CONFIGURED, INLINE}

DATABASE_CONNECT_TIMEOUT = 2
STORAGE_MARKER = ".healthz"

# Checks run here, so a check stuck on a dead server never holds the request past its
# deadline; the pool is bounded, so stuck checks cannot pile up threads either (a probe
# that finds the pool busy with stuck checks reports a timeout, which is the truth).
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="healthz")
        return _executor


def check_database() -> str:
    """``SELECT 1`` on a connection of its own, closed at once (the request's persistent
    connection and its thread are left alone)."""
    default = connections[DEFAULT_DB_ALIAS]
    settings_dict = copy.deepcopy(default.settings_dict)
    settings_dict.setdefault("OPTIONS", {})["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
    probe = type(default)(settings_dict, DEFAULT_DB_ALIAS)
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        probe.close()
    return OK


def check_cache() -> str:
    """A value written to the shared cache reads back (a cache that swallows its errors
    and returns nothing fails here too)."""
    if not settings.REDIS_URL:
        return NOT_CONFIGURED
    key = f"health:probe:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    read = cache.get(key)
    cache.delete(key)
    if read != value:
        raise RuntimeError("the cache did not return the value just written")
    return OK


def check_storage() -> str:
    """One round trip to the file store; whether the marker exists does not matter."""
    storages["default"].exists(STORAGE_MARKER)
    return OK


def check_worker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return INLINE
    beat = tasks.last_heartbeat()
    if beat is None:
        return MISSING
    if time.time() - beat > settings.HEALTHZ_HEARTBEAT_MAX_AGE:
        return STALE
    return OK


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
    "worker": check_worker,
}


def _run(name: str) -> str:
    # Looked up at call time, so a test can replace one check.
    return CHECKS[name]()


def run_checks() -> dict[str, str]:
    """Every check's result, each within the one deadline."""
    deadline = time.monotonic() + settings.HEALTHZ_TIMEOUT
    futures = {name: _pool().submit(_run, name) for name in CHECKS}
    results = {}
    for name, future in futures.items():
        try:
            results[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            logger.warning(
                "health check %s did not answer within %ss", name, settings.HEALTHZ_TIMEOUT
            )
            results[name] = TIMEOUT
        except Exception:  # noqa: BLE001 - any failure of a dependency is a failed check
            logger.warning("health check %s failed", name, exc_info=True)
            results[name] = ERROR
    return results


def is_ready(results: dict[str, str]) -> bool:
    required = [name for name in results if name != "worker" or settings.HEALTHZ_WORKER_REQUIRED]
    return all(results[name] in PASSING for name in required)


@never_cache
@require_safe
def healthz(request) -> JsonResponse:
    results = run_checks()
    ready = is_ready(results)
    response = JsonResponse(
        {"status": OK if ready else ERROR, **results}, status=200 if ready else 503
    )
    # Each failed check is logged above as a warning; Django's own ERROR line for a 503
    # would repeat it at every probe (and reach Sentry as an event each time).
    response._has_been_logged = True
    return response


@never_cache
@require_safe
def livez(request) -> JsonResponse:
    return JsonResponse({"status": OK})


ENDPOINTS = {"/healthz": healthz, "/livez": livez}


class HealthCheckMiddleware:
    """Answer ``GET``/``HEAD`` on ``/healthz`` and ``/livez`` before the rest of the stack."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        endpoint = ENDPOINTS.get(request.path_info)
        if endpoint is not None and request.method in ("GET", "HEAD"):
            return endpoint(request)
        return self.get_response(request)
