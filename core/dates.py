"""The range of dates the site accepts and stores.

Every date and datetime a person or a file can give (forms, import, admin) is checked
against these bounds, so nothing outside them reaches the database: a stored value
outside Python's ``datetime`` range (before year 1 or after 9999 once moved to UTC or to
the reader's time zone) would make every page that shows it fail.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def validate_date_in_range(value: dt.date | dt.datetime | None) -> None:
    """Refuse a date or datetime outside [EARLIEST_DATE, LATEST_DATE]."""
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not (EARLIEST_DATE <= day <= LATEST_DATE):
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )
