"""The Celery application: work that leaves the request (e-mail, exports, imports) and the
scheduled work (beat). Started as ``celery -A portfolio_site worker`` and
``celery -A portfolio_site beat`` (README.md, "Running in production"; Procfile).

Without a broker (``CELERY_BROKER_URL`` and ``REDIS_URL`` unset, the ``make run`` default)
every task runs inline, after the transaction that queued it commits, so the site needs no
extra process.
"""

from __future__ import annotations

import logging.config
import os

from celery import Celery, signals

from core import request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")

app = Celery("portfolio_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# --- Logs and the worker's heartbeat ------------------------------------------------------
# The worker and beat log through settings.LOGGING (the same handler, format and request-id
# filter as the web processes): a receiver of setup_logging stops Celery from installing
# its own handlers. Each task's records carry its id and the id of the request that queued
# it, which travels in the message's headers (core/request_id.py).
signals.before_task_publish.connect(request_id.add_request_id_to_message, weak=False)
signals.task_prerun.connect(request_id.bind_task_ids, weak=False)
signals.task_postrun.connect(request_id.unbind_task_ids, weak=False)


@signals.setup_logging.connect(weak=False)
def use_django_logging(loglevel=None, **kwargs) -> None:
    """Log as the web processes do; the command's ``--loglevel`` applies unless the
    environment sets ``LOG_LEVEL``."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel and not os.environ.get("LOG_LEVEL"):
        logging.getLogger().setLevel(loglevel)


@signals.worker_ready.connect(weak=False)
def first_heartbeat(**kwargs) -> None:
    """A worker that has just started is ready at once, not only after beat's first
    heartbeat (up to 30 s later)."""
    from core import tasks

    try:
        tasks.write_heartbeat()
    except Exception:  # noqa: BLE001 - beat's heartbeat will try again
        logging.getLogger(__name__).warning("could not write the first heartbeat", exc_info=True)
