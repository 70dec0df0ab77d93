"""The dashboard's figures equal what numpy and scipy compute from the exported per-student
rows, to 1e-9: the CSV researchers download is the data behind every number."""

import csv
import io
import random
from datetime import date, datetime, time, timedelta

import numpy as np
import pytest
from django.utils import timezone
from scipy import stats

from analytics.exports import student_table, write_csv
from analytics.models import ActivityKind
from analytics.selectors import METRICS, Filters, compute
from analytics.services import activity_record
from analytics.stats import EXACT_BELOW
from feedback.models import Review
from portfolios.models import Portfolio
from tests.analytics.test_stats import brute_force_p
from tests.factories import (
    CohortFactory,
    ProgramFactory,
    StudentFactory,
    SupervisorFactory,
    TermFactory,
    default_rubric,
    portfolio_for,
)

pytestmark = pytest.mark.django_db

TOLERANCE = {"rel": 1e-9, "abs": 1e-9}


def close(expected):
    return pytest.approx(expected, **TOLERANCE)


@pytest.fixture
def cohort_data():
    """45 students in three programs, two terms, scores that depend on activity plus noise;
    a few without a score, a few without any activity."""
    rng = random.Random(7)
    today = timezone.localdate()
    past = TermFactory(starts_on=today - timedelta(days=300), ends_on=today - timedelta(days=160))
    current = TermFactory(
        starts_on=today - timedelta(days=80), ends_on=today + timedelta(days=40), is_current=True
    )
    programs = [ProgramFactory(code=c) for c in ("programming", "design", "history")]
    cohorts = [CohortFactory(entry_year=y) for y in (2023, 2024)]
    supervisor = SupervisorFactory()
    rubric = default_rubric()
    tz = timezone.get_current_timezone()
    for i in range(45):
        program = programs[i % 3]
        student = StudentFactory(program=program, cohort=cohorts[i % 2])
        diligence = rng.random()
        # Derived figures the app keeps (search/derived.py), set here to vary.
        Portfolio.objects.filter(pk=portfolio_for(student).pk).update(
            completeness=min(100, int(diligence * 90) + rng.randint(0, 10)),
            evidence_count=rng.randint(0, 12), verified_count=rng.randint(0, 4),
        )  # fmt: skip
        for term in (past, current):
            days = (min(term.ends_on, today) - term.starts_on).days
            events = 0 if i % 11 == 0 else int(diligence * 25) + rng.randint(0, 3)
            for _ in range(events):
                day = term.starts_on + timedelta(days=rng.randint(0, days))
                at = datetime.combine(day, time(rng.randint(0, 23), rng.randint(0, 59)), tz)
                activity_record(student_id=student.pk, kind=ActivityKind.ACHIEVEMENT_UPDATED, at=at)
            if i % 9 == 4:
                continue  # no score for this one
            total = max(0, min(100, 45 + 30 * diligence + 8 * (i % 3) + rng.gauss(0, 6)))
            Review.objects.create(
                student=student, supervisor=supervisor, term=term, rubric=rubric,
                total=round(total, 2), status=Review.Status.RELEASED,
                released_at=timezone.now(),
            )  # fmt: skip
        if i % 4 == 0:  # a second supervisor: the score is the mean of the two
            other = SupervisorFactory()
            Review.objects.create(
                student=student, supervisor=other, term=current, rubric=rubric,
                total=round(rng.uniform(40, 95), 2), status=Review.Status.RELEASED,
                released_at=timezone.now(),
            )  # fmt: skip
    return {"current": current, "past": past, "programs": programs, "cohorts": cohorts}


def exported(f: Filters) -> list[dict]:
    """The per-student CSV, written and read back as text, as a researcher gets it."""
    stream = io.StringIO()
    write_csv(stream, student_table(f))
    stream.seek(0)
    return list(csv.DictReader(stream))


def columns(rows, *names):
    """Rows with a value in every named column, as float arrays."""
    kept = [r for r in rows if all(r[n] != "" for n in names)]
    return [np.array([float(r[n]) for r in kept]) for n in names]


