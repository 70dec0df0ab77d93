"""Writes for experiments: create and edit a draft, start (baseline, sample size, every
student's arm), finish; an arm for a student who joins a running experiment's population
later; the exposure and answer log (experiments/receivers.py).

Assignment is random, stratified by program and deterministic: a student's place is the
SHA-256 of the experiment's salt and their id; within each program students in that order
take the arms in turn (starting at an arm the program's own hash picks), so each program is
split as evenly as its size allows. A student who comes later gets the arm their hash picks.
Nothing changes an assignment; finishing an experiment keeps every row."""

from __future__ import annotations

import hashlib
from collections import defaultdict

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from experiments import selectors
from experiments.models import Action, Assignment, Experiment, Exposure, Status

# Fields that decide who is in the experiment and how it is judged: fixed at the start.
FIXED_AT_START = ("with_rules_arm", "term", "primary_metric", "mde", "alpha", "power")
EDITABLE_FIELDS = ("name", "hypothesis", "secondary_metrics", *FIXED_AT_START)
START_LOCK = 0x45585052  # "EXPR": one experiment starts at a time (the overlap check)


ASSIGN_SQL = """
INSERT INTO experiments_assignment
  (experiment_id, student_id, arm, stratum_id, assigned_at, exposures, actions,
   pre_updates, pre_active_weeks, pre_score_sum, pre_reviews)
SELECT %(experiment)s, s.student_id, s.arm, u.program_id, %(now)s, 0, 0,
       coalesce(t.updates, 0), coalesce(t.active_weeks, 0), coalesce(t.score_sum, 0)::float8,
       coalesce(t.review_count, 0)
FROM unnest(%(students)s::bigint[], %(arms)s::text[]) AS s(student_id, arm)
JOIN accounts_user u ON u.id = s.student_id
LEFT JOIN analytics_studenttermactivity t
  ON t.student_id = s.student_id AND t.term_id = %(pre)s
"""


def place(salt: str, key: str) -> int:
    """A number from 0 to 2**64 − 1 that only the salt and the key decide."""
    return int.from_bytes(hashlib.sha256(f"{salt}:{key}".encode()).digest()[:8], "big")


def arm_for(experiment: Experiment, student_id: int) -> str:
    arms = experiment.arms
    return arms[place(experiment.salt, f"student:{student_id}") % len(arms)]


def stratified_arms(salt: str, arms: list[str], students: list[tuple[int, int | None]]) -> dict:
    """{student id: arm} for (student id, program id) pairs: within each program the
    students in hash order take the arms in turn."""
    strata: dict[int | None, list[int]] = defaultdict(list)
    for student_id, program_id in students:
        strata[program_id].append(student_id)
    result = {}
    for program_id, members in strata.items():
        members.sort(key=lambda pk: place(salt, f"student:{pk}"))
        offset = place(salt, f"program:{program_id}") % len(arms)
        for i, student_id in enumerate(members):
            result[student_id] = arms[(i + offset) % len(arms)]
    return result


def _check_choices(experiment: Experiment) -> None:
    errors = {}
    if experiment.primary_metric in experiment.secondary_metrics:
        errors["secondary_metrics"] = _("The primary metric cannot also be a secondary one.")
    if len(set(experiment.secondary_metrics)) != len(experiment.secondary_metrics):
        errors["secondary_metrics"] = _("Each secondary metric once, please.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def experiment_create(
    *, name: str, hypothesis: str, term, programs=(), cohorts=(), with_rules_arm: bool = False,
    primary_metric: str, secondary_metrics=(), mde: float = 0.2, alpha: float = 0.05,
    power: float = 0.8, created_by=None,
) -> Experiment:  # fmt: skip
    experiment = Experiment(
        name=name, hypothesis=hypothesis, term=term, with_rules_arm=with_rules_arm,
        primary_metric=primary_metric, secondary_metrics=list(secondary_metrics), mde=mde,
        alpha=alpha, power=power, created_by=created_by,
    )  # fmt: skip
    experiment.full_clean()
    _check_choices(experiment)
    experiment.save()
    experiment.programs.set(programs)
    experiment.cohorts.set(cohorts)
    return experiment


