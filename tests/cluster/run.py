#!/usr/bin/env python3
"""The cluster test (`make cluster-test`, also run by CI): the site as production runs it,
as several processes sharing only PostgreSQL, Redis and S3, driven over real HTTP.

It starts the processes of the Procfile exactly as written there (README.md, "Running in
production"): two `web` instances on two ports, one `worker` and one `beat`, with DEBUG=0,
a database of its own (created, migrated and dropped again), Redis database 9 (emptied at
start and end), a local S3 server (moto) and an SMTP sink in this process that records
which process sent each message. Then, with a cookie-keeping HTTP client that plays the
TLS-terminating proxy (it sends ``X-Forwarded-Proto: https``, as the proxy in front of
production does, so secure cookies and the HTTPS redirect stay on):

  1. sign in on A, continue on B with the same session cookie;
  2. upload evidence on A, download it on B (a redirect to a signed S3 URL, followed);
  3. warm B's cached public page, edit on A, see the change on B at once;
  4. post comments alternating A and B: the first COMMENTS_PER_MINUTE are kept, the next
     one is refused, whichever server it reaches;
  5. a password-reset e-mail arrives, sent by the worker process (not a web process);
  6. the worker is killed (SIGKILL) while it sends a reset e-mail (the sink holds the
     message's DATA), started again, and the e-mail arrives exactly once.

Every process writes to a log file in a temporary folder, printed (tails) on failure and
kept then; processes are stopped by process group whatever happens. Exit status 0 only
when every step passed. Not collected by pytest (no test_ prefix): run it as
`.venv/bin/python tests/cluster/run.py` (needs PostgreSQL and Redis on the machine).

Environment: CLUSTER_DATABASE_URL (default: DATABASE_URL's server, its database name
with ``_cluster`` added, else postgres://postgres@127.0.0.1:5432/portfolio_cluster),
CLUSTER_REDIS_URL (default redis://127.0.0.1:6379/9).
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import email
import email.policy
import http.client
import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
COMMENTS_PER_MINUTE = 3
# Redis redelivers a task that was taken but never acknowledged (its worker was killed)
# after this many seconds; production keeps an hour (settings), the test cannot wait that.
VISIBILITY_TIMEOUT = 6
# A worker holds an outbox row this long while it sends it (settings: 5 minutes); a killed
# worker's e-mail is sent again once it runs out, which the test cannot wait 5 minutes for.
OUTBOX_LEASE = 8
PASSWORD = "Cluster-Test-Passw0rd-" + secrets.token_hex(4)
START = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - START:6.1f}s] {message}", flush=True)


class StepFailed(Exception):
    pass


def check(condition, message: str) -> None:
    if not condition:
        raise StepFailed(message)


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.2):
    """``predicate()``'s first truthy value within ``timeout`` seconds, else a failure."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise StepFailed(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Processes ----------------------------------------------------------------------------


def read_procfile(path: Path) -> dict[str, str]:
    """``name: command`` lines of a Procfile."""
    if not path.exists():
        raise SystemExit(f"cluster-test: {path} is missing (the web, worker and beat commands).")
    commands = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and ":" in line:
            name, command = line.split(":", 1)
            commands[name.strip()] = command.strip()
    missing = {"web", "worker", "beat"} - set(commands)
    if missing:
        raise SystemExit(f"cluster-test: {path} has no {', '.join(sorted(missing))} line.")
    return commands


@dataclass
class Process:
    name: str
    command: str
    log_path: Path
    popen: subprocess.Popen

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None


