"""Achievement dates outside 1900..2100 (issue 12): refused by the form, the admin, the
service and the database; ``achievements.0004_repair_out_of_range_dates`` repairs the rows
stored before, after which every page showing them answers."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.services import staff_group_ensure
from achievements.models import Achievement
from portfolios.models import Visibility
from tests import out_of_range
from tests.factories import StaffFactory, StudentFactory, achievement_for, portfolio_for, section
from tests.out_of_range import MESSAGE, constraints_dropped, store

pytestmark = pytest.mark.django_db

CONSTRAINTS = ("achievement_start_date_in_range", "achievement_end_date_in_range")
SQL = "UPDATE achievements_achievement SET start_date = %s, end_date = %s WHERE id = %s"


@pytest.fixture
def student(client):
    student = StudentFactory(username="aida")
    portfolio_for(student, visibility=Visibility.PUBLIC)
    client.force_login(student)
    return student


@pytest.fixture
def portfolio(student):
    return student.portfolio


def form_data(**changes):
    return {
        "category": section("conferences").pk,
        "title": "Olympiad",
        "description": "",
        "start_date": "2025-04-10",
        "end_date": "",
        "organisation": "",
        "level": "",
        "result": "",
        "grade": "",
        "url": "",
        "visibility": Visibility.PUBLIC,
        "skills_text": "",
        "video_url": "",
        **changes,
    }


def repair():
    out_of_range.repair("achievements", "0004_repair_out_of_range_dates", Achievement, *CONSTRAINTS)


# (start, end) stored -> (start, end) after the repair
CASES = [
    (("0001-01-01", None), (None, None)),
    (("0044-03-15 BC", "2024-05-02"), (dt.date(2024, 5, 2), None)),  # Python cannot load it
    (("0001-01-01", "2024-05-02"), (dt.date(2024, 5, 2), None)),
    (("2024-05-01", "9999-12-31"), (dt.date(2024, 5, 1), None)),
    (("0001-01-01", "9999-12-31"), (None, None)),
    (("2024-05-01", "2024-05-02"), (dt.date(2024, 5, 1), dt.date(2024, 5, 2))),
]


def test_the_repair_forgets_only_the_dates_out_of_range_and_every_page_answers(
    client, portfolio, django_capture_on_commit_callbacks
):
    items = [
        achievement_for(portfolio, title=f"Item {n}", visibility=Visibility.PUBLIC)
        for n in range(len(CASES))
    ]
    constraints_dropped(Achievement, *CONSTRAINTS)
    for item, (stored, _repaired) in zip(items, CASES, strict=True):
        store(SQL, [*stored, item.pk])
    with pytest.raises(ValueError, match="year"):
        client.get(reverse("achievements:edit", args=[items[1].pk]))

    repair()

    for item, (_stored, repaired) in zip(items, CASES, strict=True):
        assert Achievement.objects.values_list("start_date", "end_date").get(pk=item.pk) == (
            repaired
        )
    for url in (
        reverse("portfolios:public", args=[portfolio.slug]),
        reverse("portfolios:editor"),
        reverse("achievements:edit", args=[items[1].pk]),
        reverse("portfolios:export"),
    ):
        assert client.get(url).status_code == 200, url
    with django_capture_on_commit_callbacks(execute=True):  # the export job runs on commit
        export = client.post(reverse("portfolios:export"))
    assert client.get(export.url).context["job"].status == "done"
    assert client.post(reverse("achievements:delete", args=[items[2].pk])).status_code == 302
    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    assert client.get(reverse("admin:achievements_achievement_changelist")).status_code == 200
    change = reverse("admin:achievements_achievement_change", args=[items[1].pk])
    assert client.get(change).status_code == 200


@pytest.mark.parametrize(
    "changes",
    [
        {"start_date": "0001-01-01"},
        {"start_date": "9999-12-31"},
        {"start_date": "2024-01-01", "end_date": "9999-12-31"},
    ],
)
def test_the_form_refuses_dates_out_of_range(client, portfolio, changes):
    response = client.post(reverse("achievements:create"), form_data(**changes))

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not Achievement.objects.exists()


def test_the_date_pickers_offer_only_the_range(client, portfolio):
    html = client.get(reverse("achievements:create")).content.decode()
    assert html.count('min="1900-01-01"') == 2 and html.count('max="2100-12-31"') == 2


def test_the_service_refuses_dates_out_of_range(portfolio):
    with pytest.raises(ValidationError) as refused:
        achievement_for(portfolio, title="x", start_date=dt.date(1, 1, 1))
    assert refused.value.message_dict["start_date"] == [MESSAGE]


def test_the_database_refuses_dates_out_of_range(portfolio):
    item = achievement_for(portfolio, title="x")
    for stored in (("0001-01-01", None), ("2024-01-01", "9999-12-31")):
        with pytest.raises(IntegrityError, match="_date_in_range"), transaction.atomic():
            store(SQL, [*stored, item.pk])
