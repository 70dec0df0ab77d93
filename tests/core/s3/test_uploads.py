"""Uploads stored in S3 through the site's own pages and services: private objects with the
type the site checked, thumbnails, the quota, deletion after commit, and faults (a store
that fails halfway or cannot be reached) that leave no row and no object."""

from __future__ import annotations

import struct
import urllib.error
import urllib.request

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from PIL import Image

from achievements.models import Achievement, Evidence
from achievements.services import achievement_delete, evidence_attach
from core.files.quota import storage_used
from core.files.uploads import UploadRejected, prepare_upload
from demo.portfolios import make_docx
from journal.models import Post
from journal.services import post_delete
from portfolios.models import Visibility
from portfolios.services import portfolio_update
from tests.factories import (
    StudentFactory,
    achievement_for,
    pdf_bytes,
    png_bytes,
    portfolio_for,
    post_for,
    section,
    uploaded_file,
)

pytestmark = pytest.mark.django_db

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def student(client):
    student = StudentFactory(username="aida")
    portfolio_for(student, visibility=Visibility.PUBLIC)
    client.force_login(student)
    return student


@pytest.fixture
def portfolio(student):
    return student.portfolio


def form_data(**changes):
    data = {
        "category": section("conferences").pk,
        "title": "Young Scientists of Kyrgyzstan",
        "description": "I gave a **talk**.",
        "start_date": "2025-04-10",
        "end_date": "",
        "organisation": "National Academy of Sciences",
        "level": "national",
        "result": "speaker",
        "grade": "",
        "url": "",
        "visibility": Visibility.PUBLIC,
        "skills_text": "Public speaking",
        "video_url": "",
    }
    data.update(changes)
    return data


def stored_names(queryset) -> list[str]:
    return sorted(name for row in queryset for name in row.stored_names())


def mp4_bytes(size: int) -> bytes:
    header = struct.pack(">I", 32) + b"ftypisom\x00\x00\x02\x00" + b"isomiso2avc1mp41"
    return header + b"\x00" * (size - len(header))


# --- Upload ----------------------------------------------------------------------------


def test_evidence_uploaded_on_the_page_is_a_private_object_of_the_checked_type(
    client, s3, portfolio
):
    files = [
        # The browser says text/html for all three; the site stores what it checked.
        uploaded_file("programme.pdf", pdf_bytes("Programme")),
        uploaded_file("abstract.docx", make_docx("Abstract")),
        uploaded_file("talk.png", png_bytes()),
    ]
    for upload in files:
        upload.content_type = "text/html"

    response = client.post(reverse("achievements:create"), form_data(files=files))

    assert response.status_code == 302
    evidence = {e.original_name: e for e in Evidence.objects.all()}
    assert s3.names() == stored_names(evidence.values())
    pdf, docx, png = evidence["programme.pdf"], evidence["abstract.docx"], evidence["talk.png"]
    assert s3.read(pdf.file.name) == pdf_bytes("Programme")
    expected = {
        pdf.file.name: ("application/pdf", "inline"),
        docx.file.name: (DOCX_TYPE, "attachment"),
        png.file.name: ("image/png", "inline"),
        png.thumbnail_file.name: ("image/png", "inline"),
    }
    for name, (content_type, disposition) in expected.items():
        head = s3.head(name)
        assert (head["ContentType"], head["ContentDisposition"]) == (content_type, disposition)
        assert head["CacheControl"].startswith("private")
    # Private: no ACL grants anyone but the owner, and an unsigned GET is refused.
    grants = s3.client.get_object_acl(Bucket="portfolio-files", Key=s3.key(pdf.file.name))
    assert [g["Permission"] for g in grants["Grants"]] == ["FULL_CONTROL"]
    assert grants["Grants"][0]["Grantee"]["Type"] == "CanonicalUser"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(s3.url(pdf.file.name), timeout=10)
    assert refused.value.code == 403


def test_a_file_costs_one_request_to_the_store(s3, portfolio):
    achievement = achievement_for(portfolio, title="Cup")
    s3.server.checks.requests.clear()

    evidence_attach(
        achievement=achievement, files=[prepare_upload(uploaded_file("a.pdf", pdf_bytes()))]
    )

    name = achievement.evidence.get().file.name
    assert s3.server.checks.requests == [("PUT", f"/portfolio-files/{s3.key(name)}")]


