"""portfolio.json is checked against its schema before anything is written: strict types,
a depth limit the parser cannot exceed, sizes as the models allow, dates in the site's
range. Each refusal names the place of the problem, in the student's language, and
changes nothing. The files here are exports, tampered with."""

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from achievements.models import Achievement
from portfolios.models import Portfolio, Visibility
from tests.factories import (
    StudentFactory,
    achievement_for,
    pdf_bytes,
    portfolio_for,
    post_for,
    stored_media_files,
)
from tests.transfer.test_export_import_journal import exported, rows_of
from transfer import schema
from transfer.archive import MAX_ACHIEVEMENTS, ImportRefused, export_zip, import_zip

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    student = StudentFactory(username="writer", email="writer@example.org")
    portfolio = portfolio_for(student, visibility=Visibility.PUBLIC, headline="Teacher",
                              show_email=False, open_to_work=False)  # fmt: skip
    diploma = ("diploma.pdf", pdf_bytes("Diploma"))
    achievement_for(portfolio, title="Olympiad", visibility=Visibility.PUBLIC,
                    start_date="2024-04-10", files=[diploma])  # fmt: skip
    achievement_for(portfolio, title="Robotics cup", visibility=Visibility.PUBLIC)
    post_for(portfolio, title="First lesson", body="I was **nervous**.",
             files=[("plan.pdf", pdf_bytes("Plan"))])  # fmt: skip
    return portfolio


@pytest.fixture
def target():
    return portfolio_for(StudentFactory(username="twin"))


def zipped(entries: dict[str, bytes], raw_json: bytes) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in {**entries, "portfolio.json": raw_json}.items():
            archive.writestr(name, content)
    buffer.seek(0)
    return buffer


def refused(target, archive, language="en") -> str:
    rows_before, media_before = rows_of(target), stored_media_files()
    with translation.override(language), pytest.raises(ImportRefused) as refusal:
        import_zip(target, archive)
    assert rows_of(target) == rows_before
    assert stored_media_files() == media_before
    target.refresh_from_db()
    assert target.headline == "" and not target.show_email and not target.photo
    return refusal.value.message


def tampered(source, change) -> io.BytesIO:
    document, entries = exported(source)
    change(document)
    return zipped(entries, json.dumps(document).encode())


# --- "false" is not true ------------------------------------------------------------------

STRINGS_FOR_FLAGS = {
    "portfolio.show_email": lambda d: d["portfolio"].update(show_email="false"),
    "portfolio.open_to_work": lambda d: d["portfolio"].update(open_to_work="false"),
    "portfolio.noindex": lambda d: d["portfolio"].update(noindex=0),
    "achievements[1].featured": lambda d: d["achievements"][1].update(featured="false"),
    "posts[0].comments_enabled": lambda d: d["posts"][0].update(comments_enabled="no"),
}


@pytest.mark.parametrize("place", list(STRINGS_FOR_FLAGS))
def test_a_flag_that_is_not_true_or_false_is_refused_by_its_place(source, target, place):
    message = refused(target, tampered(source, STRINGS_FOR_FLAGS[place]))
    assert message == f"portfolio.json, {place}: expected true or false"


def test_the_refusal_is_in_the_students_language(source, target):
    archive = tampered(source, lambda d: d["achievements"][1].update(featured="false"))
    assert refused(target, archive, "ru") == (
        "portfolio.json, achievements[1].featured: ожидалось true или false"
    )
    archive.seek(0)
    assert refused(target, archive, "ky") == (
        "portfolio.json, achievements[1].featured: true же false күтүлгөн"
    )


# --- every field of the wrong type ------------------------------------------------------

