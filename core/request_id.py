"""One id per request, in every log line the request writes and in the tasks it queues.

``RequestIdMiddleware`` (first in ``MIDDLEWARE``) takes the proxy's ``X-Request-ID`` when it
is a sane token, or makes one, keeps it in a context variable while the request runs and
returns it in the ``X-Request-ID`` response header (gunicorn's access log reads it there).
``RequestIdLogFilter`` (on the log handler, settings ``LOGGING``) copies it onto every log
record, with the Celery task id inside a task. The Celery hooks (connected in
``portfolio_site/celery.py``) carry the id in the task message's headers, so a worker's log
lines name the request that queued the task.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar, Token

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
# Letters, digits and - _ . : only, at most 128 characters: a proxy's uuid, a trace id or
# an AWS "Root=1-…" id passes; anything that could break a log line or a header does not.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}")
MISSING = "-"

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
task_id_var: ContextVar[str | None] = ContextVar("task_id", default=None)


def get_request_id() -> str | None:
    """The id of the request (or of the request that queued the running task)."""
    return request_id_var.get()


def incoming_or_new(value: str | None) -> str:
    """The incoming id if it is a sane token, else a new uuid4 in hex."""
    if value and VALID_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Bind the request's id for its whole run and return it in ``X-Request-ID``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = incoming_or_new(request.META.get(META_KEY))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Add ``request_id`` and ``task_id`` to every record (``-`` when there is none).

    A record that already carries them (gunicorn's access log, from the response header)
    keeps its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get() or MISSING
        if getattr(record, "task_id", None) is None:
            record.task_id = task_id_var.get() or MISSING
        return True


# --- Celery: the id travels in the task message ------------------------------------------
# A task that runs inline (no broker) runs inside the request: its records keep the
# request's id and get the task's id, and the request's ids come back when it ends.
_task_tokens: dict[str, tuple[Token, Token]] = {}


def add_request_id_to_message(headers=None, **kwargs) -> None:
    """``before_task_publish``: the request id goes with the task."""
    request_id = request_id_var.get()
    if headers is not None and request_id and "request_id" not in headers:
        headers["request_id"] = request_id


def bind_task_ids(task_id=None, task=None, **kwargs) -> None:
    """``task_prerun``: the task's records carry its id and the queuing request's id."""
    request_id = getattr(task.request, "request_id", None) if task is not None else None
    if request_id is not None and not VALID_REQUEST_ID.fullmatch(str(request_id)):
        request_id = None
    _task_tokens[task_id] = (
        request_id_var.set(request_id or request_id_var.get()),
        task_id_var.set(task_id),
    )


def unbind_task_ids(task_id=None, **kwargs) -> None:
    """``task_postrun``: back to what was bound before the task (the request, or nothing)."""
    tokens = _task_tokens.pop(task_id, None)
    if tokens is not None:
        request_token, task_token = tokens
        task_id_var.reset(task_token)
        request_id_var.reset(request_token)
