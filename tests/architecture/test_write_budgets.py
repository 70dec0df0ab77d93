"""Write paths cost a bounded number of SQL statements: a portfolio's derived figures, search
document, content version and analytics copy are refreshed once per write, however many rows
the write saved (portfolios/content.py), so ten files cost one file's statements plus their
own rows."""

import io
import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from achievements.models import Achievement, VerificationStatus
from achievements.services import evidence_attach
from analytics.models import ActivityEvent
from core.files.uploads import prepare_upload
from feedback.models import VerificationEvent
from portfolios.models import Portfolio
from portfolios.services import portfolio_get_or_create
from tests.factories import (
    StudentFactory,
    SupervisorFactory,
    achievement_for,
    pdf_bytes,
    png_bytes,
    portfolio_for,
    uploaded_file,
)
from transfer.archive import export_zip, import_zip

pytestmark = pytest.mark.django_db

REFRESH_FIGURES = re.compile(r"UPDATE portfolios_portfolio AS p SET\s+completeness")
REFRESH_DOCUMENT = re.compile(r"INSERT INTO portfolios_searchdocument")
BUMP_VERSION = re.compile(r'UPDATE "portfolios_portfolio" SET "content_version"')


def _shape(sql: str) -> str:
    """A statement's kind and first table: what differs between two runs of one path."""
    if re.match(r"\s*(RELEASE )?SAVEPOINT", sql):
        return sql.split('"')[0].strip()
    match = re.match(r'\s*(?:WITH .*?\)\s*)?(\w+)\W+(?:INTO|FROM)?\W*"?(\w+)', sql, re.S)
    return f"{match.group(1)} {match.group(2)}" if match else sql[:40]


def _count(pattern, queries) -> int:
    return sum(1 for query in queries if pattern.search(query["sql"]))


@pytest.fixture
def verified_achievement():
    student = StudentFactory(username="aida")
    portfolio = portfolio_for(student)
    supervisor = SupervisorFactory()

    def make(title):
        achievement = achievement_for(portfolio, title=title)
        Achievement.objects.filter(pk=achievement.pk).update(
            verification_status=VerificationStatus.VERIFIED,
            verified_by=supervisor,
            verified_at=timezone.now(),
        )
        return Achievement.objects.select_related("portfolio").get(pk=achievement.pk)

    return make


def _upload(achievement, count):
    files = [
        prepare_upload(uploaded_file(f"scan-{n}.png", png_bytes(color=(n * 20, 90, 120))))
        if n % 2
        else prepare_upload(uploaded_file(f"report-{n}.pdf", pdf_bytes(f"Report {n}")))
        for n in range(count)
    ]
    with CaptureQueriesContext(connection) as captured:
        evidence_attach(achievement=achievement, files=files)
    return captured.captured_queries


def test_uploading_ten_files_to_a_verified_achievement_costs_one_file_plus_ten_rows(
    verified_achievement,
):
    one = _upload(verified_achievement("One file"), 1)
    ten_item = verified_achievement("Ten files")
    ten = _upload(ten_item, 10)

    assert len(ten) <= 50, [q["sql"][:80] for q in ten]
    extra = Counter(_shape(q["sql"]) for q in ten) - Counter(_shape(q["sql"]) for q in one)
    assert extra == Counter({"INSERT achievements_evidence": 9}), extra
    assert len(ten) - len(one) == 9
    # Refreshed once, whatever the number of files.
    for queries in (one, ten):
        assert _count(REFRESH_FIGURES, queries) == 1
        assert _count(REFRESH_DOCUMENT, queries) == 1
        assert _count(BUMP_VERSION, queries) == 1
    # And what the write set off happened: the verification is reset (feedback), ten
    # events are in the student's log (analytics), the figures count the files.
    ten_item.refresh_from_db()
    assert ten_item.verification_status == VerificationStatus.NONE
    assert VerificationEvent.objects.filter(
        achievement=ten_item, action=VerificationEvent.Action.RESET
    ).exists()
    assert (
        ActivityEvent.objects.filter(kind="evidence_added", object_label__startswith="scan-")
        .filter(object_id__in=ten_item.evidence.values("pk"))
        .count()
        == 5
    )
    assert Portfolio.objects.get(pk=ten_item.portfolio_id).evidence_count == 11


def test_an_import_of_100_items_with_3_files_each_refreshes_the_portfolio_once():
    source = portfolio_for(StudentFactory(username="source"))
    for number in range(100):
        achievement_for(
            source,
            title=f"Item {number}",
            files=[
                (f"file-{number}-{n}.pdf", pdf_bytes(f"Item {number} file {n}")) for n in range(3)
            ],
        )
    archive = io.BytesIO()
    export_zip(source, archive)
    archive.seek(0)
    target = portfolio_get_or_create(student=StudentFactory(username="target"))

    with CaptureQueriesContext(connection) as captured:
        assert import_zip(target, archive) == 100

    queries = captured.captured_queries
    assert _count(REFRESH_FIGURES, queries) == 1
    assert _count(REFRESH_DOCUMENT, queries) == 1
    assert _count(BUMP_VERSION, queries) == 1
    target.refresh_from_db()
    assert target.evidence_count == 300
    assert target.search_document.document


def test_a_failed_write_inside_a_batch_takes_its_marks_back():
    """A write that fails inside another write's batch (caught by the caller) refreshes
    nothing of its own; the outer write's marks stay."""
    from django.db import transaction

    from portfolios.content import content_batch, content_changed

    first = portfolio_for(StudentFactory(username="first"))
    second = portfolio_for(StudentFactory(username="second"))
    versions = dict(Portfolio.objects.values_list("pk", "content_version"))
    with transaction.atomic(), content_batch():
        content_changed(first.pk)
        try:
            with transaction.atomic(), content_batch():
                content_changed(second.pk)
                raise ValueError("refused")
        except ValueError:
            pass
    after = dict(Portfolio.objects.values_list("pk", "content_version"))
    assert after[first.pk] == versions[first.pk] + 1
    assert after[second.pk] == versions[second.pk]
