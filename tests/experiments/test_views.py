import csv
import io
import json

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from experiments import services
from experiments.models import Arm, Assignment, Experiment, Metric, Status
from tests.experiments.conftest import make_students, plant
from tests.factories import StaffFactory, StudentFactory, SupervisorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def form_data(term, programs=(), **changes):
    data = {"name": "Cards on the dashboard", "hypothesis": "Students update 20% more.",
            "term": term.pk, "primary_metric": Metric.UPDATES_PER_WEEK,
            "secondary_metrics": [Metric.REVIEW_SCORE], "mde_percent": "20", "alpha": "0.05",
            "power": "0.8", "programs": [p.pk for p in programs]}  # fmt: skip
    data.update(changes)
    return data


def running_experiment(terms, programs, count=60, seed=1):
    before, current = terms
    rng = np.random.default_rng(seed)
    students = make_students(count, programs)
    plant(students, before, updates=rng.poisson(10, count), scores=rng.normal(70, 10, count))
    experiment = services.experiment_create(
        name="Running", hypothesis="-", term=current, primary_metric=Metric.UPDATES_PER_WEEK,
        secondary_metrics=[Metric.REVIEW_SCORE],
    )  # fmt: skip
    services.experiment_start(experiment=experiment)
    plant(students, current, updates=rng.poisson(10, count), scores=rng.normal(70, 10, count))
    return experiment


def test_staff_create_a_draft_and_see_the_sample_size_before_starting(staff_client, terms,
                                                                      programs):  # fmt: skip
    before, current = terms
    students = make_students(30, programs)
    plant(students, before, updates=[i % 9 for i in range(30)])
    response = staff_client.post(reverse("experiments:create"), form_data(current, programs))
    experiment = Experiment.objects.get()
    assert response.status_code == 302
    assert experiment.status == Status.DRAFT and experiment.mde == 0.2
    page = staff_client.get(reverse("experiments:detail", args=[experiment.pk]))
    text = page.content.decode()
    assert "Needed:" in text and "students per arm" in text
    assert "30 active students are in this population now." in text


def test_bad_input_is_refused_with_the_typed_values_kept(staff_client, terms):
    _before, current = terms
    response = staff_client.post(reverse("experiments:create"), form_data(
        current, name="Kept name", secondary_metrics=[Metric.UPDATES_PER_WEEK],
        mde_percent="0", alpha="0.9",
    ))  # fmt: skip
    assert response.status_code == 400
    text = response.content.decode()
    assert "The primary metric cannot also be a secondary one." in text
    assert "Kept name" in text
    assert not Experiment.objects.exists()
    services.experiment_create(name="Taken", hypothesis="-", term=current,
                               primary_metric=Metric.UPDATES_PER_WEEK)  # fmt: skip
    response = staff_client.post(reverse("experiments:create"), form_data(current, name="Taken"))
    assert response.status_code == 400
    assert "already exists" in response.content.decode()


def test_changing_the_population_on_the_page_after_start_is_refused(staff_client, terms,
                                                                    programs):  # fmt: skip
    experiment = running_experiment(terms, programs)
    url = reverse("experiments:edit", args=[experiment.pk])
    response = staff_client.post(url, form_data(experiment.term, programs[:1], name="New name",
                                                with_rules_arm="on"))  # fmt: skip
    assert response.status_code == 400
    text = response.content.decode()
    assert "The population cannot change after the experiment has started." in text
    assert "This cannot change after the experiment has started." in text
    experiment.refresh_from_db()
    assert experiment.name == "Running" and not experiment.with_rules_arm
    assert not experiment.programs.exists()


def test_start_and_finish_from_the_page(staff_client, terms, programs):
    _before, current = terms
    make_students(6, programs)
    experiment = services.experiment_create(name="E", hypothesis="-", term=current,
                                            primary_metric=Metric.UPDATES_PER_WEEK)  # fmt: skip
    staff_client.post(reverse("experiments:start", args=[experiment.pk]))
    assert Assignment.objects.filter(experiment=experiment).count() == 6
    other = services.experiment_create(name="F", hypothesis="-", term=current,
                                       primary_metric=Metric.UPDATES_PER_WEEK)  # fmt: skip
    response = staff_client.post(reverse("experiments:start", args=[other.pk]), follow=True)
    assert "overlaps that of the running experiment “E”" in response.content.decode()
    staff_client.post(reverse("experiments:finish", args=[experiment.pk]))
    experiment.refresh_from_db()
    assert experiment.status == Status.FINISHED
    assert Assignment.objects.filter(experiment=experiment).count() == 6


