"""The test database as a ``DATABASE_URL`` for a process the tests start (a real Celery
worker): the machine's PostgreSQL over TCP, or the embedded one on its Unix socket."""

from urllib.parse import quote

from django.db import connection


def worker_database_url(name: str | None = None) -> str:
    """The test database's URL, or another database's on the same server (``name``)."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    name = quote(name or db["NAME"], safe="")
    # The embedded server's socket folder arrives as OPTIONS["host"] (dj-database-url reads
    # it from the URL's ?host=), with HOST empty.
    host = db.get("HOST") or (db.get("OPTIONS") or {}).get("host") or ""
    if host.startswith("/"):  # a socket folder (the embedded server)
        return f"postgres://{user}{password}@/{name}?host={host}"
    return f"postgres://{user}{password}@{host or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"
