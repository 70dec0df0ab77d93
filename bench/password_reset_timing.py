"""Password-reset timing: does the reset page answer a known address as fast as an unknown
one? (Issue 13: sending inside the request took 58–195 ms for a known address and 8–10 ms
for an unknown one, which told an attacker which addresses have accounts.)

Seeds one account, starts a local SMTP server that takes ``--smtp-delay`` per message (a
real server's pace; aiosmtpd), points the site's SMTP settings at it and POSTs the reset
form ``--requests`` times for the known address and as many for an unknown one,
interleaved, through the whole middleware stack (Django's test client, DEBUG off). Two
modes:

* **broker**: a broker is configured (Redis, ``BENCH_REDIS_URL``, default
  ``redis://127.0.0.1:6379/12``, a queue of its own emptied at the end): the page queues
  one task and answers; the worker that would look the address up and send is not run;
* **inline**: no broker (the ``make run`` default): the task, the outbox and the SMTP
  conversation run in the request after its commit.

Prints p50 and p95 in milliseconds for each mode and address.

    .venv/bin/python bench/password_reset_timing.py [--requests 50] [--smtp-delay 0.05]
        [--smoke] [--reseed] [--drop]
"""

import argparse
import asyncio
import logging
import os
import socket
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchdb  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="POSTs per address and mode")
    parser.add_argument("--smtp-delay", type=float, default=0.05, help="seconds per message")
    return benchdb.parse_args(parser, smoke={"requests": 3})


ARGS = parse_args()
benchdb.start("password_reset_timing", ARGS)

import redis  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from accounts.services import user_create  # noqa: E402
from outbox.models import OutgoingEmail  # noqa: E402
from portfolio_site.celery import app as celery_app  # noqa: E402

KNOWN = "bench-reset-known@example.edu"
UNKNOWN = "bench-reset-nobody@example.edu"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")


class SlowSmtpServer:
    """Accepts every message after ``delay`` seconds and counts them."""

    def __init__(self, delay: float):
        self.delay = delay
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        self.received += 1
        return "250 2.0.0 Message accepted for delivery"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def celery_mode(*, broker_url: str | None, queue: str) -> None:
    celery_app.conf.update(task_always_eager=broker_url is None, task_default_queue=queue)
    if broker_url is not None:  # inline mode keeps it: nothing is published
        celery_app.conf.update(
            broker_url=broker_url, broker_write_url=broker_url, broker_read_url=broker_url
        )
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)  # routing and producers from the new settings


def measure(client: Client, requests: int) -> dict[str, list[float]]:
    url = reverse("accounts:password-reset")
    timings: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
    for email in (KNOWN, UNKNOWN) * 3:  # warm-up: templates, connections
        client.post(url, {"email": email}, secure=True)
    for _ in range(requests):
        for email in (KNOWN, UNKNOWN):
            started = time.perf_counter()
            response = client.post(url, {"email": email}, secure=True)
            timings[email].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 302, response.status_code
    return timings


def main() -> None:
    for noisy in ("mail.log", "celery"):  # the SMTP server's and tasks' chatter
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if not User.objects.filter(email=KNOWN).exists():
        user_create(username="bench-reset", email=KNOWN, role=Role.SUPERVISOR,
                    password="Bench-Reset-Password-42")  # fmt: skip
    settings.PASSWORD_RESET_LIMIT = 10**9  # measure the sending, not the limit

    handler = SlowSmtpServer(ARGS.smtp_delay)
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(handler, hostname="127.0.0.1", port=port)
    smtp.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 20

    queue = f"bench-reset-{uuid.uuid4().hex[:8]}"
    broker = redis.Redis.from_url(REDIS_URL)
    results = {}
    try:
        broker.ping()
        celery_mode(broker_url=REDIS_URL, queue=queue)
        results["broker"] = measure(Client(), ARGS.requests)
        queued = broker.llen(queue)
        celery_mode(broker_url=None, queue="celery")
        sent_before = handler.received
        results["inline"] = measure(Client(), ARGS.requests)
        sent_inline = handler.received - sent_before
    finally:
        broker.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        smtp.stop()
        OutgoingEmail.objects.filter(to__contains=[KNOWN]).delete()

    posts = ARGS.requests + 3  # per address and mode, the warm-up included
    if queued != 2 * posts or sent_inline != posts:
        sys.exit(f"expected {2 * posts} tasks queued and {posts} e-mails sent inline, "
                 f"got {queued} and {sent_inline}")  # fmt: skip
    print(f"\npassword reset POST, {ARGS.requests} requests per address, SMTP server "
          f"taking {ARGS.smtp_delay * 1000:.0f} ms per message")  # fmt: skip
    print(f"{'mode':<8} {'address':<8} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    for mode, timings in results.items():
        for label, email in (("known", KNOWN), ("unknown", UNKNOWN)):
            values = timings[email]
            print(f"{mode:<8} {label:<8} {percentile(values, 0.5):>8.1f} "
                  f"{percentile(values, 0.95):>8.1f} {statistics.fmean(values):>8.1f}")  # fmt: skip
    print(f"\nbroker: {queued} tasks queued to Redis (one per request, known or not), none run")
    print(f"inline: {sent_inline} e-mails reached the SMTP server (one per known-address request)")


main()
