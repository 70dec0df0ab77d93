"""Exports and imports as jobs: started from their pages, run by their tasks (inline here:
no broker), followed on the job's page, downloaded by the owner only; a task run twice does
nothing twice; a bad zip fails the job with the reason and leaves nothing behind."""

import io
import threading
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, OperationalError, connections, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from achievements.models import Achievement
from journal.models import Post
from tests.factories import (
    StaffFactory,
    StudentFactory,
    achievement_for,
    pdf_bytes,
    png_bytes,
    portfolio_for,
    post_for,
)
from transfer import jobs, services, tasks
from transfer.archive import export_zip
from transfer.models import Kind, Stage, Status, TransferJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio():
    student = StudentFactory(username="aida")
    portfolio = portfolio_for(student, headline="Future engineer")
    achievement_for(portfolio, title="Olympiad", files=[("diploma.pdf", pdf_bytes("Diploma")),
                                                        ("photo.png", png_bytes())])  # fmt: skip
    post_for(portfolio, title="First lesson", files=[("plan.pdf", pdf_bytes("Plan"))])
    return portfolio


@pytest.fixture
def empty():
    return portfolio_for(StudentFactory(username="twin"))


def zip_bytes(portfolio) -> bytes:
    buffer = io.BytesIO()
    export_zip(portfolio, buffer)
    return buffer.getvalue()


def upload(data: bytes, name="portfolio.zip"):
    return SimpleUploadedFile(name, data, "application/zip")


def stored_zips(settings) -> list[str]:
    """The files in private storage's transfer folder (the jobs' zips)."""
    folder = settings.MEDIA_ROOT / "transfer"
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def job_url(job, name="portfolios:transfer-job"):
    return reverse(name, args=[job.public_id])


# --- export ----------------------------------------------------------------------------


