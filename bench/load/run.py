#!/usr/bin/env python3
"""Load and soak (`make load`; `make load LOAD_ARGS=--soak`): the real mix of users
(bench/load/locustfile.py) against two app servers as production runs them.

It starts the Procfile's processes — two `web` servers, a `worker` and `beat`, DEBUG=0 —
on a database of its own on DATABASE_URL's server (``<name>_load``, seeded once with the
demo data, ``--students`` students, and kept for the next run; ``--reseed`` seeds it again),
Redis database 8 (emptied) and files under var/load/. Then locust (headless, loopback only,
from the virtualenv `make load` makes: bench/load/requirements.txt) runs each user count of
``--users`` for ``--seconds``, and this prints, per endpoint: requests/s, p50/p95/p99 (ms)
and errors, and the largest user count at which every endpoint's p95 stays ≤ 500 ms.

``--soak``: ``--soak-minutes`` (15) at ``--soak-users`` (50), sampling every 30 s the web
servers' worker memory (RSS), their open file descriptors and the database's connections
(pg_stat_activity), and printing the curve and the growth from the second sample on.

``--short``: 10 users for 20 s (a check that the scenario runs, no figures to quote).
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.cluster import run as cluster  # noqa: E402

DEMO_PASSWORD = "portfolio-demo-2026"
P95_LIMIT_MS = 500
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/8")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="25,50,100", help="user counts, one run each")
    parser.add_argument("--seconds", type=int, default=90, help="length of each run")
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--warmup-seconds", type=int, default=20, help="10 users, not reported")
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--soak", action="store_true")
    parser.add_argument("--soak-users", type=int, default=50)
    parser.add_argument("--soak-minutes", type=float, default=15)
    parser.add_argument("--short", action="store_true")
    parser.add_argument("--locust", default=str(ROOT / ".venv-load" / "bin" / "locust"))
    args = parser.parse_args()
    if args.short:
        args.users, args.seconds, args.warmup_seconds = "10", 20, 5
    return args


def database_url() -> str:
    base = (
        os.environ.get("DATABASE_URL", "").strip() or "postgres://postgres@127.0.0.1:5432/portfolio"
    )
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_load"))


def query(url: str, sql: str, params=(), *, maintenance: bool = False) -> list[tuple]:
    """Rows of one statement on ``url``'s database (or the server's ``postgres`` database)."""
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres" if maintenance else parts.path.lstrip("/"),
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        connection.close()


def database_exists(url: str) -> bool:
    name = urlsplit(url).path.lstrip("/")
    return bool(
        query(url, "SELECT 1 FROM pg_database WHERE datname = %s", [name], maintenance=True)
    )


def connections_to(url: str) -> int:
    name = urlsplit(url).path.lstrip("/")
    sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
    return query(url, sql, [name], maintenance=True)[0][0]


def process_figures(pgid: int) -> list[tuple[int, int, int]]:
    """(pid, RSS in KB, open file descriptors) of every process in a process group."""
    figures = []
    for pid in cluster.group_members(pgid):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rss = int(
                next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))
            )
            fds = len(os.listdir(f"/proc/{pid}/fd"))
        except (OSError, StopIteration):
            continue
        figures.append((pid, rss, fds))
    return figures


class LoadRun:
    def __init__(self, args):
        self.args = args
        self.folder = ROOT / "var" / "load"
        self.logs = self.folder / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.db_url = database_url()
        self.procfile = cluster.read_procfile(ROOT / "Procfile")
        self.ports = {"A": cluster.free_port(), "B": cluster.free_port()}

    def setup(self) -> None:
        env = cluster.base_env(self.folder, self.db_url, REDIS_URL, 0, cluster.free_port())
        # Local files, mail kept in memory, the production limits (not the cluster test's).
        # gunicorn's own worker count (gunicorn.conf.py: 2 × cores + 1), as production has it.
        for name in [n for n in env if n.startswith(("S3_", "EMAIL_", "COMMENTS_", "OUTBOX_"))]:
            del env[name]
        del env["WEB_CONCURRENCY"]
        env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
        env["DEMO_PASSWORD"] = DEMO_PASSWORD
        self.cluster = cluster.Cluster(self.logs, env)
        cluster.redis_client(REDIS_URL).flushdb()
        name = cluster.database_name(self.db_url)
        fresh = self.args.reseed or not database_exists(self.db_url)
        if fresh:
            cluster.postgres(self.db_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cluster.postgres(self.db_url, f'CREATE DATABASE "{name}"')
        cluster.run_manage(env, "migrate", "--noinput", "-v0", timeout=600)
        cluster.run_manage(env, "collectstatic", "--noinput", "-v0")
        if fresh:
            cluster.log(f"seeding {self.args.students} demo students into {name} ...")
            cluster.run_manage(
                env, "seed_demo", "--students", str(self.args.students), "--force", timeout=1800
            )
        for server, port in self.ports.items():
            self.cluster.start(
                f"web-{server}",
                self.procfile["web"],
                BIND=f"127.0.0.1:{port}",
                PORT=str(port),
                GUNICORN_CMD_ARGS=f"--control-socket {self.logs / f'web-{server}.ctl'}",
            )
        self.cluster.start("worker", self.procfile["worker"])
        self.cluster.start("beat", self.procfile["beat"])
        for server, port in self.ports.items():
            cluster.wait_for(
                lambda port=port: self.healthy(port), timeout=120, what=f"web {server}"
            )
        cluster.log(
            f"two web servers on {list(self.ports.values())}, a worker and beat; database {name}"
        )

    @property
    def public(self) -> list[str]:
        """The slugs of the public portfolios: what anonymous visitors open."""
        rows = query(self.db_url, "SELECT slug FROM portfolios_portfolio WHERE visibility = 30")
        return [slug for (slug,) in rows]

    def healthy(self, port: int) -> bool:
        try:
            return cluster.Client().get(port, "/healthz", follow=False).status == 200
        except cluster.StepFailed:
            return False

    def locust(self, users: int, seconds: float, prefix: Path) -> list[dict]:
        servers = ",".join(f"http://127.0.0.1:{port}" for port in self.ports.values())
        command = [
            self.args.locust,
            "-f",
            str(ROOT / "bench/load/locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(self.args.spawn_rate),
            "-t",
            f"{int(seconds)}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
            "--host",
            servers.split(",")[0],
        ]
        env = {
            **os.environ,
            "LOAD_SERVERS": servers,
            "LOAD_PASSWORD": DEMO_PASSWORD,
            "LOAD_STUDENTS": str(min(self.args.students, 300)),
        }
        finished = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
        if not prefix.with_name(prefix.name + "_stats.csv").exists():
            raise SystemExit(
                f"locust failed:\n{finished.stdout[-3000:]}\n{finished.stderr[-3000:]}"
            )
        with prefix.with_name(prefix.name + "_stats.csv").open() as stats:
            return list(csv.DictReader(stats))

    def report(self, users: int, rows: list[dict]) -> tuple[bool, bool]:
        """Print one user count's table; whether every endpoint's p95 is within the limit,
        and whether every one but signing in is (a password check costs ~0.5 s of CPU by
        design: PBKDF2, which slows password guessing as much as it slows signing in)."""
        load = os.getloadavg()[0]
        print(f"\n{users} users (load average {load:.1f})")
        print(f"  {'endpoint':<44} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>7}")
        within = within_but_sign_in = True
        for row in rows:
            name = row["Name"] if row["Type"] else "all"
            if row["Name"] == "Aggregated":
                name = "ALL"
            p95 = float(row["95%"] or 0)
            if row["Name"] != "Aggregated" and p95 > P95_LIMIT_MS:
                within = False
                within_but_sign_in &= row["Name"] == "sign in"
            print(
                f"  {name[:44]:<44} {float(row['Requests/s']):6.1f} {float(row['50%'] or 0):6.0f} "
                f"{p95:6.0f} {float(row['99%'] or 0):6.0f} {row['Failure Count']:>7}"
            )
        return within, within_but_sign_in

    def soak(self) -> None:
        minutes, users = self.args.soak_minutes, self.args.soak_users
        samples: list[tuple[float, int, int, int]] = []
        stop = threading.Event()
        groups = [self.cluster.processes[f"web-{s}"].popen.pid for s in self.ports]

        def sample():
            started = time.monotonic()
            while not stop.is_set():
                figures = [f for pgid in groups for f in process_figures(pgid)]
                worst_rss = max((rss for _pid, rss, _fds in figures), default=0)
                fds = sum(f for _pid, _rss, f in figures)
                samples.append(
                    (time.monotonic() - started, worst_rss, fds, connections_to(self.db_url))
                )
                stop.wait(30)

        thread = threading.Thread(target=sample)
        thread.start()
        rows = self.locust(users, minutes * 60, self.logs / "soak")
        stop.set()
        thread.join()
        self.report(users, rows)
        print(f"\nsoak: {users} users for {minutes:g} minutes (every 30 s)")
        print(f"  {'minute':>6} {'worker RSS MB':>14} {'open fds':>9} {'db connections':>15}")
        for at, rss, fds, conns in samples:
            print(f"  {at / 60:6.1f} {rss / 1024:14.1f} {fds:9} {conns:15}")
        if len(samples) > 2:
            first, last = samples[1], samples[-1]
            growth = (last[1] - first[1]) / first[1] * 100
            print(
                f"  worker memory {first[1] / 1024:.0f} → {last[1] / 1024:.0f} MB "
                f"({growth:+.1f}%), fds {first[2]} → {last[2]}, connections {first[3]} → {last[3]}"
            )

    def run(self) -> int:
        if not Path(self.args.locust).exists():
            raise SystemExit(f"no locust at {self.args.locust}: run `make load` (it installs it)")
        try:
            self.setup()
            if self.args.soak:
                self.soak()
                return 0
            # Warm-up, not reported: every gunicorn worker loads the site on its first
            # request, and the caches start empty.
            self.locust(10, self.args.warmup_seconds, self.logs / "warm-up")
            passing, passing_but_sign_in = [], []
            for users in [int(n) for n in self.args.users.split(",")]:
                rows = self.locust(users, self.args.seconds, self.logs / f"users-{users}")
                within, within_but_sign_in = self.report(users, rows)
                if within:
                    passing.append(users)
                if within_but_sign_in:
                    passing_but_sign_in.append(users)
                errors = sum(
                    int(row["Failure Count"]) for row in rows if row["Name"] == "Aggregated"
                )
                if errors and self.args.short:
                    return 1
            print(
                f"\nlargest user count with every endpoint's p95 ≤ {P95_LIMIT_MS} ms: "
                f"{max(passing) if passing else 'none'}; every endpoint but signing in: "
                f"{max(passing_but_sign_in) if passing_but_sign_in else 'none'}"
            )
            return 0
        finally:
            if getattr(self, "cluster", None):
                self.cluster.stop_all()


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))  # stopped: the servers go too
    sys.exit(LoadRun(parse_args()).run())
