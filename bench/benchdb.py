"""The benchmarks' own databases on a PostgreSQL server: created when missing, dropped on
request (``--reseed``, ``--drop``). Imported by the scripts in this folder, before Django."""

import sys
from urllib.parse import urlsplit


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
