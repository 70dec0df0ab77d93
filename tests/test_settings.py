"""Start-up refuses unsafe or broken configuration with one clear line."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

# Settings only parse it: commands that never connect need no embedded server started.
UNUSED_DATABASE = "postgres://portfolio@db.example.edu:5432/portfolio"
SECRET = "x7$k2!pQ9@mZ4#vL8^tR1&wN6*bY3(cF5)hJ0_gD-sA+eU=iO|oP~lK;jH:gF?dS"


def run_manage(*args, **env):
    dropped = ("DATABASE_URL", "SECRET_KEY", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DEBUG": "0", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": SECRET}, "ALLOWED_HOSTS"),
        ({"DEBUG": "0", "SECRET_KEY": "short", "ALLOWED_HOSTS": "example.org"}, "50"),
        (
            {"DEBUG": "0", "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "example.org"},
            "DATABASE_URL must point",
        ),
        (
            {
                "DEBUG": "0",
                "SECRET_KEY": SECRET,
                "ALLOWED_HOSTS": "example.org",
                "DATABASE_URL": "postgres://portfolio@db.example.edu:5432/portfolio",
            },
            "REDIS_URL must point",
        ),
        (
            {"REDIS_URL": "127.0.0.1:6379", "DATABASE_URL": "postgres://u@db.example.edu/p"},
            "REDIS_URL must start with redis://",
        ),
        ({"DATABASE_URL": "mysql://root@localhost/portfolio"}, "PostgreSQL URL"),
        ({"DATABASE_URL": "postgres://user@localhost:notaport/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://user@localhost:5432"}, "names no database"),
        ({"DEBUG": "maybe"}, "DEBUG must be"),
        ({"LOG_FORMAT": "xml", "DATABASE_URL": UNUSED_DATABASE}, "LOG_FORMAT must be"),
        (
            {
                "SENTRY_DSN": "https://key@sentry.example.edu/1",
                "SENTRY_TRACES_SAMPLE_RATE": "2",
                "DATABASE_URL": UNUSED_DATABASE,
            },
            "SENTRY_TRACES_SAMPLE_RATE",
        ),
    ],
)
def test_bad_configuration_stops_start_up_with_one_line(env, expected):
    result = run_manage("check", **env)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert line.startswith("Configuration error:")
    assert expected in line


def test_deploy_check_is_clean_in_production_mode():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="portfolio.example.edu",
        DATABASE_URL="postgres://portfolio@db.example.edu:5432/portfolio",
        REDIS_URL="redis://redis.example.edu:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_serves_hashed_compressed_static_files():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])",
        DEBUG="0",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="portfolio.example.edu",
        DATABASE_URL="postgres://portfolio@db.example.edu:5432/portfolio",
        REDIS_URL="redis://redis.example.edu:6379/0",
    )
    assert result.stdout.strip().splitlines()[-1] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_database_connections_persist_with_health_checks():
    database = settings.DATABASES["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


def test_production_language_cookie_is_secure_and_http_only():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.LANGUAGE_COOKIE_SECURE, settings.LANGUAGE_COOKIE_HTTPONLY, "
        "settings.SESSION_COOKIE_SECURE)",
        DEBUG="0",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="portfolio.example.edu",
        DATABASE_URL="postgres://portfolio@db.example.edu:5432/portfolio",
        REDIS_URL="redis://redis.example.edu:6379/0",
    )
    assert result.stdout.strip().splitlines()[-1] == "True True True", result.stderr


def test_production_shares_the_cache_the_limits_and_the_sessions():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; c = settings.CACHES; "
        "print(c['default']['BACKEND'], c['limits']['BACKEND'], c['limits']['LOCATION'], "
        "settings.SESSION_ENGINE)",
        DEBUG="0",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="portfolio.example.edu",
        DATABASE_URL="postgres://portfolio@db.example.edu:5432/portfolio",
        REDIS_URL="redis://redis.example.edu:6379/0",
    )
    assert result.stdout.strip().splitlines()[-1].split() == [
        "core.cache.ResilientRedisCache",
        "core.cache.RedisCache",
        "redis://redis.example.edu:6379/0",
        "django.contrib.sessions.backends.db",  # in PostgreSQL: every app server reads it
    ], result.stderr


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": SECRET,
    "ALLOWED_HOSTS": "portfolio.example.edu",
    "DATABASE_URL": "postgres://portfolio@db.example.edu:5432/portfolio",
    "REDIS_URL": "redis://cache.example.edu:6379/0",
}


def test_production_logs_are_json_lines():
    result = run_manage(
        "shell",
        "-c",
        "import logging; logging.getLogger('portfolio.test').warning('hello %s', 'there')",
        **PRODUCTION,
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello there"
    assert line["level"] == "WARNING"
    assert line["logger"] == "portfolio.test"
    assert line["request_id"] == "-"
    assert {"timestamp", "task_id"} <= line.keys()


def test_development_logs_are_text_unless_asked():
    command = "import logging; logging.getLogger('portfolio.test').warning('hello')"
    development = {"DEBUG": "1", "DATABASE_URL": UNUSED_DATABASE}
    text = run_manage("shell", "-c", command, **development).stderr.strip().splitlines()[-1]
    assert text.endswith("WARNING portfolio.test [-] hello")
    as_json = run_manage("shell", "-c", command, **development, LOG_FORMAT="json")
    assert json.loads(as_json.stderr.strip().splitlines()[-1])["message"] == "hello"


# Imports the settings with sentry_sdk.init replaced, and prints what it was called with.
SENTRY_PROBE = """
import json, os
from unittest import mock
import sentry_sdk
with mock.patch.object(sentry_sdk, "init") as init:
    import portfolio_site.settings
calls = [
    {**call.kwargs, "integrations": sorted(type(i).__name__ for i in call.kwargs["integrations"])}
    for call in init.call_args_list
]
print(json.dumps(calls))
"""


def sentry_init_calls(**env):
    dropped = ("SENTRY_DSN", "SENTRY_ENVIRONMENT", "SENTRY_RELEASE", "SENTRY_TRACES_SAMPLE_RATE")
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env, DATABASE_URL=UNUSED_DATABASE)
    result = subprocess.run(
        [sys.executable, "-c", SENTRY_PROBE],
        cwd=settings.BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sentry_starts_only_with_a_dsn():
    assert sentry_init_calls() == []
    (call,) = sentry_init_calls(
        SENTRY_DSN="https://key@sentry.example.edu/1",
        SENTRY_ENVIRONMENT="staging",
        SENTRY_RELEASE="2026.12.3",
    )
    assert call == {
        "dsn": "https://key@sentry.example.edu/1",
        "integrations": ["CeleryIntegration", "DjangoIntegration"],
        "send_default_pii": False,
        "environment": "staging",
        "release": "2026.12.3",
        "traces_sample_rate": 0.0,
    }
    (sampled,) = sentry_init_calls(
        SENTRY_DSN="https://key@sentry.example.edu/1", SENTRY_TRACES_SAMPLE_RATE="0.05"
    )
    assert sampled["traces_sample_rate"] == 0.05
    assert sampled["environment"] is None
