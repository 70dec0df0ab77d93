"""The statistics proved on simulated data: a planted +20% effect on the primary metric is
recovered at the planned sample size (through the database, the start's sample-size plan
and the report), and A/A experiments — no effect at all — come out "significant" at the
rate alpha promises. Seeds are fixed, so the test says the same thing every run."""

import numpy as np
import pytest

from experiments import selectors, services, stats
from experiments.models import Arm, Assignment, Experiment, Metric
from tests.experiments.conftest import make_students, plant
from tests.factories import StaffFactory

RUNS = 1000


def students_intensity(rng, n):
    """Updates a term, per student: each has an intensity of their own (gamma), and a
    term's count is Poisson around it — so the previous term predicts the next one."""
    return rng.gamma(shape=4.0, scale=5.0, size=n)  # mean 20 updates a term, sd 10


@pytest.mark.django_db
def test_a_planted_20_percent_effect_is_recovered_at_the_planned_n(terms, programs):
    before, current = terms
    rng = np.random.default_rng(2026)
    students = make_students(260, programs, first_id=900_000)
    intensity = students_intensity(rng, len(students))
    plant(students, before, updates=rng.poisson(intensity))
    experiment = services.experiment_create(
        name="Planted effect", hypothesis="+20%", term=current,
        primary_metric=Metric.UPDATES_PER_WEEK, secondary_metrics=[Metric.ACTIVE_WEEKS_SHARE],
        created_by=StaffFactory(),
    )  # fmt: skip
    Experiment.objects.filter(pk=experiment.pk).update(salt="simulation")  # fixed arms
    services.experiment_start(experiment=experiment)
    experiment.refresh_from_db()
    arms = dict(Assignment.objects.filter(experiment=experiment)
                .values_list("student_id", "arm"))  # fmt: skip
    counts = [list(arms.values()).count(arm) for arm in experiment.arms]
    # The plan (mean 20, sd about 14 with the Poisson noise: about 150 per arm) fits the
    # population, and the start split it evenly.
    assert 100 <= experiment.required_n <= min(counts)
    assert abs(counts[0] - counts[1]) <= len(programs)
    lift = np.array([1.2 if arms[s.pk] == Arm.MODEL else 1.0 for s in students])
    plant(students, current, updates=rng.poisson(intensity * lift))

    report = selectors.experiment_report(experiment)
    primary = report["metrics"][0]
    comparison = primary["comparisons"][Arm.MODEL]
    welch = comparison["welch"]
    assert primary["metric"] == Metric.UPDATES_PER_WEEK and primary["primary"]
    assert report["srm"]["mismatch"] is False
    # The true effect is +20% of the control's mean: inside both intervals, and found.
    assert welch["relative_ci"][0] < 0.20 < welch["relative_ci"][1]
    true_difference = 0.2 * primary["arms"][Arm.CONTROL]["mean"]
    assert welch["ci"][0] < true_difference < welch["ci"][1]
    assert welch["p"] < experiment.alpha
    assert comparison["verdict"] == "better"
    adjusted = comparison["adjusted"]
    assert adjusted["ci"][0] < true_difference < adjusted["ci"][1]
    # The previous term explains much of a student's count: a clearly narrower interval.
    assert adjusted["narrower"] > 0.2
    # Power for +20% with the spread seen now (the treated arm's is wider than planned).
    assert comparison["power"] > 0.6
    # Secondary metrics are reported, never with the planned n's verdict.
    assert report["metrics"][1]["metric"] == Metric.ACTIVE_WEEKS_SHARE


def test_at_the_planned_n_the_effect_is_found_as_often_as_the_power_promises():
    """500 experiments with +20% at the planned n: about 80% significant, and the 95%
    interval holds the true difference about 95% of the time."""
    rng = np.random.default_rng(7)
    mean, sd = 20.0, 10.0
    n = stats.required_n_per_arm(mean=mean, sd=sd, mde=0.2, alpha=0.05, power=0.8)
    assert n == 100  # d = 0.4: 99.1 per arm
    runs, found, covered = 500, 0, 0
    for _ in range(runs):
        control = rng.normal(mean, sd, n)
        treated = rng.normal(mean * 1.2, sd, n)
        result = stats.compare(control, treated, alpha=0.05, mde=0.2, planned_n=n,
                               baseline_mean=mean)  # fmt: skip
        low, high = result["welch"]["ci"]
        covered += low < 4.0 < high
        found += result["verdict"] == "better"
    assert 0.75 <= found / runs <= 0.85
    assert 0.93 <= covered / runs <= 0.97


def test_a_a_experiments_are_significant_five_percent_of_the_time():
    rng = np.random.default_rng(15)
    significant = adjusted_significant = 0
    for _ in range(RUNS):
        intensity = rng.gamma(4.0, 5.0, 400)
        before = rng.poisson(intensity).astype(float)
        after = rng.poisson(intensity).astype(float)
        arm = rng.permutation(np.repeat([0, 1], 200))
        result = stats.compare(
            after[arm == 0], after[arm == 1], pre_control=before[arm == 0],
            pre_treated=before[arm == 1], alpha=0.05, mde=0.2, planned_n=150,
        )  # fmt: skip
        significant += result["welch"]["p"] < 0.05
        adjusted_significant += result["adjusted"]["p"] < 0.05
        assert result["verdict"] not in ("better", "worse") or result["welch"]["p"] < 0.05
    assert 0.03 <= significant / RUNS <= 0.07
    assert 0.03 <= adjusted_significant / RUNS <= 0.07


def test_sample_ratio_mismatch_is_detected():
    assert stats.sample_ratio([5000, 5000], [0.5, 0.5])["mismatch"] is False
    assert stats.sample_ratio([5050, 4950], [0.5, 0.5])["mismatch"] is False
    broken = stats.sample_ratio([5300, 4700], [0.5, 0.5])
    assert broken["mismatch"] is True and broken["p"] < 0.001
    assert stats.sample_ratio([100, 100, 160], [1 / 3] * 3)["mismatch"] is True


def test_too_few_students_is_not_enough_data_whatever_the_p_value():
    control, treated = np.array([1.0, 1.1, 0.9, 1.0]), np.array([3.0, 3.1, 2.9, 3.0])
    result = stats.compare(control, treated, alpha=0.05, mde=0.2, planned_n=100)
    assert result["welch"]["p"] < 0.001
    assert result["verdict"] == "not_enough_data"
    wide = stats.compare(np.array([0.0, 10.0, 0.0]), np.array([10.0, 0.0, 10.0]), mde=0.2)
    assert wide["verdict"] == "not_enough_data"  # no plan; the interval is far too wide
    assert stats.compare(np.array([1.0]), np.array([2.0]))["verdict"] == "not_enough_data"


def test_the_sample_size_follows_the_textbook():
    # Cohen: d = 0.5 needs 64 per arm at alpha 0.05 and power 0.8 (two-sided).
    assert stats.required_n_per_arm(mean=10, sd=4, mde=0.2, alpha=0.05, power=0.8) == 64
    assert stats.required_n_per_arm(mean=10, sd=0, mde=0.2, alpha=0.05, power=0.8) is None
    assert stats.required_n_per_arm(mean=None, sd=1, mde=0.2, alpha=0.05, power=0.8) is None
