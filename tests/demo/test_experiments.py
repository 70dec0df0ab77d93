"""The demo's finished experiment: its results page has figures to show."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from experiments.models import Experiment, Exposure, Status

pytestmark = pytest.mark.django_db


def test_seed_demo_finishes_one_experiment_with_data(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", "--students", "8", verbosity=0)
    experiment = Experiment.objects.get()
    assert experiment.status == Status.FINISHED
    assert experiment.assignments.count() == 8
    assert Exposure.objects.filter(experiment=experiment).exists()
    assert experiment.started_at.date() == experiment.term.starts_on
    client.force_login(experiment.created_by)
    response = client.get(reverse("experiments:detail", args=[experiment.pk]))
    assert response.status_code == 200
    assert "chart-means" in response.content.decode()
    call_command("seed_demo", "--students", "8", verbosity=0)
    assert Experiment.objects.count() == 1