def assert_figures_match(figures: dict, rows: list[dict], f: Filters) -> None:
    (scores,) = columns(rows, "score")
    assert figures["students"] == len(rows)
    assert figures["n"] == len(scores)
    assert figures["without_score"] == len(rows) - len(scores)
    s = figures["summary"]
    assert s["mean"] == close(np.mean(scores))
    assert s["median"] == close(np.median(scores))
    assert s["sd"] == close(np.std(scores, ddof=1))
    assert s["skewness"] == close(stats.skew(scores))
    assert s["min"] == close(scores.min()) and s["max"] == close(scores.max())
    low, high = stats.t.interval(
        0.95, len(scores) - 1, loc=np.mean(scores), scale=stats.sem(scores)
    )
    assert s["ci95"] == (close(low), close(high))

    bins = 100 // f.bin_width
    counts, _edges = np.histogram(scores, bins=bins, range=(0, 100))
    assert [b["n"] for b in figures["histogram"]] == counts.tolist()

    by_program = {}
    for row in rows:
        if row["score"] != "":
            by_program.setdefault(row["program"], []).append(float(row["score"]))
    assert {p["code"] for p in figures["programs"]} == set(by_program)
    for p in figures["programs"]:
        x = np.array(by_program[p["code"]])
        assert p["n"] == len(x)
        assert p["mean"] == close(x.mean())
        assert p["min"] == close(x.min()) and p["max"] == close(x.max())
        assert p["sd"] == close(np.std(x, ddof=1))
        low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
        assert p["ci95"] == (close(low), close(high))

    metric, score = columns(rows, f.metric, "score")
    c = figures["correlation"]
    pearson = stats.pearsonr(metric, score)
    ci = pearson.confidence_interval(0.95)
    spearman = stats.spearmanr(metric, score)
    assert c["n"] == len(score)
    assert c["r"] == close(pearson.statistic)
    assert c["ci95"] == (close(ci.low), close(ci.high))
    assert c["spearman"] == close(spearman.statistic)
    if len(score) < EXACT_BELOW:  # small groups: exact p-values, every pairing counted
        assert c["exact"]
        assert (c["p"], c["spearman_p"]) == close(brute_force_p(metric, score))
    else:
        assert not c["exact"]
        assert c["p"] == close(pearson.pvalue)
        assert c["spearman_p"] == close(spearman.pvalue)
    slope, intercept = np.polyfit(metric, score, 1)
    assert c["slope"] == close(slope) and c["intercept"] == close(intercept)


@pytest.mark.parametrize("metric", list(METRICS))
def test_every_metric_in_the_current_term_matches_scipy(cohort_data, metric):
    f = Filters(term_id=cohort_data["current"].pk, metric=metric)
    assert_figures_match(compute(f), exported(f), f)


def test_all_terms_a_program_a_cohort_and_bins_of_five_match_scipy(cohort_data):
    term_ids = [None, cohort_data["past"].pk]
    for term_id in term_ids:
        f = Filters(term_id=term_id, metric="active_weeks", bin_width=5)
        assert_figures_match(compute(f), exported(f), f)
    f = Filters(
        term_id=cohort_data["current"].pk, cohort_id=cohort_data["cohorts"][0].pk,
        metric="updates_per_active_week",
    )  # fmt: skip
    assert_figures_match(compute(f), exported(f), f)
    # One program: the correlation still has enough students.
    f = Filters(term_id=cohort_data["current"].pk, program_id=cohort_data["programs"][0].pk)
    rows = exported(f)
    assert {r["program"] for r in rows} == {"programming"}
    assert_figures_match(compute(f), rows, f)


