"""Export and import with the files in S3: the zip carries the objects' bytes, an import
writes new objects, and an import the store fails halfway leaves nothing."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from django.urls import reverse

from achievements.models import Evidence
from core.files.uploads import prepare_upload
from journal.models import PostAttachment
from portfolios.services import portfolio_update
from tests.core.s3.conftest import closed_port_storage
from tests.factories import (
    StudentFactory,
    achievement_for,
    pdf_bytes,
    png_bytes,
    portfolio_for,
    post_for,
    uploaded_file,
)
from transfer.models import Kind, Status, TransferJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(client, s3, start_and_open):
    """A portfolio with evidence, an attachment and a photo in the bucket, and its zip."""
    student = StudentFactory(username="aida")
    portfolio = portfolio_for(student)
    portfolio_update(
        portfolio=portfolio, skills=[],
        photo=prepare_upload(uploaded_file("me.png", png_bytes(size=(300, 300)))),
    )  # fmt: skip
    achievement_for(portfolio, title="Cup", files=[("scan.pdf", pdf_bytes("Scan")),
                                                   ("podium.png", png_bytes())])  # fmt: skip
    post_for(portfolio, files=[("notes.pdf", pdf_bytes("Notes"))])
    client.force_login(student)
    page = start_and_open(client, reverse("portfolios:export"))
    job = page.context["job"]
    assert job.status == Status.DONE
    return portfolio, s3.read(job.archive.name)


def test_the_export_carries_the_objects(s3, exported):
    portfolio, data = exported

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document = json.loads(archive.read("portfolio.json"))
        evidence = document["achievements"][0]["evidence"]
        by_name = {e.original_name: e for e in Evidence.objects.all()}
        for entry in evidence:
            stored = s3.read(by_name[entry["name"]].file.name)
            assert archive.read(entry["path"]) == stored
            assert hashlib.sha256(stored).hexdigest() == entry["sha256"]
        attachment = document["posts"][0]["attachments"][0]
        assert archive.read(attachment["path"]) == pdf_bytes("Notes")
        photo = document["portfolio"]["photo"]
        assert archive.read(photo["path"]) == s3.read(portfolio.photo.name)


def test_an_import_writes_new_objects(client, s3, exported, start_and_open):
    _portfolio, data = exported
    before = set(s3.names())
    twin = StudentFactory(username="aida2")
    portfolio_for(twin)
    client.force_login(twin)
    upload = io.BytesIO(data)
    upload.name = "portfolio.zip"

    page = start_and_open(client, reverse("portfolios:import"), {"archive": upload})

    assert page.context["job"].status == Status.DONE
    twin.portfolio.refresh_from_db()
    rows = [*Evidence.objects.filter(achievement__portfolio=twin.portfolio),
            *PostAttachment.objects.filter(post__portfolio=twin.portfolio)]  # fmt: skip
    names = {name for row in rows for name in row.stored_names()}
    names |= {twin.portfolio.photo.name, twin.portfolio.photo_thumbnail.name}
    assert set(s3.names()) == before | names and not before & names
    for row in rows:
        assert hashlib.sha256(s3.read(row.file.name)).hexdigest() == row.sha256


def test_an_import_the_store_fails_halfway_leaves_nothing(client, s3, exported, start_and_open):
    _portfolio, data = exported
    before = s3.names()
    twin = StudentFactory(username="aida2")
    portfolio_for(twin)
    client.force_login(twin)
    s3.server.checks.failing_puts_after = s3.server.checks.object_puts + 3
    upload = io.BytesIO(data)
    upload.name = "portfolio.zip"

    page = start_and_open(client, reverse("portfolios:import"), {"archive": upload})

    assert page.context["job"].status == Status.FAILED
    assert "could not be stored. Nothing was saved; please try again." in page.content.decode()
    assert not twin.portfolio.achievements.exists()
    assert not twin.portfolio.posts.exists()
    twin.portfolio.refresh_from_db()
    assert not twin.portfolio.photo
    assert s3.names() == before


def test_an_export_the_store_cannot_serve_says_so(client, s3, exported, settings, start_and_open):
    portfolio, _data = exported
    TransferJob.objects.all().delete()
    settings.STORAGES = {**settings.STORAGES, "default": closed_port_storage()}

    page = start_and_open(client, reverse("portfolios:export"))

    job = TransferJob.objects.get(portfolio=portfolio, kind=Kind.EXPORT)
    # Without a broker the retries run at once; each finds the store closed, and the
    # job ends with the message and no zip.
    assert job.status == Status.FAILED
    assert not job.archive
    assert (
        "A service the site needs was unavailable, so this was stopped; nothing was changed."
        in page.content.decode()
    )
