"""``manage.py backup`` and ``manage.py restore``: a round trip of the demo site into another
database and another storage gives the same rows, the same files and the same public page;
a damaged, cut-short or crafted archive, or a target that is not empty, is refused and
nothing changes."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg2 import sql

from core import backup as backup_module
from core.files.storage import stored_file_listing
from tests.database_url import worker_database_url
from tests.factories import StudentFactory, portfolio_for

pytestmark = pytest.mark.django_db(transaction=True)


def _tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _row_counts(cursor) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor):
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _checksums(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _connect(name: str):
    db = connection.settings_dict
    options = db.get("OPTIONS") or {}
    return psycopg2.connect(
        dbname=name,
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or options.get("host") or None,
        port=db.get("PORT") or None,
    )


@pytest.fixture
def empty_database():
    """A database of its own on the test server, with nothing in it; dropped at the end."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)).as_string(
            cursor.connection))  # fmt: skip
    yield name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
                       .as_string(cursor.connection))  # fmt: skip


def _manage(*args: str, database: str, media: Path) -> subprocess.CompletedProcess:
    """``manage.py`` in a process of its own, on another database and storage: the new site."""
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(database),
        "MEDIA_ROOT": str(media),
        "DEBUG": "1",
    }
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


PAGE_SCRIPT = """
from django.test import Client
response = Client().get("/p/student1/")
print(response.status_code)
print(response.content.decode())
"""


def _normalised(html: str) -> str:
    """A page without what differs between two renders of the same data: CSRF tokens,
    CSP nonces and signed file links."""
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html)
    html = re.sub(r'("X-CSRFToken": ")[^"]+', r"\1", html)
    html = re.sub(r'(nonce=")[^"]+', r"\1", html)
    return re.sub(r"([?&](?:token|signature|sig|expires|t)=)[^\"&' ]+", r"\1", html)


def test_a_backup_restores_into_an_empty_site_as_it_was(client, tmp_path, empty_database):
    call_command("seed_demo", students=6, force=True, stdout=io.StringIO())
    archive = tmp_path / "site.backup"
    media = Path(settings.MEDIA_ROOT)

    call_command("backup", str(archive), stdout=io.StringIO())

    manifest = backup_module.read_manifest(archive)
    assert manifest["files"] == len(_checksums(media)) > 0
    restored_media = tmp_path / "restored"
    restored = _manage("restore", str(archive), database=empty_database, media=restored_media)
    assert restored.returncode == 0, restored.stderr
    assert "Restored the backup" in restored.stdout

    with connection.cursor() as cursor:
        before = _row_counts(cursor)
    with _connect(empty_database) as other, other.cursor() as cursor:
        after = _row_counts(cursor)
    other.close()
    assert after == before
    assert before["accounts_user"] >= 6
    assert _checksums(restored_media) == _checksums(media)

    page = client.get("/p/student1/")
    assert page.status_code == 200
    rendered = _manage(
        "shell", "--no-imports", "-c", PAGE_SCRIPT, database=empty_database, media=restored_media
    )
    status, _, html = rendered.stdout.partition("\n")
    assert status == "200", rendered.stderr
    assert _normalised(html.strip()) == _normalised(page.content.decode().strip())
    # Nothing left over: no partial archive, migrations as they were.
    assert not archive.with_name("site.backup.partial").exists()
    checked = _manage("migrate", "--check", database=empty_database, media=restored_media)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.fixture
def archive(tmp_path):
    """A backup of a small site: a student and one stored file."""
    portfolio_for(StudentFactory(username="aida"))
    default_storage.save("evidence/ab/" + "ab" * 16 + ".txt", ContentFile(b"evidence"))
    path = tmp_path / "small.backup"
    backup_module.backup(path)
    return path


def _unchanged_after(path: Path, message: str) -> None:
    """Restoring ``path`` is refused with ``message``; no table or file changes."""
    with connection.cursor() as cursor:
        counts = _row_counts(cursor)
    files = sorted(stored_file_listing())

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), stdout=io.StringIO())

    with connection.cursor() as cursor:
        assert _row_counts(cursor) == counts
    assert sorted(stored_file_listing()) == files


def test_a_site_that_is_not_empty_is_refused(archive):
    _unchanged_after(archive, "needs an empty database and empty storage")


def test_a_damaged_archive_is_refused(archive):
    data = bytearray(archive.read_bytes())
    data[data.index(b"evidence", 1024)] ^= 0xFF  # a byte of the stored file's content
    archive.write_bytes(bytes(data))

    _unchanged_after(archive, "damaged")


@pytest.mark.parametrize("keep", [0.3, 0.9])
def test_a_cut_short_archive_is_refused(archive, keep):
    data = archive.read_bytes()
    archive.write_bytes(data[: int(len(data) * keep)])

    _unchanged_after(archive, "damaged or cut short|no manifest")


def _crafted(path: Path, members: dict[str, bytes], manifest: dict | None) -> Path:
    with tarfile.open(path, "w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        if manifest is not None:
            body = json.dumps(manifest).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
    return path


def _listed(members: dict[str, bytes]) -> dict:
    return {
        "format": backup_module.FORMAT,
        "created_at": "2026-01-01T00:00:00+00:00",
        "files": len(members) - 1,
        "parts": [
            {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in members.items()
        ],
    }


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"database.dump": b"x", "files/../../etc/cron.d/x": b"x"}, "would not store"),
        ({"database.dump": b"x", "files//etc/passwd": b"x"}, "would not store"),
        ({"files/evidence/a.txt": b"x"}, "no database dump"),
    ],
)
def test_a_crafted_archive_is_refused(tmp_path, members, message):
    _unchanged_after(_crafted(tmp_path / "crafted.backup", members, _listed(members)), message)


def test_an_archive_without_its_manifest_or_with_another_format_is_refused(tmp_path):
    members = {"database.dump": b"x"}
    _unchanged_after(_crafted(tmp_path / "a.backup", members, None), "no manifest")
    other = {**_listed(members), "format": "something-else/9"}
    _unchanged_after(_crafted(tmp_path / "b.backup", members, other), "not a portfolio-backup")
    (tmp_path / "c.backup").write_bytes(b"PK\x03\x04 a zip, not a backup")
    _unchanged_after(tmp_path / "c.backup", "not a backup archive")


def test_a_part_missing_from_the_manifest_is_refused(tmp_path):
    members = {"database.dump": b"x", "files/evidence/ab/a.txt": b"x"}
    listed = _listed({"database.dump": b"x"})
    _unchanged_after(_crafted(tmp_path / "a.backup", members, listed), "does not match")


def test_the_dump_is_made_by_the_servers_own_version():
    major = backup_module.server_major_version()
    pg_dump = backup_module.postgres_tool("pg_dump", major)

    assert backup_module._version_of(pg_dump) == major
    with pytest.raises(backup_module.BackupError, match="no pg_dump of PostgreSQL 7"):
        backup_module.postgres_tool("pg_dump", 7)


def test_backup_does_not_overwrite_an_archive_without_force(tmp_path):
    path = tmp_path / "site.backup"
    path.write_bytes(b"an older backup")

    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(path), stdout=io.StringIO())
    assert path.read_bytes() == b"an older backup"


def test_a_manifest_of_many_files_is_read_whole(tmp_path):
    # A site with 20,000 files has a manifest of some megabytes.
    members = {"database.dump": b"x"}
    manifest = {**_listed(members), "padding": "x" * (3 * 1024 * 1024)}
    path = _crafted(tmp_path / "large.backup", members, manifest)

    assert backup_module.read_manifest(path)["padding"] == manifest["padding"]
