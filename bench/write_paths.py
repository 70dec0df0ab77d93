"""Write paths: SQL statements and time of an evidence upload and of an import.

Creates its own database (``<DATABASE_URL's name>_write_paths``, by default
``portfolio_bench_write_paths``; or ``BENCH_DATABASE_URL``), migrates it and seeds, through
the services, a student with a supervisor and a public portfolio. Then it measures:

* uploading 1 and ``--files`` files (small PNGs and PDFs, checked beforehand as the upload
  form checks them) as evidence to a verified achievement, through the service the upload
  view calls (``evidence_attach``); a new verified achievement each round;
* importing an export of ``--items`` achievements × ``--item-files`` files into an empty
  portfolio through the import service (``import_zip``); a new student each round.

For each it prints the statements of one call, how many of them refresh the portfolio's
derived figures (the completeness UPDATE), its search document (the INSERT … ON CONFLICT),
its content version and the analytics copy of its figures, and the p50 time.

    .venv/bin/python bench/write_paths.py [--rounds 10] [--files 10] [--items 100]
        [--item-files 3] [--import-rounds 3] [--smoke] [--reseed] [--drop]
"""

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchdb  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="uploads of each size")
    parser.add_argument("--files", type=int, default=10, help="files in the larger upload")
    parser.add_argument("--items", type=int, default=100, help="achievements in the import")
    parser.add_argument("--item-files", type=int, default=3, help="files per imported item")
    parser.add_argument("--import-rounds", type=int, default=3)
    return benchdb.parse_args(
        parser, smoke={"rounds": 1, "items": 3, "item_files": 2, "import_rounds": 1}
    )


ARGS = parse_args()
benchdb.start("write_paths", ARGS)

import seeding  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from achievements.services import evidence_attach  # noqa: E402
from transfer.archive import export_zip, import_zip  # noqa: E402

PREFIX = "bench-writes-"

# What refreshes what: recognised by the SQL, so they are counted wherever the code that
# sends them lives.
REFRESHES = {
    "completeness": re.compile(
        r'UPDATE\s+"?portfolios_portfolio"?\b[^;]*?\bcompleteness\s*=', re.I | re.S
    ),  # fmt: skip
    "search document": re.compile(r'INSERT\s+INTO\s+"?portfolios_searchdocument"?', re.I),
    "content version": re.compile(r'"?content_version"?\s*=\s*\(?\s*"?portfolios_portfolio', re.I),
    "analytics copy": re.compile(
        r'UPDATE\s+"?analytics_studentactivity"?\b[^;]*?\bcompleteness', re.I | re.S
    ),  # fmt: skip
}


def measure(function, rounds: int, *, before=None) -> tuple[list[str], list[float]]:
    """The statements of the last call, as ``assertNumQueries`` counts them (BEGIN and
    COMMIT included), and the time of each call (``before`` runs untimed)."""
    # The query log keeps the last 9,000 statements; an import sends more today.
    connection.queries_log = deque(maxlen=1_000_000)
    timings, statements = [], []
    for _ in range(rounds):
        argument = before() if before is not None else None
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            function(argument)
            timings.append((time.perf_counter() - started) * 1000)
        statements = [query["sql"] for query in captured.captured_queries]
    return statements, timings


def report(label: str, statements: list[str], timings: list[float]) -> None:
    counts = {name: sum(1 for sql in statements if pattern.search(sql))
              for name, pattern in REFRESHES.items()}  # fmt: skip
    refreshes = ", ".join(f"{name} {count}" for name, count in counts.items())
    print(f"  {label:34} {len(statements):5d} statements   p50 {statistics.median(timings):8.1f} ms"
          f"   ({len(timings)} rounds)\n  {'':34} refreshes: {refreshes}", flush=True)  # fmt: skip


def main() -> None:
    seeding.delete_users(PREFIX)
    owner = seeding.student(f"{PREFIX}owner")
    supervisor = seeding.supervisor_of(owner, f"{PREFIX}supervisor")
    portfolio = seeding.public_portfolio(owner)
    numbered = iter(range(1, 1_000_000))

    print(f"\nevidence upload to a verified achievement (evidence_attach), {ARGS.rounds} rounds")
    for count in sorted({1, ARGS.files}):

        def fresh(count=count):
            item = seeding.verified_achievement(portfolio, supervisor,
                                                title=f"Olympiad {next(numbered)}")  # fmt: skip
            return item, seeding.prepared_files(count)

        statements, timings = measure(
            lambda prepared: evidence_attach(achievement=prepared[0], files=prepared[1]),
            ARGS.rounds, before=fresh,
        )  # fmt: skip
        report(f"{count} file{'s' if count > 1 else ''}", statements, timings)

    source_owner = seeding.student(f"{PREFIX}source")
    source = seeding.public_portfolio(source_owner)
    started = time.perf_counter()
    seeding.portfolio_items(source, ARGS.items, ARGS.item_files, mix=True)
    with tempfile.TemporaryFile() as archive:
        export_zip(source, archive)
        print(f"\nimport (import_zip) of {ARGS.items} items x {ARGS.item_files} files "
              f"(export of {archive.tell() / 1024:,.0f} KB built in "
              f"{time.perf_counter() - started:.1f} s), {ARGS.import_rounds} rounds")  # fmt: skip

        def empty_portfolio():
            archive.seek(0)
            return seeding.student(f"{PREFIX}import-{next(numbered)}").portfolio

        statements, timings = measure(
            lambda target: import_zip(target, archive), ARGS.import_rounds, before=empty_portfolio
        )
        report(f"{ARGS.items} items x {ARGS.item_files} files", statements, timings)
    seeding.delete_users(PREFIX)


if __name__ == "__main__":
    main()
