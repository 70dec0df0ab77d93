"""Start-up refuses unsafe or broken configuration with one clear line."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

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