def test_a_small_export_is_ready_at_once_and_downloads_for_its_owner(
    client, portfolio, start_and_open
):
    client.force_login(portfolio.student)

    page = start_and_open(client, reverse("portfolios:export"))

    job = TransferJob.objects.get(owner=portfolio.student)
    assert (job.kind, job.status, job.stage) == (Kind.EXPORT, Status.DONE, Stage.FINISHED)
    html = page.content.decode()
    assert "Your download is ready" in html
    assert job_url(job, "portfolios:transfer-download") in html
    assert "every 2s" not in html  # finished: nothing polls
    response = client.get(job_url(job, "portfolios:transfer-download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "portfolio-aida-" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert len(data) == job.archive_size
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {"portfolio.json", "index.html"} <= set(archive.namelist())
    # The export page lists it.
    listing = client.get(reverse("portfolios:export")).content.decode()
    assert job_url(job) in listing


@pytest.mark.parametrize("who", ["other student", "staff"])
def test_a_job_and_its_download_are_a_404_for_anyone_else(client, portfolio, who):
    job = services.export_start(owner=portfolio.student, portfolio=portfolio, language="en")
    jobs.export_run(job.pk)
    client.force_login(StudentFactory() if who == "other student" else StaffFactory())
    assert client.get(job_url(job)).status_code == 404
    assert client.get(job_url(job, "portfolios:transfer-download")).status_code == 404


def test_anonymous_visitors_sign_in_first_and_htmx_stops_polling(client, portfolio):
    job = services.export_start(owner=portfolio.student, portfolio=portfolio, language="en")
    response = client.get(job_url(job))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert client.get(job_url(job), headers={"HX-Request": "true"}).status_code == 286
    assert client.get(job_url(job, "portfolios:transfer-download")).status_code == 302


def test_a_large_export_runs_as_a_task_and_writes_its_progress(
    client, portfolio, start_and_open, settings, monkeypatch
):
    settings.TRANSFER_INLINE_EXPORT_BYTES = 0  # every export is "large": queued as a task
    queued = []
    monkeypatch.setattr(services, "enqueue", lambda task, *args: queued.append((task, args)))
    seen = []
    write = jobs.JobProgress.__call__

    def watched(self, stage, done, total):
        write(self, stage, done, total)
        row = TransferJob.objects.get(pk=self.job_id)
        seen.append((row.stage, row.progress_done, row.progress_total, row.status))

    monkeypatch.setattr(jobs.JobProgress, "__call__", watched)
    client.force_login(portfolio.student)

    page = start_and_open(client, reverse("portfolios:export"))

    job = TransferJob.objects.get()
    assert queued == [(tasks.export_run, (job.pk,))]
    assert job.status == Status.QUEUED
    html = page.content.decode()
    assert "Waiting for its turn" in html
    assert 'hx-trigger="every 2s"' in html
    assert '<meta http-equiv="refresh"' in html  # without JavaScript

    tasks.export_run.apply(args=[job.pk])

    files = 3  # two evidence files and one attachment
    assert seen == [
        ("collecting", 0, 0, Status.RUNNING),
        ("packing", 0, files, Status.RUNNING),
        *[("packing", n, files, Status.RUNNING) for n in range(1, files + 1)],
        ("storing", 0, 1, Status.RUNNING),
    ]
    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total, job.percent) == ("done", 1, 1, 100)
    assert job.expires_at == job.finished_at + timedelta(days=settings.TRANSFER_EXPORT_DAYS)


def test_progress_is_written_once_per_percent_and_at_the_last_item(
    portfolio, django_assert_num_queries
):
    job = TransferJob.objects.create(owner=portfolio.student, portfolio=portfolio,
                                     kind=Kind.EXPORT, status=Status.RUNNING)  # fmt: skip
    progress = jobs.JobProgress(job)
    with django_assert_num_queries(101):  # 0 %, 1 %, ... 99 %, and 1000 of 1000
        for done in range(1000 + 1):
            progress("packing", done, 1000)
    job.refresh_from_db()
    assert (job.stage, job.progress_done, job.progress_total, job.percent) == (
        "packing", 1000, 1000, 100,
    )  # fmt: skip
    progress("packing", 437, 1000)
    job.refresh_from_db()
    assert job.percent == 43


def test_a_second_export_while_one_runs_leads_to_the_running_one(client, portfolio):
    running = TransferJob.objects.create(owner=portfolio.student, portfolio=portfolio,
                                         kind=Kind.EXPORT, status=Status.RUNNING)  # fmt: skip
    client.force_login(portfolio.student)
    response = client.post(reverse("portfolios:export"), follow=True)
    assert response.redirect_chain[-1][0] == job_url(running)
    assert "Your download is already being prepared." in response.content.decode()
    assert TransferJob.objects.count() == 1
    # The database holds the limit too (two app servers racing past the first check).
    with pytest.raises(IntegrityError), transaction.atomic():
        TransferJob.objects.create(owner=portfolio.student, portfolio=portfolio,
                                   kind=Kind.EXPORT)  # fmt: skip
    # An import may run beside it.
    TransferJob.objects.create(owner=portfolio.student, portfolio=portfolio, kind=Kind.IMPORT)


def test_an_export_task_run_twice_does_nothing_the_second_time(portfolio, settings):
    job = services.export_start(owner=portfolio.student, portfolio=portfolio, language="en")
    tasks.export_run.apply(args=[job.pk])
    job.refresh_from_db()
    first = (job.archive.name, job.finished_at, job.attempts)

    tasks.export_run.apply(args=[job.pk])  # a redelivered task

    job.refresh_from_db()
    assert (job.archive.name, job.finished_at, job.attempts) == first == (first[0], first[1], 1)
    assert stored_zips(settings) == [first[0].rsplit("/", 1)[-1]]


def test_an_export_whose_worker_died_runs_again_from_the_start(portfolio):
    job = TransferJob.objects.create(
        owner=portfolio.student, portfolio=portfolio, kind=Kind.EXPORT, status=Status.RUNNING,
        stage=Stage.PACKING, progress_done=1, progress_total=3, attempts=1,
    )  # fmt: skip
    tasks.export_run.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.DONE, 2)
    assert job.download_ready()


def test_a_job_run_by_another_worker_right_now_is_left_alone(portfolio):
    """Two deliveries at once: the second finds the job's advisory lock taken."""
    job = TransferJob.objects.create(owner=portfolio.student, portfolio=portfolio,
                                     kind=Kind.EXPORT)  # fmt: skip
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", [jobs.LOCK_CLASS, job.pk])
                locked.set()
                release.wait(10)
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [jobs.LOCK_CLASS, job.pk])
        finally:
            connections["default"].close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        jobs.export_run(job.pk)
    finally:
        release.set()
        thread.join(10)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.QUEUED, 0)
    jobs.export_run(job.pk)  # once the other has let go
    job.refresh_from_db()
    assert job.status == Status.DONE