class Cluster:
    """The processes this run started, each in a process group of its own (so a worker's
    pool and gunicorn's workers go with them), and their logs."""

    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder = folder
        self.env = env
        self.processes: dict[str, Process] = {}
        self.generation: dict[str, int] = {}

    def start(self, name: str, command: str, **extra_env: str) -> Process:
        number = self.generation.get(name, 0) + 1
        self.generation[name] = number
        log_path = self.folder / (f"{name}.log" if number == 1 else f"{name}-{number}.log")
        handle = open(log_path, "ab")  # noqa: SIM115 - the child keeps it
        popen = subprocess.Popen(
            ["/bin/sh", "-c", f"exec {command}"],
            cwd=ROOT,
            env={**self.env, **extra_env},
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        process = Process(name, command, log_path, popen)
        self.processes[name] = process
        return process

    def signal(self, name: str, signum: int) -> None:
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.popen.pid, signum)

    def stop(self, name: str, *, timeout: float = 15) -> int | None:
        """SIGTERM to the group, SIGKILL if it is still there after ``timeout``."""
        process = self.processes[name]
        self.signal(name, signal.SIGTERM)
        try:
            return process.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal(name, signal.SIGKILL)
            process.popen.wait(5)
            return None

    def kill(self, name: str) -> None:
        self.signal(name, signal.SIGKILL)
        self.processes[name].popen.wait(10)
        # A pool child may outlive its parent for a moment: the whole group must be gone.
        wait_for(
            lambda: not group_members(self.processes[name].popen.pid),
            timeout=10,
            what=f"every process of {name} to exit",
        )

    def stop_all(self) -> None:
        for name, process in list(self.processes.items()):
            if process.alive or group_members(process.popen.pid):
                self.stop(name, timeout=10)

    def groups(self) -> dict[int, str]:
        return {process.popen.pid: name for name, process in self.processes.items()}

    def check_alive(self, *names: str) -> None:
        for name in names or self.processes:
            process = self.processes[name]
            check(
                process.alive,
                f"{name} exited with status {process.popen.returncode} (see {process.log_path})",
            )

    def log_text(self, name: str) -> str:
        return self.processes[name].log_path.read_text(errors="replace")


def proc_stat(pid: str) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw.rsplit(")", 1)[1].split()  # state, ppid, pgrp, ...


def group_members(pgid: int) -> list[int]:
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = proc_stat(entry)
            if stat and int(stat[2]) == pgid and stat[0] != "Z":
                members.append(int(entry))
    return members


def socket_owner_group(local_port: int, remote_port: int, groups: dict[int, str]) -> str:
    """Which of our processes holds the loopback TCP connection from ``local_port`` to
    ``remote_port``: the name of its process group, or "unknown"."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            local, remote = parts[1], parts[2]
            if (
                int(local.rsplit(":", 1)[1], 16) == local_port
                and int(remote.rsplit(":", 1)[1], 16) == remote_port
            ):
                inode = parts[9]
                break
        if inode:
            break
    if not inode:
        return "unknown"
    target = f"socket:[{inode}]"
    for entry in os.listdir("/proc"):
        stat = proc_stat(entry) if entry.isdigit() else None
        if not stat or int(stat[2]) not in groups:
            continue
        try:
            for fd in os.listdir(f"/proc/{entry}/fd"):
                if os.readlink(f"/proc/{entry}/fd/{fd}") == target:
                    return groups[int(stat[2])]
        except OSError:
            continue
    return "unknown"


# --- The SMTP sink ------------------------------------------------------------------------


@dataclass
class Mail:
    to: list[str]
    subject: str
    text: str
    sender_process: str
    received_at: float = field(default_factory=time.monotonic)


class SmtpSink:
    """aiosmtpd handler: records every message with the process that sent it. The next
    reset e-mail for an address in ``hold`` is held at DATA (not yet answered) until the
    connection drops: its sender died before the message was accepted, so, as SMTP has it,
    it is not delivered."""

    def __init__(self, groups):
        self.groups = groups
        self.lock = threading.Lock()
        self.delivered: list[Mail] = []
        self.dropped: list[Mail] = []
        self.hold: set[str] = set()
        self.holding = threading.Event()
        self.held: Mail | None = None
        self.port = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain", "html"))
        mail = Mail(
            to=[address.lower() for address in envelope.rcpt_tos],
            subject=str(message.get("Subject", "")),
            text=body.get_content() if body is not None else "",
            sender_process=socket_owner_group(session.peer[1], self.port, self.groups()),
        )
        with self.lock:
            held = self.hold.intersection(mail.to) if RESET_PATH.search(mail.text) else set()
            self.hold -= held
        if held:
            self.held = mail
            self.holding.set()
            try:
                await asyncio.sleep(120)
            except asyncio.CancelledError:
                with self.lock:
                    self.dropped.append(mail)
                raise
            return "451 Held too long"
        with self.lock:
            self.delivered.append(mail)
        return "250 Message accepted for delivery"

    def resets_to(self, address: str) -> list[Mail]:
        with self.lock:
            return [m for m in self.delivered if address in m.to and RESET_PATH.search(m.text)]


RESET_PATH = re.compile(r"/accounts/password/reset/[^/\s]+/[^/\s]+/")


# --- HTTP: a client with one cookie jar for both servers ------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    path: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Client:
    """A browser's worth of HTTP: cookies (not scoped by port, as browsers do not scope
    them), CSRF tokens from the forms, redirects on the same server, and the proxy's
    ``X-Forwarded-Proto: https`` on every request."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(
        self,
        port: int,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        content_type: str = "",
        follow: bool = False,
    ) -> Response:
        for _ in range(10):
            response = self._once(port, method, path, body, content_type)
            if not (follow and response.status in (301, 302, 303, 307, 308)):
                return response
            target = urlsplit(response.location)
            if target.netloc and target.hostname not in ("127.0.0.1", "localhost"):
                return response
            path = urlunsplit(("", "", target.path or path, target.query, ""))
            method, body, content_type = "GET", None, ""
        raise StepFailed(f"too many redirects from {path}")

    def _once(self, port, method, path, body, content_type) -> Response:
        origin = f"https://127.0.0.1:{port}"
        headers = {
            "X-Forwarded-Proto": "https",
            "Accept-Language": "en",
            "User-Agent": "cluster-test",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers.update(
                {"Origin": origin, "Referer": origin + path, "Content-Type": content_type}
            )
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read(), path)
        except OSError as error:
            raise StepFailed(f"{method} {path} on :{port} failed: {error}") from error
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, port: int, path: str, *, follow: bool = True) -> Response:
        return self.request(port, "GET", path, follow=follow)

    def submit(self, port: int, form: Form, *, values=None, files=None) -> Response:
        """POST ``form`` as a browser would (its own fields, changed by ``values``)."""
        fields = [(n, v) for n, v in form.fields if n not in (values or {})]
        fields += list((values or {}).items())
        if form.multipart or files:
            boundary = "cluster" + uuid.uuid4().hex
            body = multipart(fields, files or [], boundary)
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request(port, "POST", form.action, body=body, content_type=content_type)


