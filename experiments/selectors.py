"""Reads for experiments: populations, the previous term's baseline, the arm a student is
in (the pages' one entry point, ``recommendation_mode_for``) and the rows a report is
computed from — one statement over the assignments and analytics' per-term roll-ups."""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Role, User
from analytics.models import StudentTermActivity
from experiments import stats
from experiments.models import MODE_OF_ARM, Arm, Assignment, Experiment, Metric, Status
from feedback.models import Term


def experiments_list():
    return (
        Experiment.objects.select_related("term")
        .annotate(students=Count("assignments"))
        .order_by("-created_at", "-id")
    )


def previous_term(term: Term) -> Term | None:
    return Term.objects.filter(starts_on__lt=term.starts_on).order_by("-starts_on").first()


def term_weeks(term: Term, *, until: date | None = None) -> float:
    """The term's weeks up to ``until`` (its end at most), at least one day's worth."""
    end = term.ends_on if until is None else min(until, term.ends_on)
    return max(1, (end - term.starts_on).days + 1) / 7


def measured_until(experiment: Experiment) -> date:
    if experiment.finished_at is not None:
        return timezone.localdate(experiment.finished_at)
    return timezone.localdate()


def population_filter(*, programs, cohorts) -> Q:
    condition = Q(role=Role.STUDENT, is_active=True)
    if programs:
        condition &= Q(program__in=programs)
    if cohorts:
        condition &= Q(cohort__in=cohorts)
    return condition


def population_students(experiment: Experiment, *, programs=None, cohorts=None):
    programs = list(experiment.programs.all()) if programs is None else programs
    cohorts = list(experiment.cohorts.all()) if cohorts is None else cohorts
    return User.objects.filter(population_filter(programs=programs, cohorts=cohorts))


def _sets_meet(a: set, b: set) -> bool:
    """Populations are "every …" when empty: an empty set meets anything."""
    return not a or not b or bool(a & b)


def populations_overlap(first: tuple[set, set], second: tuple[set, set]) -> bool:
    """Whether two (programs, cohorts) populations can hold the same student."""
    return _sets_meet(first[0], second[0]) and _sets_meet(first[1], second[1])


def overlapping_running(experiment: Experiment, *, programs=None, cohorts=None) -> list:
    """Running experiments (other than this one) whose population meets this one's."""
    mine = (
        {p.pk for p in (experiment.programs.all() if programs is None else programs)},
        {c.pk for c in (experiment.cohorts.all() if cohorts is None else cohorts)},
    )
    others = (
        Experiment.objects.filter(status=Status.RUNNING)
        .exclude(pk=experiment.pk)
        .prefetch_related("programs", "cohorts")
    )
    return [
        other
        for other in others
        if populations_overlap(
            mine, ({p.pk for p in other.programs.all()}, {c.pk for c in other.cohorts.all()})
        )
    ]


# --- Metrics -------------------------------------------------------------------------------


def previous_figures(experiment: Experiment, student_ids=None) -> dict[int, dict]:
    """Per student of the population (or of ``student_ids``), their figures in the term
    before the experiment's, as the assignment keeps them; a student without a roll-up row
    there is missing (all zeros)."""
    before = previous_term(experiment.term)
    if before is None:
        return {}
    rows = StudentTermActivity.objects.filter(term=before)
    if student_ids is not None:
        rows = rows.filter(student_id__in=student_ids)
    return {
        student_id: {"pre_updates": updates, "pre_active_weeks": weeks,
                     "pre_score_sum": float(score), "pre_reviews": reviews}
        for student_id, updates, weeks, score, reviews in rows.values_list(
            "student_id", "updates", "active_weeks", "score_sum", "review_count"
        )
    }  # fmt: skip


def metric_values(metric: str, rows: np.ndarray, weeks: float) -> np.ndarray:
    """Per student, from (updates, active weeks, score sum, review count) columns; a
    student without a roll-up row has zeros; without a review, the score is NaN."""
    updates, active_weeks, score_sum, reviews = (rows[:, i] for i in range(4))
    if metric == Metric.UPDATES_PER_WEEK:
        return updates / weeks
    if metric == Metric.ACTIVE_WEEKS_SHARE:
        return np.minimum(1.0, active_weeks / math.ceil(weeks))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(reviews > 0, score_sum / np.where(reviews > 0, reviews, 1), np.nan)


