"""Recommendations on 100,000 students and 5,000,000 activity events: training and a
student's cards.

Creates its own database (``<DATABASE_URL's name>_recommendations`` on the same server, or
``BENCH_DATABASE_URL``), migrates it and seeds it with ``seeding.analytics_population`` —
the analytics benchmark's population: three terms, released reviews in the last two,
fifteen months of activity in which each student has an intensity of their own and their
scores follow it — then measures:

* training: ``recommendations.training.train()`` (features of every student at the end of
  each finished term, the time split, both models and their baselines, the refit on all
  rows and the stored file), with its parts: the features of one term, the fits;
* a student's recommendations: ``selectors.recommendations_for(student, mode="model")``
  for ``--samples`` students picked at random, computed on demand (the design choice this
  benchmark checks), p50 / p95 after the program's figures are in the cache, and the first
  call of a program (figures computed); then with the exposure recorded as the pages do
  (``services.recommendations_mark_shown``, rolled back);
* a supervisor's "needs attention" list for 40 students.

    .venv/bin/python bench/recommendations.py [--students 100000] [--events 5000000]
                                              [--samples 300] [--reseed] [--drop] [--smoke]

``--smoke`` (or ``BENCH_SIZE=smoke``): 300 students, 15,000 events, 30 samples, in a fresh
database dropped at the end. The database is otherwise kept for the next run.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchdb  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--samples", type=int, default=300, help="students whose cards are timed")
    return benchdb.parse_args(parser, smoke={"students": 300, "events": 15_000, "samples": 30})


ARGS = parse_args()
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
PREFIX = "bench-"

_url, created = benchdb.start("recommendations", ARGS)

import seeding  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, SupervisorAssignment, User  # noqa: E402
from feedback.models import Term  # noqa: E402
from recommendations import features, training  # noqa: E402
from recommendations.selectors import (  # noqa: E402
    recommendations_for,
    students_needing_attention,
)
from recommendations.services import recommendations_mark_shown  # noqa: E402


class Rollback(Exception):
    pass


def seeded_students() -> int:
    return User.objects.filter(username__startswith=PREFIX, role=Role.STUDENT).count()


def seeded_events() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM analytics_activityevent")
        return cursor.fetchone()[0]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure_training() -> tuple[float, object]:
    terms = list(Term.objects.order_by("starts_on"))
    term = terms[0]
    started = time.perf_counter()
    rows = features.snapshot(cutoff=term.ends_on, term_start=term.starts_on, enrolled_only=True)
    print(f"  features of one term ({term}): {len(rows):,d} rows in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    started = time.perf_counter()
    try:
        version = training.train()
    except training.TooLittleData as error:
        print(f"  training refused: {error}")
        return time.perf_counter() - started, None
    seconds = time.perf_counter() - started
    print(f"  train(): {seconds:.1f} s — {version.training_rows:,d} training rows "
          f"({', '.join(version.train_terms)}), {version.test_rows:,d} held out "
          f"({version.test_term})")  # fmt: skip
    for name in ("score", "update_30d"):
        m = version.metrics[name]
        if "model" not in m:
            print(f"    {name}: {m.get('message')}")
            continue
        model = {k: v for k, v in m["model"].items() if k != "reliability"}
        base = {
            b: {k: v for k, v in figures.items() if k != "reliability"}
            for b, figures in m["baselines"].items()
        }
        verdict = "passed" if m["passed"] else "not used"
        print(f"    {name} ({m['estimator']}): model {model}; baselines {base}; "
              f"z = {m['z']}: {verdict}")  # fmt: skip
    return seconds, version


def measure_cards(samples: int) -> dict:
    ids = list(
        User.objects.filter(username__startswith=PREFIX, role=Role.STUDENT).values_list(
            "pk", flat=True
        )
    )
    rng = random.Random(5)
    picked = rng.sample(ids, min(samples, len(ids)))
    cache.clear()
    firsts, warm, shown, cards_per_student, learned = [], [], [], [], 0
    seen_programs = set()
    for pk in picked:
        student = User.objects.get(pk=pk)
        started = time.perf_counter()
        cards = recommendations_for(student, mode="model")
        elapsed = time.perf_counter() - started
        if student.program_id not in seen_programs:
            seen_programs.add(student.program_id)
            firsts.append(elapsed)
            continue
        warm.append(elapsed)
        cards_per_student.append(len(cards))
        learned += bool(cards and cards[0].learned)
    for pk in picked[: max(10, samples // 3)]:
        student = User.objects.get(pk=pk)
        started = time.perf_counter()
        try:
            with transaction.atomic():
                cards = recommendations_for(student, mode="model")
                recommendations_mark_shown(student=student, recommendations=cards, mode="model")
                shown.append(time.perf_counter() - started)
                raise Rollback
        except Rollback:
            pass
    return {
        "first": firsts, "warm": warm, "shown": shown,
        "cards": statistics.mean(cards_per_student) if cards_per_student else 0,
        "learned": learned, "timed": len(warm),
    }  # fmt: skip


def measure_attention() -> list[float]:
    supervisor = User.objects.filter(username__startswith=PREFIX, role=Role.SUPERVISOR).first()
    students = list(
        User.objects.filter(username__startswith=PREFIX, role=Role.STUDENT)
        .order_by("pk")
        .values_list("pk", flat=True)[:40]
    )
    times = []
    try:
        with transaction.atomic():
            SupervisorAssignment.objects.bulk_create(
                [SupervisorAssignment(supervisor=supervisor, student_id=pk) for pk in students],
                ignore_conflicts=True,
            )
            for _round in range(5):
                started = time.perf_counter()
                found = students_needing_attention(supervisor)
                times.append(time.perf_counter() - started)
            top = [round(a.risk, 2) for a in found[:3]]
            reasons = found[0].reasons if found else ""
            print(f"  needs attention: {len(found)} of 40 listed; top: {top} {reasons}")
            raise Rollback
    except Rollback:
        pass
    return times


def main() -> None:
    name = connection.settings_dict["NAME"]
    try:
        seeded = seeded_students()
        if seeded == 0:
            seeding.analytics_population(ARGS.students, ARGS.events, prefix=PREFIX)
        elif seeded != ARGS.students or abs(seeded_events() - ARGS.events) > ARGS.events * 0.01:
            sys.exit(
                f"{name} holds {seeded:,d} bench students and {seeded_events():,d} events, "
                f"not {ARGS.students:,d} and {ARGS.events:,d}: run with --reseed."
            )
        print(f"\n{seeded_students():,d} students, {seeded_events():,d} events, "
              f"today {timezone.localdate()}")  # fmt: skip
        print("training")
        train_seconds, version = measure_training()
        print("a student's cards (on demand)")
        cards = measure_cards(ARGS.samples)
        attention = measure_attention()
        warm_p50 = statistics.median(cards["warm"]) if cards["warm"] else float("nan")
        rows = [
            ("training: train()", f"{train_seconds:.1f} s", "≤ 180 s", train_seconds <= 180),
            ("model in use", "learned" if version is not None and version.passed else "rules",
             "", None),
            ("cards, warm (p50)", ms(warm_p50), "≤ 20 ms", warm_p50 <= 0.020),
            ("cards, warm (p95)", ms(percentile(cards["warm"], 0.95)) if cards["warm"] else "-",
             "", None),
            ("cards, program's first (p50)",
             ms(statistics.median(cards["first"])) if cards["first"] else "-", "", None),
            ("cards + exposure (p50)",
             ms(statistics.median(cards["shown"])) if cards["shown"] else "-", "", None),
            ("cards per student (mean)", f"{cards['cards']:.1f}", "", None),
            ("learned cards", f"{cards['learned']} of {cards['timed']}", "", None),
            ("needs attention, 40 (p50)", ms(statistics.median(attention)), "", None),
        ]  # fmt: skip
        print(f"\nsummary ({seeded_students():,d} students, {seeded_events():,d} events)")
        print(f"  {'':30} {'measured':>14}  {'target':>9}")
        for label, value, target, met in rows:
            verdict = "" if met is None else ("meets" if met else "MISSES")
            print(f"  {label:30} {value:>14}  {target:>9}  {verdict}")
    finally:
        if not ARGS.drop:
            print(f"kept {name} for the next run (--drop or dropdb removes it)")


if __name__ == "__main__":
    main()
