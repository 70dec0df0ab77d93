#!/usr/bin/env python3
"""The fault runs (`make faults`; CI runs `--short`): the site as production runs it (the
Procfile's two web servers and a worker, DEBUG=0), with a part failing under load. Each
run has its OWN PostgreSQL (the embedded server's binaries, in a temporary folder), its own
Redis (`redis-server` on a free port) and its own SMTP sink — never the machine's shared
services, which the faults stop.

  1. PostgreSQL stopped under load (10 s; --short: 4 s), then started. While it is down,
     every request answers within 2 s with the site's 503 page (no hang, no traceback);
     after it, both servers serve again within 5 s by themselves. Clients keep a log of the
     writes they saw acknowledged (a journal post saved: a redirect to its page); every one
     exists afterwards, and every post that exists is whole (its activity event, written in
     the same transaction, is there).
  2. Redis stopped under load, then started: public pages keep answering 200; signing in is
     refused with "Signing in is unavailable for a moment" (fails closed); afterwards sign-in
     works and the cache fills again.
  3. The worker killed (SIGKILL) while it sends an e-mail, then started: the e-mail arrives
     once (the cluster test's step, on these services).
  4. A web server killed while it stores uploads (at several moments), then started: no
     evidence row without its file; `manage.py storage_orphans` lists the files left behind
     and `--delete` removes them.

Exit status 0 only when every run passed. Figures (latencies, recovery times, counts) are
printed. Not collected by pytest: run `.venv/bin/python tests/faults/run.py [--short]`.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import secrets
import shutil
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.cluster import run as cluster  # noqa: E402
from tests.cluster.run import (  # noqa: E402
    PASSWORD,
    SEED,
    Client,
    StepFailed,
    check,
    find_form,
    free_port,
    log,
    run_manage,
    tiny_pdf,
    wait_for,
)

OUTAGE_ANSWER_SECONDS = 2.0  # while PostgreSQL is down, every request answers within this
RECOVERY_SECONDS = 5.0  # after it is back, both servers serve again within this
UNAVAILABLE = "unavailable for a moment"


@dataclass
class Attempt:
    kind: str  # "write" or "read"
    server: str
    started: float
    seconds: float
    status: int  # 0: no answer (connection refused or reset, or timed out)
    title: str = ""
    body: str = ""


class Load:
    """Client threads: each signed-in student thread saves journal posts with unique titles
    (the writes), each visitor thread reads the public page; every attempt is logged."""

    def __init__(self, run: FaultRun, *, writers: int, readers: int):
        self.run = run
        self.writers, self.readers = writers, readers
        self.attempts: list[Attempt] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def __enter__(self):
        for number in range(self.writers):
            client = Client()
            port = self.run.port_of(number)
            self.run.sign_in(client, port, self.run.seed["student"][0])
            form = find_form(client.get(port, "/portfolio/journal/new/"), field_name="title")
            self.threads.append(threading.Thread(target=self.write, args=(number, client, form)))
        for number in range(self.readers):
            self.threads.append(threading.Thread(target=self.read, args=(number,)))
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(60)

    def _attempt(self, kind, server, port, call, title=""):
        started = time.monotonic()
        try:
            response = call()
            status, body = response.status, response.text if response.status >= 500 else ""
            location = response.location
        except StepFailed as error:  # no answer at all
            status, body, location = 0, str(error), ""
        attempt = Attempt(kind, server, started, time.monotonic() - started, status, title, body)
        if kind == "write" and status == 302 and "/new/" in location:
            attempt.status = 303  # sent back to the form: not saved (marked, never acked)
        with self.lock:
            self.attempts.append(attempt)

    def write(self, number: int, client: Client, form) -> None:
        sequence = 0
        while not self.stopping.is_set():
            sequence += 1
            title = f"Fault {number}-{sequence} {secrets.token_hex(3)}"
            port = self.run.port_of(number + sequence)
            values = {"title": title, "body": f"Written under load, {title}."}
            send = lambda p=port, v=values: client.submit(p, form, values=v)  # noqa: E731
            self._attempt("write", self.run.name_of(port), port, send, title)
            time.sleep(0.05)

    def read(self, number: int) -> None:
        client, sequence = Client(), 0
        path = f"/p/{self.run.seed['slug']}/"
        while not self.stopping.is_set():
            sequence += 1
            port = self.run.port_of(number + sequence)
            self._attempt("read", self.run.name_of(port), port,
                          lambda p=port: client.get(p, path, follow=False))  # fmt: skip
            time.sleep(0.05)

    def between(self, start: float, end: float, kind: str | None = None) -> list[Attempt]:
        with self.lock:
            return [a for a in self.attempts
                    if start <= a.started <= end and (kind is None or a.kind == kind)]  # fmt: skip


def noisy_photo(seed: int) -> bytes:
    """A 3000×2200 JPEG of noise (about 4 MB): as slow to check and resize as a real photo."""
    import io

    from PIL import Image

    image = Image.effect_noise((3000, 2200), 40 + seed).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


class FaultRun(cluster.Run):
    """The cluster test's processes and steps, on services of the run's own."""

    def __init__(self, args):
        super().__init__(args)
        self.folder.chmod(0o755)  # the embedded server runs as its own user when we are root
        self.pgdata = self.folder / "pgdata"
        self.redis_port = free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.figures: dict[str, str] = {}

    # --- Private services ------------------------------------------------------------------

    def postgres_start(self) -> str:
        from portfolio_site import embedded_db

        server = embedded_db.start(self.pgdata)
        return str(server.get_postmaster_info().socket_dir)

    def postgres_stop(self) -> None:
        from portfolio_site import embedded_db

        check(embedded_db.stop_folder(self.pgdata), "the private PostgreSQL was not running")

    def redis_command(self) -> str:
        redis_server = shutil.which("redis-server")
        check(redis_server, "redis-server is not installed (apt-get install redis-server)")
        return (f"{redis_server} --port {self.redis_port} --bind 127.0.0.1 --save '' "
                "--appendonly no --protected-mode yes")  # fmt: skip

    def query(self, sql: str, params=()) -> list[tuple]:
        import psycopg2

        connection = psycopg2.connect(dbname="portfolio", user="postgres", host=self.socket_dir)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            connection.close()

    def port_of(self, number: int) -> int:
        return self.ports["AB"[number % 2]]

    def name_of(self, port: int) -> str:
        return next(name for name, value in self.ports.items() if value == port)

    # --- Setting up and tearing down ------------------------------------------------------

    def setup(self) -> None:
        log(f"logs and data in {self.folder}")
        self.socket_dir = self.postgres_start()
        self.db_url = f"postgres://postgres@/portfolio?host={self.socket_dir}"
        from portfolio_site import embedded_db

        embedded_db._create_database(self.socket_dir)
        smtp_port = free_port()
        self.ports = {"A": free_port(), "B": free_port()}
        env = cluster.base_env(self.folder, self.db_url, self.redis_url, 0, smtp_port)
        for name in [name for name in env if name.startswith("S3_")]:
            del env[name]  # files in the run's own folder, shared by both servers
        self.cluster = cluster.Cluster(self.folder, env)

        from aiosmtpd.controller import Controller

        self.sink = cluster.SmtpSink(self.cluster.groups)
        self.sink.port = smtp_port
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=smtp_port)
        self.controller.start()
        self.cluster.start("redis", self.redis_command())
        wait_for(self.redis_answers, timeout=20, what="the private Redis")
        run_manage(env, "migrate", "--noinput", "-v0")
        run_manage(env, "collectstatic", "--noinput", "-v0")
        log("private PostgreSQL and Redis up; migrated, static files collected")
        for server, port in self.ports.items():
            self.start_web(server, port)
        self.cluster.start("worker", self.procfile["worker"])
        self.cluster.start("beat", self.procfile["beat"])  # the worker's heartbeat: /healthz
        seeded = run_manage(env, "shell", "-c", SEED.format(password=PASSWORD))
        self.seed = json.loads(seeded.split("CLUSTER_SEED ", 1)[1])
        for server, port in self.ports.items():
            wait_for(lambda port=port: self.healthy(port), timeout=90, what=f"web {server}")
        self.wait_worker_ready("worker")
        log("two web servers and a worker ready")

    def start_web(self, server: str, port: int) -> None:
        self.cluster.start(
            f"web-{server}",
            self.procfile["web"],
            BIND=f"127.0.0.1:{port}",
            PORT=str(port),
            GUNICORN_CMD_ARGS=f"--control-socket {self.folder / f'web-{server}.ctl'}",
        )

    def redis_answers(self) -> bool:
        try:
            return cluster.redis_client(self.redis_url).ping()
        except Exception:  # noqa: BLE001 - not yet
            return False

    def healthy(self, port: int):
        try:
            response = Client().get(port, "/healthz", follow=False)
        except StepFailed:
            return None
        return response.text if response.status == 200 else None

    def teardown(self, failed: bool) -> None:
        if self.cluster:
            self.cluster.stop_all()
        if self.controller is not None:
            self.controller.stop()
        from portfolio_site import embedded_db

        if (self.pgdata / "postmaster.pid").exists():
            embedded_db.stop_folder(self.pgdata)
        if failed:
            for path in sorted(self.folder.glob("*.log")):
                lines = path.read_text(errors="replace").splitlines()
                print(f"\n----- {path.name} (last 40 of {len(lines)} lines) -----")
                print("\n".join(lines[-40:]))
            print(f"\nlogs kept in {self.folder}")
        else:
            shutil.rmtree(self.folder, ignore_errors=True)

    # --- 1. PostgreSQL down -----------------------------------------------------------------

    def step_postgres_down(self) -> str:
        outage = 4.0 if self.args.short else 10.0
        with Load(self, writers=4, readers=4) as load:
            time.sleep(3)
            stopping = time.monotonic()
            self.postgres_stop()
            down_at = time.monotonic()
            time.sleep(outage)
            up_at = time.monotonic()
            self.postgres_start()
            started_at = time.monotonic()
            recovered = {}
            for server, port in self.ports.items():
                wait_for(lambda port=port: self.serves(port), timeout=30,
                         what=f"web {server} to serve again")  # fmt: skip
                recovered[server] = time.monotonic() - started_at
            time.sleep(3)
        during = load.between(down_at + 0.5, up_at - 0.5)
        check(during, "no request was made while PostgreSQL was down")
        slowest = max(a.seconds for a in during)
        check(
            slowest <= OUTAGE_ANSWER_SECONDS,
            f"a request took {slowest:.1f} s during the outage (at most {OUTAGE_ANSWER_SECONDS})",
        )
        wrong = [a for a in during if a.status != 503 or UNAVAILABLE not in a.body]
        check(not wrong, f"{len(wrong)} of {len(during)} requests during the outage were not "
                         f"the 503 page: {sorted({a.status for a in wrong})}")  # fmt: skip
        check(not any("Traceback" in a.body for a in during), "a traceback was shown")
        check(max(recovered.values()) <= RECOVERY_SECONDS,
              f"serving again took {recovered} s after PostgreSQL was back")  # fmt: skip
        writes = [a for a in load.attempts if a.kind == "write"]
        acked = {a.title for a in writes if a.status == 302}
        refused = {a.title for a in writes if a.status != 302}
        rows = dict(self.query(
            "SELECT p.title, EXISTS (SELECT 1 FROM analytics_activityevent e "
            "WHERE e.object_id = p.id AND e.kind = 'post_created') "
            "FROM journal_post p WHERE p.title LIKE 'Fault %%'"))  # fmt: skip
        lost = acked - set(rows)
        check(not lost, f"{len(lost)} acknowledged write(s) are missing: {sorted(lost)[:3]}")
        half = [title for title, whole in rows.items() if not whole]
        check(not half, f"{len(half)} post(s) exist without their activity event: {half[:3]}")
        committed_anyway = refused & set(rows)
        answers = [a.seconds for a in during]
        self.figures["postgres"] = (
            f"outage {up_at - stopping:.1f} s: {len(during)} requests answered 503 in "
            f"p50 {percentile(answers, 0.5) * 1000:.0f} ms, max {max(answers) * 1000:.0f} ms; "
            f"serving again after {max(recovered.values()):.1f} s; {len(writes)} writes, "
            f"{len(acked)} acknowledged (all there), {len(refused)} refused "
            f"({len(committed_anyway)} of them committed whole before the failure)"
        )
        return self.figures["postgres"]

    def serves(self, port: int) -> bool:
        try:
            return Client().get(port, f"/p/{self.seed['slug']}/", follow=False).status == 200
        except StepFailed:
            return False

    # --- 2. Redis down ----------------------------------------------------------------------

    def try_sign_in(self, port: int) -> tuple[int, str]:
        client = Client()
        form = find_form(client.get(port, "/accounts/login/"), field_name="password")
        response = client.submit(port, form, values={"username": self.seed["student"][0],
                                                     "password": PASSWORD})  # fmt: skip
        return response.status, response.text

    def step_redis_down(self) -> str:
        with Load(self, writers=0, readers=4) as load:
            time.sleep(2)
            self.cluster.stop("redis")
            down_at = time.monotonic()
            time.sleep(2)
            refusals = [self.try_sign_in(port) for port in self.ports.values()]
            time.sleep(2)
            up_at = time.monotonic()
            self.cluster.start("redis", self.redis_command())
            wait_for(self.redis_answers, timeout=20, what="Redis to start again")
            time.sleep(6)  # each process leaves Redis alone 5 s after a failure
        during = load.between(down_at, up_at, "read")
        check(during, "no page was read while Redis was down")
        failed = [a for a in during if a.status != 200]
        check(not failed, f"{len(failed)} of {len(during)} page reads failed while Redis was "
                          f"down: {sorted({a.status for a in failed})}")  # fmt: skip
        for status, text in refusals:
            check(status == 503 and "Signing in is unavailable for a moment" in text,
                  f"signing in while Redis was down answered {status}")  # fmt: skip
        after = [self.try_sign_in(port)[0] for port in self.ports.values()]
        check(after == [302, 302], f"signing in after Redis was back answered {after}")
        Client().get(self.ports["A"], f"/p/{self.seed['slug']}/")
        keys = cluster.redis_client(self.redis_url).dbsize()
        check(keys > 0, "nothing is cached in Redis after it came back")
        reads = [a.seconds for a in during]
        self.figures["redis"] = (
            f"{len(during)} page reads while down, all 200 (p50 "
            f"{percentile(reads, 0.5) * 1000:.0f} ms, p95 {percentile(reads, 0.95) * 1000:.0f} "
            f"ms); sign-in refused on both servers (503), works again after; {keys} keys cached"
        )
        return self.figures["redis"]

    # --- 4. A web server killed mid-upload ------------------------------------------------

    def step_web_killed_mid_upload(self) -> str:
        student = Client()
        port = self.ports["A"]
        self.sign_in(student, port, self.seed["student"][0])
        edit = f"/portfolio/achievements/{self.seed['achievement']}/edit/"
        # Photos that take the server a while to check and resize, and a PDF: a kill lands
        # while it reads them, while it stores them, or while it saves their rows.
        attempts = iter(range(100))

        def files() -> list:
            """New files each time: the same file twice would not be stored twice."""
            attempt = next(attempts)
            photos = [(f"photo-{n}.jpg", noisy_photo(attempt * 10 + n)) for n in range(5)]
            return [("files", name, "image/jpeg", data) for name, data in photos] + [
                ("files", "scan.pdf", "application/pdf", tiny_pdf(f"Upload {attempt} " * 200))
            ]

        def upload(result: dict, chosen: list) -> None:
            form = find_form(
                student.get(port, edit), action_part=f"{edit.removesuffix('edit/')}evidence/"
            )
            started = time.monotonic()
            try:
                result["status"] = student.submit(port, form, files=chosen).status
            except StepFailed:
                result["status"] = 0
            result["seconds"] = time.monotonic() - started

        # How long a whole upload takes here; the kills land at shares of it, the last ones
        # while the files are being stored, before their rows are committed.
        whole: dict = {}
        upload(whole, files())
        check(whole["status"] == 302, f"an upload without a kill answered {whole['status']}")
        shares = (0.3, 0.9, 0.97) if self.args.short else (0.1, 0.3, 0.6, 0.8, 0.9, 0.95, 0.98)
        delays = [share * whole["seconds"] for share in shares]
        outcomes = []
        for delay in delays:
            result: dict = {}
            thread = threading.Thread(target=upload, args=(result, files()))
            thread.start()
            time.sleep(delay + 0.05)  # the form's GET first
            self.cluster.kill("web-A")
            thread.join(30)
            outcomes.append(result.get("status", 0))
            self.start_web("A", port)
            wait_for(lambda: self.healthy(port), timeout=90, what="web A after its restart")
        media = self.folder / "var" / "media"
        stored = {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}
        rows = self.query("SELECT file, display_file, thumbnail_file FROM achievements_evidence "
                          "WHERE file <> ''")  # fmt: skip
        named = {name for row in rows for name in row if name}
        check(named <= stored, f"evidence rows name missing files: {sorted(named - stored)[:3]}")
        listed = run_manage(self.cluster.env, "storage_orphans", "--older-than-hours", "0")
        orphans = [line for line in listed.splitlines() if line.startswith("evidence/")]
        unnamed = {name for name in stored - named if name.startswith("evidence/")}
        check(
            set(orphans) == unnamed,
            f"storage_orphans listed {len(orphans)} files; {len(unnamed)} have no row",
        )
        run_manage(self.cluster.env, "storage_orphans", "--older-than-hours", "0", "--delete")
        left = {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}
        check(not (left & set(orphans)), "storage_orphans --delete left orphans behind")
        check(named <= left, "storage_orphans --delete removed a file a row names")
        self.figures["upload"] = (
            f"an upload takes {whole['seconds']:.1f} s; killed at "
            f"{', '.join(f'{d * 1000:.0f} ms' for d in delays)}: answers {outcomes}; "
            f"{len(rows)} evidence row(s), every file there; {len(orphans)} orphan(s) listed "
            "and deleted"
        )
        return self.figures["upload"]

    def run(self) -> bool:
        failed = True
        try:
            self.setup()
            self.step(1, "PostgreSQL stopped under load, then started", self.step_postgres_down)
            self.step(2, "Redis stopped under load, then started", self.step_redis_down)
            self.step(3, "worker killed mid-task: one e-mail after its restart",
                      self.step_worker_killed)  # fmt: skip
            self.step(4, "web server killed mid-upload", self.step_web_killed_mid_upload)
            failed = not all(ok for _, ok, _, _ in self.results)
        except Exception as error:  # noqa: BLE001 - reported like a failed step
            log(f"setting up FAILED: {error}")
        finally:
            self.teardown(failed)
        print()
        for title, ok, elapsed, detail in self.results:
            print(f"  {'ok  ' if ok else 'FAIL'} {elapsed:5.1f}s  {title}: {detail}")
        passed = sum(1 for _, ok, _, _ in self.results if ok)
        print(f"faults: {passed} of 4 passed in {time.monotonic() - cluster.START:.0f}s "
              f"(load average {os.getloadavg()[0]:.1f})")  # fmt: skip
        return not failed and passed == 4


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="the shorter form CI runs")
    parser.add_argument("--procfile", default=str(ROOT / "Procfile"))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    run = FaultRun(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    atexit.register(lambda: run.cluster and run.cluster.stop_all())
    return 0 if run.run() else 1


if __name__ == "__main__":
    sys.exit(main())