def test_results_page_says_not_enough_data_and_draws_the_chart(
    staff_client, terms, programs, django_assert_max_num_queries
):
    experiment = running_experiment(terms, programs)
    with django_assert_max_num_queries(8):
        response = staff_client.get(reverse("experiments:detail", args=[experiment.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Not enough data yet" in text
    assert '<svg viewBox="0 0' in text and "chart-whiskers" in text
    assert "Review score in the term" in text  # the secondary metric


def test_results_page_query_count_does_not_grow_with_students(
    staff_client, terms, programs, django_assert_max_num_queries
):
    experiment = running_experiment(terms, programs, count=300, seed=3)
    draft = services.experiment_create(name="Draft", hypothesis="-", term=experiment.term,
                                       primary_metric=Metric.UPDATES_PER_WEEK)  # fmt: skip
    # The results' rows come in one COPY, which the count does not see (one statement).
    budgets = [("detail", [experiment.pk], 8), ("detail", [draft.pk], 12), ("list", [], 4),
               ("edit", [experiment.pk], 10), ("csv", [experiment.pk], 6)]  # fmt: skip
    for name, args, budget in budgets:
        with django_assert_max_num_queries(budget):
            assert staff_client.get(reverse(f"experiments:{name}", args=args)).status_code == 200


def test_results_in_russian_and_kyrgyz(staff_client, terms, programs):
    experiment = running_experiment(terms, programs)
    for language in ("ru", "ky"):
        response = staff_client.get(reverse("experiments:detail", args=[experiment.pk]),
                                    HTTP_ACCEPT_LANGUAGE=language)  # fmt: skip
        assert response.status_code == 200


def test_csv_is_pseudonymous(staff_client, terms, programs):
    experiment = running_experiment(terms, programs, count=10)
    response = staff_client.get(reverse("experiments:csv", args=[experiment.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 20  # ten students, two metrics
    student = experiment.assignments.select_related("student").first().student
    body = response.content.decode()
    assert student.username not in body and f",{student.pk}," not in body
    assert {r["arm"] for r in rows} == {Arm.CONTROL, Arm.MODEL}
    assert {r["metric"] for r in rows} == {Metric.UPDATES_PER_WEEK, Metric.REVIEW_SCORE}
    assert all(len(r["student"]) == 16 for r in rows)


def test_others_get_a_404(client, terms, programs):
    experiment = running_experiment(terms, programs, count=4)
    for user in (StudentFactory(), SupervisorFactory()):
        client.force_login(user)
        for name in ("detail", "csv", "edit"):
            assert (
                client.get(reverse(f"experiments:{name}", args=[experiment.pk])).status_code == 404
            )
        assert client.post(reverse("experiments:finish", args=[experiment.pk])).status_code == 404
    experiment.refresh_from_db()
    assert experiment.status == Status.RUNNING


def test_report_command_json(terms, programs):
    experiment = running_experiment(terms, programs)
    out = io.StringIO()
    call_command("experiment_report", str(experiment.pk), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["name"] == "Running"
    assert sum(report["n"].values()) == 60
    assert report["srm"]["mismatch"] is False
    primary = report["metrics"][0]
    assert primary["metric"] == Metric.UPDATES_PER_WEEK and primary["primary"] is True
    comparison = primary["comparisons"]["model"]
    assert set(comparison) >= {"welch", "adjusted", "power", "verdict", "conclusion"}
    assert len(comparison["welch"]["ci"]) == 2 and 0 <= comparison["welch"]["p"] <= 1
    assert comparison["verdict"] == "not_enough_data"
    assert comparison["conclusion"].startswith("Not enough data yet")
    out = io.StringIO()
    call_command("experiment_report", str(experiment.pk), stdout=out)
    assert "Not enough data yet" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("experiment_report", "999999")


def test_a_broken_split_is_flagged(terms, programs):
    experiment = running_experiment(terms, programs, count=400, seed=5)
    control = list(experiment.assignments.filter(arm=Arm.CONTROL).values_list("pk", flat=True))
    Assignment.objects.filter(pk__in=control[:60]).update(arm=Arm.MODEL)
    out = io.StringIO()
    call_command("experiment_report", str(experiment.pk), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["srm"]["mismatch"] is True
    assert report["metrics"][0]["comparisons"]["model"]["conclusion"].startswith("Warning")