def population_baseline(experiment: Experiment, *, programs=None, cohorts=None) -> dict:
    """The primary metric in the term before the experiment's, over the students of the
    population now: mean, spread, and the students per arm that the minimum detectable
    effect, alpha and power then need."""
    before = previous_term(experiment.term)
    result = {"term": before, "n": 0, "mean": None, "sd": None, "required_n": None}
    if before is None:
        return result
    programs = list(experiment.programs.all()) if programs is None else programs
    cohorts = list(experiment.cohorts.all()) if cohorts is None else cohorts
    students = User.objects.filter(population_filter(programs=programs, cohorts=cohorts))
    weeks = term_weeks(before)
    # Mean and spread in one aggregate over the population (100,000 students: no rows
    # leave the database). A student without a roll-up row updated nothing; without a
    # review they have no score and do not count for it.
    value = {
        Metric.UPDATES_PER_WEEK: "coalesce(t.updates, 0) / %s",
        Metric.ACTIVE_WEEKS_SHARE: "least(1.0, coalesce(t.active_weeks, 0) / %s)",
        Metric.REVIEW_SCORE: "CASE WHEN t.review_count > 0 "
                             "THEN t.score_sum::float8 / t.review_count END",
    }[Metric(experiment.primary_metric)]  # fmt: skip
    divisor = [] if experiment.primary_metric == Metric.REVIEW_SCORE else [
        weeks if experiment.primary_metric == Metric.UPDATES_PER_WEEK else math.ceil(weeks)
    ]  # fmt: skip
    population, population_params = students.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(v), avg(v), stddev_samp(v) FROM (SELECT ({value})::float8 AS v "
            f"FROM accounts_user u LEFT JOIN analytics_studenttermactivity t "
            f"ON t.student_id = u.id AND t.term_id = %s WHERE u.id IN ({population})) x",
            [*divisor, before.pk, *population_params],
        )
        n, mean, sd = cursor.fetchone()
    result.update({"n": n, "mean": mean, "sd": sd if n >= stats.MIN_PER_ARM else None})
    result["required_n"] = stats.required_n_per_arm(
        mean=result["mean"], sd=result["sd"], mde=experiment.mde,
        alpha=experiment.alpha_per_comparison, power=experiment.power,
    )  # fmt: skip
    return result


# --- The student's arm ----------------------------------------------------------------------


def recommendation_mode_for(student) -> str | None:
    """What the pages show this student: "none" (control), "model" (treatment), "rules"
    (the rules-only arm), or None when no running experiment includes them (the pages'
    own default). A student of a running experiment's population who has no arm yet (they
    joined after the start) gets one now, once."""
    if not getattr(student, "is_authenticated", False) or student.role != Role.STUDENT:
        return None
    if not any_running():  # the usual case: no query at all
        return None
    arm = (
        Assignment.objects.filter(student=student, experiment__status=Status.RUNNING)
        .values_list("arm", flat=True)
        .first()
    )
    if arm is None:
        experiment = running_experiment_for(student)
        if experiment is None:
            return None
        from experiments.services import assignment_ensure

        arm = assignment_ensure(experiment=experiment, student=student).arm
    return MODE_OF_ARM[Arm(arm)]


RUNNING_CACHE_KEY = "experiments:any-running"


def any_running() -> bool:
    """Whether any experiment runs, from the shared cache: the pages of a site without a
    running experiment ask the database nothing about experiments."""
    running = cache.get(RUNNING_CACHE_KEY)
    if running is None:
        running = Experiment.objects.filter(status=Status.RUNNING).exists()
        cache.set(RUNNING_CACHE_KEY, running, 300)
    return running