def test_thumbnail_and_display_copy_are_read_back_from_the_bucket(s3, portfolio):
    photo = png_bytes(size=(2400, 1600), color="navy")
    achievement = achievement_for(portfolio, title="Cup", files=[("podium.png", photo)])
    evidence = achievement.evidence.get()

    assert evidence.thumbnail_file and evidence.display_file
    assert s3.names() == sorted(evidence.stored_names())
    with default_storage.open(evidence.thumbnail_file.name) as stored, Image.open(stored) as thumb:
        assert max(thumb.size) < 2400
    with default_storage.open(evidence.display_file.name) as stored, Image.open(stored) as shown:
        assert thumb.size < shown.size <= (2400, 1600)
    assert default_storage.size(evidence.file.name) == evidence.size


def test_the_quota_counts_what_the_bucket_holds(s3, portfolio, settings):
    achievement_for(portfolio, title="Cup", files=[("a.pdf", pdf_bytes()), ("b.png", png_bytes())])
    in_bucket = sum(s3.head(name)["ContentLength"] for name in s3.names())

    assert storage_used(portfolio) == in_bucket

    settings.EVIDENCE_QUOTA_PER_STUDENT = in_bucket + 10
    achievement = portfolio.achievements.get()
    before = s3.names()
    with pytest.raises(UploadRejected, match="remaining storage space"):
        evidence_attach(
            achievement=achievement,
            files=[prepare_upload(uploaded_file("c.pdf", pdf_bytes("More")))],
        )
    assert s3.names() == before


def test_a_large_video_goes_up_in_parts(s3, portfolio):
    video = mp4_bytes(9 * 1024 * 1024)  # over boto's 8 MiB multipart threshold
    achievement = achievement_for(portfolio, title="Talk", files=[("talk.mp4", video)])
    evidence = achievement.evidence.get()

    head = s3.head(evidence.file.name)
    assert head["ContentLength"] == len(video) == evidence.size
    assert head["ContentType"] == "video/mp4"
    assert s3.server.checks.object_puts > 1  # the parts


def test_journal_attachments_and_the_photo_are_objects_too(s3, portfolio):
    post = post_for(portfolio, title="Week one", files=[("notes.pdf", pdf_bytes("Notes"))])
    photo = prepare_upload(uploaded_file("me.png", png_bytes(size=(600, 600))))
    portfolio_update(portfolio=portfolio, skills=[], photo=photo)

    portfolio.refresh_from_db()
    names = [
        *post.attachments.get().stored_names(),
        portfolio.photo.name,
        portfolio.photo_thumbnail.name,
    ]
    assert s3.names() == sorted(names)
    assert s3.head(portfolio.photo.name)["ContentType"] == "image/png"


# --- Deletion after commit ---------------------------------------------------------------


def test_objects_go_once_the_deletion_commits(
    client, s3, portfolio, django_capture_on_commit_callbacks
):
    achievement = achievement_for(
        portfolio, title="Cup", files=[("a.pdf", pdf_bytes()), ("b.png", png_bytes())]
    )
    post = post_for(portfolio, files=[("notes.pdf", pdf_bytes("Notes"))])
    assert len(s3.names()) == 5

    with django_capture_on_commit_callbacks(execute=False) as pending:
        response = client.post(reverse("achievements:delete", args=[achievement.pk]))
        assert response.status_code == 302
        assert len(s3.names()) == 5  # not before the commit
    for callback in pending:
        callback()
    assert s3.names() == sorted(post.attachments.get().stored_names())

    with django_capture_on_commit_callbacks(execute=True):
        post_delete(post=post)
    assert s3.names() == []


def test_objects_stay_when_the_deletion_is_rolled_back(
    s3, portfolio, django_capture_on_commit_callbacks
):
    achievement = achievement_for(portfolio, title="Cup", files=[("a.pdf", pdf_bytes())])
    names, pk = s3.names(), achievement.pk

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        achievement_delete(achievement=achievement)
        raise RuntimeError("something after the deletion failed")

    assert Achievement.objects.filter(pk=pk).exists()
    assert s3.names() == names == sorted(Evidence.objects.get().stored_names())


