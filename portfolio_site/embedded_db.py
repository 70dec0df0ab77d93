"""The embedded PostgreSQL used when ``DATABASE_URL`` is not set.

The server binaries come from the PyPI package ``pgserver``. The cluster lives under
``var/pgdata`` and keeps running between commands (starting it takes about a second,
reusing it a few milliseconds); ``make db-stop`` stops it. It listens on a Unix socket
inside the data folder only, never on a TCP port.
"""

from __future__ import annotations

import atexit
import warnings
from pathlib import Path

DATABASE_NAME = "portfolio"


def ensure_running(var_dir: Path) -> str:
    """Start (or reuse) the embedded server and return a ``DATABASE_URL`` for it."""
    var_dir.mkdir(parents=True, exist_ok=True)
    pgdata = var_dir / "pgdata"
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
        warnings.simplefilter("ignore")
        import pgserver
        from pgserver.postgres_server import PostgresServer

        # pgserver keeps a JSON list of the processes using the server, rewritten without
        # care at every exit: a process killed at that moment (Ctrl+C on `make run`) leaves
        # it empty and every later start fails. We never stop the server on exit, so the
        # list means nothing to us: reset it under pgserver's own lock, and skip the
        # bookkeeping at exit.
        with PostgresServer._lock:
            if (pgdata / "PG_VERSION").exists():
                (pgdata / ".handle_pids.json").write_text("[]")
        server = pgserver.get_server(pgdata, cleanup_mode=None)
        atexit.unregister(server._cleanup)
    socket_dir = server.get_postmaster_info().socket_dir
    _create_database(socket_dir)
    return f"postgres://postgres@/{DATABASE_NAME}?host={socket_dir}"


def stop(var_dir: Path) -> bool:
    """Stop the embedded server if it runs; return whether it was running."""
    import subprocess

    pgdata = var_dir / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgserver._commands import pg_ctl

    # As root, pgserver runs PostgreSQL as the system user "pgserver".
    user = "pgserver" if _is_root() else None
    try:
        pg_ctl(["-w", "stop"], pgdata=pgdata, user=user)
    except subprocess.CalledProcessError:
        return False
    return True


def _is_root() -> bool:
    import os

    return hasattr(os, "geteuid") and os.geteuid() == 0


def _create_database(socket_dir) -> None:
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", user="postgres", host=str(socket_dir))
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    finally:
        conn.close()