WRONG_TYPES = {
    "portfolio.headline": (lambda d: d["portfolio"].update(headline=["x"]), "expected text"),
    "portfolio.visibility": (
        lambda d: d["portfolio"].update(visibility=3),
        "expected one of “private”, “supervisors”, “signed_in”, “public”",
    ),
    "portfolio.skills": (lambda d: d["portfolio"].update(skills="python"), "expected a list"),
    "portfolio.skills[0]": (lambda d: d["portfolio"].update(skills=[1]), "expected text"),
    "portfolio.photo": (lambda d: d["portfolio"].update(photo="files/a.png"), "expected an object"),
    "portfolio": (lambda d: d.update(portfolio=[]), "expected an object"),
    "achievements": (lambda d: d.update(achievements={}), "expected a list"),
    "achievements[0]": (lambda d: d["achievements"].__setitem__(0, "x"), "expected an object"),
    "achievements[0].title": (lambda d: d["achievements"][0].pop("title"), "is missing"),
    "achievements[0].order": (
        lambda d: d["achievements"][0].update(order="1"),
        "expected a whole number",
    ),
    "achievements[1].order": (
        lambda d: d["achievements"][1].update(order=1.5),
        "expected a whole number",
    ),
    "achievements[0].start_date": (
        lambda d: d["achievements"][0].update(start_date=20240410),
        "expected a date such as 2024-09-01",
    ),
    "achievements[0].end_date": (
        lambda d: d["achievements"][0].update(end_date="10.04.2024"),
        "expected a date such as 2024-09-01",
    ),
    "achievements[0].level": (
        lambda d: d["achievements"][0].update(level="galactic"),
        "expected one of “”, “faculty”, “university”, “city”, “national”, “international”",
    ),
    "achievements[0].evidence[0].size": (
        lambda d: d["achievements"][0]["evidence"][0].update(size="1000"),
        "expected a whole number",
    ),
    "achievements[0].evidence[0].path": (
        lambda d: d["achievements"][0]["evidence"][0].update(path=None),
        "is missing",
    ),
    "achievements[0].evidence[0].kind": (
        lambda d: d["achievements"][0]["evidence"][0].update(kind=True),
        "expected one of “image”, “pdf”, “office”, “audio”, “video”, “link”",
    ),
    "posts[0].published_at": (
        lambda d: d["posts"][0].update(published_at=1735689600),
        "expected a date and time such as 2024-09-01T10:30:00+06:00",
    ),
    "posts[0].attachments[0].size": (
        lambda d: d["posts"][0]["attachments"][0].update(size=True),
        "expected a whole number",
    ),
    "posts[0].attachments[0].sha256": (
        lambda d: d["posts"][0]["attachments"][0].pop("sha256"),
        "is missing",
    ),
    "portfolio.photo.size": (
        lambda d: d["portfolio"].update(
            photo={"path": "files/photo.png", "size": "9", "sha256": ""}
        ),
        "expected a whole number",
    ),
    "posts[0].tags": (lambda d: d["posts"][0].update(tags="a,b"), "expected a list"),
    "posts[0].title": (lambda d: d["posts"][0].update(title=None), "expected text"),
    "student": (lambda d: d.update(student="writer"), "expected an object"),
    "student.entry_year": (
        lambda d: d["student"].update(entry_year=-1),
        "expected a whole number from 0 to 9999",
    ),
    "exported_at": (
        lambda d: d.update(exported_at="yesterday"),
        "expected a date and time such as 2024-09-01T10:30:00+06:00",
    ),  # fmt: skip
}


@pytest.mark.parametrize("place", list(WRONG_TYPES))
def test_a_value_of_the_wrong_type_is_refused_by_its_place(source, target, place):
    change, problem = WRONG_TYPES[place]
    assert refused(target, tampered(source, change)) == f"portfolio.json, {place}: {problem}"


# --- dates out of range -----------------------------------------------------------------

OUT_OF_RANGE = {
    "posts[0].published_at": lambda d: d["posts"][0].update(
        published_at="9999-12-31T23:59:59-12:00"
    ),
    "achievements[0].start_date": lambda d: d["achievements"][0].update(start_date="0001-01-01"),
    "achievements[0].end_date": lambda d: d["achievements"][0].update(end_date="9999-12-31"),
    "exported_at": lambda d: d.update(exported_at="0001-01-01T00:00:00+14:00"),
}


@pytest.mark.parametrize("place", list(OUT_OF_RANGE))
def test_a_date_outside_the_sites_range_is_refused(source, target, place):
    message = refused(target, tampered(source, OUT_OF_RANGE[place]))
    assert message == f"portfolio.json, {place}: Enter a date between 1900-01-01 and 2100-12-31."


# --- sizes ------------------------------------------------------------------------------


def test_text_longer_than_the_model_allows_is_refused(source, target):
    archive = tampered(source, lambda d: d["achievements"][0].update(organisation="x" * 201))
    assert refused(target, archive) == (
        "portfolio.json, achievements[0].organisation: expected at most 200 characters, not 201"
    )
    archive = tampered(source, lambda d: d["portfolio"].update(telegram="x" * 34))
    assert refused(target, archive).startswith(
        "portfolio.json, portfolio.telegram: expected at most 33"
    )