def running_experiment_for(student) -> Experiment | None:
    if not student.is_active:
        return None
    program_ok = Q(programs__isnull=True) | Q(programs=student.program_id)
    cohort_ok = Q(cohorts__isnull=True) | Q(cohorts=student.cohort_id)
    return (
        Experiment.objects.filter(status=Status.RUNNING)
        .filter(program_ok)
        .filter(cohort_ok)
        .order_by("started_at", "pk")
        .first()
    )


# --- Report rows ---------------------------------------------------------------------------

ARMS_BY_CODE = [Arm.CONTROL.value, Arm.MODEL.value, Arm.RULES.value]
# (name, SQL, PostgreSQL type, numpy type): each field fixed-width and never NULL.
ROW_COLUMNS = [
    ("arm", "CASE a.arm WHEN 'control' THEN 0 WHEN 'model' THEN 1 ELSE 2 END", "int2", ">i2"),
    ("exposures", "a.exposures", "int4", ">i4"),
    ("actions", "a.actions", "int4", ">i4"),
    *(
        (f"{term}_{name}", f"coalesce({term}.{column}, 0)", pg, np_type)
        for term in ("cur",)
        for name, column, pg, np_type in (
            ("updates", "updates", "int4", ">i4"),
            ("weeks", "active_weeks", "int4", ">i4"),
            ("score", "score_sum", "float8", ">f8"),
            ("reviews", "review_count", "int4", ">i4"),
        )
    ),
    ("pre_updates", "a.pre_updates", "int4", ">i4"),
    ("pre_weeks", "a.pre_active_weeks", "int4", ">i4"),
    ("pre_score", "a.pre_score_sum", "float8", ">f8"),
    ("pre_reviews", "a.pre_reviews", "int4", ">i4"),
]
IDENTITY_COLUMNS = [
    ("student", "a.student_id", "int4", ">i4"),
    ("stratum", "coalesce(a.stratum_id, -1)", "int4", ">i4"),
]
ROWS_FROM = """
FROM experiments_assignment a
LEFT JOIN analytics_studenttermactivity cur
  ON cur.student_id = a.student_id AND cur.term_id = %(term)s
WHERE a.experiment_id = %(experiment)s
"""
assert StudentTermActivity._meta.db_table == "analytics_studenttermactivity"
assert Assignment._meta.db_table == "experiments_assignment"
# The rows come as PostgreSQL's binary COPY: a 19-byte header, then per row a field count
# and each field's length and big-endian value — all of fixed width here and never NULL,
# so numpy reads 100,000 rows in one step instead of a million Python objects, and narrow
# types keep the transfer small (bench/experiments.py: the fetch went from about 560 ms
# to the statement's own time).
COPY_HEADER = 19


def _copy_rows(columns: list, params: dict) -> np.ndarray:
    dtype = np.dtype(
        [("fields", ">i2")]
        + [item for name, _sql, _pg, np_type in columns
           for item in ((f"{name}_length", ">i4"), (name, np_type))]
    )  # fmt: skip
    select = ", ".join(f"({sql})::{pg}" for _name, sql, pg, _np in columns)
    with connection.cursor() as cursor:
        statement = cursor.mogrify(f"SELECT {select} {ROWS_FROM}", params).decode()
        buffer = io.BytesIO()
        cursor.copy_expert(f"COPY ({statement}) TO STDOUT WITH (FORMAT binary)", buffer)
    data = buffer.getbuffer()
    count = (len(data) - COPY_HEADER - 2) // dtype.itemsize
    return np.frombuffer(data, dtype=dtype, count=count, offset=COPY_HEADER)


@dataclass
class ExperimentRows:
    arm_codes: np.ndarray  # index into ARMS_BY_CODE
    exposures: np.ndarray
    actions: np.ndarray
    current: np.ndarray  # (n, 4): updates, active weeks, score sum, reviews
    previous: np.ndarray  # (n, 4), the same in the previous term
    weeks: float
    previous_weeks: float | None
    student_ids: np.ndarray | None = None  # with identities=True (the CSV)
    strata: np.ndarray | None = None  # program ids, -1 for none

    @property
    def arms(self) -> np.ndarray:
        return np.array(ARMS_BY_CODE, dtype=object)[self.arm_codes]

    def mask(self, arm: str) -> np.ndarray:
        return self.arm_codes == ARMS_BY_CODE.index(arm)

    def metric(self, metric: str) -> np.ndarray:
        return metric_values(metric, self.current, self.weeks)

    def previous_metric(self, metric: str) -> np.ndarray:
        if self.previous_weeks is None:
            return np.full(len(self.arm_codes), np.nan)
        # No row: no update (0); no review: NaN, which the adjustment imputes.
        return metric_values(metric, self.previous, self.previous_weeks)