@pytest.mark.parametrize("n", range(4, EXACT_BELOW))
def test_small_groups_have_exact_p_values_equal_to_a_brute_force_enumeration(n):
    """4 to 9 students with a score (two more without): the figures against numpy and
    scipy, the p-values against every pairing of the exported rows, enumerated."""
    rng = random.Random(n)
    today = timezone.localdate()
    term = TermFactory(starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=30),
                       is_current=True)  # fmt: skip
    rubric = default_rubric()
    tz = timezone.get_current_timezone()
    programs = [ProgramFactory(code="small-a"), ProgramFactory(code="small-b")]
    for i in range(n + 2):
        student = StudentFactory(program=programs[i % 2])
        for _ in range(rng.randint(0, 5)):  # ties in the activity are likely
            day = today - timedelta(days=rng.randint(0, 50))
            activity_record(student_id=student.pk, kind=ActivityKind.ACHIEVEMENT_UPDATED,
                            at=datetime.combine(day, time(12), tz))  # fmt: skip
        if i < n:
            Review.objects.create(
                student=student, supervisor=SupervisorFactory(), term=term, rubric=rubric,
                total=round(rng.uniform(35, 98), 2), status=Review.Status.RELEASED,
                released_at=timezone.now(),
            )  # fmt: skip
    f = Filters(term_id=term.pk)
    figures = compute(f)
    if figures["correlation"]["no_variation"]:
        pytest.skip("no variation in this draw")
    assert figures["correlation"]["n"] == n
    assert_figures_match(figures, exported(f), f)


def test_the_positive_relation_in_the_data_shows(cohort_data):
    figures = compute(Filters(term_id=cohort_data["current"].pk, metric="updates_term"))
    assert figures["correlation"]["r"] > 0.3
    assert figures["correlation"]["p"] < 0.05


def test_score_is_the_mean_of_released_reviews_and_drafts_do_not_count(cohort_data):
    current = cohort_data["current"]
    student = StudentFactory()
    rubric = default_rubric()
    for total, status in ((70, "released"), (80, "released"), (10, "draft")):
        Review.objects.create(
            student=student, supervisor=SupervisorFactory(), term=current, rubric=rubric,
            total=total, status=status,
            released_at=timezone.now() if status == "released" else None,
        )  # fmt: skip
    rows = exported(Filters(term_id=current.pk))
    mine = [r for r in rows if r["updates_term"] == "0" and r["score"] == "75.0"]
    assert len(mine) == 1


def test_small_groups_say_too_few_instead_of_a_figure():
    term = TermFactory(is_current=True, starts_on=date(2026, 9, 1), ends_on=date(2027, 1, 25))
    rubric = default_rubric()
    students = [StudentFactory() for _ in range(3)]
    for student, total in zip(students[:2], (60, 80), strict=True):
        Review.objects.create(
            student=student, supervisor=SupervisorFactory(), term=term, rubric=rubric,
            total=total, status="released", released_at=timezone.now(),
        )  # fmt: skip
    figures = compute(Filters(term_id=term.pk))
    assert figures["n"] == 2 and figures["without_score"] == 1
    c = figures["correlation"]
    assert c["too_few"] and c["r"] is None and c["p"] is None and c["spearman"] is None
    assert figures["summary"]["skewness"] is None  # needs 3
    assert figures["summary"]["sd"] == pytest.approx(np.std([60, 80], ddof=1))
    # One student in a program: no spread, no interval.
    single = [p for p in figures["programs"] if p["n"] == 1]
    assert single and all(p["sd"] is None and p["ci95"] is None for p in single)


def test_no_variation_says_so():
    term = TermFactory(is_current=True, starts_on=date(2026, 9, 1), ends_on=date(2027, 1, 25))
    rubric = default_rubric()
    for total in (55, 65, 75, 85):
        Review.objects.create(
            student=StudentFactory(), supervisor=SupervisorFactory(), term=term, rubric=rubric,
            total=total, status="released", released_at=timezone.now(),
        )  # fmt: skip
    c = compute(Filters(term_id=term.pk, metric="updates_term"))["correlation"]
    assert c["n"] == 4 and c["no_variation"] and c["r"] is None


def test_the_export_is_pseudonymous(cohort_data):
    f = Filters(term_id=cohort_data["current"].pk)
    text = io.StringIO()
    write_csv(text, student_table(f))
    from accounts.models import User

    for user in User.objects.students()[:10]:
        assert user.username not in text.getvalue()
        assert str(user.last_name) not in text.getvalue()
    pseudonyms = [r["pseudonym"] for r in exported(f)]
    assert len(set(pseudonyms)) == len(pseudonyms) == 45 + 0