def test_markdown_limits_come_from_the_models(monkeypatch):
    from django.core.validators import MaxLengthValidator

    about = Portfolio._meta.get_field("about")
    monkeypatch.setattr(about, "validators", [*about.validators, MaxLengthValidator(5000)])
    assert schema.model_text_limit(Portfolio, "about", default=200_000) == 5000
    monkeypatch.setattr(about, "validators", [])
    monkeypatch.setattr(about, "max_length", None)
    assert schema.model_text_limit(Portfolio, "about", default=200_000) == 200_000
    assert schema.model_text_limit(Portfolio, "headline", default=1) == 150


def test_a_huge_list_is_refused_before_anything_is_read(source, target):
    too_many = MAX_ACHIEVEMENTS + 1
    archive = tampered(source, lambda d: d.update(achievements=[{}] * too_many))
    assert refused(target, archive) == (
        f"portfolio.json, achievements: expected at most {MAX_ACHIEVEMENTS} items, not {too_many}"
    )
    archive = tampered(source, lambda d: d["portfolio"].update(skills=[f"s{n}" for n in range(31)]))
    assert "portfolio.skills: expected at most 30 items" in refused(target, archive)


# --- hostile files ----------------------------------------------------------------------


@pytest.mark.parametrize("opening", ["[", '{"a":', '[{"b":'])
def test_nesting_100000_deep_is_refused_without_a_recursion_error(source, target, opening):
    _document, entries = exported(source)
    raw = (opening * 100_000 + "1").encode()
    message = refused(target, zipped(entries, raw))
    assert message == "portfolio.json is nested more than 10 levels deep."


def test_brackets_inside_strings_do_not_count_as_nesting(source, target):
    document, entries = exported(source)
    document["portfolio"]["headline"] = '[[[[[[[[[[[[{{{{{{{{{{{{ "\\" ]]'
    import_zip(target, zipped(entries, json.dumps(document).encode()))
    target.refresh_from_db()
    assert target.headline == document["portfolio"]["headline"]


PARSER_CASES = {
    "a million brackets, never closed": (b"[" * 1_000_000, "nested more than 10 levels"),
    "eleven levels, closed": (b"[" * 11 + b"]" * 11, "nested more than 10 levels"),
    "twelve levels of objects in lists": (
        b'[{"a":' * 6 + b"1" + b"}]" * 6,
        "nested more than 10 levels",
    ),
    "closing brackets only": (b"]" * 1_000_000, "not valid JSON"),
    "brackets that do not pair": (b"[}" * 1_000_000, "not valid JSON"),
    "an unterminated string of escaped quotes": (b'"' + b'\\"' * 1_000_000, "not valid JSON"),
    "a lone backslash at the end": (b'["' + b'\\"' * 1_000_000 + b"\\", "not valid JSON"),
}


@pytest.mark.parametrize("case", list(PARSER_CASES))
def test_the_parser_refuses_what_could_exhaust_it(case):
    raw, problem = PARSER_CASES[case]
    with pytest.raises(schema.Invalid) as invalid:
        schema.parse(raw)
    assert problem in invalid.value.message


def test_ten_levels_are_fine():
    assert schema.parse(b"[" * 10 + b"]" * 10) == [[[[[[[[[[]]]]]]]]]]


HOSTILE_JSON = {
    "not UTF-8": (
        '{"schema": "student-portfolio", "x": "é"}'.encode("latin-1"),
        "portfolio.json is not UTF-8 text.",
    ),  # fmt: skip
    "NaN": (
        b'{"schema": "student-portfolio", "version": NaN}',
        "portfolio.json is not valid JSON.",
    ),
    "repeated key": (
        b'{"schema": "student-portfolio", "version": 2, "version": 1}',
        "portfolio.json has the key \u201cversion\u201d twice in one object.",
    ),
    "a number of 5000 digits": (
        b'{"schema": "student-portfolio", "version": ' + b"9" * 5000 + b"}",
        "portfolio.json is not valid JSON.",
    ),
    "a list at the top": (b"[]", "portfolio.json is not a portfolio export."),
}


@pytest.mark.parametrize("case", list(HOSTILE_JSON))
def test_hostile_json_is_refused_with_a_clear_message(source, target, case):
    raw, expected = HOSTILE_JSON[case]
    _document, entries = exported(source)
    assert refused(target, zipped(entries, raw)) == expected


