"""core.dates: the range of dates the site accepts (issue 12), its form fields and
pickers, its database conditions, and that every stored value in it can be shown."""

import datetime as dt
import zoneinfo

import pytest
from django import forms
from django.contrib.humanize.templatetags.humanize import naturalday, naturaltime
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import timezone, translation

from core import dates

MESSAGE = "Enter a date between 1900-01-01 and 2100-12-31."
ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "Asia/Bishkek", "UTC"]  # +14, -12, +6, 0


def offset(hours, minutes=0):
    return dt.timezone(dt.timedelta(hours=hours, minutes=minutes))


@pytest.mark.parametrize(
    "value",
    [
        dt.date(1, 1, 1),
        dt.date(1899, 12, 31),
        dt.date(2101, 1, 1),
        dt.date(9999, 12, 31),
        dt.datetime(1, 1, 1, tzinfo=offset(6)),
        dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=offset(-12)),
        dt.datetime(1899, 12, 31, 23, 59),
    ],
)
def test_values_out_of_range_are_refused_with_the_message(value):
    with pytest.raises(ValidationError) as refused:
        dates.validate_date_in_range(value)
    assert refused.value.code == "date_out_of_range"
    assert refused.value.messages == [MESSAGE]


def test_the_message_is_translated():
    with pytest.raises(ValidationError) as refused:
        dates.validate_date_in_range(dt.date(1, 1, 1))
    with translation.override("ru"):
        shown = refused.value.messages[0]
    assert shown == "Введите дату от 1900-01-01 до 2100-12-31."


# What the validator accepts, at the extremes of the range and of time zones (Python's
# offsets stay below a day).
EXTREMES = [
    dt.datetime(1900, 1, 1, tzinfo=offset(23, 59)),
    dt.datetime(1900, 1, 1, tzinfo=zoneinfo.ZoneInfo("Pacific/Kiritimati")),
    dt.datetime(2100, 12, 31, 23, 59, 59, 999999, tzinfo=offset(-23, -59)),
    dt.datetime(2100, 12, 31, 23, 59, 59, tzinfo=zoneinfo.ZoneInfo("Etc/GMT+12")),
]


@pytest.mark.parametrize("value", EXTREMES)
def test_every_datetime_the_validator_takes_fits_the_database_range(value):
    dates.validate_date_in_range(value)
    assert dates.EARLIEST_INSTANT <= value < dates.LATEST_INSTANT


@pytest.mark.parametrize("value", [None, dates.EARLIEST_DATE, dates.LATEST_DATE, *EXTREMES])
def test_values_in_range_pass(value):
    dates.validate_date_in_range(value)


DAY_FORMATS = (
    "{{ v|date:'DATE_FORMAT' }} {{ v|date:'SHORT_DATE_FORMAT' }} {{ v|date:'YEAR_MONTH_FORMAT' }}"
    " {{ v|date:'c' }} {{ v|date:'Y-m-d' }} {{ v|timesince }} {{ v|timeuntil }} {{ v }}"
)
MOMENT_FORMATS = (
    " {{ v|date:'DATETIME_FORMAT' }} {{ v|date:'SHORT_DATETIME_FORMAT' }} {{ v|time:'H:i' }}"
)


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("language", ["en", "ru", "ky"])
@pytest.mark.parametrize(
    "value",
    [
        dates.EARLIEST_INSTANT,
        dates.LATEST_INSTANT - dt.timedelta(microseconds=1),
        dates.EARLIEST_DATE,
        dates.LATEST_DATE,
    ],
)
def test_any_value_the_database_may_hold_can_be_shown_in_any_zone_and_language(
    zone, language, value
):
    with timezone.override(zone), translation.override(language):
        formats = DAY_FORMATS + (MOMENT_FORMATS if isinstance(value, dt.datetime) else "")
        text = Template(formats).render(Context({"v": value}))
        text += f" {naturalday(value)}"
        if isinstance(value, dt.datetime):
            text += f" {naturaltime(value)}"
    assert str(value.year) in text or str(value.year + 1) in text or str(value.year - 1) in text


def test_the_date_picker_carries_the_range():
    class DayForm(forms.Form):
        day = dates.DateField()

    html = str(DayForm()["day"])
    assert 'type="date"' in html
    assert 'min="1900-01-01"' in html and 'max="2100-12-31"' in html


def test_the_datetime_picker_carries_the_range_and_keeps_given_attributes():
    widget = dates.DateTimeLocalInput(attrs={"class": "x"})
    html = widget.render("at", dt.datetime(2025, 5, 1, 9, 30))
    assert 'type="datetime-local"' in html and 'class="x"' in html
    assert 'min="1900-01-01T00:00"' in html and 'max="2100-12-31T23:59"' in html
    assert 'value="2025-05-01T09:30"' in html


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        (dates.DateField(), "0001-01-01"),
        (dates.DateField(), "9999-12-31"),
        (dates.DateTimeField(), "0001-01-01T00:00"),
        (dates.DateTimeField(), "9999-12-31T23:59"),
    ],
)
def test_the_form_fields_refuse_values_out_of_range(field, typed):
    with pytest.raises(ValidationError) as refused:
        field.clean(typed)
    assert refused.value.messages == [MESSAGE]


def test_the_form_fields_take_the_bounds():
    assert dates.DateField().clean("1900-01-01") == dt.date(1900, 1, 1)
    with timezone.override("Asia/Bishkek"):
        moment = dates.DateTimeField().clean("2100-12-31T23:59")
    assert timezone.localtime(moment, zoneinfo.ZoneInfo("Asia/Bishkek")).year == 2100


REPAIRED_APPS = {
    "accounts": ("0003_repair_out_of_range_dates", "0004_dates_in_range"),
    "achievements": ("0004_repair_out_of_range_dates", "0005_dates_in_range"),
    "feedback": ("0004_repair_out_of_range_dates", "0005_dates_in_range"),
    "journal": ("0002_repair_out_of_range_dates", "0003_dates_in_range"),
    "portfolios": ("0011_repair_out_of_range_dates", "0012_dates_in_range"),
}


@pytest.mark.parametrize("app", sorted(REPAIRED_APPS))
def test_each_repair_runs_before_its_constraints_are_added(app):
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import AddConstraint

    repair, constrain = REPAIRED_APPS[app]
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    assert (app, repair) in graph.forwards_plan((app, constrain))
    added = [op for op in graph.nodes[(app, constrain)].operations if isinstance(op, AddConstraint)]
    assert added and all(op.constraint.name.endswith("_in_range") or "plausible" in
                         op.constraint.name for op in added)  # fmt: skip
    for node, migration in graph.nodes.items():
        if node[0] == app and node != (app, constrain):
            assert not any(
                isinstance(op, AddConstraint) and op.constraint.name.endswith("_in_range")
                for op in migration.operations
            ), node
