"""Export and import jobs: how long a student waits for a small and a large portfolio, and
what the progress costs.

Creates its own database (``<DATABASE_URL's name>_transfer_jobs``; or ``BENCH_DATABASE_URL``),
migrates it and seeds, through the services, a small portfolio (``--small-items`` ×
``--small-files``: the demo's size) and a large one (``--items`` × ``--files``). Then, for
each, it runs the export job as the site runs it inline (``export_start`` then the job's
run, as after the request's commit) and the import job of its zip into an empty portfolio
(``import_start``, ``import_run``), and prints the p50 time from start to "done", the zip's
size, and the UPDATEs of the job row (its progress is written at most once per percent).

    .venv/bin/python bench/transfer_jobs.py [--rounds 3] [--items 100] [--files 3]
        [--small-items 8] [--small-files 2] [--smoke] [--reseed] [--drop]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchdb  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--items", type=int, default=100, help="achievements, large portfolio")
    parser.add_argument("--files", type=int, default=3, help="files per item, large portfolio")
    parser.add_argument("--small-items", type=int, default=8)
    parser.add_argument("--small-files", type=int, default=2)
    return benchdb.parse_args(
        parser, smoke={"rounds": 1, "items": 3, "files": 2, "small_items": 1, "small_files": 1}
    )


ARGS = parse_args()
benchdb.start("transfer_jobs", ARGS)

import seeding  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from transfer import jobs, services  # noqa: E402
from transfer.models import Status, TransferJob  # noqa: E402

PREFIX = "bench-transfer-"


def progress_updates(captured) -> int:
    return sum(
        1
        for query in captured.captured_queries
        if query["sql"].startswith('UPDATE "transfer_transferjob"')
        and "progress_done" in query["sql"]
    )


def export_once(portfolio) -> tuple[float, TransferJob, int]:
    TransferJob.objects.filter(owner=portfolio.student).delete()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        job = services.export_start(
            owner=portfolio.student, portfolio=portfolio, language="en", inline=False
        )
        jobs.export_run(job.pk)  # what the task (or the request's commit) runs
        elapsed = (time.perf_counter() - started) * 1000
    job.refresh_from_db()
    assert job.status == Status.DONE, job.error
    return elapsed, job, progress_updates(captured)


def import_once(data: bytes, number: int) -> tuple[float, TransferJob]:
    target = seeding.student(f"{PREFIX}import-{number}").portfolio
    started = time.perf_counter()
    job = services.import_start(
        owner=target.student, portfolio=target, language="en",
        upload=SimpleUploadedFile("portfolio.zip", data, "application/zip"),
    )  # fmt: skip
    jobs.import_run(job.pk)
    elapsed = (time.perf_counter() - started) * 1000
    job.refresh_from_db()
    assert job.status == Status.DONE, job.error
    return elapsed, job


def main() -> None:
    # Queued nowhere (a broker in the environment would take them): the bench runs each
    # job itself, as the task would.
    services.enqueue = lambda *args, **kwargs: None
    seeding.delete_users(PREFIX)
    numbered = iter(range(1, 1_000_000))
    sizes = {"small": (ARGS.small_items, ARGS.small_files), "large": (ARGS.items, ARGS.files)}
    for label, (items, files) in sizes.items():
        owner = seeding.student(f"{PREFIX}{label}")
        portfolio = seeding.public_portfolio(owner)
        seeding.portfolio_items(portfolio, items, files, mix=True)
        exports = [export_once(portfolio) for _ in range(ARGS.rounds)]
        job = exports[-1][1]
        with job.archive.open("rb") as handle:
            data = handle.read()
        imports = [import_once(data, next(numbered)) for _ in range(ARGS.rounds)]
        print(
            f"\n{label}: {items} items x {files} files, zip {job.archive_size / 1024:,.0f} KB, "
            f"{ARGS.rounds} rounds\n"
            f"  export job, start to done   p50 {statistics.median(e[0] for e in exports):8.1f} ms"
            f"   job UPDATEs {exports[-1][2]}\n"
            f"  import job, start to done   p50 {statistics.median(i[0] for i in imports):8.1f} ms"
            f"   ({imports[-1][1].summary})",
            flush=True,
        )
    seeding.delete_users(PREFIX)


if __name__ == "__main__":
    main()
