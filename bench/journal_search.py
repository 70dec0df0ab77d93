"""Journal posts in employers' search: what indexing them costs, and the scheduled-post job.

Creates its own database (``<DATABASE_URL's name>_journal`` on the same server, by default
``portfolio_bench_journal``; or ``BENCH_DATABASE_URL``), migrates it and bulk-seeds
(``seeding.journal_population``, ``bulk_create``) ``--portfolios``
listed portfolios with ``--posts`` published posts each (bodies of about 2,500 characters
in English and Russian). Then it prints:

* the time to rewrite the figures and search documents of every portfolio in batches of
  2,000 (``portfolio_refresh_all``), with the posts and with the statement as it was before
  posts were indexed;
* p50/p95 of ``portfolio_refresh`` for one portfolio (what every save of a post costs);
* ``due_posts_publish`` when nothing is due (the cost of the 10-minute cron job) and when
  ``--due`` portfolios have a post that just came due;
* p50/p95 of employers' search for words found only in posts.

    .venv/bin/python bench/journal_search.py [--portfolios 5000] [--posts 20] [--reseed] [--drop]

The database is kept for the next run (``--reseed`` seeds it again, ``--drop`` drops it).
``--smoke`` (or ``BENCH_SIZE=smoke``): 50 portfolios x 3 posts, in a fresh database dropped
at the end (``make bench-smoke``).
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchdb  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portfolios", type=int, default=5_000)
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--due", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=50)
    return benchdb.parse_args(parser, smoke={"portfolios": 50, "posts": 3, "due": 5, "rounds": 3})


ARGS = parse_args()
benchdb.start("journal", ARGS)

from datetime import timedelta  # noqa: E402

import seeding  # noqa: E402
from django.utils import timezone  # noqa: E402

from journal.models import Post  # noqa: E402
from journal.services import due_posts_publish  # noqa: E402
from portfolios.models import Portfolio, SearchDocument  # noqa: E402
from search import derived  # noqa: E402
from search.query import portfolio_search  # noqa: E402

RARE = seeding.JOURNAL_RARE


def p(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def seed() -> None:
    seeding.journal_population(ARGS.portfolios, ARGS.posts, prefix="bench-journal-")


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    seed()
    ids = list(Portfolio.objects.order_by("pk").values_list("pk", flat=True))
    print(f"{len(ids):,} portfolios, {Post.objects.count():,} posts")

    with_posts = derived.SEARCH_SQL
    start = with_posts.index("-- clock_timestamp()")
    end = with_posts.index(") AS j\n") + len(") AS j\n")
    without_posts = with_posts[:start] + with_posts[end:]
    assert "j.text" in without_posts, "SEARCH_SQL changed: update this benchmark"
    without_posts = without_posts.replace(
        "concat_ws(' ', p.about_html, b.descriptions, j.text)",
        "concat_ws(' ', p.about_html, b.descriptions)",
    )
    assert "j.text" not in without_posts, "SEARCH_SQL changed: update this benchmark"
    for label, sql in [("without posts", without_posts), ("with posts", with_posts)]:
        derived.SEARCH_SQL = sql
        ms = timed(derived.portfolio_refresh_all)
        size = SearchDocument.objects.raw(
            "SELECT 1 AS portfolio_id, avg(pg_column_size(document)) AS size "
            "FROM portfolios_searchdocument"
        )[0].size
        print(f"portfolio_refresh_all, {label}: {ms / 1000:.1f} s "
              f"({ms / len(ids):.2f} ms per portfolio), "
              f"document {size:,.0f} bytes on average")  # fmt: skip
    derived.SEARCH_SQL = with_posts

    rng = random.Random(9)
    one = [timed(lambda: derived.portfolio_refresh([rng.choice(ids)])) for _ in range(ARGS.rounds)]
    print(f"portfolio_refresh, one portfolio: p50 {p(one, 0.5):.1f} ms, p95 {p(one, 0.95):.1f} ms")

    idle = [timed(due_posts_publish) for _ in range(10)]
    print(f"due_posts_publish, nothing due: p50 {p(idle, 0.5):.1f} ms")
    due = rng.sample(ids, min(ARGS.due, len(ids)))
    hour_ago = timezone.now() - timedelta(hours=1)
    SearchDocument.objects.filter(portfolio_id__in=due).update(updated_at=hour_ago)
    Post.objects.filter(portfolio_id__in=due, title="Post 0").update(
        published_at=timezone.now() - timedelta(minutes=1)
    )
    count = []
    ms = timed(lambda: count.append(due_posts_publish()))
    print(f"due_posts_publish, {count[0]} portfolios due: {ms:.0f} ms")

    times = []
    for _round in range(5):
        for word in RARE + ["robotics", "урок"]:
            times.append(timed(lambda w=word: list(portfolio_search(query=w)[:20])))
    print(f"search for words in posts: p50 {p(times, 0.5):.1f} ms, p95 {p(times, 0.95):.1f} ms "
          f"({len(times)} searches)")  # fmt: skip
    print(f"  mean {statistics.mean(times):.1f} ms")


main()
