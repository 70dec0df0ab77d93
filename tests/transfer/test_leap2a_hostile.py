"""Hostile Leap2A input: each case is refused with a message that says why (or made
harmless), and nothing is stored: no rows, no files. Nothing is ever fetched."""

import io
import socket
import zipfile

import pytest

from achievements.models import Achievement, Evidence
from journal.models import Post
from tests.factories import StudentFactory, pdf_bytes, portfolio_for
from tests.transfer.leap2a_builder import NAMESPACES, entry, feed, zipped
from transfer.archive import ImportRefused
from transfer.leap2a.importer import import_leap2a
from transfer.leap2a.reader import MAX_DEPTH

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio():
    return portfolio_for(StudentFactory(username="aida"))


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the import tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def refused(portfolio, data: bytes, settings) -> str:
    with pytest.raises(ImportRefused) as caught:
        import_leap2a(portfolio, io.BytesIO(data))
    assert not Achievement.objects.exists()
    assert not Post.objects.exists()
    assert not Evidence.objects.exists()
    stored = [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert stored == []
    portfolio.refresh_from_db()
    assert portfolio.about == ""
    return caught.value.message


A_POST = entry("portfolio:1", "A post", "entry", content="Words")


def test_an_external_entity_xxe_is_refused(portfolio, settings, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    prolog = f'<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    xml = feed(entry("portfolio:1", "A post", "entry", content="PLACEHOLDER"), prolog=prolog)
    xml = xml.replace(b"PLACEHOLDER", b"&xxe;")
    message = refused(portfolio, xml, settings)
    assert "document type" in message


def test_billion_laughs_is_refused(portfolio, settings):
    lol = "".join(f'<!ENTITY lol{n} "{"&lol" + str(n - 1) + ";" * 1}' * 10 + '">'
                  for n in range(1, 10))  # fmt: skip
    prolog = f'<!DOCTYPE feed [<!ENTITY lol0 "lol">{lol}]>'
    xml = feed(entry("portfolio:1", "A post", "entry", content="X"), prolog=prolog)
    xml = xml.replace(b"<content>X</content>", b"<content>&lol9;</content>")
    assert "document type" in refused(portfolio, xml, settings)


@pytest.mark.parametrize(
    "prolog",
    [
        "<!DOCTYPE feed>",
        '<!DOCTYPE feed SYSTEM "http://evil.example/leap.dtd">',
        '<!DOCTYPE feed PUBLIC "-//X//Y" "http://evil.example/leap.dtd">',
    ],
)
def test_any_dtd_is_refused_and_never_fetched(portfolio, settings, prolog):
    assert "document type" in refused(portfolio, feed(A_POST, prolog=prolog), settings)


def test_deep_nesting_is_refused(portfolio, settings):
    deep = "<div>" * 5000 + "x" + "</div>" * 5000
    xml = feed(entry("portfolio:1", "Deep", "entry", content_type="xhtml", content=deep))
    message = refused(portfolio, xml, settings)
    assert f"nested more than {MAX_DEPTH} levels" in message


def test_a_huge_text_node_is_refused(portfolio, settings):
    xml = feed(entry("portfolio:1", "Huge", "entry", content="a" * 1_100_000))
    assert "a text longer than" in refused(portfolio, xml, settings)


def test_a_huge_text_after_an_element_is_refused(portfolio, settings):
    content = "<p><b>x</b>" + "a" * 1_100_000 + "</p>"
    xml = feed(entry("portfolio:1", "Huge", "entry", content_type="xhtml", content=content))
    assert "a text longer than" in refused(portfolio, xml, settings)


def test_a_too_large_document_is_refused(portfolio, settings):
    xml = feed(*[entry(f"portfolio:{n}", "x", "entry", content="a" * 900_000)
                 for n in range(25)])  # fmt: skip
    assert "too large" in refused(portfolio, xml, settings)


@pytest.mark.parametrize(
    "href", ["../../etc/passwd", "files/../../outside.pdf", "/etc/passwd", "C:/boot.ini",
             "files\\..\\..\\x.pdf", "files/%2e%2e/%2e%2e/etc/passwd", "%2Fetc%2Fpasswd"],
)  # fmt: skip
def test_an_enclosure_that_escapes_the_zip_is_refused(portfolio, settings, href):
    xml = feed(
        A_POST,
        entry("portfolio:f", "x.pdf", "resource", links=(("enclosure", href),)),
    )
    message = refused(portfolio, zipped(xml, {"files/x.pdf": pdf_bytes()}), settings)
    assert "outside the archive" in message


def test_a_percent_encoded_name_inside_the_zip_is_found(portfolio):
    xml = feed(
        entry("portfolio:a", "Award", "achievement", links=(("related", "portfolio:f"),)),
        entry("portfolio:f", "my scan.pdf", "resource",
              links=(("enclosure", "files/my%20scan.pdf"),)),
    )  # fmt: skip
    import_leap2a(portfolio, io.BytesIO(zipped(xml, {"files/my scan.pdf": pdf_bytes()})))
    assert Evidence.objects.get().original_name == "my scan.pdf"


def test_a_zip_entry_with_an_unsafe_name_is_refused(portfolio, settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("leap2a.xml", feed(A_POST))
        archive.writestr("../evil.pdf", pdf_bytes())
    assert "unsafe name" in refused(portfolio, buffer.getvalue(), settings)


def test_a_zip_bomb_is_refused(portfolio, settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("leap2a.xml", feed(A_POST))
        archive.writestr("files/zeros.pdf", b"\0" * (30 * 1024 * 1024))
    assert "unreasonable size" in refused(portfolio, buffer.getvalue(), settings)


def test_a_leap2a_xml_that_is_itself_a_bomb_is_refused(portfolio, settings):
    huge = feed(A_POST).replace(b"</feed>", b" " * (25 * 1024 * 1024) + b"</feed>")
    message = refused(portfolio, zipped(huge), settings)
    assert "unreasonable size" in message or "too large" in message


def test_outside_addresses_are_never_fetched(portfolio):
    xml = feed(
        entry("portfolio:a", "Award", "achievement",
              links=(("related", "portfolio:f1"), ("related", "portfolio:f2"))),
        entry("portfolio:f1", "remote.pdf", "resource",
              links=(("enclosure", "http://169.254.169.254/latest/meta-data"),)),
        entry("portfolio:f2", "video", "resource",
              links=(("enclosure", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),)),
        entry("portfolio:f3", "loose.pdf", "resource",
              links=(("enclosure", "file:///etc/passwd"),)),
    )  # fmt: skip
    report = import_leap2a(portfolio, io.BytesIO(xml))
    award = Achievement.objects.get(portfolio=portfolio)
    # An https address becomes a link (never opened); the rest are listed as skipped.
    assert [(e.kind, e.external_url) for e in award.evidence.all()] == [
        ("link", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    ]
    assert {row["title"] for row in report["skipped"]} == {"remote.pdf", "loose.pdf"}


def test_bytes_not_in_the_declared_encoding_are_refused(portfolio, settings):
    xml = feed(entry("portfolio:1", "Привет", "entry", content="Текст"), encoding="cp1251")
    xml = xml.replace(b'encoding="cp1251"', b'encoding="utf-8"')
    assert "not in the encoding it declares" in refused(portfolio, xml, settings)


def test_an_unknown_encoding_is_refused(portfolio, settings):
    xml = feed(A_POST).replace(b'encoding="utf-8"', b'encoding="x-no-such-thing"')
    assert "encoding" in refused(portfolio, xml, settings)


def test_a_declared_legacy_encoding_is_read(portfolio):
    xml = feed(entry("portfolio:1", "Жаңы пост", "entry", content="Текст"),
               encoding="utf-16")  # fmt: skip
    import_leap2a(portfolio, io.BytesIO(xml))
    assert Post.objects.get().title == "Жаңы пост"


@pytest.mark.parametrize(
    "data",
    [b"", b"not xml at all", b"<feed>unclosed", b"\xff\xfe\x00garbage",
     f"<html {NAMESPACES}><body/></html>".encode()],
)  # fmt: skip
def test_what_is_not_a_leap2a_document_is_refused(portfolio, settings, data):
    message = refused(portfolio, data, settings)
    assert "XML" in message or "Leap2A" in message


def test_a_zip_without_leap2a_xml_is_refused(portfolio, settings):
    assert "no leap2a.xml" in refused(portfolio, zipped(b"<x/>", name="other.xml"), settings)


def test_html_in_contents_is_sanitised_like_any_text(portfolio):
    html = ('<p onclick="steal()">Hi <script>steal()</script><iframe src="https://evil.example">'
            '</iframe><a href="javascript:steal()">x</a> <img src=x onerror=steal()>'
            '&lt;script&gt;alert(1)&lt;/script&gt;</p>')  # fmt: skip
    xml = feed(entry("portfolio:1", "<b>Bold</b> title", "entry", content_type="html",
                     content=html))  # fmt: skip
    import_leap2a(portfolio, io.BytesIO(xml))
    post = Post.objects.get()
    assert post.title == "<b>Bold</b> title"  # a text title stays text (escaped when shown)
    assert "steal" not in post.body
    assert "<script" not in post.body_html and "onclick" not in post.body_html
    assert "&lt;script&gt;" in post.body_html  # the escaped text is shown as text


def test_a_file_that_fails_the_upload_checks_is_never_stored(portfolio, settings):
    polyglot = b"%PDF-1.4\n" + b"<script>alert(1)</script>" + b"\n%%EOF"
    xml = feed(
        entry("portfolio:a", "Award", "achievement", links=(("related", "portfolio:f"),)),
        entry("portfolio:f", "page.html", "resource", links=(("enclosure", "files/page.html"),)),
    )
    report = import_leap2a(portfolio, io.BytesIO(zipped(xml, {"files/page.html": polyglot})))
    assert not Evidence.objects.exists()
    assert any(row["title"] == "page.html" for row in report["skipped"])


def test_a_failure_late_in_the_import_leaves_no_rows_and_no_files(portfolio, settings, monkeypatch):
    from django.core.exceptions import ValidationError

    from tests.transfer.leap2a_builder import mahara_export
    from transfer.leap2a import importer

    def failing_post_create(**fields):
        raise ValidationError("the journal refused it")

    monkeypatch.setattr(importer, "post_create", failing_post_create)
    xml, files = mahara_export()
    message = refused(portfolio, zipped(xml, files), settings)  # evidence was stored first
    assert "the journal refused it" in message
    assert not portfolio.skills.exists() and not portfolio.photo
