"""The benchmarks' own databases on a PostgreSQL server: created when missing, dropped on
request (``--reseed``, ``--drop``), and what every benchmark starts with (``parse_args``,
``start``). Imported by the scripts in this folder, before Django."""

import atexit
import os
import shutil
import sys
import tempfile
from urllib.parse import urlsplit, urlunsplit


def _maintenance_connection(url: str):
    """A connection to the server's ``postgres`` database, to create or drop ours."""
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username,
        password=parts.password, dbname="postgres",
    )  # fmt: skip
    connection.autocommit = True
    return connection


def ensure_database(url: str) -> bool:
    """Create the benchmark database if it is missing; whether it had to be created."""
    from psycopg2 import sql

    name = urlsplit(url).path.lstrip("/")
    connection = _maintenance_connection(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if not exists:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()
    return not exists


def drop_database(url: str) -> None:
    from psycopg2 import sql

    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()
    connection = _maintenance_connection(url)
    with connection.cursor() as cursor:
        name = urlsplit(url).path.lstrip("/")
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    connection.close()


# --- What every benchmark starts with ----------------------------------------------------

SMOKE_HELP = (
    "the small size CI runs (also BENCH_SIZE=smoke): a database of its own, seeded anew "
    "and dropped at the end"
)


def parse_args(parser, *, smoke: dict):
    """The benchmark's arguments plus ``--smoke``, ``--reseed`` and ``--drop``. With
    ``--smoke`` (or ``BENCH_SIZE=smoke``) the defaults become ``smoke``'s sizes; sizes
    given on the command line still win."""
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    parser.add_argument("--reseed", action="store_true", help="drop the database, seed anew")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    if "--smoke" in sys.argv[1:] or os.environ.get("BENCH_SIZE", "").lower() == "smoke":
        parser.set_defaults(smoke=True, reseed=True, drop=True, **smoke)
    return parser.parse_args()


def database_url(bench: str, *, smoke: bool = False) -> str:
    """``BENCH_DATABASE_URL``, or a database named after ``DATABASE_URL``'s (default
    ``portfolio_bench``) and the benchmark on the same server: ``portfolio_bench_search``,
    ``portfolio_ci_search_smoke``. So benchmarks never write into the site's database and
    two checkouts with their own ``DATABASE_URL`` do not share one."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    base = os.environ.get("DATABASE_URL", "").strip()
    base = base or "postgres://postgres@127.0.0.1:5432/portfolio_bench"
    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/') or 'portfolio_bench'}_{bench}" + ("_smoke" if smoke else "")
    return urlunsplit(parts._replace(path="/" + name))


def start(bench: str, args, *, migrate: bool = True) -> tuple[str, bool]:
    """Point Django at the benchmark's database (created when missing; dropped first with
    ``--reseed``, at exit with ``--drop``), measure as production runs (DEBUG off, cached
    templates), keep static files and uploads in a scratch folder, set Django up and
    migrate. Returns the database URL and whether it was created."""
    url = database_url(bench, smoke=getattr(args, "smoke", False))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 60 + "-not-a-real-secret-0123456789")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    # Production shares the cache (and the limits) in Redis, which DEBUG off requires.
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    scratch = tempfile.mkdtemp(prefix=f"bench-{bench}-")
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    os.environ["VAR_DIR"] = scratch
    os.environ.pop("MEDIA_ROOT", None)
    if getattr(args, "reseed", False):
        drop_database(url)
    created = ensure_database(url)
    name = urlsplit(url).path.lstrip("/")
    if getattr(args, "drop", False):
        atexit.register(_drop_at_exit, url)
    print(f"database {name} ({'created' if created else 'exists'})", flush=True)

    import django

    django.setup()
    from django.conf import settings

    # Mail the services send (a verification decided, say) stays in memory, off the screen.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # No worker runs beside a benchmark: tasks run inline after the commit, as `make run`
    # runs them, instead of piling up in the Redis queue.
    from portfolio_site.celery import app as celery_app

    celery_app.conf.task_always_eager = True
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    return url, created


def _drop_at_exit(url: str) -> None:
    drop_database(url)
    print(f"dropped {urlsplit(url).path.lstrip('/')}")
