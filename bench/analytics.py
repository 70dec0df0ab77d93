"""The analytics dashboard on 100,000 students and 5,000,000 activity events.

Creates its own database (``<DATABASE_URL's name>_analytics`` on the same server, by default
``portfolio_bench_analytics``; or ``BENCH_DATABASE_URL``), migrates it and seeds it through
``seeding.analytics_population`` (``INSERT … SELECT generate_series`` with the column lists
of the models): students in the demo programs and cohorts, their portfolios, three
terms (last year's autumn and spring, this autumn — the current one), released reviews for
about 85% of the students in the last two terms, employment outcomes for the graduated
cohort, and the activity log: fifteen months of updates and sign-ins in which each student
has an intensity of their own (quieter between terms, nothing before they entered or after
they graduated), and their review totals follow that intensity plus noise, so the
correlation the dashboard shows is a property of the data. The roll-ups are then built by
``analytics.rollups.rebuild()`` — the same SQL the app rebuilds them with — and the tables
analysed.

It prints, p50 (min–max) over ``--rounds`` rounds:

* cold: ``selectors.compute`` (what the dashboard computes on a cache miss) for the current
  term, one program, all terms and another metric, and its statements one by one;
* cached: ``selectors.analytics_figures`` after a warm-up, with the Redis cache when one
  answers at ``REDIS_URL`` (redis://127.0.0.1:6379/5 unless set), as in production;
* the Python path: the raw rows (5M events, students, reviews, portfolios) loaded into
  Python and the same figures computed with numpy and scipy, and the speed-up;
* the write path: ``services.activity_record`` (the event and its roll-ups, in the event's
  transaction) against inserting the event alone, and how fresh the roll-ups are;
* the nightly window slide (``rollups.windows_slide`` for tomorrow).

Writes are rolled back, so the database stays as seeded.

    .venv/bin/python bench/analytics.py [--students 100000] [--events 5000000] [--rounds 5]
                                        [--reseed] [--drop] [--smoke]

``--smoke`` (or ``BENCH_SIZE=smoke``): 300 students, 15,000 events, one round, in a fresh
database dropped at the end (``make bench-smoke``).

The database is kept for the next run (seeding takes a few minutes; a run on a seeded
database starts measuring at once). ``--reseed`` seeds it again, ``--drop`` drops it at the
end; ``dropdb`` does the same by hand.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchdb  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--python-rounds", type=int, default=1, help="rounds of the Python path")
    parser.add_argument("--writes", type=int, default=200, help="events of the write path")
    return benchdb.parse_args(
        parser, smoke={"students": 300, "events": 15_000, "rounds": 1, "writes": 10}
    )


ARGS = parse_args()
# Measure as production runs: DEBUG off (no query log), the shared cache.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")

PREFIX = "bench-"


def redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means: no Redis here
        return False


REDIS_NOTE = ""
if os.environ.get("REDIS_URL") and not redis_answers(os.environ["REDIS_URL"]):
    REDIS_NOTE = f" (no Redis answered at {os.environ['REDIS_URL']})"
    os.environ["REDIS_URL"] = ""  # the settings fall back to the local-memory cache


_url, created = benchdb.start("analytics", ARGS)

import numpy as np  # noqa: E402
import seeding  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from scipy import stats  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from analytics import rollups, selectors  # noqa: E402
from analytics.models import CONTENT_KINDS, ActivityEvent, ActivityKind  # noqa: E402
from analytics.selectors import Filters  # noqa: E402
from analytics.services import activity_record  # noqa: E402
from feedback.models import Term  # noqa: E402

ANALYSED = seeding.ANALYTICS_TABLES


def seeded_students() -> int:
    return User.objects.filter(username__startswith=PREFIX, role=Role.STUDENT).count()


def seeded_events() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM analytics_activityevent")
        return cursor.fetchone()[0]


def describe_data(term: Term) -> None:
    counts = {}
    with connection.cursor() as cursor:
        for table in [*ANALYSED[:3], *ANALYSED[4:6]]:
            cursor.execute(
                f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{table}')) FROM {table}"
            )
            counts[table] = cursor.fetchone()
        cursor.execute(
            "SELECT min(created_at), max(created_at), "
            "count(*) FILTER (WHERE kind = ANY(%s)) FROM analytics_activityevent",
            [rollups.CONTENT],
        )
        first, last, content = cursor.fetchone()
    print("\ndata")
    for table, (count, size) in counts.items():
        print(f"  {table:32} {count:11,d} rows  {size:>8}")
    print(f"  events from {timezone.localtime(first):%Y-%m-%d} to "
          f"{timezone.localtime(last):%Y-%m-%d %H:%M}, {content:,d} portfolio updates, "
          f"{counts['analytics_activityevent'][0] - content:,d} sign-ins")  # fmt: skip
    print(f"  current term: {term.name_en} ({term.starts_on} – {term.ends_on}), "
          f"{Term.objects.count()} terms")  # fmt: skip


# --- Measuring -------------------------------------------------------------------------------


def timed(function, rounds: int, *, before=None) -> tuple[list[float], object]:
    values, result = [], None
    for _ in range(rounds):
        if before is not None:
            before()
        started = time.perf_counter()
        result = function()
        values.append((time.perf_counter() - started) * 1000)
    return values, result


def spread(values: list[float]) -> str:
    return (f"p50 {statistics.median(values):8.1f} ms   "
            f"min {min(values):8.1f}   max {max(values):8.1f}")  # fmt: skip


def brief(figures: dict) -> str:
    c = figures["correlation"]
    s = figures["summary"]
    if c["r"] is None:
        return f"n {figures['n']:,d}, no correlation"
    return (f"students {figures['students']:,d}, scored {figures['n']:,d}, mean {s['mean']:.2f}, "
            f"r {c['r']:.4f} (p {c['p']:.2g}), rho {c['spearman']:.4f}")  # fmt: skip


def measure_cold(term: Term, programming_id: int, rounds: int) -> dict[str, list[float]]:
    variants = [
        ("current term", Filters(term_id=term.pk)),
        ("current term, 1 program", Filters(term_id=term.pk, program_id=programming_id)),
        ("all terms", Filters(term_id=None)),
        ("current term, active_weeks", Filters(term_id=term.pk, metric="active_weeks")),
    ]
    print(f"\ncold: selectors.compute(filters), no cache ({rounds} rounds each)")
    started = time.perf_counter()
    selectors.compute(variants[0][1])
    print(f"  first call of this run          {(time.perf_counter() - started) * 1000:8.1f} ms "
          "(includes the day's window slide if the windows were a day old)")  # fmt: skip
    results = {}
    for label, f in variants:
        values, figures = timed(lambda f=f: selectors.compute(f), rounds)
        results[label] = values
        print(f"  {label:30} {spread(values)}   {brief(figures)}")
    return results


def measure_parts(term: Term, rounds: int) -> None:
    """compute()'s statements one by one, for the current term."""
    f = Filters(term_id=term.pk)
    sql, params = selectors.figures_sql(f)

    def figures_statement():
        with selectors.analytics_cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def in_session(function):
        def run():
            with selectors.analytics_cursor():
                return function()

        return run

    parts = [
        ("figures statement (FIGURES_SQL)", figures_statement),
        ("weekly series (WEEKLY_SQL)", in_session(lambda: selectors._weekly(f, term))),
        ("ensure_fresh()", rollups.ensure_fresh),
    ]
    print("\ncold, compute()'s parts for the current term")
    for label, function in parts:
        values, _result = timed(function, rounds)
        print(f"  {label:34} {spread(values)}")
    with selectors.analytics_cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    summary = [
        line.strip() for line in plan if line.startswith(("Planning Time", "Execution Time"))
    ]
    print(f"  EXPLAIN ANALYZE of the figures statement: {'; '.join(summary)} (jit {jit})")
    jit_lines = [
        line.strip() for line in plan if line.strip().startswith(("Timing:", "Functions:"))
    ]
    if jit_lines:
        print(f"    JIT: {'; '.join(jit_lines)}")


