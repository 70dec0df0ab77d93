"""The pages show recommendations by the arm of a running experiment: the control arm sees
no cards (and nothing is logged as shown), the treatment arm learned cards with rules as
fallback, the rules-only arm the rules; students outside any experiment see cards."""

import pytest
from django.urls import reverse

from accounts.models import User
from experiments import services
from experiments.models import Assignment, Exposure, Metric
from pages import recommending
from tests.experiments.conftest import make_students
from tests.factories import StaffFactory, StudentFactory, achievement_for, portfolio_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(terms, programs):
    students = make_students(12, programs)
    for student in students:
        achievement_for(portfolio_for(student), title="Olympiad", section_code="academic")
    experiment = services.experiment_create(
        name="Cards help", hypothesis="Students update more.", term=terms[1],
        primary_metric=Metric.UPDATES_PER_WEEK, created_by=StaffFactory(), with_rules_arm=True,
    )  # fmt: skip
    services.experiment_start(experiment=experiment)
    return dict(Assignment.objects.filter(experiment=experiment).values_list("student_id", "arm"))


@pytest.mark.parametrize(
    ("arm", "mode"), [("control", None), ("model", "model"), ("rules", "rules")]
)
def test_each_arm_sees_what_it_was_assigned(client, running, arm, mode):
    student_id = next(pk for pk, assigned in running.items() if assigned == arm)
    student = User.objects.get(pk=student_id)
    assert recommending.recommendation_mode(student) == mode

    client.force_login(student)
    html = client.get(reverse("accounts:dashboard")).content.decode()

    assert ("Suggested for you" in html) == (mode is not None)
    shown = Exposure.objects.filter(student=student).count()
    assert (shown > 0) == (mode is not None)  # the control arm's exposure stays empty


def test_a_student_in_no_experiment_sees_cards(client):
    student = StudentFactory()
    achievement_for(portfolio_for(student), title="Olympiad", section_code="academic")

    assert recommending.recommendation_mode(student) == "model"
    client.force_login(student)
    assert "Suggested for you" in client.get(reverse("accounts:dashboard")).content.decode()