@transaction.atomic
def experiment_update(*, experiment: Experiment, programs=None, cohorts=None, **fields):
    """Change a draft freely; once started only the name, the hypothesis and the
    secondary metrics: the arms, the population, the term, the primary metric and the
    planned effect, level and power stay as they were when students were assigned."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"experiment_update() got unexpected fields {sorted(unknown)}")
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if not experiment.is_draft:
        errors = {}
        for name in FIXED_AT_START:
            if name in fields and _value(fields[name]) != _value(getattr(experiment, name)):
                errors[name] = _("This cannot change after the experiment has started.")
        if programs is not None and {p.pk for p in programs} != set(
            experiment.programs.values_list("pk", flat=True)
        ):
            errors["programs"] = _("The population cannot change after the experiment has started.")
        if cohorts is not None and {c.pk for c in cohorts} != set(
            experiment.cohorts.values_list("pk", flat=True)
        ):
            errors["cohorts"] = _("The population cannot change after the experiment has started.")
        if errors:
            raise ValidationError(errors)
    for name, value in fields.items():
        setattr(experiment, name, value)
    experiment.full_clean()
    _check_choices(experiment)
    experiment.save()
    if experiment.is_draft:
        if programs is not None:
            experiment.programs.set(programs)
        if cohorts is not None:
            experiment.cohorts.set(cohorts)
    return experiment


def _value(value):
    return getattr(value, "pk", value)


@transaction.atomic
def experiment_start(*, experiment: Experiment) -> Experiment:
    """Fix the baseline and the students needed per arm, and give every student of the
    population an arm. Refused when it is not a draft, when its population is empty or
    when a running experiment's population can hold the same students."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [START_LOCK])
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if not experiment.is_draft:
        raise ValidationError(_("Only a draft experiment can start."), code="not_draft")
    overlapping = selectors.overlapping_running(experiment)
    if overlapping:
        raise ValidationError(
            _("Its population overlaps that of the running experiment “%(name)s”: a student "
              "can be in one running experiment only.") % {"name": overlapping[0].name},
            code="overlap",
        )  # fmt: skip
    students = list(selectors.population_students(experiment).values_list("pk", "program_id"))
    if not students:
        raise ValidationError(_("No active student is in this population."), code="empty")
    baseline = selectors.population_baseline(experiment)
    experiment.baseline_mean = baseline["mean"]
    experiment.baseline_sd = baseline["sd"]
    experiment.baseline_n = baseline["n"]
    experiment.required_n = baseline["required_n"]
    experiment.status = Status.RUNNING
    _running_changed()
    experiment.started_at = timezone.now()
    experiment.full_clean()
    experiment.save()
    arms = stratified_arms(experiment.salt, experiment.arms, students)
    before = selectors.previous_term(experiment.term)
    # One statement for every student (100,000 in bench/experiments.py), with their
    # previous term's figures copied from analytics' roll-ups.
    with connection.cursor() as cursor:
        cursor.execute(
            ASSIGN_SQL,
            {"experiment": experiment.pk, "now": experiment.started_at,
             "students": list(arms), "arms": list(arms.values()),
             "pre": before.pk if before else None},
        )  # fmt: skip
    return experiment


@transaction.atomic
def experiment_finish(*, experiment: Experiment) -> Experiment:
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if not experiment.is_running:
        raise ValidationError(_("Only a running experiment can finish."), code="not_running")
    experiment.status = Status.FINISHED
    _running_changed()
    experiment.finished_at = timezone.now()
    experiment.full_clean()
    experiment.save()
    return experiment


def _running_changed() -> None:
    """Forget whether any experiment runs: now, and again after the commit (a page that
    read the old state in between must not keep it for the cache's lifetime)."""
    cache.delete(selectors.RUNNING_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(selectors.RUNNING_CACHE_KEY))


def assignment_ensure(*, experiment: Experiment, student) -> Assignment:
    """The student's arm in a running experiment, made now if they joined its population
    after the start (their hash picks it; it never changes afterwards)."""
    existing = Assignment.objects.filter(experiment=experiment, student=student).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Assignment.objects.create(
                experiment=experiment, student=student, stratum_id=student.program_id,
                arm=arm_for(experiment, student.pk),
                **selectors.previous_figures(experiment, [student.pk]).get(student.pk, {}),
            )  # fmt: skip
    except IntegrityError:  # made by a parallel request a moment ago
        return Assignment.objects.get(experiment=experiment, student=student)


def exposure_record(*, student, keys: list[str], mode: str) -> int:
    """Cards shown to a student of a running experiment: a row each, and their count on
    the student's assignment. Nothing for a student in no running experiment."""
    assignment = (
        Assignment.objects.filter(student=student, experiment__status=Status.RUNNING)
        .only("pk", "experiment_id")
        .first()
    )
    keys = [str(key)[:100] for key in keys]
    if assignment is None or not keys:
        return 0
    now = timezone.now()
    Exposure.objects.bulk_create(
        [Exposure(experiment_id=assignment.experiment_id, student=student, key=key,
                  mode=str(mode)[:10], shown_at=now) for key in keys]
    )  # fmt: skip
    Assignment.objects.filter(pk=assignment.pk).update(exposures=F("exposures") + len(keys))
    return len(keys)


def action_record(*, student, key: str, choice: str) -> bool:
    assignment = (
        Assignment.objects.filter(student=student, experiment__status=Status.RUNNING)
        .only("pk", "experiment_id")
        .first()
    )
    if assignment is None or choice not in Action.Choice.values:
        return False
    Action.objects.create(
        experiment_id=assignment.experiment_id, student=student, key=str(key)[:100],
        choice=choice,
    )  # fmt: skip
    Assignment.objects.filter(pk=assignment.pk).update(actions=F("actions") + 1)
    return True