def multipart(fields, files, boundary: str) -> bytes:
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, filename, content_type, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


@dataclass
class Form:
    action: str
    multipart: bool
    fields: list[tuple[str, str]] = field(default_factory=list)  # what a browser sends
    all_names: set[str] = field(default_factory=set)  # every field, file inputs included


class FormParser(HTMLParser):
    """The POST forms of a page with the values a browser would send unchanged."""

    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.textarea: str | None = None
        self.text = ""
        self.select: str | None = None
        self.multiple = False
        self.options: list[tuple[str, bool]] = []
        self.option: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.form = Form(
                action=a.get("action") or self.page_path,
                multipart=a.get("enctype", "") == "multipart/form-data",
            )
        elif self.form is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            self.form.all_names.add(a["name"])
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("file", "submit", "button", "reset", "image"):
                self.form.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self.form.all_names.add(a["name"])
            self.textarea, self.text = a["name"], ""
        elif tag == "select" and a.get("name"):
            self.form.all_names.add(a["name"])
            self.select, self.options = a["name"], []
            self.multiple = "multiple" in a
        elif tag == "option" and self.select:
            self.option = [a.get("value"), "selected" in a, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.text += data
        if self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            self.form.fields.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None
        elif tag == "option" and self.option is not None:
            value, selected, label = self.option
            self.options.append((label.strip() if value is None else value, selected))
            self.option = None
        elif tag == "select" and self.select:
            chosen = [v for v, selected in self.options if selected]
            if not chosen and self.options and not self.multiple:
                chosen = [self.options[0][0]]
            self.form.fields.extend((self.select, v) for v in chosen)
            self.select = None
        elif tag == "form" and self.form is not None:
            self.forms.append(self.form)
            self.form = None


def find_form(
    page: Response, *, field_name: str = "", action_part: str = "", action: str = ""
) -> Form:
    parser = FormParser(page.path)
    parser.feed(page.text)
    for form in parser.forms:
        if field_name and field_name not in form.all_names:
            continue
        if action_part and action_part not in form.action:
            continue
        if action and form.action != action:
            continue
        return form
    raise StepFailed(
        f"no form with {field_name or action_part or action!r} on {page.path} "
        f"(status {page.status})"
    )


def fetch_url(url: str) -> Response:
    """A plain GET of an absolute http URL (the signed S3 URL), no cookies."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
    try:
        connection.request("GET", urlunsplit(("", "", parts.path, parts.query, "")))
        raw = connection.getresponse()
        return Response(raw.status, raw.headers, raw.read(), parts.path)
    finally:
        connection.close()


def tiny_pdf(text: str) -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# --- Setting up: database, Redis, S3, the processes' environment ---------------------------


def database_url() -> str:
    if os.environ.get("CLUSTER_DATABASE_URL"):
        return os.environ["CLUSTER_DATABASE_URL"]
    base = os.environ.get("DATABASE_URL", "").strip()
    if not base:
        return "postgres://postgres@127.0.0.1:5432/portfolio_cluster"
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_cluster"))


def postgres(url: str, statement: str) -> None:
    """One statement in the server's maintenance database (CREATE / DROP DATABASE)."""
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    check(re.fullmatch(r"[A-Za-z0-9_]+", name), f"unexpected database name {name!r}")
    return name


def redis_client(url: str):
    import redis

    return redis.Redis.from_url(url)


SEED = """
import json
from accounts import services as accounts
from accounts.models import Role
from achievements.services import achievement_create
from demo.accounts import seed_cohorts, seed_programs
from portfolios.models import Category, Visibility
from portfolios.services import portfolio_get_or_create, portfolio_update

password = {password!r}
program = sorted(seed_programs().values(), key=lambda p: p.code)[0]
student = accounts.user_create(
    username="clusterstudent", email="clusterstudent@example.edu", role=Role.STUDENT,
    password=password, first_name="Cluster", last_name="Student",
    program=program, cohort=seed_cohorts()[0],
)
supervisor = accounts.user_create(
    username="clustersupervisor", email="clustersupervisor@example.edu",
    role=Role.SUPERVISOR, password=password, first_name="Cluster", last_name="Supervisor",
)
accounts.supervisor_assign(supervisor=supervisor, student=student)
portfolio = portfolio_get_or_create(student=student)
portfolio_update(portfolio=portfolio, skills=["Testing"], headline="Runs on two servers",
                 visibility=Visibility.PUBLIC, default_visibility=Visibility.PUBLIC)
achievement = achievement_create(
    portfolio=portfolio, category=Category.objects.get(code="certificates"),
    title="Cluster certificate", visibility=Visibility.PUBLIC,
)
print("CLUSTER_SEED " + json.dumps({{
    "slug": portfolio.slug, "achievement": achievement.pk,
    "student": [student.username, student.email],
    "supervisor": [supervisor.username, supervisor.email],
}}))
"""


def run_manage(env, *args, timeout=180) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        raise StepFailed(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def base_env(folder: Path, db_url: str, redis_url: str, s3_port: int, smtp_port: int):
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TERM")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env["PATH"] = f"{Path(PYTHON).parent}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": db_url,
            "REDIS_URL": redis_url,
            "VAR_DIR": str(folder / "var"),
            "S3_BUCKET": "cluster-test",
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
            "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY_ID": "cluster-test",
            "S3_SECRET_ACCESS_KEY": "cluster-test-secret",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_USE_SSL": "0",
            "DEFAULT_FROM_EMAIL": "Cluster test <noreply@example.edu>",
            "COMMENTS_PER_MINUTE": str(COMMENTS_PER_MINUTE),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "OUTBOX_LEASE_SECONDS": str(OUTBOX_LEASE),
            # One process per server: two servers are the point; more processes would only
            # add cold starts.
            "WEB_CONCURRENCY": "1",
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "INFO",
        }
    )
    return env


