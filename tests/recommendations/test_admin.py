"""Staff read each model version's held-out metrics in the admin."""

import pytest
from django.urls import reverse

from recommendations import training
from tests.factories import StaffFactory
from tests.recommendations.conftest import build_history

pytestmark = pytest.mark.django_db


def test_the_admin_shows_a_versions_metrics_and_calibration(client):
    from accounts.services import staff_group_ensure

    build_history(students=80)
    version = training.train()
    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    listing = client.get(reverse("admin:recommendations_modelversion_changelist"))
    assert str(version.metrics["score"]["model"]["mae"]) in listing.content.decode()
    page = client.get(reverse("admin:recommendations_modelversion_change", args=[version.pk]))
    html = page.content.decode()
    for label in ("MAE", "R²", "ROC AUC", "Brier", "observed"):
        assert label in html
    assert version.test_term in html
