"""Files in S3 reach the viewer through a short-lived signed URL, fetched here over HTTP as a
browser would: the bytes, the type and the disposition the site decided, and nothing for a
URL that was changed or has expired."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from django.urls import reverse

from demo.portfolios import make_docx
from portfolios.models import Visibility
from tests.factories import StudentFactory, achievement_for, pdf_bytes, png_bytes, portfolio_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(s3):
    portfolio = portfolio_for(StudentFactory(), visibility=Visibility.PUBLIC)
    achievement = achievement_for(
        portfolio, title="Cup", visibility=Visibility.PUBLIC,
        files=[("Диплом 2025.pdf", pdf_bytes("Diploma")), ("essay.docx", make_docx("Essay")),
               ("podium.png", png_bytes(size=(900, 600)))],
    )  # fmt: skip
    return {e.original_name: e for e in achievement.evidence.all()}


def signed_url(client, evidence, variant="original") -> str:
    response = client.get(reverse("achievements:file", args=[evidence.public_id, variant]))
    assert response.status_code == 302
    return response["Location"]


def fetch(url: str):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read(), answer.headers


def refusal(url: str) -> tuple[int, str]:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)
    return refused.value.code, refused.value.read().decode()


def with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_a_pdf_is_shown_inline_under_its_own_name(client, s3, evidence):
    pdf = evidence["Диплом 2025.pdf"]
    url = signed_url(client, pdf)

    body, headers = fetch(url)

    assert url.startswith(s3.server.endpoint_url)
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url  # SigV4: what every region accepts
    assert body == pdf_bytes("Diploma")
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == (
        "inline; filename*=utf-8''%D0%94%D0%B8%D0%BF%D0%BB%D0%BE%D0%BC%202025.pdf"
    )
    assert headers["Cache-Control"] == "private, max-age=300"


def test_an_office_document_is_a_download(client, s3, evidence):
    docx = evidence["essay.docx"]

    body, headers = fetch(signed_url(client, docx))

    assert body == s3.read(docx.file.name) and len(body) == docx.size
    assert headers["Content-Type"] == docx.content_type
    assert headers["Content-Disposition"] == 'attachment; filename="essay.docx"'


def test_image_variants_are_their_own_objects(client, s3, evidence):
    image = evidence["podium.png"]

    thumb, headers = fetch(signed_url(client, image, "thumb"))
    original, _ = fetch(signed_url(client, image, "original"))

    assert thumb == s3.read(image.thumbnail_file.name) != original
    assert headers["Content-Type"] == "image/png"


def test_players_get_byte_ranges_from_the_store(client, s3, evidence):
    pdf = evidence["Диплом 2025.pdf"]
    request = urllib.request.Request(signed_url(client, pdf), headers={"Range": "bytes=0-9"})

    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 206
        assert answer.headers["Content-Range"] == f"bytes 0-9/{pdf.size}"
        assert answer.read() == pdf_bytes("Diploma")[:10]


def test_the_redirect_is_not_remembered_longer_than_its_url_works(client, s3, evidence, settings):
    settings.FILE_URL_EXPIRE_SECONDS = 120
    response = client.get(
        reverse("achievements:file", args=[evidence["essay.docx"].public_id, "original"])
    )

    assert "X-Amz-Expires=120" in response["Location"]
    assert response["Cache-Control"] == "private, max-age=60"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_changed_url_is_refused(client, s3, evidence):
    url = signed_url(client, evidence["Диплом 2025.pdf"])
    signature = dict(parse_qsl(urlsplit(url).query))["X-Amz-Signature"]

    # Shown as a web page instead, or another file under the same signature: refused.
    assert refusal(with_query(url, **{"response-content-type": "text/html"}))[0] == 403
    other = evidence["essay.docx"].file.name
    assert refusal(url.replace(evidence["Диплом 2025.pdf"].file.name, other))[0] == 403
    forged = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    code, body = refusal(with_query(url, **{"X-Amz-Signature": forged}))
    assert (code, "SignatureDoesNotMatch" in body) == (403, True)


def test_an_expired_url_is_refused(client, s3, evidence, settings):
    url = signed_url(client, evidence["Диплом 2025.pdf"])
    fetch(url)  # works now

    s3.server.checks.clock_offset = timedelta(seconds=settings.FILE_URL_EXPIRE_SECONDS + 1)

    code, body = refusal(url)
    assert code == 403 and "Request has expired" in body


def test_a_private_file_gets_no_url_at_all(client, s3, evidence):
    pdf = evidence["Диплом 2025.pdf"]
    pdf.achievement.visibility = Visibility.PRIVATE
    pdf.achievement.save(update_fields=["visibility"])

    response = client.get(reverse("achievements:file", args=[pdf.public_id, "original"]))

    assert response.status_code == 404