# --- The run --------------------------------------------------------------------------------


class Run:
    def __init__(self, args):
        self.args = args
        self.folder = Path(tempfile.mkdtemp(prefix="cluster-test-"))
        self.procfile = read_procfile(Path(args.procfile))
        self.db_url = database_url()
        self.redis_url = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/9")
        self.cluster: Cluster | None = None
        self.controller = None
        self.db_created = False
        self.results: list[tuple[str, bool, float, str]] = []
        self.seed: dict = {}
        self.ports: dict[str, int] = {}

    # Setting up and tearing down

    def setup(self) -> None:
        log(f"logs and data in {self.folder}")
        s3_port, smtp_port = free_port(), free_port()
        self.ports = {"A": free_port(), "B": free_port()}
        env = base_env(self.folder, self.db_url, self.redis_url, s3_port, smtp_port)
        self.cluster = Cluster(self.folder, env)
        groups = self.cluster.groups

        from aiosmtpd.controller import Controller

        self.sink = SmtpSink(groups)
        self.sink.port = smtp_port
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=smtp_port)
        self.controller.start()

        self.cluster.start("s3", f"{shlex.quote(PYTHON)} -m moto.server -H 127.0.0.1 -p {s3_port}")
        redis = redis_client(self.redis_url)
        redis.flushdb()
        name = database_name(self.db_url)
        postgres(self.db_url, f'DROP DATABASE IF EXISTS "{name}"')
        postgres(self.db_url, f'CREATE DATABASE "{name}"')
        self.db_created = True
        log(f"database {name} created; Redis {self.redis_url} emptied")

        # Migrations and the static files (DEBUG=0 serves the hashed copies) side by side.
        static = subprocess.Popen(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        run_manage(env, "migrate", "--noinput", "-v0")
        output = static.communicate(timeout=180)[0]
        check(static.returncode == 0, f"collectstatic failed:\n{output}")
        log("migrated, static files collected")

        wait_for(lambda: fetch_ok(f"http://127.0.0.1:{s3_port}/"), timeout=30, what="the S3 server")
        import boto3

        boto3.client(
            "s3",
            endpoint_url=env["S3_ENDPOINT_URL"],
            region_name=env["S3_REGION"],
            aws_access_key_id=env["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
        ).create_bucket(Bucket=env["S3_BUCKET"])

        # The processes boot while the data is seeded.
        procfile = self.procfile
        for server, port in self.ports.items():
            self.cluster.start(
                f"web-{server}",
                procfile["web"],
                BIND=f"127.0.0.1:{port}",
                PORT=str(port),
                # gunicorn's control socket is one path per user (~/.gunicorn) by default:
                # each instance gets its own, and a developer's own gunicorn is left alone.
                GUNICORN_CMD_ARGS=f"--control-socket {self.folder / f'web-{server}.ctl'}",
            )
        self.cluster.start("worker", procfile["worker"])
        self.cluster.start("beat", procfile["beat"])
        seeded = run_manage(env, "shell", "-c", SEED.format(password=PASSWORD))
        self.seed = json.loads(seeded.split("CLUSTER_SEED ", 1)[1])
        log(f"seeded: {self.seed}")
        for server, port in self.ports.items():
            health = wait_for(
                lambda port=port: self.healthy(port),
                timeout=90,
                what=f"/healthz on {server} (:{port})",
            )
            log(f"web {server} on :{port} ready: /healthz {health}")
        self.wait_worker_ready("worker")
        wait_for(
            lambda: "Starting" in self.cluster.log_text("beat"), timeout=60, what="beat to start"
        )
        self.cluster.check_alive()
        log("worker and beat running")

    def healthy(self, port: int):
        self.cluster.check_alive()
        try:
            response = Client().get(port, "/healthz", follow=False)
        except StepFailed:
            return None
        return response.text if response.status == 200 else None

    def wait_worker_ready(self, name: str) -> None:
        wait_for(
            lambda: (
                self.cluster.check_alive(name)
                or re.search(r"\bready\.", self.cluster.log_text(name))
            ),
            timeout=90,
            what=f"{name} to be ready",
        )

    def teardown(self, failed: bool) -> None:
        if self.cluster:
            for name in ("beat", "worker", "web-A", "web-B"):
                if name in self.cluster.processes and self.cluster.processes[name].alive:
                    status = self.cluster.stop(name)
                    if status is None:
                        log(f"{name} did not stop within 15s of SIGTERM: killed")
            self.cluster.stop_all()
        if self.controller is not None:
            self.controller.stop()
        if self.db_created:
            try:
                postgres(
                    self.db_url,
                    f'DROP DATABASE IF EXISTS "{database_name(self.db_url)}" WITH (FORCE)',
                )
                redis_client(self.redis_url).flushdb()
            except Exception as error:  # noqa: BLE001 - report, the run's verdict stands
                log(f"cleaning up the database / Redis failed: {error}")
        if failed:
            for path in sorted(self.folder.glob("*.log")):
                lines = path.read_text(errors="replace").splitlines()
                print(f"\n----- {path.name} (last 40 of {len(lines)} lines) -----")
                print("\n".join(lines[-40:]))
            print(f"\nlogs kept in {self.folder}")
        elif not self.args.keep:
            subprocess.run(["rm", "-rf", str(self.folder)], check=False)

    # The steps

    def step(self, number: int, title: str, function) -> None:
        started = time.monotonic()
        log(f"step {number}: {title} ...")
        try:
            self.cluster.check_alive("web-A", "web-B", "beat")
            detail = function() or ""
        except Exception as error:  # noqa: BLE001 - any error fails the step, not the run
            elapsed = time.monotonic() - started
            reason = str(error) if isinstance(error, StepFailed) else traceback.format_exc()
            self.results.append((title, False, elapsed, reason))
            log(f"step {number} FAILED after {elapsed:.1f}s: {reason}")
        else:
            elapsed = time.monotonic() - started
            self.results.append((title, True, elapsed, detail))
            log(f"step {number} ok ({elapsed:.1f}s){': ' + detail if detail else ''}")

    def sign_in(self, client: Client, port: int, username: str) -> None:
        page = client.get(port, "/accounts/login/")
        form = find_form(page, field_name="password")
        response = client.submit(port, form, values={"username": username, "password": PASSWORD})
        check(
            response.status == 302 and "/login" not in response.location,
            f"signing in as {username} on :{port} answered {response.status} "
            f"{response.location or ''}",
        )

    def step_session(self) -> str:
        a, b = self.ports["A"], self.ports["B"]
        self.student = Client()
        self.sign_in(self.student, a, self.seed["student"][0])
        check("sessionid" in self.student.cookies, "no session cookie after signing in on A")
        response = self.student.get(b, "/accounts/dashboard/", follow=False)
        check(
            response.status == 200,
            f"B answered {response.status} {response.location} for the dashboard "
            "with A's session cookie",
        )
        editor = self.student.get(b, "/portfolio/", follow=False)
        check(editor.status == 200, f"B answered {editor.status} for the editor")
        return "the session made on A is valid on B"

    def step_upload(self) -> str:
        a, b = self.ports["A"], self.ports["B"]
        edit_path = f"/portfolio/achievements/{self.seed['achievement']}/edit/"
        page = self.student.get(a, edit_path)
        form = find_form(page, action_part=f"/achievements/{self.seed['achievement']}/evidence/")
        content = tiny_pdf(f"Cluster evidence {secrets.token_hex(8)}")
        response = self.student.submit(
            a, form, files=[("files", "cluster-evidence.pdf", "application/pdf", content)]
        )
        check(response.status == 302, f"the upload on A answered {response.status}")
        page_b = self.student.get(b, edit_path)
        ids = re.findall(r"/files/([0-9a-f-]{36})/original/", page_b.text)
        check(ids, "B's edit page lists no uploaded file")
        download = self.student.get(b, f"/files/{ids[0]}/original/", follow=False)
        if download.status == 302:
            target = download.location
            check(
                target.startswith(self.cluster.env["S3_ENDPOINT_URL"]),
                f"the download redirects to {target}, not to the S3 server",
            )
            check(
                "X-Amz-Signature=" in target or "Signature=" in target,
                f"the S3 address is not signed: {target}",
            )
            stored = fetch_url(target)
            check(stored.status == 200, f"the signed S3 URL answered {stored.status}")
            body, how = stored.body, "via a signed S3 URL"
        else:
            check(download.status == 200, f"the download on B answered {download.status}")
            body, how = download.body, "from the web process"
        check(body == content, f"B gave back {len(body)} bytes, not the {len(content)} uploaded")
        return f"{len(content)} bytes uploaded on A, the same downloaded on B {how}"

    def step_cached_page(self) -> str:
        a, b = self.ports["A"], self.ports["B"]
        slug = self.seed["slug"]
        visitor = Client()
        before = visitor.get(b, f"/p/{slug}/")
        check(before.status == 200, f"B's public page answered {before.status}")
        check("Cluster certificate" in before.text, "the item is not on B's public page")
        visitor.get(a, f"/p/{slug}/")  # both servers' caches are warm (one cache, if shared)
        cached = [k for k in redis_client(self.redis_url).scan_iter(match="*portfolio-body*")]
        check(cached, "no cached public page body in Redis: the page is not cached there")
        edit_path = f"/portfolio/achievements/{self.seed['achievement']}/edit/"
        form = find_form(self.student.get(a, edit_path), field_name="title")
        new_title = f"Certificate renamed {secrets.token_hex(4)}"
        response = self.student.submit(a, form, values={"title": new_title})
        check(response.status == 302, f"saving the item on A answered {response.status}")
        after = visitor.get(b, f"/p/{slug}/")
        check(new_title in after.text, "B's public page still shows the old title")
        check("Cluster certificate" not in after.text, "B's public page shows the old title too")
        return f"body cached in Redis ({len(cached)} key(s)); B shows the new title at once"

    def step_comment_limit(self) -> str:
        ports = [self.ports["A"], self.ports["B"]]
        slug = self.seed["slug"]
        supervisor = Client()
        self.sign_in(supervisor, ports[1], self.seed["supervisor"][0])
        thread = f"/p/{slug}/comments/"
        outcomes = []
        for number in range(1, COMMENTS_PER_MINUTE + 2):
            port = ports[number % 2]
            form = find_form(supervisor.get(port, thread), field_name="body", action=thread)
            response = supervisor.submit(
                port, form, values={"body": f"Cluster comment {number} via {'AB'[number % 2]}"}
            )
            outcomes.append(response.status)
        kept = outcomes[:COMMENTS_PER_MINUTE]
        check(
            all(status == 302 for status in kept),
            f"comments within the limit were not all accepted: {outcomes}",
        )
        check(
            outcomes[-1] == 200,
            f"comment {COMMENTS_PER_MINUTE + 1} was not refused: statuses {outcomes}",
        )
        shown = supervisor.get(ports[0], thread).text
        posted = re.findall(r"Cluster comment (\d+) via", shown)
        check(
            sorted(set(posted)) == [str(n) for n in range(1, COMMENTS_PER_MINUTE + 1)],
            f"the thread shows comments {sorted(set(posted))}",
        )
        return (
            f"{COMMENTS_PER_MINUTE} comments kept (A, B alternating), "
            f"number {COMMENTS_PER_MINUTE + 1} refused on {'AB'[(COMMENTS_PER_MINUTE + 1) % 2]}"
        )

    def request_reset(self, port: int, address: str) -> float:
        client = Client()
        form = find_form(client.get(port, "/accounts/password/reset/"), field_name="email")
        started = time.monotonic()
        response = client.submit(port, form, values={"email": address})
        elapsed = time.monotonic() - started
        check(
            response.status == 302 and "sent" in response.location,
            f"the reset form answered {response.status} {response.location}",
        )
        return elapsed

    def step_reset_mail(self) -> str:
        address = self.seed["student"][1]
        self.cluster.check_alive("worker")
        answered = self.request_reset(self.ports["B"], address)
        mails = wait_for(
            lambda: self.sink.resets_to(address), timeout=30, what=f"the reset e-mail to {address}"
        )
        self.settle()
        mails = self.sink.resets_to(address)
        check(len(mails) == 1, f"{len(mails)} reset e-mails arrived")
        check(
            mails[0].sender_process == "worker",
            f"the reset e-mail was sent by {mails[0].sender_process}, not by the worker",
        )
        link = RESET_PATH.search(mails[0].text).group(0)
        page = Client().get(self.ports["A"], link)
        check(
            page.status == 200 and "new_password1" in page.text,
            f"the e-mail's link answered {page.status} on A",
        )
        return (
            f"the form answered in {answered * 1000:.0f} ms; the worker sent the e-mail; "
            "its link works on A"
        )

    def step_worker_killed(self) -> str:
        address = self.seed["supervisor"][1]
        sink = self.sink
        with sink.lock:
            sink.hold.add(address)
        sink.holding.clear()
        self.cluster.check_alive("worker")
        self.request_reset(self.ports["A"], address)
        wait_for(sink.holding.is_set, timeout=30, what="the worker to start sending the e-mail")
        held_at = time.monotonic()
        with sink.lock:
            held = sink.held
        check(
            held.sender_process == "worker",
            f"the e-mail is being sent by {held.sender_process}, not by the worker",
        )
        self.cluster.kill("worker")
        wait_for(
            lambda: any(address in m.to for m in sink.dropped),
            timeout=15,
            what="the sink to see the killed worker's connection close",
        )
        check(not sink.resets_to(address), "the e-mail was delivered although the worker died")
        # Redis hands an unacknowledged task out again once it is older than the visibility
        # timeout, when a worker starts; start it after that.
        time.sleep(max(0.0, held_at + VISIBILITY_TIMEOUT + 1 - time.monotonic()))
        restarted_at = time.monotonic()
        self.cluster.start("worker", self.procfile["worker"])
        self.wait_worker_ready("worker")
        mails = wait_for(
            lambda: sink.resets_to(address),
            timeout=60,
            what="the e-mail after the worker's restart",
        )
        arrived = mails[0].received_at - restarted_at
        self.settle()
        mails = sink.resets_to(address)
        check(len(mails) == 1, f"{len(mails)} reset e-mails arrived after the restart")
        check(mails[0].sender_process == "worker", f"sent by {mails[0].sender_process}")
        return f"killed while sending; one e-mail {arrived:.1f}s after the restart"

    def settle(self) -> None:
        """Until nothing is queued or taken in Redis for a second, so any duplicate still
        on its way would have been sent."""
        redis = redis_client(self.redis_url)

        def idle():
            # Kombu keeps each queue as a Redis list (gone when empty) and the tasks taken
            # but not yet acknowledged in the "unacked" hash.
            queued = any(redis.type(key) == b"list" for key in redis.scan_iter(count=1000))
            return not queued and redis.hlen("unacked") == 0

        quiet_since = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if idle():
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 1.5:
                    return
            else:
                quiet_since = None
            time.sleep(0.2)
        raise StepFailed("the task queue did not empty within 30s")

    def run(self) -> bool:
        failed = True
        try:
            self.setup()
            self.step(1, "sign in on A, continue on B", self.step_session)
            self.step(2, "upload on A, download on B", self.step_upload)
            self.step(3, "edit on A, B's cached public page changes at once", self.step_cached_page)
            self.step(4, "the comment limit holds across A and B", self.step_comment_limit)
            self.step(5, "the worker sends the reset e-mail", self.step_reset_mail)
            self.step(
                6, "worker killed mid-task: one e-mail after its restart", self.step_worker_killed
            )
            self.step(7, "every process still running, no e-mail twice", self.step_final)
            failed = not all(ok for _, ok, _, _ in self.results)
        except StepFailed as error:
            log(f"setting up the cluster FAILED: {error}")
        except Exception:  # noqa: BLE001 - reported like a failed step, the cleanup follows
            log(f"setting up the cluster FAILED:\n{traceback.format_exc()}")
        finally:
            self.teardown(failed)
        passed = sum(1 for _, ok, _, _ in self.results if ok)
        print()
        for title, ok, elapsed, detail in self.results:
            print(f"  {'ok  ' if ok else 'FAIL'} {elapsed:5.1f}s  {title}: {detail}")
        print(
            f"cluster: {passed} passed, {len(self.results) - passed if self.results else 1} "
            f"failed in {time.monotonic() - START:.0f}s"
        )
        return not failed

    def step_final(self) -> str:
        self.cluster.check_alive("web-A", "web-B", "worker", "beat", "s3")
        with self.sink.lock:
            resets = [m for m in self.sink.delivered if RESET_PATH.search(m.text)]
        per_address = {}
        for mail in resets:
            for address in mail.to:
                per_address[address] = per_address.get(address, 0) + 1
        twice = {a: n for a, n in per_address.items() if n > 1}
        check(not twice, f"reset e-mails sent more than once: {twice}")
        for name in ("web-A", "web-B", "worker", "beat"):
            text = self.cluster.log_text(name)
            check("Traceback" not in text, f"{name}'s log has a traceback")
        return f"{len(self.sink.delivered)} e-mail(s) in all, none twice; no tracebacks"


def fetch_ok(url: str) -> bool:
    try:
        return fetch_url(url).status < 500
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--procfile",
        default=str(ROOT / "Procfile"),
        help="the Procfile whose web, worker and beat commands to run",
    )
    parser.add_argument("--keep", action="store_true", help="keep the logs after a pass too")
    args = parser.parse_args()
    run = Run(args)
    # Stopped from outside (Ctrl+C, CI's timeout): the processes still go.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    atexit.register(lambda: run.cluster and run.cluster.stop_all())
    return 0 if run.run() else 1


if __name__ == "__main__":
    sys.exit(main())
