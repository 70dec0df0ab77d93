"""The Celery application: work that leaves the request (e-mail, exports, imports) and the
scheduled work (beat). Started as ``celery -A portfolio_site worker`` and
``celery -A portfolio_site beat`` (README.md, "Running in production"; Procfile).

Without a broker (``CELERY_BROKER_URL`` and ``REDIS_URL`` unset, the ``make run`` default)
every task runs inline, after the transaction that queued it commits, so the site needs no
extra process.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")

app = Celery("portfolio_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