def test_a_passing_database_fault_is_tried_again(portfolio, monkeypatch):
    job = TransferJob.objects.create(owner=portfolio.student, portfolio=portfolio,
                                     kind=Kind.EXPORT)  # fmt: skip
    real, calls = jobs.archive.export_zip, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(jobs.archive, "export_zip", flaky)
    tasks.export_run.apply(args=[job.pk])  # eager: the retry runs at once
    job.refresh_from_db()
    assert (job.status, job.attempts, len(calls)) == (Status.DONE, 2, 2)


def test_a_fault_that_does_not_pass_fails_the_job_after_the_last_retry(portfolio, monkeypatch):
    job = TransferJob.objects.create(owner=portfolio.student, portfolio=portfolio,
                                     kind=Kind.EXPORT, language="ru")  # fmt: skip

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(jobs.archive, "export_zip", down)
    tasks.export_run.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.attempts == tasks.MAX_RETRIES + 1
    with translation.override("ru"):
        assert job.error == jobs.unavailable_message()


def test_a_fault_of_ours_fails_the_job_with_a_message_and_logs_the_details(
    client, portfolio, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(jobs.archive, "export_zip", broken)
    job = services.export_start(owner=portfolio.student, portfolio=portfolio, language="en")
    tasks.export_run.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.error) == (Status.FAILED, jobs.failed_export_message())
    assert "a bug" in caplog.text
    client.force_login(portfolio.student)
    html = client.get(job_url(job)).content.decode()
    assert "could not be prepared because of an error on our side" in html
    assert f'action="{reverse("portfolios:export")}"' in html  # try again


# --- import ----------------------------------------------------------------------------


def test_a_valid_zip_is_imported_by_its_job(client, portfolio, empty, start_and_open, settings):
    data = zip_bytes(portfolio)
    client.force_login(empty.student)

    page = start_and_open(client, reverse("portfolios:import"), {"archive": upload(data)})

    job = TransferJob.objects.get(owner=empty.student)
    assert (job.kind, job.status, job.summary) == (Kind.IMPORT, Status.DONE,
                                                   {"achievements": 1, "posts": 1})  # fmt: skip
    html = page.content.decode()
    assert "Your portfolio has been restored: 1 achievement." in html
    assert "1 journal post has been restored." in html
    assert reverse("portfolios:editor") in html
    assert Achievement.objects.filter(portfolio=empty).count() == 1
    assert Post.objects.filter(portfolio=empty).count() == 1
    assert not job.archive
    assert stored_zips(settings) == []  # the upload is gone once read
    assert job_url(job) in client.get(reverse("portfolios:import")).content.decode()


def test_a_bad_zip_fails_its_job_with_the_reason_and_leaves_nothing(
    client, empty, start_and_open, settings
):
    client.force_login(empty.student)

    page = start_and_open(client, reverse("portfolios:import"),
                          {"archive": upload(b"not a zip at all")})  # fmt: skip

    job = TransferJob.objects.get()
    assert (job.status, job.error) == (Status.FAILED, "This is not a zip archive.")
    html = page.content.decode()
    assert "This is not a zip archive." in html
    assert 'role="alert"' in html
    assert reverse("portfolios:import") in html  # try again
    assert not Achievement.objects.filter(portfolio=empty).exists()
    assert not job.archive
    assert stored_zips(settings) == []


def test_a_refused_import_speaks_the_language_it_was_started_in(client, empty, start_and_open):
    empty.student.preferred_language = "ru"
    empty.student.save(update_fields=["preferred_language"])
    client.force_login(empty.student)
    start_and_open(client, reverse("portfolios:import"), {"archive": upload(b"nothing")})
    job = TransferJob.objects.get()
    assert job.language == "ru"
    with translation.override("ru"):
        assert job.error == gettext("This is not a zip archive.")
    assert job.error != "This is not a zip archive."


def test_an_import_into_a_portfolio_with_achievements_is_refused_on_the_form(client, portfolio):
    client.force_login(portfolio.student)
    response = client.post(reverse("portfolios:import"),
                           {"archive": upload(zip_bytes(portfolio))})  # fmt: skip
    assert response.status_code == 200
    assert "Import works only into an empty portfolio" in response.content.decode()
    assert not TransferJob.objects.exists()


