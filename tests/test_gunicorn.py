"""gunicorn.conf.py: the address and process count from the environment, and the access log
with the request id (the Procfile's `web` process)."""

import json
import logging
import os
import runpy
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from gunicorn.config import Config

from portfolio_site.gunicorn_logging import GunicornLogger

CONFIG_FILE = settings.BASE_DIR / "gunicorn.conf.py"
ENV_NAMES = ("BIND", "PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "LOG_FORMAT")


@pytest.fixture
def gunicorn_config(monkeypatch):
    """gunicorn.conf.py's settings read with the given environment."""

    def read(**env):
        for name in ENV_NAMES:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(CONFIG_FILE))

    return read


@pytest.mark.parametrize(
    ("env", "bind"),
    [
        ({}, ["127.0.0.1:8000"]),
        ({"PORT": "5000"}, ["0.0.0.0:5000"]),
        ({"BIND": "unix:/run/portfolio.sock", "PORT": "5000"}, ["unix:/run/portfolio.sock"]),
        ({"BIND": "10.0.0.2:8000,127.0.0.1:8001"}, ["10.0.0.2:8000", "127.0.0.1:8001"]),
    ],
)
def test_address_from_the_environment(gunicorn_config, env, bind):
    assert gunicorn_config(**env)["bind"] == bind


def test_processes_from_the_cpu_count_unless_set(gunicorn_config):
    cores = len(os.sched_getaffinity(0))
    assert gunicorn_config()["workers"] == min(2 * cores + 1, 8)
    assert gunicorn_config(WEB_CONCURRENCY="3")["workers"] == 3


def test_gunicorn_reads_the_file():
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(CONFIG_FILE),
            "--print-config",
            "portfolio_site.wsgi",
        ],
        cwd=settings.BASE_DIR,
        env={**env, "PORT": "5000", "WEB_CONCURRENCY": "3"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    printed = {
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in result.stdout.splitlines())
    }
    assert printed["bind"] == "['0.0.0.0:5000']"
    assert printed["workers"] == "3"
    assert printed["preload_app"] == "False"
    assert printed["logger_class"] == "<GunicornLogger()>"


@pytest.fixture
def gunicorn_logger(gunicorn_config):
    def make(log_format):
        access_log_format = gunicorn_config(LOG_FORMAT=log_format)["access_log_format"]
        cfg = Config()
        cfg.set("accesslog", "-")
        cfg.set("access_log_format", access_log_format)
        return GunicornLogger(cfg)

    yield make
    for name in ("gunicorn.access", "gunicorn.error"):
        logging.getLogger(name).handlers.clear()


class Response:
    status = "201 Created"
    sent = 12
    headers = [("Content-Type", "text/html"), ("X-Request-ID", "req-abc")]


ENVIRON = {
    "REQUEST_METHOD": "POST",
    "RAW_URI": "/p/student1/?tab=journal",
    "PATH_INFO": "/p/student1/",
    "QUERY_STRING": "tab=journal",
    "SERVER_PROTOCOL": "HTTP/1.1",
    "REMOTE_ADDR": "10.0.0.9",
    "HTTP_USER_AGENT": 'Probe "1.0"',
}


def test_json_access_line_has_the_request_id(gunicorn_logger, capsys):
    gunicorn_logger("json").access(Response(), [], ENVIRON, timedelta(milliseconds=42))
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["logger"] == "gunicorn.access"
    assert line["request_id"] == "req-abc"
    assert line["message"] == "POST /p/student1/ 201"
    assert (line["status"], line["bytes"], line["duration_ms"]) == (201, 12, 42)
    assert line["user_agent"] == 'Probe "1.0"'
    assert line["remote_addr"] == "10.0.0.9"


def test_text_access_line_has_the_request_id(gunicorn_logger, capsys):
    gunicorn_logger("text").access(Response(), [], ENVIRON, timedelta(milliseconds=42))
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith('10.0.0.9 "POST /p/student1/?tab=journal HTTP/1.1" 201 12 42ms')
    assert line.endswith("request_id=req-abc")
