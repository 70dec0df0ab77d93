import numpy as np
import pytest
from django.core.exceptions import ValidationError

from experiments import selectors, services, stats
from experiments.models import Action, Arm, Assignment, Exposure, Metric, Status
from recommendations.signals import recommendation_acted, recommendations_shown
from tests.experiments.conftest import make_students, plant
from tests.factories import CohortFactory, StaffFactory, StudentFactory

pytestmark = pytest.mark.django_db


def create(term, **fields):
    defaults = {"name": "Recommendations help", "hypothesis": "Students update more.",
                "term": term, "primary_metric": Metric.UPDATES_PER_WEEK,
                "created_by": StaffFactory()}  # fmt: skip
    return services.experiment_create(**{**defaults, **fields})


def test_assignment_is_deterministic_and_balanced_per_program(terms, programs):
    students = [(pk, programs[pk % 3].pk) for pk in range(1, 1002)]
    first = services.stratified_arms("salt-1", ["control", "model"], students)
    assert first == services.stratified_arms("salt-1", ["control", "model"], students[::-1])
    other = services.stratified_arms("salt-2", ["control", "model"], students)
    assert first != other  # the salt decides
    for program in programs:
        arms = [first[pk] for pk, p in students if p == program.pk]
        assert abs(arms.count("control") - arms.count("model")) <= 1
    three = services.stratified_arms("salt-1", ["control", "model", "rules"], students)
    for program in programs:
        arms = [three[pk] for pk, p in students if p == program.pk]
        counts = [arms.count(a) for a in ("control", "model", "rules")]
        assert max(counts) - min(counts) <= 1


def test_start_assigns_the_population_once_and_fixes_the_plan(terms, programs):
    before, current = terms
    students = make_students(40, programs)
    plant(students, before, updates=[i % 7 for i in range(40)])
    outsider = StudentFactory(program=programs[0], cohort=CohortFactory(entry_year=2020))
    experiment = create(current, programs=programs[:2], cohorts=[students[0].cohort])
    services.experiment_start(experiment=experiment)
    experiment.refresh_from_db()
    assert experiment.status == Status.RUNNING
    assert experiment.required_n and experiment.baseline_mean and experiment.baseline_sd
    assigned = dict(Assignment.objects.filter(experiment=experiment)
                    .values_list("student_id", "arm"))  # fmt: skip
    in_population = {s.pk for s in students if s.program in programs[:2]}
    assert set(assigned) == in_population
    assert outsider.pk not in assigned
    for student in students:
        if student.pk in in_population:
            assert (
                assigned[student.pk]
                == services.stratified_arms(
                    experiment.salt,
                    experiment.arms,
                    [(s.pk, s.program_id) for s in students if s.pk in in_population],
                )[student.pk]
            )
    with pytest.raises(ValidationError):
        services.experiment_start(experiment=experiment)


def test_overlapping_populations_are_refused(terms, programs):
    _before, current = terms
    make_students(6, programs)
    running = create(current, name="First", programs=[programs[0]])
    services.experiment_start(experiment=running)
    overlapping = create(current, name="Second", programs=[programs[0], programs[1]])
    with pytest.raises(ValidationError) as error:
        services.experiment_start(experiment=overlapping)
    assert "First" in error.value.messages[0]
    overlapping.refresh_from_db()
    assert overlapping.status == Status.DRAFT
    assert not overlapping.assignments.exists()
    everyone = create(current, name="Everyone")  # no programs: every program
    with pytest.raises(ValidationError):
        services.experiment_start(experiment=everyone)
    separate = create(current, name="Third", programs=[programs[2]])
    services.experiment_start(experiment=separate)  # no shared student: allowed
    assert separate.assignments.count() == 2


def test_arms_and_population_cannot_change_after_start(terms, programs):
    _before, current = terms
    make_students(4, programs)
    experiment = create(current, programs=[programs[0]])
    services.experiment_update(experiment=experiment, programs=programs[:2], with_rules_arm=True)
    assert experiment.programs.count() == 2  # a draft changes freely
    services.experiment_start(experiment=experiment)
    for change in ({"with_rules_arm": False}, {"programs": [programs[0]]},
                   {"cohorts": [CohortFactory(entry_year=2019)]}, {"mde": 0.5},
                   {"primary_metric": Metric.REVIEW_SCORE}):  # fmt: skip
        with pytest.raises(ValidationError):
            services.experiment_update(experiment=experiment, **change)
    experiment.refresh_from_db()
    assert experiment.with_rules_arm and experiment.programs.count() == 2
    assert experiment.mde == 0.2 and not experiment.cohorts.exists()
    services.experiment_update(experiment=experiment, name="Renamed", hypothesis="Sharper.")
    experiment.refresh_from_db()
    assert experiment.name == "Renamed"


def test_bad_settings_are_refused_and_nothing_stored(terms):
    _before, current = terms
    with pytest.raises(ValidationError) as error:
        create(current, secondary_metrics=[Metric.UPDATES_PER_WEEK])
    assert "secondary_metrics" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        create(current, alpha=0.5, power=1.5)
    assert {"alpha", "power"} <= set(error.value.error_dict)
    assert not selectors.experiments_list().exists()