# --- Faults ------------------------------------------------------------------------------


def test_a_store_failing_halfway_leaves_no_row_and_no_object(client, s3, portfolio):
    s3.server.checks.failing_puts_after = 1  # the first file is written, the second fails
    client.raise_request_exception = False
    files = [uploaded_file("a.pdf", pdf_bytes("A")), uploaded_file("b.pdf", pdf_bytes("B"))]

    response = client.post(reverse("achievements:create"), form_data(files=files))

    assert response.status_code == 200  # the form again, not an error page
    assert (
        "“b.pdf” could not be stored. Nothing was saved; please try again."
        in response.content.decode()
    )
    assert response.context["form"]["title"].value() == form_data()["title"]
    assert s3.server.checks.object_puts >= 2
    assert not Achievement.objects.exists()
    assert not Evidence.objects.exists()
    assert s3.names() == []  # the first object was removed again


def test_a_failing_thumbnail_leaves_the_achievement_as_it_was(client, s3, portfolio):
    achievement = achievement_for(portfolio, title="Cup", files=[("a.pdf", pdf_bytes())])
    before = s3.names()
    s3.server.checks.failing_puts_after = s3.server.checks.object_puts + 2  # thumbnail fails

    response = client.post(
        reverse("achievements:evidence-upload", args=[achievement.pk]),
        {"files": [uploaded_file("photo.png", png_bytes())]},
    )

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("“photo.png” could not be stored" in m for m in messages)
    assert achievement.evidence.count() == 1
    assert s3.names() == before


def test_a_part_failing_leaves_no_object_and_no_pending_upload(s3, portfolio):
    achievement = achievement_for(portfolio, title="Talk")
    s3.server.checks.failing_puts_after = s3.server.checks.object_puts + 1  # the second part
    video = prepare_upload(uploaded_file("talk.mp4", mp4_bytes(9 * 1024 * 1024)))
    with pytest.raises(UploadRejected, match="could not be stored"):
        evidence_attach(achievement=achievement, files=[video])

    assert not achievement.evidence.exists()
    assert s3.names() == []
    pending = s3.client.list_multipart_uploads(Bucket="portfolio-files", Prefix=s3.prefix + "/")
    assert pending.get("Uploads", []) == []


def test_an_unreachable_store_is_a_clear_error_in_the_students_language(
    client, unreachable_s3, portfolio, student
):
    student.preferred_language = "ru"
    student.save(update_fields=["preferred_language"])
    client.force_login(student)
    client.raise_request_exception = False

    response = client.post(
        reverse("achievements:create"), form_data(files=[uploaded_file("scan.pdf", pdf_bytes())])
    )

    assert response.status_code == 200
    assert (
        "Не удалось сохранить «scan.pdf». Ничего не сохранено; попробуйте ещё раз."
        in response.content.decode()
    )
    assert response.context["form"]["title"].value() == form_data()["title"]
    assert not Achievement.objects.exists()
    assert not Evidence.objects.exists()
    assert not Post.objects.exists()


def test_an_unreachable_store_keeps_the_old_photo(unreachable_s3, portfolio):
    with pytest.raises(UploadRejected, match="could not be stored"):
        portfolio_update(
            portfolio=portfolio,
            skills=[],
            photo=prepare_upload(uploaded_file("me.png", png_bytes())),
        )
    portfolio.refresh_from_db()
    assert not portfolio.photo


def test_a_journal_post_the_store_fails_keeps_what_was_typed(client, s3, portfolio):
    s3.server.checks.failing_puts_after = s3.server.checks.object_puts + 1  # the PDF fails
    client.raise_request_exception = False
    data = {
        "title": "My first lesson", "body": "It went **well**.", "tags_text": "practice",
        "visibility": Visibility.PUBLIC, "status": "published", "published_at": "",
        "comments_enabled": "on",
        "files": [uploaded_file("a.docx", make_docx("A")), uploaded_file("b.pdf", pdf_bytes())],
    }  # fmt: skip

    response = client.post(reverse("journal:create"), data)

    assert response.status_code == 200
    assert "“b.pdf” could not be stored" in response.content.decode()
    assert response.context["form"]["body"].value() == "It went **well**."
    assert not Post.objects.exists()
    assert s3.names() == []
