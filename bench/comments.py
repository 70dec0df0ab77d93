"""A 200-comment thread: query count and server time of the pages that show it.

Creates its own database (``<DATABASE_URL's name>_comments`` on the same server, by default
``portfolio_bench_comments``; or ``BENCH_DATABASE_URL``), migrates it and seeds
(``seeding.comment_thread``) one public portfolio
whose page has a thread of ``--comments`` comments (every third one a reply, some private
feedback, a few hidden, Markdown bodies) by a dozen authors. Then it requests, through
Django's test Client with DEBUG off, as an anonymous visitor, the owner and a signed-in
reader: the portfolio page (its cached body warm), the thread page and the htmx fragment;
and prints the query count and p50/p95 server time of each.

    .venv/bin/python bench/comments.py [--comments 200] [--requests 100] [--drop] [--smoke]

The database is kept for the next run (``--drop`` drops it at the end; ``dropdb`` does the
same by hand). ``--smoke`` (or ``BENCH_SIZE=smoke``): 20 comments, 3 requests, in a fresh
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
    parser.add_argument("--comments", type=int, default=200)
    parser.add_argument("--requests", type=int, default=100)
    return benchdb.parse_args(parser, smoke={"comments": 20, "requests": 3})


ARGS = parse_args()
benchdb.start("comments", ARGS)

import seeding  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from comments.models import Comment  # noqa: E402

PREFIX = "bench-comments-"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(client: Client, url: str, requests: int, **headers) -> tuple[int, list[float]]:
    response = client.get(url, secure=True, **headers)  # warm: the cached body, templates
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url, secure=True, **headers)
    queries = len(captured)
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url, secure=True, **headers)
        timings.append((time.perf_counter() - start) * 1000)
    return queries, timings


def main() -> None:
    name = connection.settings_dict["NAME"]
    call_command("collectstatic", interactive=False, verbosity=0)  # the production manifest
    try:
        portfolio = seeding.comment_thread(ARGS.comments, prefix=PREFIX)
        thread = Comment.objects.filter(portfolio=portfolio)
        print(f"thread: {thread.count()} comments ({thread.filter(parent__isnull=False).count()}"
              f" replies, {thread.filter(is_private=True).count()} private, "
              f"{thread.filter(hidden_at__isnull=False).count()} hidden)")  # fmt: skip
        viewers = {
            "anonymous": None,
            "owner": portfolio.student,
            "signed-in reader": User.objects.get(username=f"{PREFIX}reader0"),
        }
        pages = {
            "portfolio page": (reverse("portfolios:public", args=[portfolio.slug]), {}),
            "thread page": (reverse("comments:portfolio", args=[portfolio.slug]), {}),
            "htmx fragment": (reverse("comments:portfolio", args=[portfolio.slug]),
                              {"HTTP_HX_REQUEST": "true"}),
        }  # fmt: skip
        print(
            f"\n{'viewer':18} {'page':15} {'queries':>7}   server time ({ARGS.requests} requests)"
        )
        for viewer, user in viewers.items():
            client = Client()
            if user is not None:
                client.force_login(user)
            for label, (url, headers) in pages.items():
                queries, timings = measure(client, url, ARGS.requests, **headers)
                p50, p95 = statistics.median(timings), percentile(timings, 0.95)
                print(f"{viewer:18} {label:15} {queries:7d}   p50 {p50:6.1f} ms   "
                      f"p95 {p95:6.1f} ms")  # fmt: skip
    finally:
        if not ARGS.drop:
            print(f"kept {name} for the next run (--drop or dropdb removes it)")


if __name__ == "__main__":
    main()