def test_an_import_task_run_twice_imports_once(
    portfolio, empty, settings, django_capture_on_commit_callbacks
):
    job = services.import_start(owner=empty.student, portfolio=empty,
                                upload=upload(zip_bytes(portfolio)), language="en")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        tasks.import_run.apply(args=[job.pk])
        tasks.import_run.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.DONE, 1)
    assert Achievement.objects.filter(portfolio=empty).count() == 1
    assert stored_zips(settings) == []


def test_an_import_whose_worker_died_mid_way_runs_again_and_imports_once(
    portfolio, empty, monkeypatch
):
    """The import and the job's "done" are one transaction: a run that dies before the end
    leaves neither, and the next run imports everything once."""
    job = services.import_start(owner=empty.student, portfolio=empty,
                                upload=upload(zip_bytes(portfolio)), language="en")  # fmt: skip
    real = jobs.archive.import_zip

    def dies_before_commit(*args, on_restored, **kwargs):
        def finish_then_die(count):
            on_restored(count)
            raise SystemExit("worker killed")  # not an Exception: nothing catches it

        return real(*args, on_restored=finish_then_die, **kwargs)

    monkeypatch.setattr(jobs.archive, "import_zip", dies_before_commit)
    with pytest.raises(SystemExit):
        jobs.import_run(job.pk)
    job.refresh_from_db()
    assert job.status == Status.RUNNING  # as a dead worker leaves it
    assert not Achievement.objects.filter(portfolio=empty).exists()
    assert job.archive  # still there for the next run

    monkeypatch.setattr(jobs.archive, "import_zip", real)
    tasks.import_run.apply(args=[job.pk])  # redelivered
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.DONE, 2)
    assert Achievement.objects.filter(portfolio=empty).count() == 1


def test_an_import_whose_upload_is_gone_fails_with_a_clear_message(portfolio, empty):
    job = services.import_start(owner=empty.student, portfolio=empty,
                                upload=upload(zip_bytes(portfolio)), language="en")  # fmt: skip
    job.archive.storage.delete(job.archive.name)
    jobs.import_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == (Status.FAILED, jobs.upload_missing_message())


def test_import_progress_goes_through_its_stages(portfolio, empty, monkeypatch):
    seen = []
    write = jobs.JobProgress.__call__

    def watched(self, stage, done, total):
        write(self, stage, done, total)
        seen.append((stage, done, total))

    monkeypatch.setattr(jobs.JobProgress, "__call__", watched)
    job = services.import_start(owner=empty.student, portfolio=empty,
                                upload=upload(zip_bytes(portfolio)), language="en")  # fmt: skip
    jobs.import_run(job.pk)
    assert seen == [("reading", 0, 0), ("checking", 0, 3), ("checking", 1, 3),
                    ("checking", 2, 3), ("checking", 3, 3), ("saving", 0, 1)]  # fmt: skip


# --- the progress page -----------------------------------------------------------------


