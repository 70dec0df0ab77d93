"""The offline index.html shows achievement dates as the site shows them, in the exporting
student's language, never as ISO text."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.utils import formats, translation

from portfolios.models import Visibility
from tests.factories import StudentFactory, achievement_for, portfolio_for
from transfer.archive import export_zip

pytestmark = pytest.mark.django_db


def offline_page(portfolio) -> str:
    buffer = io.BytesIO()
    export_zip(portfolio, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return archive.read("index.html").decode()


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.parametrize("language", ["en", "ru", "ky"])
def test_achievement_dates_are_formatted_in_the_students_language(language):
    student = StudentFactory(username="aida", preferred_language=language)
    portfolio = portfolio_for(student, visibility=Visibility.PUBLIC)
    achievement_for(portfolio, title="Conference", start_date=dt.date(2024, 4, 10),
                    end_date=dt.date(2024, 4, 12))  # fmt: skip

    html = offline_page(portfolio)

    with translation.override(language):
        start = formats.date_format(dt.date(2024, 4, 10), "DATE_FORMAT")
        end = formats.date_format(dt.date(2024, 4, 12), "DATE_FORMAT")
    text = visible_text(html)
    assert f"{start} – {end}" in text
    assert "2024-04-10" not in text and "2024-04-12" not in text
    assert '<time datetime="2024-04-10">' in html  # machines still read ISO


def test_an_achievement_without_a_date_shows_none():
    portfolio = portfolio_for(StudentFactory(username="aida"))
    achievement_for(portfolio, title="Volunteering", organisation="Red Crescent")

    html = offline_page(portfolio)

    assert "<time" not in html.split("Volunteering", 1)[1].split("</article>", 1)[0]
    assert "None" not in visible_text(html)
