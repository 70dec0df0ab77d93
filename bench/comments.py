"""A 200-comment thread: query count and server time of the pages that show it.

Creates its own database (``portfolio_bench_comments`` on the PostgreSQL at 127.0.0.1:5432
as user postgres, or ``BENCH_DATABASE_URL``), migrates it and seeds one public portfolio
whose page has a thread of ``--comments`` comments (every third one a reply, some private
feedback, a few hidden, Markdown bodies) by a dozen authors. Then it requests, through
Django's test Client with DEBUG off, as an anonymous visitor, the owner and a signed-in
reader: the portfolio page (its cached body warm), the thread page and the htmx fragment;
and prints the query count and p50/p95 server time of each.

    .venv/bin/python bench/comments.py [--comments 200] [--requests 100] [--drop]

The database is kept for the next run (``--drop`` drops it at the end;
``dropdb -h 127.0.0.1 -U postgres portfolio_bench_comments`` does the same by hand).
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=200)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    return parser.parse_args()


ARGS = parse_args()
BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portfolio_bench_comments"
)
os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")
# Measure as production runs: DEBUG off (no query log, cached templates, no debug info).
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 60 + "-not-a-real-secret-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
SCRATCH = tempfile.mkdtemp(prefix="bench-comments-")
os.environ["VAR_DIR"] = SCRATCH
os.environ.pop("MEDIA_ROOT", None)

PREFIX = "bench-comments-"


from benchdb import drop_database, ensure_database  # noqa: E402

created = ensure_database(BENCH_DATABASE_URL)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from comments.models import Comment  # noqa: E402
from demo import accounts as demo  # noqa: E402
from portfolios.models import Portfolio, Visibility  # noqa: E402
from portfolios.services import portfolio_get_or_create, portfolio_update  # noqa: E402

BODIES = [
    "Great work on this section — the **evidence** is convincing.",
    "Could you add a link to the code? *Curious* how you solved the timing.",
    "- clear structure\n- good photos\n- maybe shorten the intro",
    "Жакшы иш! Улантыңыз.",
    "Отличная работа, особенно [проект](https://example.org/project).",
]


def seed(count: int) -> Portfolio:
    """One public portfolio with a ``count``-comment thread (rows written directly: the
    services' rate limit is per minute and this is not a user)."""
    Comment.objects.filter(portfolio__slug=f"{PREFIX}page").delete()
    program = next(iter(demo.seed_programs().values()))
    cohort = demo.seed_cohorts()[0]
    student, _created = User.objects.get_or_create(
        username=f"{PREFIX}owner",
        defaults={"role": Role.STUDENT, "program": program, "cohort": cohort,
                  "first_name": "Айгерим", "last_name": "Бенчова"},
    )  # fmt: skip
    portfolio = portfolio_get_or_create(student=student)
    portfolio_update(portfolio=portfolio, skills=["Python"], slug=f"{PREFIX}page",
                     visibility=Visibility.PUBLIC, headline="Benchmark portfolio")  # fmt: skip
    authors = []
    for number in range(12):
        role = [Role.SUPERVISOR, Role.EMPLOYER, Role.STUDENT][number % 3]
        fields = {"role": role, "first_name": f"Reader{number}"}
        if role == Role.STUDENT:
            fields |= {"program": program, "cohort": cohort}
        user, _created = User.objects.get_or_create(username=f"{PREFIX}reader{number}",
                                                    defaults=fields)  # fmt: skip
        authors.append(user)
    authors.append(student)
    started = timezone.now() - timezone.timedelta(days=30)
    firsts: list[Comment] = []
    for number in range(count):
        comment = Comment(author=authors[number % len(authors)], portfolio=portfolio,
                          body=BODIES[number % len(BODIES)])  # fmt: skip
        if number % 3 == 2 and firsts:
            comment.parent = firsts[-1]
            comment.is_private = firsts[-1].is_private
        else:
            comment.is_private = number % 17 == 0
            comment.hidden_at = timezone.now() if number % 23 == 0 else None
        comment.save()
        Comment.objects.filter(pk=comment.pk).update(
            created_at=started + timezone.timedelta(minutes=number)
        )
        if comment.parent_id is None:
            firsts.append(comment)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE comments_comment")
    return portfolio


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
    name = urlsplit(BENCH_DATABASE_URL).path.lstrip("/")
    print(f"database {name} ({'created' if created else 'exists'})")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the production manifest
    try:
        portfolio = seed(ARGS.comments)
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
        shutil.rmtree(SCRATCH, ignore_errors=True)
        if ARGS.drop:
            drop_database(BENCH_DATABASE_URL)
            print(f"dropped {name}")
        else:
            print(f"kept {name} for the next run (--drop or dropdb removes it)")


if __name__ == "__main__":
    main()
