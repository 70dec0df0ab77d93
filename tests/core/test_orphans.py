"""Orphaned files in local storage (MEDIA_ROOT): the same sweep as in S3."""

import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import (
    StudentFactory,
    achievement_for,
    pdf_bytes,
    portfolio_for,
    stored_media_files,
)

pytestmark = pytest.mark.django_db


def test_files_no_row_refers_to_are_deleted(capsys):
    portfolio = portfolio_for(StudentFactory())
    achievement = achievement_for(portfolio, title="Cup", files=[("a.pdf", pdf_bytes())])
    orphan = default_storage.save(f"evidence/cd/{uuid.uuid4().hex}.pdf", ContentFile(b"%PDF-"))
    default_storage.save("notes/operator.txt", ContentFile(b"not the site's"))

    call_command("storage_orphans", "--older-than-hours", "0", "--delete")

    assert f"{orphan}\nDeleted 1 orphaned file(s)." in capsys.readouterr().out
    assert stored_media_files() == sorted(
        [*achievement.evidence.get().stored_names(), "notes/operator.txt"]
    )


def test_nothing_stored_yet_is_nothing_to_do(capsys):
    call_command("storage_orphans", "--delete")
    assert "Deleted 0 orphaned file(s)." in capsys.readouterr().out


def test_a_negative_age_is_refused():
    with pytest.raises(CommandError, match="0 or more"):
        call_command("storage_orphans", "--older-than-hours", "-1")