def test_a_student_who_joins_later_gets_an_arm_once(terms, programs):
    _before, current = terms
    make_students(4, programs)
    experiment = create(current)
    services.experiment_start(experiment=experiment)
    latecomer = StudentFactory(program=programs[1])
    mode = selectors.recommendation_mode_for(latecomer)
    assignment = Assignment.objects.get(experiment=experiment, student=latecomer)
    assert mode == {"control": "none", "model": "model"}[assignment.arm]
    assert assignment.arm == services.arm_for(experiment, latecomer.pk)
    assert selectors.recommendation_mode_for(latecomer) == mode
    assert Assignment.objects.filter(student=latecomer).count() == 1


def test_mode_for_each_arm_and_outside_any_experiment(terms, programs):
    _before, current = terms
    students = make_students(9, programs)
    assert selectors.recommendation_mode_for(students[0]) is None
    experiment = create(current, with_rules_arm=True)
    services.experiment_start(experiment=experiment)
    modes = {selectors.recommendation_mode_for(s) for s in students}
    assert modes == {"none", "model", "rules"}
    assert selectors.recommendation_mode_for(StaffFactory()) is None


def test_a_finished_experiment_keeps_its_history(terms, programs):
    _before, current = terms
    students = make_students(4, programs)
    experiment = create(current)
    services.experiment_start(experiment=experiment)
    arms = dict(experiment.assignments.values_list("student_id", "arm"))
    services.experiment_finish(experiment=experiment)
    assert dict(experiment.assignments.values_list("student_id", "arm")) == arms
    assert selectors.recommendation_mode_for(students[0]) is None
    follow_up = create(current, name="Follow-up")
    services.experiment_start(experiment=follow_up)  # the finished one does not overlap
    assert Assignment.objects.filter(student=students[0]).count() == 2
    with pytest.raises(ValidationError):
        services.experiment_finish(experiment=experiment)


def test_exposures_and_answers_are_logged_for_students_in_a_running_experiment(terms, programs):
    _before, current = terms
    student, outsider = make_students(2, programs[:1])
    experiment = create(current, programs=[programs[0]])
    services.experiment_start(experiment=experiment)
    outsider.experiment_assignments.all().delete()
    recommendations_shown.send(sender=None, student=student, keys=["evidence:1", "skill:SQL"],
                               mode="model")  # fmt: skip
    recommendation_acted.send(sender=None, student=student, key="evidence:1", choice="done")
    recommendations_shown.send(sender=None, student=outsider, keys=["x"], mode="rules")
    assert list(Exposure.objects.values_list("student_id", "key")) == [
        (student.pk, "evidence:1"), (student.pk, "skill:SQL")]  # fmt: skip
    assert list(Action.objects.values_list("student_id", "choice")) == [(student.pk, "done")]
    assignment = Assignment.objects.get(student=student)
    assert (assignment.exposures, assignment.actions) == (2, 1)
    assert assignment.arm in (Arm.CONTROL, Arm.MODEL)


def test_the_baseline_is_the_previous_terms_metric_over_the_population(terms, programs):
    before, current = terms
    students = make_students(12, programs)
    updates = [3, 0, 5, 8, 1, 2, 9, 4, 0, 6]
    scores = [70.0, float("nan"), 80.0, 60.0, 90.0, float("nan"), 75.0, 65.0, 85.0, 50.0]
    plant(students[:10], before, updates=updates, scores=scores)  # two with no row at all
    weeks = selectors.term_weeks(before)
    experiment = create(current, secondary_metrics=[])
    baseline = selectors.population_baseline(experiment)
    expected = np.array(updates + [0, 0]) / weeks
    assert baseline["n"] == 12
    assert np.isclose(baseline["mean"], expected.mean())
    assert np.isclose(baseline["sd"], expected.std(ddof=1))
    assert baseline["required_n"] == stats.required_n_per_arm(
        mean=expected.mean(), sd=expected.std(ddof=1), mde=0.2, alpha=0.05, power=0.8
    )
    experiment = services.experiment_update(
        experiment=experiment, primary_metric=Metric.REVIEW_SCORE
    )
    baseline = selectors.population_baseline(experiment)
    known = np.array([s for s in scores if s == s])
    assert baseline["n"] == 8
    assert np.isclose(baseline["mean"], known.mean())
    assert np.isclose(baseline["sd"], known.std(ddof=1))


def test_the_pages_lookup_is_cheap(terms, programs, django_assert_num_queries):
    _before, current = terms
    student, outsider_program = make_students(1, programs[:1])[0], programs[2]
    outsider = StudentFactory(program=outsider_program)
    with django_assert_num_queries(1):  # whether any experiment runs (then cached)
        assert selectors.recommendation_mode_for(student) is None
    with django_assert_num_queries(0):  # none runs: the pages ask nothing more
        assert selectors.recommendation_mode_for(student) is None
    experiment = create(current, programs=[programs[0]])
    services.experiment_start(experiment=experiment)
    with django_assert_num_queries(2):  # whether any runs (the start forgot it), the arm
        assert selectors.recommendation_mode_for(student) in ("none", "model")
    with django_assert_num_queries(1):  # the stored arm
        assert selectors.recommendation_mode_for(student) in ("none", "model")
    with django_assert_num_queries(2):  # outside the population
        assert selectors.recommendation_mode_for(outsider) is None
