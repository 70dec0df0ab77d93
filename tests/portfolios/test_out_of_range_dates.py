"""Share-link expiry outside 1900..2100 (issue 12): refused by the form, the service and
the database; ``portfolios.0011_repair_out_of_range_dates`` keeps what a stored link did
(an expiry before the range: expired; after it: works until revoked)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.services import staff_group_ensure
from portfolios.models import ShareLink, Visibility
from portfolios.services import share_link_create
from tests import out_of_range
from tests.factories import StaffFactory, StudentFactory, portfolio_for
from tests.out_of_range import MESSAGE, constraints_dropped, store

pytestmark = pytest.mark.django_db

CONSTRAINT = "sharelink_expires_at_in_range"
REVOKED = "sharelink_revoked_at_in_range"
SQL = "UPDATE portfolios_sharelink SET expires_at = %s WHERE id = %s"


@pytest.fixture
def student(client):
    student = StudentFactory()
    portfolio_for(student, visibility=Visibility.SIGNED_IN)
    client.force_login(student)
    return student


def test_the_repair_keeps_what_each_link_did_and_the_list_answers(client, student):
    portfolio = student.portfolio
    expired = share_link_create(portfolio=portfolio, label="Year one")
    forever = share_link_create(portfolio=portfolio, label="Year 10000")
    revoked = share_link_create(portfolio=portfolio, label="Revoked in year one")
    constraints_dropped(ShareLink, CONSTRAINT, REVOKED)
    store(SQL, ["0001-01-01T00:00:00+06:00", expired.pk])
    store(SQL, ["9999-12-31T23:59:59-12:00", forever.pk])
    store("UPDATE portfolios_sharelink SET revoked_at = '0001-01-01T00:00:00+06:00' WHERE id = %s",
          [revoked.pk])  # fmt: skip
    with pytest.raises(ValueError, match="year"):
        client.get(reverse("portfolios:share-links"))

    out_of_range.repair(
        "portfolios", "0011_repair_out_of_range_dates", ShareLink, CONSTRAINT, REVOKED
    )

    revoked.refresh_from_db()
    assert revoked.revoked_at == revoked.created_at and not revoked.is_usable
    expired.refresh_from_db()
    forever.refresh_from_db()
    assert expired.expires_at == expired.created_at and not expired.is_usable
    assert forever.expires_at is None and forever.is_usable
    assert client.get(reverse("portfolios:share-links")).status_code == 200
    assert client.get(reverse("portfolios:shared", args=[forever.token])).status_code == 200
    assert client.get(reverse("portfolios:shared", args=[expired.token])).status_code == 404


def test_the_form_refuses_an_expiry_out_of_range(client, student):
    response = client.post(
        reverse("portfolios:share-links"), {"label": "Far", "expires_on": "9999-12-31"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert MESSAGE in html
    assert 'min="1900-01-01"' in html and 'max="2100-12-31"' in html
    assert not ShareLink.objects.exists()


def test_the_last_day_of_the_range_is_taken(client, student):
    response = client.post(
        reverse("portfolios:share-links"), {"label": "Long", "expires_on": "2100-12-31"}
    )

    assert response.status_code == 302
    assert ShareLink.objects.get().is_usable
    assert client.get(reverse("portfolios:share-links")).status_code == 200


def test_the_service_and_the_database_refuse_an_expiry_out_of_range(student):
    late = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=-12)))
    with pytest.raises(ValidationError) as refused:
        share_link_create(portfolio=student.portfolio, label="x", expires_at=late)
    assert refused.value.message_dict["expires_at"] == [MESSAGE]

    link = share_link_create(portfolio=student.portfolio, label="y")
    with pytest.raises(IntegrityError, match=CONSTRAINT), transaction.atomic():
        store(SQL, ["9999-12-31T23:59:59-12:00", link.pk])


def test_the_admin_refuses_a_revocation_out_of_range(student):
    link = share_link_create(portfolio=student.portfolio, label="Kept")
    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client = Client()
    client.force_login(staff)

    response = client.post(
        reverse("admin:portfolios_sharelink_change", args=[link.pk]),
        {"label": "Kept", "expires_at_0": "", "expires_at_1": "",
         "revoked_at_0": "0001-01-01", "revoked_at_1": "00:00",
         "visits-TOTAL_FORMS": 0, "visits-INITIAL_FORMS": 0},
    )  # fmt: skip

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is None
