"""An import whose dates lie outside 1900..2100 (issue 12) is refused with a clear message
and changes nothing: the models' validators refuse what the import's own checks let by."""

import pytest
from django.utils import timezone

from portfolios.models import Visibility
from tests.factories import (
    StudentFactory,
    achievement_for,
    portfolio_for,
    post_for,
    stored_media_files,
)
from tests.transfer.test_export_import_journal import as_zip, exported, rows_of
from transfer.archive import ImportRefused, import_zip

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    portfolio = portfolio_for(StudentFactory(username="writer"), visibility=Visibility.PUBLIC)
    achievement_for(portfolio, title="Olympiad", visibility=Visibility.PUBLIC)
    post_for(portfolio, title="First lesson", published_at=timezone.now())
    return portfolio


def _post_date(value):
    def change(document):
        document["posts"][0]["published_at"] = value

    return change


def _achievement_date(field, value):
    def change(document):
        document["achievements"][0][field] = value

    return change


CHANGES = {
    "post published after 9999 in UTC": _post_date("9999-12-31T23:59:59-12:00"),
    "post published in year one": _post_date("0001-01-01T00:00:00+06:00"),
    "post published in 1899": _post_date("1899-12-31T23:59:00+06:00"),
    "achievement in year one": _achievement_date("start_date", "0001-01-01"),
    "achievement until 9999": _achievement_date("end_date", "9999-12-31"),
}


@pytest.mark.parametrize("case", sorted(CHANGES))
def test_dates_out_of_range_are_refused_and_change_nothing(source, case):
    document, entries = exported(source)
    CHANGES[case](document)
    target = portfolio_for(StudentFactory(username="twin"))
    rows_before, media_before = rows_of(target), stored_media_files()

    with pytest.raises(ImportRefused) as refusal:
        import_zip(target, as_zip(entries, document))

    assert "1900-01-01" in str(refusal.value.message)
    assert rows_of(target) == rows_before
    assert stored_media_files() == media_before
