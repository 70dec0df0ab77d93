"""The embedded PostgreSQL (DATABASE_URL unset) starts, survives a killed process's leftovers,
and stops."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from portfolio_site import embedded_db


def manage(var_dir, *args):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env["VAR_DIR"] = str(var_dir)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip


@pytest.fixture
def var_dir():
    """A VAR_DIR outside pytest's own temporary folder: as root the server runs as the
    system user embedded_postgres, who must reach its folder, and pytest makes its folder
    private again whenever a session starts (another test run on the machine)."""
    folder = Path(tempfile.mkdtemp(prefix="portfolio-embedded-db-"))
    yield folder / "var"
    shutil.rmtree(folder)


def test_embedded_database_starts_and_recovers_from_a_killed_process(var_dir):
    try:
        first = manage(var_dir, "check", "--database", "default")
        assert first.returncode == 0, first.stderr
        assert (var_dir / "pgdata" / "PG_VERSION").read_text().strip() == "18"
        # A process killed while embedded-postgres rewrote its bookkeeping file leaves it empty.
        (var_dir / "pgdata" / ".handle_pids.json").write_text("")
        again = manage(var_dir, "check", "--database", "default")
        assert again.returncode == 0, again.stderr
        assert "Traceback" not in again.stderr
    finally:
        assert embedded_db.stop(var_dir)
    assert not embedded_db.stop(var_dir)  # stopped: nothing left to stop
