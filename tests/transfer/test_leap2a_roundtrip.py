"""Leap2A export → import into a new account gives the same portfolio."""

import hashlib
import io
import zipfile
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from achievements.models import Achievement, Evidence
from core.files.uploads import prepare_upload
from demo import portfolios as demo
from journal.models import Post, PostAttachment
from journal.services import post_create
from portfolios.models import Visibility
from portfolios.services import portfolio_get_or_create
from tests.factories import StudentFactory
from transfer.leap2a.importer import import_leap2a
from transfer.leap2a.writer import export_leap2a

pytestmark = pytest.mark.django_db


def exported(portfolio) -> bytes:
    buffer = io.BytesIO()
    export_leap2a(portfolio, buffer)
    return buffer.getvalue()


def sha(field_file) -> str:
    with field_file.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def achievements_of(portfolio):
    return sorted(
        (
            a.category.code,
            a.title,
            a.description,
            a.start_date,
            a.end_date,
            a.organisation,
            a.level,
            a.result,
            a.grade,
            a.url,
            sorted(s.name for s in a.skills.all()),
            sorted(
                (e.kind, e.original_name, e.caption, e.external_url, sha(e.file) if e.file else "")
                for e in a.evidence.all()
            ),
        )  # fmt: skip
        for a in Achievement.objects.filter(portfolio=portfolio)
    )


def posts_of(portfolio):
    return sorted(
        (
            p.title,
            p.body,
            p.status,
            p.published_at,
            sorted(p.tags),
            sorted(sha(a.file) for a in p.attachments.all()),
        )  # fmt: skip
        for p in Post.objects.filter(portfolio=portfolio)
    )


@pytest.fixture
def source():
    student = StudentFactory(username="source", first_name="Айгерим", last_name="Осмонова")
    demo.seed_student1(student)
    portfolio = portfolio_get_or_create(student=student)
    diagram = prepare_upload(SimpleUploadedFile("diagram.png", demo.make_photo(2)))
    post_create(
        portfolio=portfolio, title="Field notes", body="Some **bold** text.\n\n- one\n- two",
        tags=["Python", "field work"], status="published", visibility=Visibility.PUBLIC,
        published_at=datetime(2024, 3, 1, 10, 30, tzinfo=UTC), files=[diagram],
    )  # fmt: skip
    post_create(portfolio=portfolio, title="Unfinished thoughts", body="Later.", status="draft")
    return portfolio


def test_round_trip_gives_the_same_portfolio(source):
    data = exported(source)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "leap2a.xml" in archive.namelist()
        xml = archive.read("leap2a.xml").decode()
    assert 'xmlns:mahara="http://wiki.mahara.org/Developer_Area/Import%2F%2FExport/LEAP' in xml
    assert "leap2:person" in xml and "pseudo:educationhistory" in xml
    twin = portfolio_get_or_create(student=StudentFactory(username="twin"))
    report = import_leap2a(twin, io.BytesIO(data))
    assert report["achievements"] == Achievement.objects.filter(portfolio=source).count()
    assert achievements_of(twin) == achievements_of(source)
    assert len(posts_of(source)) == 2
    assert posts_of(twin) == posts_of(source)
    twin.refresh_from_db()
    for name in ("about", "headline", "interests", "phone", "website", "linkedin", "github",
                 "telegram"):  # fmt: skip
        assert getattr(twin, name) == getattr(source, name), name
    assert sorted(s.name for s in twin.skills.all()) == sorted(s.name for s in source.skills.all())
    if source.photo:
        assert sha(twin.photo) == sha(source.photo)
    # Everything arrives as "only me", whatever it was.
    assert set(Achievement.objects.filter(portfolio=twin).values_list("visibility", flat=True)) == {
        Visibility.PRIVATE
    }
    assert not Post.objects.filter(portfolio=twin).exclude(visibility=Visibility.PRIVATE).exists()
    assert (
        Evidence.objects.filter(achievement__portfolio=twin).count()
        == Evidence.objects.filter(achievement__portfolio=source).count()
    )
    assert PostAttachment.objects.filter(post__portfolio=twin).count() == (
        PostAttachment.objects.filter(post__portfolio=source).count()
    )
