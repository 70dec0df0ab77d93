"""Helpers for the outbox's tests: a local SMTP server that keeps what it receives, and the
site's Celery app pointed at a real broker for one test."""

from __future__ import annotations

import asyncio
import socket
import threading
from contextlib import contextmanager
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from portfolio_site.celery import app as celery_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps every message it accepts. With ``hold_next``
    the next message's DATA is held for ``hold_seconds`` and then refused (451), as a
    server does when the client went away before it answered: ``data_held`` is set while
    it is held. ``delay`` makes every message take that long (a real server's pace)."""

    def __init__(self, *, delay: float = 0.0, hold_seconds: float = 30.0):
        self.delay = delay
        self.hold_seconds = hold_seconds
        self.hold_next = False
        self.data_held = threading.Event()
        self.messages = []
        self._lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        if self.hold_next:
            self.hold_next = False
            self.data_held.set()
            await asyncio.sleep(self.hold_seconds)
            return "451 4.3.0 Client went away, message not accepted"
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            self.messages.append(
                message_from_bytes(envelope.original_content, policy=policy.default)
            )
        return "250 2.0.0 Message accepted for delivery"

    def subjects(self) -> list[str]:
        with self._lock:
            return [str(message["Subject"]) for message in self.messages]

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


@pytest.fixture
def smtp_sink():
    with SmtpSink() as sink:
        yield sink


CONF_KEYS = ("task_always_eager", "broker_url", "broker_write_url", "broker_read_url",
             "task_default_queue")  # fmt: skip


def _reset_connections() -> None:
    """Forget the app's connection pool and the routing built from the old settings (kombu
    keeps its pools per broker URL, open, for the next use of the same URL)."""
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)


@contextmanager
def publishing_to(broker_url: str, *, queue: str = "celery"):
    """Tasks queued in this process go to ``broker_url`` (queue ``queue``), not inline."""
    saved = {key: celery_app.conf.get(key) for key in CONF_KEYS}
    celery_app.conf.update(task_always_eager=False, broker_url=broker_url,
                           broker_write_url=broker_url, broker_read_url=broker_url,
                           task_default_queue=queue)  # fmt: skip
    _reset_connections()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _reset_connections()
