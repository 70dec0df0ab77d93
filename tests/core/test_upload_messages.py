"""What a refused upload says: sizes that rounding would show alike are told apart, a real
ZIP archive is called an archive (never a damaged office document), and when several files
are refused at once every one of them is named with its reason, nothing being saved."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from achievements.models import Achievement, Evidence
from core.files.types import file_sizes
from core.files.uploads import UploadRejected, prepare_upload
from portfolios.models import Visibility
from tests.achievements.test_views import form_data
from tests.factories import (
    StudentFactory,
    pdf_bytes,
    png_bytes,
    portfolio_for,
    stored_media_files,
    uploaded_file,
)

MB = 1024 * 1024
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def refusal(name, content, **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        prepare_upload(SimpleUploadedFile(name, content), **kwargs)
    return caught.value


def spaced(text: str) -> str:
    """Non-breaking spaces (between number and unit, in groups of digits) as plain ones."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


# --- sizes -----------------------------------------------------------------------------


def test_a_file_one_byte_over_the_limit_is_told_apart_from_the_limit(settings):
    settings.EVIDENCE_MAX_FILE_SIZE = 25 * MB
    content = pdf_bytes()
    content += b"\n" * (25 * MB + 1 - len(content))

    message = spaced(refusal("thesis.pdf", content).message)

    assert "25.0 MB (26,214,401 bytes)" in message
    assert "25.0 MB (26,214,400 bytes)" in message


def test_sizes_that_read_differently_stay_short():
    assert [spaced(s) for s in file_sizes(30 * MB, 25 * MB)] == ["30.0 MB", "25.0 MB"]
    assert [spaced(s) for s in file_sizes(5 * MB + 1, 5 * MB)] == [
        "5.0 MB (5,242,881 bytes)",
        "5.0 MB (5,242,880 bytes)",
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "1,0 МБ (1 048 577 байт)"),
        ("ky", "1,0 МБ (1 048 577 байт)"),
    ],
)
def test_exact_sizes_are_in_the_readers_language(language, expected):
    with translation.override(language):
        assert spaced(file_sizes(MB + 1, MB)[0]) == expected


def test_the_quota_message_tells_equal_looking_sizes_apart():
    content = pdf_bytes()
    content += b"\n" * (20 * 1024 - len(content))  # 20.0 KB, one byte more than is free
    message = spaced(refusal("report.pdf", content, quota_left=len(content) - 1).message)
    assert "(20.0 KB (20,480 bytes)) does not fit" in message
    assert "(20.0 KB (20,479 bytes) free)" in message


# --- ZIP archives ----------------------------------------------------------------------


def zip_bytes(entries, *, mimetype: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype is not None:
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def encrypted_entry_zip() -> bytes:
    """A ZIP whose first entry ("mimetype") is flagged as encrypted (general purpose bit 0)."""
    data = bytearray(zip_bytes([("b.txt", b"b")], mimetype=b"x"))
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature)
        data[at + flag_at] |= 1
    return bytes(data)


ARCHIVES = {
    "plain": zip_bytes([("notes.txt", b"hello"), ("photos/a.txt", b"a")]),
    "epub-like mimetype": zip_bytes([("a.xhtml", b"<p/>")], mimetype="application/épub".encode()),
    "encrypted first entry": encrypted_entry_zip(),
    "truncated": zip_bytes([("notes.txt", b"hello" * 100)])[:-30],
}


@pytest.mark.parametrize("content", list(ARCHIVES.values()), ids=list(ARCHIVES))
def test_a_zip_archive_is_refused_as_an_archive(content):
    error = refusal("holiday.zip", content)
    assert error.code == "forbidden_type"
    assert "is an archive (such as ZIP" in error.message
    assert "damaged" not in error.message


def test_a_damaged_office_document_is_still_called_one():
    docx = zip_bytes([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<doc/>")])
    error = refusal("essay.docx", docx[:-30])
    assert "looks like an office document, but it is damaged" in error.message


def test_office_documents_built_from_their_specs_are_still_accepted():
    docx = zip_bytes([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<doc/>")])
    odt = zip_bytes(
        [("content.xml", b"<doc/>")], mimetype=b"application/vnd.oasis.opendocument.text"
    )
    assert prepare_upload(SimpleUploadedFile("essay.docx", docx)).extension == "docx"
    assert prepare_upload(SimpleUploadedFile("essay.odt", odt)).extension == "odt"


# --- several refused files -------------------------------------------------------------


@pytest.mark.django_db
def test_every_refused_file_is_named_and_nothing_is_saved(client):
    student = StudentFactory(username="aida")
    portfolio_for(student, visibility=Visibility.PUBLIC)
    client.force_login(student)
    files = [
        uploaded_file("good.png", png_bytes()),
        uploaded_file("setup.exe", EXE),
        uploaded_file("good.pdf", pdf_bytes()),
        uploaded_file("page.pdf", HTML),
        uploaded_file("notes.pdf", b""),
    ]

    response = client.post(reverse("achievements:create"), form_data(files=files))

    assert response.status_code == 200
    errors = response.context["form"].errors["files"]
    assert errors == [
        "“setup.exe” is a program. Programs cannot be uploaded.",
        "“page.pdf” is a web page (HTML). Web pages cannot be uploaded.",
        "“notes.pdf” is empty.",
    ]
    html = response.content.decode()
    assert "“setup.exe” is a program." in html and "“page.pdf” is a web page" in html
    assert "“notes.pdf” is empty." in html
    assert not Achievement.objects.exists()
    assert not Evidence.objects.exists()
    assert stored_media_files() == []


@pytest.mark.django_db
def test_a_refused_file_does_not_use_up_the_quota_of_the_next(client, settings):
    student = StudentFactory(username="aida")
    portfolio_for(student)
    client.force_login(student)
    good = pdf_bytes()
    settings.EVIDENCE_QUOTA_PER_STUDENT = len(good) + 10
    files = [uploaded_file("setup.exe", EXE), uploaded_file("good.pdf", good)]

    response = client.post(reverse("achievements:create"), form_data(files=files))

    assert response.context["form"].errors["files"] == [
        "“setup.exe” is a program. Programs cannot be uploaded."
    ]