def measure_cached(term: Term, rounds: int) -> list[float]:
    f = Filters(term_id=term.pk)
    cache.delete(f.cache_key())
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    location = settings.CACHES["default"].get("LOCATION", "")
    started = time.perf_counter()
    selectors.analytics_figures(f)  # warm-up: computes and stores
    miss = (time.perf_counter() - started) * 1000
    values, figures = timed(lambda: selectors.analytics_figures(f), rounds)
    print(f"\ncached: selectors.analytics_figures(filters), {backend} {location}{REDIS_NOTE}")
    print(f"  miss (compute + store)         {miss:8.1f} ms")
    print(f"  hit ({rounds} rounds)                {spread(values)}   {brief(figures)}")
    cache.delete(f.cache_key())
    return values


# --- The Python path -------------------------------------------------------------------------


def load_rows() -> dict:
    """The raw rows, as a report written without the roll-ups would read them."""
    content = {str(k) for k in CONTENT_KINDS}
    login = str(ActivityKind.LOGIN)
    tz = timezone.get_current_timezone()
    student_ids, kinds, epochs = [], [], []
    with transaction.atomic():  # a server-side cursor lives in a transaction
        cursor = connection.connection.cursor(name="bench_events")
        cursor.itersize = 200_000
        cursor.execute("SELECT student_id, kind, created_at FROM analytics_activityevent")
        while rows := cursor.fetchmany(200_000):
            n = len(rows)
            student_ids.append(np.fromiter((r[0] for r in rows), np.int64, n))
            kinds.append(
                np.fromiter(
                    (1 if r[1] in content else 2 if r[1] == login else 0 for r in rows), np.int8, n
                )  # fmt: skip
            )
            epochs.append(np.fromiter((r[2].timestamp() for r in rows), np.float64, n))
        cursor.close()
    epoch = np.concatenate(epochs)
    # Local days: Asia/Bishkek keeps one offset all year; check it does over the data.
    first, last = (datetime.fromtimestamp(x, tz) for x in (epoch.min(), epoch.max()))
    if first.utcoffset() != last.utcoffset():
        sys.exit("TIME_ZONE changes its offset over the data: the Python path assumes it does not")
    offset = first.utcoffset().total_seconds()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, program_id, cohort_id, is_active FROM accounts_user "
            "WHERE role = 'student' ORDER BY id"
        )
        students = np.array(cursor.fetchall(), dtype=np.int64)
        cursor.execute(
            "SELECT student_id, term_id, total FROM feedback_review WHERE status = 'released'"
        )
        reviews = np.array([(s, t, float(total)) for s, t, total in cursor.fetchall()],
                           dtype=np.float64).reshape(-1, 3)  # fmt: skip
        cursor.execute("SELECT student_id, completeness FROM portfolios_portfolio")
        portfolios = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
        cursor.execute("SELECT id, COALESCE(graduation_year, entry_year + 4) FROM accounts_cohort")
        cohorts = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
        cursor.execute("SELECT student_id, related_to_field FROM feedback_employmentoutcome")
        outcomes = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
    return {
        "student": np.concatenate(student_ids), "kind": np.concatenate(kinds), "epoch": epoch,
        "day": np.floor((epoch + offset) / 86400).astype(np.int64), "students": students,
        "reviews": reviews, "portfolios": portfolios, "cohorts": cohorts, "outcomes": outcomes,
    }  # fmt: skip


