"""Leap2A import: a Mahara-shaped export maps to the profile, sections, journal and
evidence; everything arrives as "only me"; the report says what went where and why not."""

import io
import socket
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from achievements.models import Achievement, Evidence
from journal.models import Post
from portfolios.models import Visibility
from tests.factories import StudentFactory, achievement_for, portfolio_for
from tests.transfer.leap2a_builder import PERSON, entry, feed, mahara_export, zipped
from transfer.archive import ImportRefused
from transfer.leap2a.importer import import_leap2a
from transfer.leap2a.mapping import parse_day
from transfer.leap2a.text import html_to_markdown

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio():
    return portfolio_for(StudentFactory(username="aida"))


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """An outside address in a file is never fetched: any connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the import tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def imported(portfolio, data: bytes) -> dict:
    return import_leap2a(portfolio, io.BytesIO(data))


def test_a_mahara_export_maps_to_sections_journal_profile_and_evidence(portfolio):
    xml, files = mahara_export()
    report = imported(portfolio, zipped(xml, files))

    items = {a.title: a for a in Achievement.objects.filter(portfolio=portfolio)}
    education = items["Physics"]
    assert education.category.code == "academic"
    assert education.organisation == "Kyrgyz National University"
    assert education.result == "Bachelor"
    assert (education.start_date, education.end_date) == (date(2015, 9, 1), date(2019, 6, 1))
    assert education.description == "Thesis on optics."
    job = items["Lab assistant"]
    assert (job.category.code, job.organisation, job.start_date) == (
        "experience", "Institute of Physics", date(2019, 7, 1))  # fmt: skip
    assert [s.name for s in job.skills.all()] == ["Lab safety"]
    certificate = items["IELTS 7.5"]
    assert certificate.category.code == "certificates"
    assert certificate.start_date == date(2018, 3, 12)
    assert [(e.original_name, e.caption) for e in certificate.evidence.all()] == [
        ("certificate.pdf", "The certificate")
    ]
    book = items["Optics for beginners"]
    assert book.category.code == "research" and "Co-author: Wrote chapter 3." in book.description
    membership = items["Physics society"]
    assert membership.category.code == "social" and membership.start_date == date(2016, 1, 1)
    assert "Dates: sometime later" in membership.description  # kept as text, noted
    goals = items["My career goals"]
    assert goals.category.code == "experience" and goals.description == (
        "Become a **researcher**.")  # fmt: skip
    loose = items["Imported files"]
    assert [e.original_name for e in loose.evidence.all()] == ["poster.png"]
    # The organisation and qualification siblings are parts of their item, not items.
    assert "Kyrgyz National University" not in items and "Bachelor" not in items
    assert len(items) == 7

    posts = {p.title: p for p in Post.objects.filter(portfolio=portfolio)}
    assert set(posts) == {"First week", "Second week", "About my project"}
    page = posts["About my project"]  # a Mahara page's text, as a draft with its file
    assert page.status == "draft"
    assert page.body == "Summer project page.\n\n### Goal\n\nBuild a **telescope**."
    assert [a.original_name for a in page.attachments.all()] == ["telescope.png"]
    first = posts["First week"]
    assert first.body == "Hello **world** & friends"
    assert first.published_at.isoformat() == "2019-09-07T06:00:00+00:00"
    assert first.tags == ["study", "week 1"] and first.status == "published"
    assert [a.original_name for a in first.attachments.all()] == ["diagram.png"]
    assert posts["Second week"].status == "draft"  # Mahara's readiness#Unready

    portfolio.refresh_from_db()
    assert "I study **physics**." in portfolio.about
    assert "alert" not in portfolio.about_html and "javascript" not in portfolio.about_html
    assert "<script" not in portfolio.about_html
    assert portfolio.website == "https://aida.example.org"
    assert portfolio.phone == "+996 555 123 456"
    assert portfolio.linkedin == "https://www.linkedin.com/in/aida"
    assert portfolio.interests == "Chess, *mountains*"
    assert sorted(s.name for s in portfolio.skills.all()) == ["Physics", "Teamwork"]
    assert portfolio.photo  # Mahara's profile icon

    # Everything as "only me".
    assert {a.visibility for a in items.values()} == {Visibility.PRIVATE}
    assert {p.visibility for p in posts.values()} == {Visibility.PRIVATE}

    skipped = {(row["what"], row["title"]): row["reason"] for row in report["skipped"]}
    assert "never fetched" in skipped[("File", "notes.pdf")]
    assert "Pages are layouts" in skipped[("Mahara page", "My showcase")]
    assert ("Comment", "Nice work") in skipped
    placed = {(row["what"], row["title"]): row["where"] for row in report["placed"]}
    assert placed[("Education", "Physics")] == "Academic achievements"
    assert placed[("Blog post", "First week")] == "Journal (Study blog)"
    assert placed[("Mahara page", "About my project")].startswith("Journal")
    assert any("“Aida Bekova”; your account keeps its own name" in n for n in report["notes"])
    assert report["files"] == 5  # diagram, certificate, poster, photo, telescope


def test_a_bare_leap2a_xml_imports_without_files(portfolio):
    xml = feed(
        entry("portfolio:post1", "A note", "entry", content="Just words."),
        entry("portfolio:file1", "scan.pdf", "resource", links=(("enclosure", "files/scan.pdf"),)),
    )
    report = imported(portfolio, xml)
    assert Post.objects.get(portfolio=portfolio).title == "A note"
    assert not Evidence.objects.exists()
    assert [row["title"] for row in report["skipped"]] == ["scan.pdf"]


def test_the_import_adds_beside_existing_items_and_keeps_filled_profile_fields(portfolio):
    portfolio.website = "https://mine.example.org"
    portfolio.save()
    achievement_for(portfolio, title="Already here")
    xml, files = mahara_export()
    imported(portfolio, zipped(xml, files))
    portfolio.refresh_from_db()
    assert portfolio.website == "https://mine.example.org"
    assert Achievement.objects.filter(portfolio=portfolio, title="Already here").exists()


def test_a_file_the_upload_checks_refuse_is_skipped_with_their_reason(portfolio, settings):
    xml = feed(
        entry("portfolio:a", "Award", "achievement", links=(("related", "portfolio:f"),)),
        entry("portfolio:f", "tool.exe", "resource", links=(("enclosure", "files/tool.exe"),)),
    )
    report = imported(portfolio, zipped(xml, {"files/tool.exe": b"MZ\x90\x00" + b"\x00" * 500}))
    assert not Evidence.objects.exists()
    assert Achievement.objects.get(portfolio=portfolio).title == "Award"
    (row,) = [row for row in report["skipped"] if row["title"] == "tool.exe"]
    assert "tool.exe" in row["reason"]
    assert not list((settings.MEDIA_ROOT / "evidence").rglob("*.exe")) if (
        settings.MEDIA_ROOT / "evidence").exists() else True  # fmt: skip


def test_files_beyond_the_quota_refuse_the_whole_import(portfolio, settings):
    settings.EVIDENCE_QUOTA_PER_STUDENT = 1000
    xml, files = mahara_export()
    with pytest.raises(ImportRefused, match="storage space"):
        imported(portfolio, zipped(xml, files))
    assert not Achievement.objects.exists() and not Post.objects.exists()
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def test_nothing_importable_is_refused(portfolio):
    with pytest.raises(ImportRefused, match="nothing this site can import"):
        imported(portfolio, feed())


def test_plain_leap2a_without_mahara_extensions_maps_by_type(portfolio):
    xml = feed(
        entry("urn:1", "Me", "person", persondata=(("website", "https://me.example.org"),)),
        entry("urn:2", "Internship", "activity", categories=(("life_area", "Work"),),
              dates=(("start", "2021-02", ""),)),
        entry("urn:3", "Gold medal", "achievement", dates=(("target", "2022-05-04", ""),)),
        entry("urn:4", "Debate club", "affiliation"),
        entry("urn:5", "Plans", "plan"),
    )  # fmt: skip
    report = imported(portfolio, xml)
    sections = dict(
        Achievement.objects.filter(portfolio=portfolio).values_list("title", "category__code")
    )
    assert sections == {"Internship": "experience", "Gold medal": "certificates",
                        "Debate club": "social"}  # fmt: skip
    assert Achievement.objects.get(title="Gold medal").start_date == date(2022, 5, 4)
    assert [row["title"] for row in report["skipped"]] == ["Plans"]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2015-09-01", date(2015, 9, 1)),
        ("2015-09-01T10:00:00+06:00", date(2015, 9, 1)),
        ("2015-09", date(2015, 9, 1)),
        ("2015", date(2015, 1, 1)),
        ("12/03/2018", date(2018, 3, 12)),
        ("03.2018", date(2018, 3, 1)),
        ("Sep 2015", date(2015, 9, 1)),
        ("1 September 2015", date(2015, 9, 1)),
        ("сентябрь 2015", date(2015, 9, 1)),
        ("1850", None),
        ("someday", None),
        ("2015-02-30", None),
    ],
)
def test_dates_in_the_forms_leap2a_files_use(text, day):
    assert parse_day(text) == day


def test_html_becomes_markdown_without_markup():
    html = ('<h1>Title</h1><p>One <b>bold</b> <i>word</i>.<br>Next line</p>'
            '<ul><li>a</li><li>b</li></ul><script>bad()</script><style>p{}</style>'
            '<p><a href="javascript:x()">js</a> <a href="https://ok.example">ok</a> 2*3_4</p>'
            '<img src="http://tracker.example/x.png" onerror="bad()">')  # fmt: skip
    text = html_to_markdown(html)
    assert text == (
        "Title\n\nOne **bold** *word*.  \nNext line\n\n- a\n- b\n\n"
        "js [ok](https://ok.example) 2\\*3\\_4"
    )


def test_the_command_imports_and_prints_the_report(portfolio, tmp_path, capsys):
    xml, files = mahara_export()
    path = tmp_path / "export.zip"
    path.write_bytes(zipped(xml, files))
    call_command("import_leap2a", "aida", str(path))
    out = capsys.readouterr().out
    assert "Imported 7 achievements, 3 journal posts and 5 files" in out
    assert "skipped Mahara page: My showcase" in out
    assert Achievement.objects.filter(portfolio=portfolio).count() == 7


def test_the_command_says_why_it_refused(portfolio, tmp_path):
    path = tmp_path / "leap2a.xml"
    path.write_bytes(b'<!DOCTYPE feed [<!ENTITY a "b">]><feed/>')
    with pytest.raises(CommandError, match="document type"):
        call_command("import_leap2a", "aida", str(path))


def test_a_person_entry_by_mahara_id_alone_is_the_profile(portfolio):
    xml = feed(entry(PERSON, "Aida", "entry", content="About me text"))
    imported(portfolio, xml)
    portfolio.refresh_from_db()
    assert portfolio.about == "About me text"
    assert not Post.objects.exists()


def test_the_demo_sample_imports(portfolio, settings):
    from pathlib import Path

    sample = Path(settings.BASE_DIR) / "demo" / "sample-leap2a.xml"
    with sample.open("rb") as source:
        report = import_leap2a(portfolio, source)
    assert report["achievements"] == 6 and report["posts"] == 3 and report["files"] == 0
    assert {row["title"] for row in report["skipped"]} >= {
        "certificate.pdf",
        "My showcase",
        "telescope.png",
    }


def test_fields_the_site_would_refuse_are_left_out_with_a_note(portfolio):
    xml = feed(
        entry(PERSON, "Aida", "person", persondata=(("other", "not a handle!", "Telegram"),
                                                    ("website", "not a web address"))),
        entry("urn:2", "Gold medal", "achievement",
              raw='<sp:field xmlns:sp="urn:x-student-portfolio:leap2a:1" sp:name="url">'
                  "javascript:alert(1)</sp:field>"
                  '<sp:field xmlns:sp="urn:x-student-portfolio:leap2a:1" sp:name="grade">A'
                  "</sp:field>"),
    )  # fmt: skip
    report = imported(portfolio, xml)
    portfolio.refresh_from_db()
    assert portfolio.telegram == "" and portfolio.website == ""
    medal = Achievement.objects.get(portfolio=portfolio)
    assert medal.url == "" and medal.grade == ""  # certificates have no grade
    assert any("not a handle!" in note for note in report["notes"])
