"""What Redis costs a request when it is up, down, and unreachable (core/cache.py, core/limits.py).

For each of three Redis locations — the live one (``REDIS_URL``, redis://127.0.0.1:6379/0
unless set; keys under a prefix of their own, deleted at the end), a closed port on
127.0.0.1 (Redis down: the connection is refused) and a silent server on 127.0.0.1 (it
accepts connections and never answers: a hung or overloaded Redis, so the socket timeout
runs out) — it prints, p50 (min–max) in milliseconds over ``--rounds`` rounds, with the
site's own cache settings (``redis_caches``):

* the page cache (alias "default"): the first ``get`` after a failure pause, and a ``get``
  during the pause (Redis left alone);
* a limit (alias "limits"): ``Limit.allows`` — counted, or refused with LimitUnavailable;

and, for comparison, one ``get`` of Django's RedisCache with redis-py's default timeouts
against the silent server.

No database is used.

    .venv/bin/python bench/redis_outage.py [--rounds 20] [--smoke]
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")  # unused
LIVE_URL = os.environ.pop("REDIS_URL", "") or "redis://127.0.0.1:6379/0"

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from core import cache as core_cache  # noqa: E402
from core.limits import Limit, LimitUnavailable  # noqa: E402
from portfolio_site.settings import redis_caches  # noqa: E402


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{probe.getsockname()[1]}/0"


def silent_server_url() -> str:
    """A port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    SILENT.append(server)  # kept open (and never accepted from) until the end
    return f"redis://127.0.0.1:{server.getsockname()[1]}/0"


SILENT: list[socket.socket] = []


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):8.2f} ms ({min(values):.2f}–{max(values):.2f})"


def refused_or_counted(limit: Limit) -> str:
    try:
        return "allowed" if limit.allows("203.0.113.7") else "over"
    except LimitUnavailable:
        return "refused"


def measure(name: str, url: str, rounds: int) -> None:
    prefix = f"bench-{uuid.uuid4().hex}"
    with override_settings(CACHES=redis_caches(url, key_prefix=prefix)):
        cache = caches["default"]
        limit = Limit("bench", maximum=lambda: 10**9, window=lambda: 60)
        first, paused, counted, outcome = [], [], [], ""
        for _ in range(rounds):
            core_cache._paused_until.clear()  # as after a pause has run out
            first.append(timed(lambda: cache.get("page")))
            paused.append(timed(lambda: cache.get("page")))
            outcome_box = []
            counted.append(timed(lambda box=outcome_box: box.append(refused_or_counted(limit))))
            outcome = outcome_box[0]
        print(f"\n{name}: {url}")
        print(f"  cache get, first try       {spread(first)}")
        print(f"  cache get, next call       {spread(paused)}")
        print(f"  Limit.allows ({outcome:8})  {spread(counted)}")
        if url == LIVE_URL:
            cache.clear()
            caches["limits"].clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    rounds = 2 if args.smoke or os.environ.get("BENCH_SIZE") == "smoke" else args.rounds
    logging.disable(logging.WARNING)  # one warning per failure: not the figures
    import redis

    try:
        redis.Redis.from_url(LIVE_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        print(f"\nRedis up: no Redis answered at {LIVE_URL} ({type(error).__name__}); skipped")
    else:
        measure("Redis up", LIVE_URL, rounds)
    measure("Redis down (connection refused)", closed_port_url(), rounds)
    silent = silent_server_url()
    measure("Redis not answering (hung)", silent, rounds)
    from django.core.cache.backends.redis import RedisCache

    stock = RedisCache(silent, {})
    started = time.perf_counter()
    try:
        stock.get("page")
        result = "answered"
    except Exception as error:  # noqa: BLE001 - the figure is the time it took to fail
        result = type(error).__name__
    elapsed = (time.perf_counter() - started) * 1000
    print(f"\nDjango's RedisCache with redis-py's default timeouts, the silent server: {result}")
    print(f"  cache get                  {elapsed:8.2f} ms (one call)")


if __name__ == "__main__":
    main()