def epoch_day(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def python_figures(rows: dict, term: Term, today: date) -> dict:
    """The dashboard's figures for ``term`` from the raw rows, with numpy and scipy."""
    students = rows["students"]
    ids = students[:, 0]
    count = len(ids)
    index = np.searchsorted(ids, rows["student"])
    known = (index < count) & (ids[np.minimum(index, count - 1)] == rows["student"])
    updates_mask = known & (rows["kind"] == 1)
    day = rows["day"]
    start, end = epoch_day(term.starts_on), epoch_day(term.ends_on)
    in_term = updates_mask & (day >= start) & (day <= end)
    who = index[in_term]
    updates = np.bincount(who, minlength=count)
    week = (day[in_term] + 3) // 7  # Monday-based weeks (1970-01-01 was a Thursday)
    pairs = np.unique(who * 10_000 + (week - week.min() if len(week) else week))
    active_weeks = np.bincount(pairs // 10_000, minlength=count)

    reviews = rows["reviews"]
    of_term = reviews[:, 1] == term.pk
    reviewed = np.searchsorted(ids, reviews[of_term, 0].astype(np.int64))
    score_sum = np.bincount(reviewed, weights=reviews[of_term, 2], minlength=count)
    score_n = np.bincount(reviewed, minlength=count)
    scored = score_n > 0
    score = score_sum[scored] / score_n[scored]
    metric = updates[scored].astype(np.float64)
    n = int(scored.sum())
    mean = float(score.mean())
    sd = float(score.std(ddof=1))
    centred = score - mean
    histogram = np.bincount(np.minimum(np.floor(score / 10).astype(int) + 1, 10), minlength=11)
    programs = {}
    program_of = students[scored, 1]
    for program in np.unique(program_of):
        values = score[program_of == program]
        programs[int(program)] = {
            "n": len(values), "mean": float(values.mean()), "sd": float(values.std(ddof=1)),
            "min": float(values.min()), "max": float(values.max()),
            "ci95": stats.t.interval(0.95, len(values) - 1, loc=values.mean(),
                                     scale=stats.sem(values)),
        }  # fmt: skip
    pearson = stats.pearsonr(metric, score)
    spearman = stats.spearmanr(metric, score)
    slope, intercept = np.polyfit(metric, score, 1)

    # Monitoring: active accounts with no update in 30 days, portfolios under 50%.
    last = np.full(count, -np.inf)
    np.maximum.at(last, index[updates_mask], day[updates_mask].astype(np.float64))
    active = students[:, 3] == 1
    days_since = epoch_day(today) - last
    completeness = np.zeros(count)
    portfolios = rows["portfolios"]
    at = np.searchsorted(ids, portfolios[:, 0])
    has = (at < count) & (ids[np.minimum(at, count - 1)] == portfolios[:, 0])
    completeness[at[has]] = portfolios[has, 1]
    monitoring = {
        "inactive": int((active & (days_since >= 30)).sum()),
        "incomplete": int((active & (completeness < 50)).sum()),
        "active_accounts": int(active.sum()),
    }
    # Weekly: students with an update and updates per week of the term.
    weeks_all = (day[updates_mask] + 3) // 7
    in_weeks = (weeks_all >= (start + 3) // 7) & (
        weeks_all <= (min(end, epoch_day(today)) + 3) // 7
    )
    week_keys = weeks_all[in_weeks]
    weekly_updates = np.bincount(week_keys - week_keys.min()) if len(week_keys) else []
    weekly_students = np.bincount(
        np.unique(week_keys * 1_000_000_000 + index[updates_mask][in_weeks]) // 1_000_000_000
        - (week_keys.min() if len(week_keys) else 0)
    )
    # Employment: graduates' tertiles of all-time updates, share employed in each.
    totals = np.bincount(index[updates_mask], minlength=count).astype(np.float64)
    graduated_by = selectors.graduated_by(today)
    cohorts = rows["cohorts"]  # id, graduation year
    graduation = np.zeros(int(cohorts[:, 0].max()) + 1, dtype=np.int64)
    graduation[cohorts[:, 0]] = cohorts[:, 1]
    graduates = graduation[students[:, 2]] <= graduated_by
    employed = np.zeros(count, dtype=bool)
    employed[np.searchsorted(ids, rows["outcomes"][:, 0])] = True
    cuts = np.quantile(totals[graduates], [1 / 3, 2 / 3]) if graduates.any() else [0, 0]
    tertile = np.where(totals <= cuts[0], 1, np.where(totals <= cuts[1], 2, 3))
    employment = [
        (t, int((graduates & (tertile == t)).sum()),
         int((graduates & (tertile == t) & employed).sum()))
        for t in (1, 2, 3)
    ]  # fmt: skip
    return {
        "students": count, "n": n, "mean": mean, "sd": sd, "median": float(np.median(score)),
        "skewness": float((centred**3).mean() / (centred**2).mean() ** 1.5),
        "histogram": histogram[1:].tolist(), "programs": programs,
        "r": float(pearson.statistic), "p": float(pearson.pvalue),
        "rho": float(spearman.statistic), "rho_p": float(spearman.pvalue),
        "slope": float(slope), "intercept": float(intercept), "monitoring": monitoring,
        "weekly": (list(weekly_students), list(weekly_updates)), "employment": employment,
        "active_weeks_mean": float(active_weeks[scored].mean()),
    }  # fmt: skip


def measure_python(term: Term, rounds: int) -> tuple[list[float], dict]:
    today = timezone.localdate()
    print(f"\nPython path: raw rows into Python, the same figures with numpy/scipy "
          f"({rounds} round{'s' if rounds > 1 else ''})")  # fmt: skip
    totals, figures = [], {}
    for _ in range(rounds):
        started = time.perf_counter()
        rows = load_rows()
        loaded = time.perf_counter()
        figures = python_figures(rows, term, today)
        done = time.perf_counter()
        totals.append((done - started) * 1000)
        print(f"  load {len(rows['student']):,d} events + students, reviews, portfolios "
              f"{loaded - started:6.1f} s   compute {done - loaded:5.1f} s   "
              f"total {done - started:6.1f} s")  # fmt: skip
        del rows
    print(f"  students {figures['students']:,d}, scored {figures['n']:,d}, "
          f"mean {figures['mean']:.2f}, r {figures['r']:.4f} (p {figures['p']:.2g}), "
          f"rho {figures['rho']:.4f}")  # fmt: skip
    return totals, figures


def compare(sql: dict, py: dict) -> None:
    c, s = sql["correlation"], sql["summary"]
    pairs = [
        ("students", sql["students"], py["students"]), ("n scored", sql["n"], py["n"]),
        ("mean score", s["mean"], py["mean"]), ("sd", s["sd"], py["sd"]),
        ("median", s["median"], py["median"]), ("skewness", s["skewness"], py["skewness"]),
        ("Pearson r", c["r"], py["r"]), ("p", c["p"], py["p"]),
        ("Spearman rho", c["spearman"], py["rho"]), ("slope", c["slope"], py["slope"]),
        ("histogram", [b["n"] for b in sql["histogram"]], py["histogram"]),
        ("monitoring", sql["monitoring"], py["monitoring"]),
        ("employment", [(e["tertile"], e["graduates"], e["employed"])
                        for e in sql["employment"]], py["employment"]),
    ]  # fmt: skip
    print("\nSQL (roll-ups) against Python (raw rows), current term, updates in the term")
    for label, a, b in pairs:
        if isinstance(a, float) and isinstance(b, float):
            same = abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b)) or (a < 1e-300 and b < 1e-300)
            print(f"  {label:14} {a:>22.12g} {b:>22.12g}   {'same' if same else 'DIFFERENT'}")
        else:
            same = a == b
            print(f"  {label:14} {'same' if same else 'DIFFERENT'}: {a}"
                  + ("" if same else f" vs {b}"))  # fmt: skip
    weekly_sql = [w["active_students"] for w in sql["weekly"]]
    weekly_py = py["weekly"][0]
    print(f"  {'weekly active':14} {'same' if weekly_sql == weekly_py else 'DIFFERENT'}: "
          f"{len(weekly_sql)} weeks, {weekly_sql[:4]}…")  # fmt: skip
    by_program = {row["program_id"]: row for row in sql["programs"]}
    worst = max(
        abs(by_program[k]["mean"] - v["mean"]) for k, v in py["programs"].items()
    )  # fmt: skip
    print(f"  {'programs':14} {len(by_program)} programs, largest difference of means {worst:.2g}")


