"""The experiment report on 100,000 students (target: ≤ 300 ms).

Creates its own database (``<DATABASE_URL's name>_experiments`` on the same server, or
``BENCH_DATABASE_URL``), migrates it and seeds it with ``INSERT … SELECT generate_series``
(``seeding.insert_select``, the models' column lists): students in the demo programs and
cohorts, the demo's three terms, and analytics' per-term roll-ups
(``StudentTermActivity``, what the report reads) for last spring and this autumn, in which
each student has an intensity of their own, so the previous term predicts the current one
(the covariate adjustment has something to use) and about 85% have a review score. Then an
experiment on every student is created and started through the services (the start's
sample-size plan and 100,000 assignments are timed), a +20% effect is planted on the
treatment arm's updates and the cards shown are counted on its assignments.

It prints, p50 (min–max) over ``--rounds`` rounds:

* ``selectors.experiment_report`` (the results page's and ``experiment_report``'s figures:
  the rows statement, the fetch, and the statistics of the primary and two secondary
  metrics), and its two parts;
* the results page as staff load it (the report, the wording, the chart, the template);
* the students' CSV; the draft page's sample-size plan (``population_baseline``);
* once: ``experiment_start`` on 100,000 students (rolled back).

    .venv/bin/python bench/experiments.py [--students 100000] [--rounds 5] [--reseed]
                                          [--drop] [--smoke]

``--smoke`` (or ``BENCH_SIZE=smoke``): 300 students, one round, in a fresh database dropped
at the end (``make bench-smoke``). The database is kept for the next run otherwise.
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
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    return benchdb.parse_args(parser, smoke={"students": 300, "rounds": 1})


ARGS = parse_args()
_url, _created = benchdb.start("experiments", ARGS)

import seeding  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from analytics.models import StudentTermActivity  # noqa: E402
from experiments import selectors, services, stats, wording  # noqa: E402
from experiments.models import Arm, Experiment, Metric  # noqa: E402

PREFIX = "bench-exp-"
NAME = "Bench: recommendations for everyone"
TARGET_MS = 300


def timed(function, rounds: int) -> tuple[list[float], object]:
    values, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = function()
        values.append((time.perf_counter() - started) * 1000)
    return values, result


def spread(values: list[float]) -> str:
    return (f"p50 {statistics.median(values):8.1f} ms   "
            f"min {min(values):8.1f}   max {max(values):8.1f}")  # fmt: skip


def seeded_students() -> int:
    return User.objects.filter(username__startswith=PREFIX, role=Role.STUDENT).count()


def seed(students: int) -> None:
    programs, cohorts = seeding.programs_and_cohorts()
    terms = seeding.analytics_terms(timezone.localdate())
    spring, current = terms[1], terms[2]
    seeding._execute("SELECT setseed(0.15)")
    seeding.timed_step("students", seeding.insert_select, User, {
        "password": "'!'", "username": "%(prefix)s || g", "first_name": "'Bench'",
        "last_name": "g::text", "role": "%(role)s",
        "program_id": "(%(programs)s::bigint[])"
                      "[1 + floor(random() * cardinality(%(programs)s::bigint[]))::int]",
        "cohort_id": "(%(cohorts)s::bigint[])"
                     "[1 + floor(random() * cardinality(%(cohorts)s::bigint[]))::int]",
    }, source="FROM generate_series(1, %(count)s) AS g", params={
        "prefix": PREFIX, "count": students, "role": Role.STUDENT,
        "programs": seeding.program_weights(programs), "cohorts": [c.pk for c in cohorts],
    })  # fmt: skip
    seeding._execute(
        "CREATE TEMP TABLE bench_exp_intensity AS SELECT id AS student_id, "
        "0.2 + 1.8 * random() AS d FROM accounts_user WHERE username LIKE %s",
        [PREFIX + "%"],
    )
    for term in (spring, current):
        seeding.timed_step(f"term activity {term.name_en}", seeding.insert_select,
                           StudentTermActivity, {
            "student_id": "b.student_id", "term_id": "%(term)s",
            "updates": "floor(b.d * 12 * (0.5 + random()))::int",
            "active_weeks": "LEAST(21, floor(b.d * 6 * (0.5 + random())))::int",
            "score_sum": "CASE WHEN r < 0.85 THEN round((LEAST(100, 45 + 15 * b.d "
                         "+ 20 * random()))::numeric, 2) ELSE 0 END",
            "review_count": "CASE WHEN r < 0.85 THEN 1 ELSE 0 END",
        }, source="FROM (SELECT *, random() AS r FROM bench_exp_intensity) b",
           params={"term": term.pk})  # fmt: skip
    seeding.analyse("accounts_user", "analytics_studenttermactivity")


def experiment_started(current) -> Experiment:
    experiment = Experiment.objects.filter(name=NAME).first()
    if experiment is not None:
        return experiment
    experiment = services.experiment_create(
        name=NAME, hypothesis="+20% updates", term=current,
        primary_metric=Metric.UPDATES_PER_WEEK,
        secondary_metrics=[Metric.REVIEW_SCORE, Metric.ACTIVE_WEEKS_SHARE],
    )  # fmt: skip
    started = time.perf_counter()
    services.experiment_start(experiment=experiment)
    print(f"  experiment_start              {(time.perf_counter() - started):7.1f} s", flush=True)
    # The planted effect, and the cards the treatment arm saw.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE analytics_studenttermactivity t SET updates = round(t.updates * 1.2) "
            "FROM experiments_assignment a WHERE a.student_id = t.student_id "
            "AND a.experiment_id = %s AND a.arm = %s AND t.term_id = %s",
            [experiment.pk, Arm.MODEL, current.pk],
        )
        cursor.execute(
            "UPDATE experiments_assignment SET exposures = floor(random() * 20)::int, "
            "actions = floor(random() * 5)::int WHERE experiment_id = %s AND arm = %s",
            [experiment.pk, Arm.MODEL],
        )
    seeding.analyse("experiments_assignment", "analytics_studenttermactivity")
    return Experiment.objects.get(pk=experiment.pk)


def measure_start(current, students: int) -> float:
    """experiment_start on the whole population, rolled back."""
    with transaction.atomic():
        Experiment.objects.filter(name=NAME).update(status="finished", finished_at=timezone.now())
        draft = services.experiment_create(
            name=NAME + " (start)", hypothesis="-", term=current,
            primary_metric=Metric.UPDATES_PER_WEEK,
        )  # fmt: skip
        started = time.perf_counter()
        services.experiment_start(experiment=draft)
        elapsed = (time.perf_counter() - started) * 1000
        transaction.set_rollback(True)
    print(f"\nexperiment_start on {students:,d} students (plan + assignments), rolled back: "
          f"{elapsed:8.0f} ms")  # fmt: skip
    return elapsed


def main() -> None:
    name = connection.settings_dict["NAME"]
    try:
        print("\nseeding")
        if seeded_students() == 0:
            seed(ARGS.students)
        elif seeded_students() != ARGS.students:
            sys.exit(f"{name} holds {seeded_students():,d} bench students: run with --reseed.")
        current = seeding.analytics_terms(timezone.localdate())[2]
        experiment = experiment_started(current)
        rounds = ARGS.rounds
        selectors.experiment_report(experiment)  # warm-up (imports, plans)

        report_ms, report = timed(lambda: selectors.experiment_report(experiment), rounds)
        rows_ms, rows = timed(lambda: selectors.experiment_rows(experiment), rounds)
        stats_ms, _r = timed(lambda: selectors.experiment_report(experiment, rows), rounds)
        staff = User.objects.filter(username="bench-exp-staff").first() or User.objects.create(
            username="bench-exp-staff", role=Role.STAFF, password="!"
        )
        call_command("collectstatic", interactive=False, verbosity=0)  # the production manifest
        client = Client()
        client.force_login(staff)
        page_url = f"/staff/experiments/{experiment.pk}/"
        client.get(page_url, secure=True)
        page_ms, response = timed(lambda: client.get(page_url, secure=True), rounds)
        assert response.status_code == 200, response.status_code
        csv_url = page_url + "students.csv"
        csv_ms, _c = timed(lambda: client.get(csv_url, secure=True), max(1, rounds // 2))
        baseline_ms, baseline = timed(lambda: selectors.population_baseline(experiment), rounds)
        start_ms = measure_start(current, ARGS.students)

        primary = report["metrics"][0]["comparisons"][Arm.MODEL]
        print(f"\nreport ({rounds} rounds), {sum(report['n'].values()):,d} students: "
              f"{', '.join(f'{a} {n:,d}' for a, n in report['n'].items())}")  # fmt: skip
        print(f"  selectors.experiment_report   {spread(report_ms)}")
        print(f"    rows statement + fetch      {spread(rows_ms)}")
        print(f"    statistics (3 metrics)      {spread(stats_ms)}")
        print(f"  results page (GET, staff)     {spread(page_ms)}")
        print(f"  students' CSV (GET)           {spread(csv_ms)}")
        print(f"  sample-size plan (draft page) {spread(baseline_ms)}")
        w, a = primary["welch"], primary["adjusted"]
        print(f"\n  planted +20%: relative {w['relative']:+.3f} "
              f"(95% {w['relative_ci'][0]:+.3f} … {w['relative_ci'][1]:+.3f}), p {w['p']:.2g}; "
              f"adjusted {a['diff']:.4f} (interval narrower by {100 * a['narrower']:.0f}%); "
              f"planned n {experiment.required_n:,d} per arm; "
              f"verdict {primary['verdict']}")  # fmt: skip
        conclusion = wording.describe_report(report)[0]["comparisons"][0]["conclusion"]
        print(f"  conclusion: {conclusion}")
        print(f"  SRM p {report['srm']['p']:.3f} (threshold {stats.SRM_ALPHA})")

        p50 = statistics.median(report_ms)
        page_p50 = statistics.median(page_ms)
        print(f"\nsummary ({seeded_students():,d} students)")
        print(f"  {'':30} {'measured':>12}  {'target':>9}")
        for label, value, met in [
            ("experiment report (p50)", p50, p50 <= TARGET_MS),
            ("results page (p50)", page_p50, page_p50 <= TARGET_MS),
            ("experiment_start (once)", start_ms, None),
        ]:
            target = f"≤ {TARGET_MS} ms" if met is not None else ""
            verdict = "" if met is None else ("meets" if met else "MISSES")
            print(f"  {label:30} {value:9.1f} ms  {target:>9}  {verdict}")
    finally:
        if not ARGS.drop:
            print(f"kept {name} for the next run (--drop or dropdb removes it)")


if __name__ == "__main__":
    main()
