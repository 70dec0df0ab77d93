"""Public portfolio page and editor dashboard: query counts and server time.

Builds a portfolio of 100 achievements with 3 evidence files each (real, small images made
here) through the services (``bench/seeding.py``), requests both pages many times through
Django's full request stack, and prints the query counts and the p50/p95 server time.
Removes what it made afterwards.

    .venv/bin/python bench/public_page.py [--achievements 100] [--files 3] [--requests 200]
                                          [--smoke] [--drop]

Uses a database of its own on DATABASE_URL's server (``<its name>_public_page``, by default
``portfolio_bench_public_page``; or ``BENCH_DATABASE_URL``), migrated on each run.
``--smoke`` (or ``BENCH_SIZE=smoke``): 5 achievements x 1 file, 5 requests, in a fresh
database dropped at the end (``make bench-smoke``).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchdb  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--achievements", type=int, default=100)
    parser.add_argument("--files", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    return benchdb.parse_args(parser, smoke={"achievements": 5, "files": 1, "requests": 5})


ARGS = parse_args()
benchdb.start("public_page", ARGS)

import seeding  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from achievements.models import Achievement  # noqa: E402
from achievements.services import achievement_update  # noqa: E402

USERNAME = "bench-public-page"


def build(achievements: int, files: int) -> User:
    seeding.delete_users(USERNAME)
    student = seeding.student(USERNAME)
    portfolio = seeding.public_portfolio(student)
    image = seeding.image_bytes(1, size=(800, 560))
    seeding.portfolio_items(portfolio, achievements, files, image=image)
    return student


def measure(client: Client, url: str, requests: int, *, cold: bool = False):
    """Query count of one request and server times of many; ``cold`` empties the cache
    before each request (the first view after a change)."""
    client.get(url, secure=True)  # warm up
    if cold:
        cache.clear()
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url, secure=True)
    assert response.status_code == 200, response.status_code
    timings = []
    for _ in range(requests):
        if cold:
            cache.clear()
        start = time.perf_counter()
        response = client.get(url, secure=True)
        timings.append((time.perf_counter() - start) * 1000)
    return len(executed), timings


def measure_after_change(client: Client, url: str, student: User, requests: int):
    """The first view after a one-item change: before each request one achievement (a
    different one each time) is renamed through its service, so the cached page is out of
    date and only that item changed. Query count of one such request, times of many."""
    items = list(Achievement.objects.filter(portfolio__student=student).order_by("pk"))
    client.get(url, secure=True)  # the page is cached before the first change
    executed, timings = [], []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    for number in range(requests + 1):
        item = items[number % len(items)]
        achievement_update(achievement=item, title=f"{item.title.split(' (')[0]} ({number})")
        if number == 0:
            with connection.execute_wrapper(count):
                response = client.get(url, secure=True)
        else:
            start = time.perf_counter()
            response = client.get(url, secure=True)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return len(executed), timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    args = ARGS

    call_command("collectstatic", interactive=False, verbosity=0)  # the production manifest
    started = time.perf_counter()
    student = build(args.achievements, args.files)
    print(f"built {args.achievements} achievements x {args.files} files "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    try:
        client = Client()
        page = f"/p/{student.portfolio.slug}/"
        cold = measure(client, page, args.requests, cold=True)
        public = measure(client, page, args.requests)
        changed = measure_after_change(client, page, student, args.requests)
        client.force_login(student)
        editor = measure(client, "/portfolio/", args.requests)
        results = (("public page", public), ("public page, cold", cold),
                   ("after 1-item edit", changed), ("editor dashboard", editor))  # fmt: skip
        for name, (queries, timings) in results:
            p50, p95 = statistics.median(timings), percentile(timings, 0.95)
            print(f"{name:18} queries {queries:3d}   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   "
                  f"({len(timings)} requests)")  # fmt: skip
    finally:
        User.objects.filter(username=USERNAME).delete()


if __name__ == "__main__":
    main()
