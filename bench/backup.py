"""Backup and restore of a site with 10,000 students: how long each takes, how large the
archive is.

Seeds its own database (``<DATABASE_URL's name>_backup``) through
``seeding.analytics_population`` (students, portfolios, terms, reviews, activity events)
and writes ``--files`` stored files of ``--file-kb`` KB each (random bytes: they do not
compress, as photos and PDFs do not) into a scratch storage folder. Then it runs
``manage.py backup`` and ``manage.py restore`` into a new empty database and an empty
folder, each in a process of its own as an operator would, and prints the wall time of each
and the archive's size. It checks the restored row count of the largest table.

    .venv/bin/python bench/backup.py [--students 10000] [--events 500000] [--files 20000]
                                     [--file-kb 50] [--reseed] [--drop] [--smoke]

``--smoke`` (or ``BENCH_SIZE=smoke``): 200 students, 5,000 events, 50 files.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import benchdb  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=500_000)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--file-kb", type=int, default=50)
    return benchdb.parse_args(parser, smoke={"students": 200, "events": 5_000, "files": 50})


ARGS = parse_args()
URL, CREATED = benchdb.start("backup", ARGS)

import seeding  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.db import connection  # noqa: E402

from core.files.storage import random_name  # noqa: E402

PREFIX = "bkp"


def seed_database() -> None:
    seeding.timed_step(
        f"{ARGS.students:,} students, {ARGS.events:,} events",
        seeding.analytics_population, ARGS.students, ARGS.events, prefix=PREFIX,
    )  # fmt: skip


def seed_files() -> None:
    """The files live in the run's scratch folder: written anew each run."""
    started = time.perf_counter()
    for _number in range(ARGS.files):
        content = ContentFile(os.urandom(ARGS.file_kb * 1024))
        default_storage.save(random_name("evidence", "bin"), content)
    print(f"  {ARGS.files:,} files of {ARGS.file_kb} KB: {time.perf_counter() - started:.1f} s")


def manage(*args: str, database_url: str, media: Path) -> float:
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media)}
    started = time.perf_counter()
    finished = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True)  # fmt: skip
    took = time.perf_counter() - started
    if finished.returncode != 0:
        sys.exit(f"manage.py {args[0]} failed:\n{finished.stdout}\n{finished.stderr}")
    return took


def count(url: str, table: str) -> int:
    import psycopg2

    parts = urlsplit(url)
    other = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                             password=parts.password, dbname=parts.path.lstrip("/"))  # fmt: skip
    try:
        with other.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our own table name
            return cursor.fetchone()[0]
    finally:
        other.close()


def main() -> None:
    media = Path(settings.MEDIA_ROOT)
    if CREATED or ARGS.reseed:
        seed_database()
    seed_files()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM analytics_activityevent")
        events = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        database_mb = cursor.fetchone()[0] / 1e6
    files = sum(1 for path in media.rglob("*") if path.is_file())
    print(f"site: {events:,} events, database {database_mb:,.0f} MB, {files:,} files")
    connection.close()

    scratch = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    archive = scratch / "site.backup"
    took_backup = manage("backup", str(archive), database_url=URL, media=media)
    size_mb = archive.stat().st_size / 1e6
    print(f"backup:  {took_backup:6.1f} s   archive {size_mb:,.0f} MB")

    parts = urlsplit(URL)
    target = urlunsplit(parts._replace(path=parts.path + "_restored"))
    benchdb.drop_database(target)
    benchdb.ensure_database(target)
    try:
        took_restore = manage("restore", str(archive), database_url=target,
                              media=scratch / "restored")  # fmt: skip
        restored_events = count(target, "analytics_activityevent")
    finally:
        benchdb.drop_database(target)
    print(f"restore: {took_restore:6.1f} s   ({restored_events:,} events back)")
    if restored_events != events:
        sys.exit("the restored database differs")
    archive.unlink()


if __name__ == "__main__":
    main()
