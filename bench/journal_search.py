"""Journal posts in employers' search: what indexing them costs, and the scheduled-post job.

Creates its own database (``portfolio_bench_journal`` on the PostgreSQL at 127.0.0.1:5432
as user postgres, or ``BENCH_DATABASE_URL``), migrates it and bulk-seeds ``--portfolios``
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
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portfolios", type=int, default=5_000)
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--due", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--reseed", action="store_true", help="drop and seed the database again")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    return parser.parse_args()


ARGS = parse_args()
BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portfolio_bench_journal"
)
os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 60 + "-not-a-real-secret-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

from benchdb import drop_database, ensure_database  # noqa: E402

if ARGS.reseed:
    drop_database(BENCH_DATABASE_URL)
created = ensure_database(BENCH_DATABASE_URL)

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from journal.models import Post, Status  # noqa: E402
from journal.services import due_posts_publish  # noqa: E402
from portfolios import derived  # noqa: E402
from portfolios.models import Portfolio, SearchDocument, Visibility  # noqa: E402
from search.query import portfolio_search  # noqa: E402

WORDS = [
    "lesson",
    "pupils",
    "informatics",
    "robotics",
    "python",
    "django",
    "teaching",
    "practice",
    "assessment",
    "school",
    "урок",
    "ученики",
    "информатика",
    "робототехника",
    "практика",
    "оценивание",
    "школа",
    "проект",
    "программа",
    "sensor",
    "arduino",
    "feedback",
    "group",
    "project",
    "curriculum",
    "methodology",
    "reflection",
]
RARE = ["hydroponics", "volcanology", "ornithology", "seismography", "метеорология"]


def p(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def body(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(300)]
    if rng.random() < 0.01:
        words[rng.randrange(len(words))] = rng.choice(RARE)
    return " ".join(words)


def seed() -> None:
    call_command("migrate", verbosity=0)
    if User.objects.filter(username__startswith="bench-journal-").exists():
        return
    from demo import accounts as demo

    programs = list(demo.seed_programs().values())
    cohorts = demo.seed_cohorts()
    rng = random.Random(5)
    started = time.perf_counter()
    now = timezone.now()
    for start in range(0, ARGS.portfolios, 1000):
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(
                    username=f"bench-journal-{n}",
                    role=Role.STUDENT,
                    first_name="Student",
                    last_name=f"N{n}",
                    program=programs[n % len(programs)],
                    cohort=cohorts[n % len(cohorts)],
                )  # fmt: skip
                for n in range(start, min(start + 1000, ARGS.portfolios))
            )
            portfolios = Portfolio.objects.bulk_create(
                Portfolio(
                    student=u, slug=u.username, visibility=Visibility.SIGNED_IN, open_to_work=True
                )  # fmt: skip
                for u in users
            )
            Post.objects.bulk_create(
                Post(
                    portfolio=pf,
                    title=f"Post {k}",
                    body=(text := body(rng)),
                    body_html=f"<p>{text}</p>",
                    tags=[rng.choice(WORDS)],
                    visibility=Visibility.PUBLIC,
                    status=Status.PUBLISHED,
                    published_at=now - timedelta(days=k),
                )  # fmt: skip
                for pf in portfolios
                for k in range(ARGS.posts)
            )
    print(f"Seeded {ARGS.portfolios:,} portfolios, {ARGS.portfolios * ARGS.posts:,} posts "
          f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
    derived.portfolio_refresh_all()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


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


try:
    main()
finally:
    if ARGS.drop:
        drop_database(BENCH_DATABASE_URL)
