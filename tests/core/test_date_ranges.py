"""Date ranges read naturally in every language: "Апрель 2025 г. – Апрель 2025 г." for a
two-day event was the bug. Built from the locale's formats, so a locale's own fix (Kyrgyz
month names) carries into the ranges."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, translation

from core.templatetags.date_ranges import date_range, month_range
from portfolios.models import Visibility
from tests.factories import StudentFactory, achievement_for, portfolio_for

D = dt.date


@pytest.mark.parametrize(
    ("language", "start", "end", "expected"),
    [
        ("en", D(2025, 4, 3), D(2025, 4, 4), "April 3–4, 2025"),
        ("en", D(2025, 3, 3), D(2025, 4, 4), "March 3 – April 4, 2025"),
        ("en", D(2024, 12, 30), D(2025, 1, 2), "Dec. 30, 2024 – Jan. 2, 2025"),
        ("en", D(2025, 4, 3), None, "April 3, 2025"),
        ("en", D(2025, 4, 3), D(2025, 4, 3), "April 3, 2025"),
        ("ru", D(2025, 4, 3), D(2025, 4, 4), "3–4 апреля 2025 г."),
        ("ru", D(2025, 3, 3), D(2025, 4, 4), "3 марта – 4 апреля 2025 г."),
        ("ru", D(2024, 12, 30), D(2025, 1, 2), "30 декабря 2024 г. – 2 января 2025 г."),
    ],
)
def test_day_ranges(language, start, end, expected):
    with translation.override(language):
        assert date_range(start, end) == expected


@pytest.mark.parametrize("language", ["en", "ru", "ky"])
def test_every_language_shows_one_month_and_one_year_once(language):
    start, end = D(2025, 4, 3), D(2025, 4, 4)
    with translation.override(language):
        month = formats.date_format(start, "YEAR_MONTH_FORMAT")
        assert month_range(start, end) == month  # not "April 2025 – April 2025"
        days = date_range(start, end)
        assert days.count("2025") == 1
        assert "3–4" in days
        assert days == formats.date_format(start, "DATE_FORMAT").replace("3", "3–4", 1)
        assert date_range(D(2025, 3, 3), end).count("2025") == 1
        assert month_range(D(2025, 3, 1), end) == (
            f"{formats.date_format(D(2025, 3, 1), 'YEAR_MONTH_FORMAT')} – {month}"
        )


def test_nothing_to_show_without_a_start():
    assert date_range(None, D(2025, 1, 1)) == ""
    assert month_range(None) == ""


@pytest.mark.django_db
def test_the_editor_and_the_page_show_a_two_day_event_once(client):
    student = StudentFactory()
    portfolio = portfolio_for(student, visibility=Visibility.PUBLIC)
    achievement_for(portfolio, title="Hackathon", visibility=Visibility.PUBLIC,
                    start_date=D(2025, 4, 3), end_date=D(2025, 4, 4))  # fmt: skip
    client.force_login(student)
    client.post(reverse("set_language"), {"language": "ru"})
    editor = client.get(reverse("portfolios:editor")).content.decode()
    assert "Апрель 2025 г." in editor
    assert "Апрель 2025 г. – Апрель 2025 г." not in editor
    page = client.get(reverse("portfolios:public", args=[portfolio.slug])).content.decode()
    assert "3–4 апреля 2025 г." in page