def experiment_rows(experiment: Experiment, *, identities: bool = False) -> ExperimentRows:
    before = previous_term(experiment.term)
    columns = ROW_COLUMNS + (IDENTITY_COLUMNS if identities else [])
    rows = _copy_rows(
        columns,
        {"term": experiment.term_id, "experiment": experiment.pk},
    )  # fmt: skip
    names = ("updates", "weeks", "score", "reviews")
    return ExperimentRows(
        arm_codes=rows["arm"].astype(np.int64),
        exposures=rows["exposures"].astype(np.int64),
        actions=rows["actions"].astype(np.int64),
        current=np.column_stack([rows[f"cur_{n}"] for n in names]).astype(float),
        previous=np.column_stack([rows[f"pre_{n}"] for n in names]).astype(float),
        weeks=term_weeks(experiment.term, until=measured_until(experiment)),
        previous_weeks=term_weeks(before) if before else None,
        student_ids=rows["student"].astype(np.int64) if identities else None,
        strata=rows["stratum"].astype(np.int64) if identities else None,
    )


def experiment_report(experiment: Experiment, rows: ExperimentRows | None = None) -> dict:
    """The figures of the results page and ``experiment_report --json``: students per arm,
    the sample-ratio check, and per metric each arm's mean and spread and each treatment
    arm against the control (experiments/stats.py). Codes and numbers only; the words are
    experiments/wording.py's."""
    rows = experiment_rows(experiment) if rows is None else rows
    arms = experiment.arms
    masks = {arm: rows.mask(arm) for arm in arms}
    counts = [int(np.count_nonzero(masks[arm])) for arm in arms]
    report = {
        "experiment": experiment.pk,
        "status": experiment.status,
        "arms": arms,
        "n": dict(zip(arms, counts, strict=True)),
        "planned_n": experiment.required_n,
        "srm": stats.sample_ratio(counts, [1 / len(arms)] * len(arms)),
        "alpha": experiment.alpha,
        "alpha_per_comparison": experiment.alpha_per_comparison,
        "exposures": {arm: int(rows.exposures[masks[arm]].sum()) for arm in arms},
        "actions": {arm: int(rows.actions[masks[arm]].sum()) for arm in arms},
        "metrics": [],
    }
    metrics = [experiment.primary_metric] + [
        m for m in experiment.secondary_metrics if m != experiment.primary_metric
    ]
    for metric in metrics:
        values, before = rows.metric(metric), rows.previous_metric(metric)
        per_arm = {arm: values[masks[arm]] for arm in arms}
        pre_arm = {arm: before[masks[arm]] for arm in arms}
        primary = metric == experiment.primary_metric
        entry = {
            "metric": metric,
            "primary": primary,
            "arms": {arm: stats.describe(v[np.isfinite(v)]) for arm, v in per_arm.items()},
            "comparisons": {},
        }
        for arm in arms[1:]:
            entry["comparisons"][arm] = stats.compare(
                per_arm[Arm.CONTROL], per_arm[arm], pre_control=pre_arm[Arm.CONTROL],
                pre_treated=pre_arm[arm], alpha=experiment.alpha_per_comparison,
                mde=experiment.mde,
                # The planned n is the primary metric's; secondary metrics are read as
                # they come (their conclusions are marked exploratory).
                planned_n=experiment.required_n if primary else None,
                baseline_mean=experiment.baseline_mean if primary else None,
            )  # fmt: skip
        report["metrics"].append(entry)
    return report


def pseudonym(student_id: int, salt: str) -> str:
    return hashlib.sha256(f"{salt}:student:{student_id}".encode()).hexdigest()[:16]
