"""The Leap2A pages: import from Mahara as a job with its report, a Leap2A download, the
commands; who may open what."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from achievements.models import Achievement
from tests.factories import StudentFactory, achievement_for, pdf_bytes, portfolio_for
from tests.transfer.leap2a_builder import mahara_export, zipped
from transfer.models import Kind, Status, TransferJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio():
    return portfolio_for(StudentFactory(username="aida"))


def test_the_import_page_needs_a_signed_in_student(client):
    response = client.get(reverse("portfolios:import-leap2a"))
    assert response.status_code == 302 and "login" in response.url


def test_the_import_page_shows_the_form(client, portfolio, django_assert_max_num_queries):
    client.force_login(portfolio.student)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("portfolios:import-leap2a"))
    assert response.status_code == 200
    assert "Leap2A export (.zip or .xml)" in response.content.decode()


def test_an_import_runs_as_a_job_and_its_page_reports_what_went_where(
    client, portfolio, start_and_open, django_assert_max_num_queries
):
    client.force_login(portfolio.student)
    xml, files = mahara_export()
    upload = SimpleUploadedFile("mahara.zip", zipped(xml, files), "application/zip")
    page = start_and_open(client, reverse("portfolios:import-leap2a"), {"archive": upload})
    job = TransferJob.objects.get(kind=Kind.LEAP2A_IMPORT)
    assert job.status == Status.DONE, job.error
    assert not job.archive  # the upload is gone once imported
    text = page.content.decode()
    assert "Imported 7 achievements, 3 journal posts, 5 files." in text
    assert "What went where" in text and "Kyrgyz National University" not in text
    assert "My showcase" in text and "Pages are layouts" in text
    assert Achievement.objects.filter(portfolio=portfolio).count() == 7
    with django_assert_max_num_queries(8):
        client.get(reverse("portfolios:transfer-job", args=[job.public_id]))
    # Another student does not see it.
    client.force_login(StudentFactory(username="other"))
    assert client.get(reverse("portfolios:transfer-job", args=[job.public_id])).status_code == 404


def test_a_refused_import_fails_its_job_with_the_reason_and_keeps_nothing(
    client, portfolio, start_and_open, settings
):
    client.force_login(portfolio.student)
    upload = SimpleUploadedFile("leap2a.xml", b'<!DOCTYPE x [<!ENTITY a "b">]><feed/>')
    page = start_and_open(client, reverse("portfolios:import-leap2a"), {"archive": upload})
    job = TransferJob.objects.get(kind=Kind.LEAP2A_IMPORT)
    assert job.status == Status.FAILED
    assert "document type" in job.error and "document type" in page.content.decode()
    assert not [p for p in (settings.MEDIA_ROOT / "transfer").rglob("*") if p.is_file()]


def test_the_form_refuses_other_files_and_keeps_the_page(client, portfolio):
    client.force_login(portfolio.student)
    upload = SimpleUploadedFile("cv.docx", b"PK\x03\x04")
    response = client.post(reverse("portfolios:import-leap2a"), {"archive": upload})
    assert response.status_code == 200
    assert "Choose a .zip or .xml file exported from Mahara." in response.content.decode()
    assert not TransferJob.objects.exists()


def test_a_leap2a_download_from_the_export_page(client, portfolio, start_and_open):
    achievement_for(portfolio, title="Olympiad", files=[("diploma.pdf", pdf_bytes("D"))])
    client.force_login(portfolio.student)
    page = start_and_open(client, reverse("portfolios:export"), {"format": "leap2a"})
    job = TransferJob.objects.get()
    assert job.kind == Kind.LEAP2A_EXPORT and job.status == Status.DONE
    assert "Download Leap2A (.zip)" in page.content.decode()
    response = client.get(reverse("portfolios:transfer-download", args=[job.public_id]))
    assert response["Content-Disposition"].endswith('-leap2a.zip"')
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("leap2a.xml").decode()
        assert any(name.endswith("diploma.pdf") for name in archive.namelist())
    assert "Olympiad" in xml and "pseudo:certification" in xml


def test_the_export_command_writes_leap2a(portfolio, tmp_path):
    achievement_for(portfolio, title="Olympiad")
    path = tmp_path / "out.zip"
    call_command("export_portfolio", "aida", str(path), "--format", "leap2a")
    with zipfile.ZipFile(path) as archive:
        assert "Olympiad" in archive.read("leap2a.xml").decode()


def test_expired_leap2a_downloads_are_cleared_like_the_others(
    portfolio, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from transfer import jobs, services

    job = services.export_start(owner=portfolio.student, portfolio=portfolio, language="en",
                                inline=False, kind=Kind.LEAP2A_EXPORT)  # fmt: skip
    jobs.export_run(job.pk)
    job.refresh_from_db()
    assert job.download_ready() and job.archive
    name = job.archive.name
    with django_capture_on_commit_callbacks(execute=True):
        result = services.transfer_cleanup(
            now=timezone.now() + timedelta(days=settings.TRANSFER_EXPORT_DAYS + 1)
        )
    assert result["expired"] == 1
    job.refresh_from_db()
    assert not job.archive and not (settings.MEDIA_ROOT / name).exists()


def test_one_leap2a_import_at_a_time(client, portfolio):
    from transfer import services

    TransferJob.objects.create(owner=portfolio.student, portfolio=portfolio,
                               kind=Kind.LEAP2A_IMPORT)  # fmt: skip
    with pytest.raises(services.TransferBusy):
        services.leap2a_import_start(
            owner=portfolio.student, portfolio=portfolio, language="en",
            upload=SimpleUploadedFile("leap2a.xml", b"<feed/>"),
        )  # fmt: skip
