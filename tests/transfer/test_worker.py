"""An export job run by a real Celery worker through the machine's Redis: the task travels
through the broker, the worker writes the zip and the job's progress into the same
database and storage, and the student's page offers the download."""

import os
import subprocess
import sys
import time
import uuid
import warnings

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from portfolio_site.celery import app
from tests.database_url import worker_database_url
from tests.factories import StudentFactory, achievement_for, pdf_bytes, portfolio_for
from transfer.models import Kind, Status, TransferJob

# The Redis database of these tests (REDIS_TEST_URL overrides).
BROKER = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/10")


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def worker(settings):
    """A worker of its own queue (so no other test's leftovers reach it) on the test
    database and the test's media folder; stopped at the end."""
    if not _redis_answers():
        pytest.fail(f"no Redis at {BROKER}: the suite needs the machine's Redis")
    queue = f"test-transfer-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": worker_database_url(), "CELERY_BROKER_URL": BROKER,
           "MEDIA_ROOT": str(settings.MEDIA_ROOT), "DEBUG": "1"}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portfolio_site", "worker", "--pool=solo",
         "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel=WARNING"],
        env=env, cwd=django_settings.BASE_DIR,
    )  # fmt: skip
    try:
        yield queue
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _publish(task_name: str, job_id: int, queue: str) -> None:
    """Through the broker, whatever this process's settings say (tests run tasks inline)."""
    with app.connection_for_write(BROKER) as broker, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Celery warns that eager mode is ignored here
        app.send_task(task_name, args=[job_id], queue=queue, connection=broker)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_download(client, worker, default_sections):
    student = StudentFactory(username="worker-test")
    portfolio = portfolio_for(student)
    achievement_for(portfolio, title="Olympiad", files=[("diploma.pdf", pdf_bytes("Diploma"))])
    job = TransferJob.objects.create(owner=student, portfolio=portfolio, kind=Kind.EXPORT)

    _publish("transfer.tasks.export_run", job.pk, worker)

    deadline = time.monotonic() + 90  # the worker starts Django first
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (Status.DONE, Status.FAILED):
            break
        time.sleep(0.3)
    assert (job.status, job.error, job.attempts) == (Status.DONE, "", 1)
    client.force_login(student)
    page = client.get(reverse("portfolios:transfer-job", args=[job.public_id]))
    assert "Your download is ready" in page.content.decode()
    download = client.get(reverse("portfolios:transfer-download", args=[job.public_id]))
    assert download.status_code == 200
    assert len(b"".join(download.streaming_content)) == job.archive_size
