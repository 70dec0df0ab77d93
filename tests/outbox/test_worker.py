"""With a real worker: ``celery -A portfolio_site worker`` as a subprocess, on the machine's
Redis (a queue of its own), the test database and a local SMTP server.

An e-mail queued by a write arrives once. A worker killed (SIGKILL) while the mail server
holds the message, and started again, still delivers it, once: the task was not
acknowledged (``acks_late``), Redis hands it out again, and the row's lease and sent marker
keep the second try from doubling the first."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import transaction

from notifications.models import Kind
from notifications.services import notify
from outbox.models import OutgoingEmail
from tests.database_url import worker_database_url
from tests.factories import StudentFactory, SupervisorFactory
from tests.outbox.conftest import SmtpSink, publishing_to

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12")
VISIBILITY_TIMEOUT = 3  # seconds before Redis hands an unacknowledged task out again
LEASE = 4


@pytest.fixture
def broker():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError:
        # Redis is part of the site's production topology and of every machine the suite
        # runs on (make test, CI): without it this test fails rather than passing unseen.
        pytest.fail(f"no Redis at {REDIS_URL} (set TEST_REDIS_URL)")
    queue = f"outbox-test-{uuid.uuid4().hex[:12]}"
    yield queue
    client.delete(queue, "unacked", "unacked_index", "unacked_mutex",
                  f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")  # fmt: skip


class Worker:
    """One ``celery -A portfolio_site worker`` process, as README's production section
    starts it, consuming only this test's queue."""

    def __init__(self, *, queue: str, sink: SmtpSink, log: Path):
        self.log_path = log
        env = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "EMAIL_USE_TLS": "0",
            "OUTBOX_LEASE_SECONDS": str(LEASE),
            "OUTBOX_RETRY_BACKOFF_SECONDS": "1",
            "DEBUG": "1",
        }
        command = [sys.executable, "-m", "celery", "-A", "portfolio_site", "worker",
                   "-Q", queue, "-n", f"{queue}-{uuid.uuid4().hex[:6]}@%h", "--pool", "solo",
                   "--without-gossip", "--without-mingle", "--loglevel", "INFO"]  # fmt: skip
        self.log = log.open("ab")
        self.process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)  # fmt: skip

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def wait_ready(self, timeout: float = 40) -> None:
        wait_for(lambda: " ready." in self.output(), timeout, self, "the worker to start")

    def kill(self) -> None:
        """SIGKILL, as a machine that dies: no warm shutdown, nothing acknowledged."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def wait_for(condition, timeout: float, worker: Worker, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.process.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}:\n{worker.output()}")
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}:\n{worker.output()}")


def _review_released(student, supervisor, term: str) -> OutgoingEmail:
    """A write that e-mails: a review released (committed, so its task is published)."""
    with transaction.atomic():
        notification = notify(recipient=student.pk, kind=Kind.REVIEW_RELEASED,
                              actor=supervisor.pk, params={"term": term})  # fmt: skip
    return OutgoingEmail.objects.get(key=f"notification:{notification.pk}")


def _sent(email: OutgoingEmail) -> bool:
    return OutgoingEmail.objects.filter(pk=email.pk, sent_at__isnull=False).exists()


def test_a_real_worker_sends_once_even_when_killed_mid_send(broker, tmp_path):
    student, supervisor = StudentFactory(), SupervisorFactory()
    workers = []
    with SmtpSink(hold_seconds=60) as sink, publishing_to(REDIS_URL, queue=broker):
        try:
            first = Worker(queue=broker, sink=sink, log=tmp_path / "worker-1.log")
            workers.append(first)
            first.wait_ready()

            # 1. A write's e-mail arrives, once.
            email = _review_released(student, supervisor, "Autumn")
            wait_for(lambda: len(sink.messages) == 1, 30, first, "the first e-mail")
            # The server has the message; the worker marks it sent a moment after.
            wait_for(lambda: _sent(email), 10, first, "the first e-mail marked sent")
            email.refresh_from_db()
            assert email.attempts == 1

            # 2. The server holds the next message; the worker is killed meanwhile.
            sink.hold_next = True
            held = _review_released(student, supervisor, "Spring")
            wait_for(sink.data_held.is_set, 30, first, "the server to hold the message")
            held.refresh_from_db()
            assert (held.sent_at, held.attempts) == (None, 1)  # claimed, not sent
            first.kill()
            time.sleep(VISIBILITY_TIMEOUT + 0.5)  # Redis may hand the task out again now

            second = Worker(queue=broker, sink=sink, log=tmp_path / "worker-2.log")
            workers.append(second)
            wait_for(lambda: len(sink.messages) == 2, 40, second, "the held e-mail")
            wait_for(lambda: _sent(held), 10, second, "the held e-mail marked sent")
            time.sleep(LEASE + 1)  # any duplicate would have gone out by now
            subjects = sink.subjects()
            assert len(subjects) == 2, subjects
            assert sum("Spring" in subject for subject in subjects) == 1
            assert sum("Autumn" in subject for subject in subjects) == 1
            held.refresh_from_db()
            assert held.attempts == 2  # the killed try and the one that sent it
        finally:
            for worker in workers:
                worker.stop()