def test_the_progress_page_answers_htmx_with_204_until_something_changes(client, portfolio):
    job = TransferJob.objects.create(owner=portfolio.student, portfolio=portfolio,
                                     kind=Kind.EXPORT)  # fmt: skip
    client.force_login(portfolio.student)
    hx = {"HX-Request": "true"}
    first = client.get(job_url(job), headers=hx)
    assert first.status_code == 200
    html = first.content.decode()
    assert html.lstrip().startswith('<div id="job-status"') and "<html" not in html
    state = first.context["state"]
    assert client.get(job_url(job), {"shown": state}, headers=hx).status_code == 204

    TransferJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, stage=Stage.PACKING, progress_done=3, progress_total=12
    )
    moved = client.get(job_url(job), {"shown": state}, headers=hx)
    assert moved.status_code == 200
    html = moved.content.decode()
    assert "Packing your files" in html and "3 of 12" in html
    assert 'aria-valuenow="25"' in html and "w-pct-25" in html
    assert moved["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("htmx", [False, True])
def test_the_progress_page_costs_a_few_queries(
    client, portfolio, django_assert_max_num_queries, htmx
):
    job = services.export_start(owner=portfolio.student, portfolio=portfolio, language="en")
    jobs.export_run(job.pk)
    client.force_login(portfolio.student)
    headers = {"HX-Request": "true"} if htmx else {}
    with django_assert_max_num_queries(3 if htmx else 4):
        assert client.get(job_url(job), headers=headers).status_code == 200


def test_an_expired_download_is_a_404_and_offers_a_new_one(client, portfolio):
    job = services.export_start(owner=portfolio.student, portfolio=portfolio, language="en")
    jobs.export_run(job.pk)
    TransferJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(portfolio.student)
    assert client.get(job_url(job, "portfolios:transfer-download")).status_code == 404
    html = client.get(job_url(job)).content.decode()
    assert "This download has expired." in html


# --- cleanup (beat) --------------------------------------------------------------------


def test_cleanup_deletes_expired_downloads_and_old_jobs_and_stops_stale_ones(
    portfolio, empty, settings, django_capture_on_commit_callbacks
):
    now = timezone.now()
    kept = services.export_start(owner=portfolio.student, portfolio=portfolio, language="en")
    jobs.export_run(kept.pk)
    expired = TransferJob.objects.create(owner=empty.student, portfolio=empty, kind=Kind.EXPORT,
                                         status=Status.DONE)  # fmt: skip
    expired.archive.save("a.zip", io.BytesIO(b"zip"), save=False)
    TransferJob.objects.filter(pk=expired.pk).update(
        archive=expired.archive.name, expires_at=now - timedelta(hours=1)
    )
    old = TransferJob.objects.create(owner=empty.student, portfolio=empty, kind=Kind.IMPORT,
                                     status=Status.FAILED,
                                     created_at=now - timedelta(days=31))  # fmt: skip
    stale = TransferJob.objects.create(owner=portfolio.student, portfolio=portfolio,
                                       kind=Kind.IMPORT, status=Status.RUNNING,
                                       created_at=now - timedelta(hours=7))  # fmt: skip
    stale.archive.save("b.zip", io.BytesIO(b"upload"), save=True)
    assert len(stored_zips(settings)) == 3

    with django_capture_on_commit_callbacks(execute=True):
        result = services.transfer_cleanup(now=now)

    assert result == {"requeued": 0, "stopped": 1, "expired": 1, "deleted": 1}
    expired.refresh_from_db()
    assert not expired.archive and not expired.download_ready()
    assert not TransferJob.objects.filter(pk=old.pk).exists()
    stale.refresh_from_db()
    assert (stale.status, stale.error, stale.archive.name) == (
        Status.FAILED, jobs.stale_message(), "",
    )  # fmt: skip
    kept.refresh_from_db()
    assert kept.download_ready()
    assert stored_zips(settings) == [kept.archive.name.rsplit("/", 1)[-1]]


def test_cleanup_queues_again_a_job_a_broker_outage_left_waiting(
    portfolio, django_capture_on_commit_callbacks
):
    waiting = TransferJob.objects.create(
        owner=portfolio.student, portfolio=portfolio, kind=Kind.EXPORT,
        created_at=timezone.now() - timedelta(minutes=30),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.cleanup.apply().get()
    assert result["requeued"] == 1
    waiting.refresh_from_db()
    assert waiting.status == Status.DONE  # eager: the queued task ran


def test_deleting_a_job_deletes_its_zip(portfolio, settings, django_capture_on_commit_callbacks):
    job = services.export_start(owner=portfolio.student, portfolio=portfolio, language="en")
    jobs.export_run(job.pk)
    assert stored_zips(settings)
    with django_capture_on_commit_callbacks(execute=True):
        portfolio.student.delete()
    assert stored_zips(settings) == []


# --- the command -----------------------------------------------------------------------


def test_the_command_keeps_a_download_for_the_student_once(portfolio, tmp_path):
    out = io.StringIO()
    call_command("export_portfolio", "aida", "--as-job", stdout=out)
    job = TransferJob.objects.get()
    assert job.download_ready()
    assert "Kept a download for aida" in out.getvalue()

    call_command("export_portfolio", "aida", "--as-job", stdout=out)
    assert TransferJob.objects.get() == job
    assert "aida has a download ready already." in out.getvalue()

    with pytest.raises(CommandError, match="Give the path"):
        call_command("export_portfolio", "aida")
    call_command("export_portfolio", "aida", str(tmp_path / "a.zip"), verbosity=0)
    assert zipfile.is_zipfile(tmp_path / "a.zip")
    assert TransferJob.objects.count() == 1  # a zip written to a path is no job
