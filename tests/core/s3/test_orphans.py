"""Objects whose rows are gone (their deletion failed while the store was unreachable) are
found and deleted later; the site's live files and anything it did not name stay."""

import uuid

import pytest
from django.core.management import call_command

from achievements.models import Evidence
from core.tasks import purge_orphan_files
from tests.core.s3.conftest import closed_port_storage
from tests.factories import StudentFactory, achievement_for, pdf_bytes, png_bytes, portfolio_for

pytestmark = pytest.mark.django_db


def test_objects_left_by_a_failed_deletion_are_purged(
    s3, settings, django_capture_on_commit_callbacks
):
    portfolio = portfolio_for(StudentFactory())
    kept = achievement_for(portfolio, title="Kept", files=[("a.pdf", pdf_bytes())])
    gone = achievement_for(portfolio, title="Gone", files=[("b.png", png_bytes())])
    left_behind = sorted(gone.evidence.get().stored_names())
    s3.client.put_object(Bucket="portfolio-files", Key=s3.key("operator/readme.txt"), Body=b"x")

    # The store is down when the deletion commits: the row goes, its objects stay.
    live_storage = settings.STORAGES["default"]
    settings.STORAGES = {**settings.STORAGES, "default": closed_port_storage()}
    with django_capture_on_commit_callbacks(execute=True):
        gone.delete()
    settings.STORAGES = {**settings.STORAGES, "default": live_storage}
    assert set(left_behind) <= set(s3.names())

    call_command("storage_orphans", "--delete", verbosity=0)
    assert set(left_behind) <= set(s3.names())  # too recent: perhaps an upload in progress

    assert purge_orphan_files(older_than_hours=0) == len(left_behind)
    assert s3.names() == sorted([*kept.evidence.get().stored_names(), "operator/readme.txt"])
    assert Evidence.objects.count() == 1


def test_a_dry_run_lists_and_keeps(s3, capsys):
    orphan = f"evidence/ab/{uuid.uuid4().hex}.pdf"
    s3.client.put_object(Bucket="portfolio-files", Key=s3.key(orphan), Body=b"%PDF-")

    call_command("storage_orphans", "--older-than-hours", "0")

    assert capsys.readouterr().out.splitlines() == [orphan, "Found 1 orphaned file(s)."]
    assert s3.names() == [orphan]
