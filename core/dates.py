"""The range of dates the site accepts and stores.

Every date and datetime a person or a file can give (forms, import, admin) is checked
against these bounds, so nothing outside them reaches the database: a stored value
outside Python's ``datetime`` range (before year 1 or after 9999 once moved to UTC or to
the reader's time zone) would make every page that shows it fail.

Three layers keep the bounds:

- ``validate_date_in_range`` is the validator of every model field a person can set, so
  ``full_clean()`` (services, import, admin, model forms) refuses a value outside them
  with one translated message;
- ``DateInput`` / ``DateTimeLocalInput`` carry ``min`` and ``max`` so the browser's
  picker stays inside them, and ``DateField`` / ``DateTimeField`` check them in forms
  that are not model forms;
- ``date_range_constraint`` / ``datetime_range_constraint`` are the database CHECKs, so
  nothing outside the range can be stored, whatever writes the row.

A datetime is checked by its calendar day in its own time zone (what the person typed).
The CHECK on a datetime column allows one more day on each side in UTC, so every value
the validator accepts, in any time zone (offsets stay below a day), is also accepted by
the database; and any stored instant stays far from year 1 and year 9999 in every time
zone, so no page can fail to load or format it.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)

# What a datetime column may hold, in UTC: [EARLIEST_INSTANT, LATEST_INSTANT).
EARLIEST_INSTANT = dt.datetime.combine(EARLIEST_DATE - dt.timedelta(days=1), dt.time.min, dt.UTC)
LATEST_INSTANT = dt.datetime.combine(LATEST_DATE + dt.timedelta(days=2), dt.time.min, dt.UTC)

OUT_OF_RANGE_MESSAGE = _("Enter a date between %(earliest)s and %(latest)s.")


def _range_params() -> dict[str, str]:
    return {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()}


# The message with its dates filled in, translated when shown (a constraint's message
# takes no parameters of its own).
_out_of_range_text = lazy(lambda: OUT_OF_RANGE_MESSAGE % _range_params(), str)


def validate_date_in_range(value: dt.date | dt.datetime | None) -> None:
    """Refuse a date or datetime outside [EARLIEST_DATE, LATEST_DATE]."""
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not (EARLIEST_DATE <= day <= LATEST_DATE):
        raise ValidationError(
            OUT_OF_RANGE_MESSAGE,
            code="date_out_of_range",
            params=_range_params(),
        )


# The database side --------------------------------------------------------------------


def date_in_range(field: str) -> Q:
    """The condition that a date column is empty or inside the range."""
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__gte": EARLIEST_DATE, f"{field}__lte": LATEST_DATE}
    )


def datetime_in_range(field: str) -> Q:
    """The condition that a datetime column is empty or inside the range (with the day
    of slack each side described in the module's docstring)."""
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__gte": EARLIEST_INSTANT, f"{field}__lt": LATEST_INSTANT}
    )


def _constraint(condition: Q, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_code="date_out_of_range",
        violation_error_message=_out_of_range_text(),
    )


def date_range_constraint(field: str, *, name: str) -> models.CheckConstraint:
    """A CHECK that keeps a date column inside the range."""
    return _constraint(date_in_range(field), name)


def datetime_range_constraint(field: str, *, name: str) -> models.CheckConstraint:
    """A CHECK that keeps a datetime column inside the range."""
    return _constraint(datetime_in_range(field), name)


# The form side ------------------------------------------------------------------------


class DateInput(forms.DateInput):
    """The browser's date picker, limited to the range."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 (Django's name)
        bounds = {"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}
        super().__init__({**bounds, **(attrs or {})}, format=format)


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker (in the site's time zone), limited to the range."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, format="%Y-%m-%dT%H:%M"):  # noqa: A002 (Django's name)
        bounds = {"min": f"{EARLIEST_DATE.isoformat()}T00:00", "max": f"{LATEST_DATE}T23:59"}
        super().__init__({**bounds, **(attrs or {})}, format=format)


class DateField(forms.DateField):
    """A form date limited to the range (its picker too)."""

    widget = DateInput
    default_validators = [validate_date_in_range]


class DateTimeField(forms.DateTimeField):
    """A form datetime limited to the range (its picker too)."""

    widget = DateTimeLocalInput
    default_validators = [validate_date_in_range]