def test_a_zip_bomb_of_a_portfolio_json_is_refused(source, target):
    _document, entries = exported(source)
    raw = b'{"schema": "student-portfolio", "pad": "' + b" " * (20 * 1024 * 1024) + b'"}'
    message = refused(target, zipped(entries, raw))
    assert message in (
        "portfolio.json is too large.",
        "The archive unpacks to an unreasonable size.",
    )


# --- a good file still imports, flags as they were ---------------------------------------


def test_false_stays_false_and_true_stays_true(source, target):
    source.show_email, source.open_to_work = False, True
    source.save()
    document, entries = exported(source)
    document["achievements"][0]["featured"] = True
    import_zip(target, zipped(entries, json.dumps(document).encode()))
    target.refresh_from_db()
    assert (target.show_email, target.open_to_work) == (False, True)
    assert Achievement.objects.get(
        portfolio=target, title=document["achievements"][0]["title"]
    ).featured


# --- the page and the command say it too ------------------------------------------------


def test_the_import_page_shows_the_refusal_and_keeps_the_email_private(
    client, source, target, start_and_open
):
    archive = tampered(source, lambda d: d["portfolio"].update(show_email="false"))
    archive.name = "portfolio.zip"
    client.force_login(target.student)

    response = start_and_open(client, reverse("portfolios:import"), {"archive": archive})

    assert response.status_code == 200
    assert "portfolio.show_email: expected true or false" in response.content.decode()
    target.refresh_from_db()
    assert not target.show_email


def test_the_import_page_refuses_deep_nesting_without_an_error_page(
    client, source, target, start_and_open
):
    _document, entries = exported(source)
    archive = zipped(entries, b"[" * 100_000)
    archive.name = "portfolio.zip"
    client.force_login(target.student)

    response = start_and_open(client, reverse("portfolios:import"), {"archive": archive})

    assert response.status_code == 200
    assert "nested more than 10 levels deep" in response.content.decode()


def test_the_command_refuses_with_the_place(source, target, tmp_path):
    path = tmp_path / "tampered.zip"
    path.write_bytes(
        tampered(source, lambda d: d["posts"][0].update(published_at="0001-01-01T00:00")).getvalue()
    )
    with pytest.raises(CommandError, match=r"posts\[0\]\.published_at: Enter a date between"):
        call_command("import_portfolio", "twin", str(path), verbosity=0)


def test_export_then_import_still_round_trips(source, target):
    buffer = io.BytesIO()
    export_zip(source, buffer)
    assert import_zip(target, io.BytesIO(buffer.getvalue())) == 2


def test_long_markdown_within_the_models_limit_comes_back_whole(source, target):
    """Nothing is cut silently: what the schema lets through is restored as it was."""
    from achievements.models import Achievement as Item

    length = min(schema.model_text_limit(Item, "description", default=200_000), 15_000)
    text = ("Long *description*. " * length)[:length]
    archive = tampered(source, lambda d: d["achievements"][0].update(description=text))

    import_zip(target, archive)

    restored = Item.objects.get(portfolio=target, title="Olympiad")
    assert restored.description == text


def test_the_import_renders_every_markdown_text_before_it_takes_a_lock(source, target, monkeypatch):
    """Rendering is the slow part of a long text: none of it happens inside the import's
    transaction, where the portfolio's row is locked."""
    from django.db import connection

    from core import markdown

    def change(document):
        document["portfolio"]["about"] = "About *me*. " + "[" * 4000
        document["achievements"][0]["description"] = "Won **it**. " + "[" * 9000
        document["posts"][0]["body"] = "A *lesson*. " + "![" * 4000

    archive = tampered(source, change)
    # The test runs inside pytest-django's transaction: the import's own is a savepoint.
    outer = len(connection.savepoint_ids)
    in_transaction = []
    real_render = markdown._md.render

    def recording_render(text, *args, **kwargs):
        in_transaction.append(len(connection.savepoint_ids) > outer)
        return real_render(text, *args, **kwargs)

    monkeypatch.setattr(markdown._md, "render", recording_render)
    import_zip(target, archive)

    target.refresh_from_db()
    assert "<em>me</em>" in target.about_html
    restored = Achievement.objects.get(portfolio=target, title="Olympiad")
    assert "<strong>it</strong>" in restored.description_html
    assert in_transaction and not any(in_transaction)