# --- Writes ------------------------------------------------------------------------------------


def measure_writes(count: int = 200) -> tuple[list[float], list[float]]:
    """activity_record (event + roll-ups) against the event alone, each in a transaction
    that is rolled back."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM accounts_user WHERE role = 'student' AND username LIKE %s "
            "ORDER BY random() LIMIT %s",
            [PREFIX + "%", count],
        )
        sample = [row[0] for row in cursor.fetchall()]
    alone, recorded = [], []
    for student_id in sample:
        with transaction.atomic():
            started = time.perf_counter()
            ActivityEvent.objects.create(
                student_id=student_id, actor_id=student_id, kind=ActivityKind.ACHIEVEMENT_UPDATED
            )
            alone.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
        with transaction.atomic():
            started = time.perf_counter()
            activity_record(
                student_id=student_id, kind=ActivityKind.ACHIEVEMENT_UPDATED, actor_id=student_id
            )
            recorded.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    # Freshness: the roll-ups move in the event's own transaction.
    student_id = sample[0]
    state = ("SELECT a.updates_total, a.updates_30d, a.last_update_at, "
             "(SELECT updates FROM analytics_studenttermactivity t JOIN feedback_term ft "
             " ON ft.id = t.term_id AND ft.is_current WHERE t.student_id = a.student_id), "
             "(SELECT count(*) FROM analytics_activityevent e WHERE e.student_id = a.student_id "
             " AND e.kind = ANY(%s)) "
             "FROM analytics_studentactivity a WHERE a.student_id = %s")  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(state, [rollups.CONTENT, student_id])
        before = cursor.fetchone()
        for _ in range(3):
            activity_record(
                student_id=student_id, kind=ActivityKind.ACHIEVEMENT_UPDATED, actor_id=student_id
            )
        cursor.execute(state, [rollups.CONTENT, student_id])
        after = cursor.fetchone()
        transaction.set_rollback(True)
    print(f"\nwrite path ({count} events, each in a transaction, rolled back)")
    print(f"  event alone (INSERT)               {spread(alone)}")
    print(f"  activity_record (event + roll-ups) {spread(recorded)}")
    print(
        f"  roll-ups' share per event          "
        f"{statistics.median(recorded) - statistics.median(alone):8.1f} ms (p50 difference)"
    )
    print(f"  freshness: 3 events for student {student_id}: updates_total {before[0]} -> "
          f"{after[0]}, in 30 days {before[1]} -> {after[1]}, in the current term "
          f"{before[3]} -> {after[3]}; counted from the log {before[4]} -> {after[4]} "
          "(the same transaction: current at commit)")  # fmt: skip
    return alone, recorded


def measure_slide(rounds: int) -> list[float]:
    tomorrow = timezone.localdate() + timedelta(days=1)
    values, changed = [], 0
    for _ in range(rounds):
        with transaction.atomic():
            started = time.perf_counter()
            changed = rollups.windows_slide(today=tomorrow)
            values.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    print(f"\nwindow slide: rollups.windows_slide(today={tomorrow}) (nightly analytics_refresh), "
          f"rolled back ({rounds} rounds)")  # fmt: skip
    print(f"  {spread(values)}   {changed:,d} students' 30/90-day counts changed")
    return values


CACHE_SECONDS = getattr(
    settings, "ANALYTICS_CACHE_SECONDS", getattr(selectors, "CACHE_SECONDS", 300)
)


def rollup_counts() -> None:
    print("\nroll-ups")
    with connection.cursor() as cursor:
        for table in ANALYSED[6:]:
            cursor.execute(
                f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{table}')) FROM {table}"
            )
            count, size = cursor.fetchone()
            print(f"  {table:32} {count:11,d} rows  {size:>8}")
    on = rollups.windows_on()
    print(f"  written in each event's transaction (current at commit); the 30/90-day windows "
          f"end on {on} (slid nightly by analytics_refresh, or by the first dashboard request "
          f"of a day); cached figures are up to {CACHE_SECONDS} s old")  # fmt: skip


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
        term = Term.objects.get(is_current=True)
        programming = seeding.programs_and_cohorts()[0]["programming"]
        describe_data(term)
        rollup_counts()
        rounds = ARGS.rounds
        cold = measure_cold(term, programming.pk, rounds)
        measure_parts(term, rounds)
        cached = measure_cached(term, max(rounds, 50))
        python, py_figures = measure_python(term, ARGS.python_rounds)
        compare(selectors.compute(Filters(term_id=term.pk)), py_figures)
        _alone, recorded = measure_writes(ARGS.writes)
        slide = measure_slide(max(1, rounds // 2))

        cold_p50 = statistics.median(cold["current term"])
        worst_cold = max(statistics.median(v) for v in cold.values())
        cached_p50 = statistics.median(cached)
        speedup = statistics.median(python) / cold_p50
        rows = [
            ("cold, current term (p50)", f"{cold_p50:.1f} ms", "≤ 300 ms", cold_p50 <= 300),
            ("cold, slowest variant (p50)", f"{worst_cold:.1f} ms", "≤ 300 ms", worst_cold <= 300),
            ("cached (p50)", f"{cached_p50:.2f} ms", "≤ 50 ms", cached_p50 <= 50),
            ("Python path / cold", f"{speedup:.0f}× ({statistics.median(python) / 1000:.1f} s)",
             "≥ 10×", speedup >= 10),
            ("write: activity_record (p50)", f"{statistics.median(recorded):.2f} ms", "", None),
            ("nightly window slide (p50)", f"{statistics.median(slide):.0f} ms", "", None),
        ]  # fmt: skip
        print(f"\nsummary ({seeded_students():,d} students, {seeded_events():,d} events)")
        print(f"  {'':30} {'measured':>20}  {'target':>9}")
        for label, value, target, met in rows:
            verdict = "" if met is None else ("meets" if met else "MISSES")
            print(f"  {label:30} {value:>20}  {target:>9}  {verdict}")
    finally:
        if not ARGS.drop:
            print(f"kept {name} for the next run (--drop or dropdb removes it)")


if __name__ == "__main__":
    main()
