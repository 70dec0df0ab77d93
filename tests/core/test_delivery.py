"""Files reach players that ask for byte ranges, and import keeps only truly plain images."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from achievements.services import achievement_create
from core.files.types import JPEG, PNG
from core.files.uploads import is_plain_image, prepare_upload
from demo.portfolios import make_wav
from portfolios.models import Category, Visibility
from portfolios.services import portfolio_get_or_create, portfolio_update
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def audio():
    student = StudentFactory()
    portfolio = portfolio_get_or_create(student=student)
    portfolio_update(portfolio=portfolio, skills=[], visibility=Visibility.PUBLIC)
    sound = prepare_upload(SimpleUploadedFile("talk.wav", make_wav(1.0)))
    achievement = achievement_create(
        portfolio=portfolio, category=Category.objects.get(code="conferences"), title="Talk",
        visibility=Visibility.PUBLIC, files=[sound],
    )  # fmt: skip
    evidence = achievement.evidence.get()
    return reverse("achievements:file", args=[evidence.public_id, "original"]), evidence.size


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_whole_file_says_ranges_are_accepted(client, audio):
    url, size = audio
    response = client.get(url)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert len(body(response)) == size


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-50", None, None)],
)
def test_byte_ranges_are_answered_with_206(client, audio, header, start, end):
    url, size = audio
    whole = body(client.get(url))
    response = client.get(url, HTTP_RANGE=header)
    assert response.status_code == 206
    if header == "bytes=-50":
        start, end = size - 50, size - 1
    end = size - 1 if end is None else end
    assert response["Content-Range"] == f"bytes {start}-{end}/{size}"
    assert body(response) == whole[start : end + 1]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unsatisfiable_range_is_416(client, audio):
    url, size = audio
    response = client.get(url, HTTP_RANGE=f"bytes={size + 10}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"


def _jpeg(**save_options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#336699").save(buffer, "JPEG", **save_options)
    return buffer.getvalue()


def test_only_metadata_free_images_count_as_plain():
    assert is_plain_image(_jpeg(), JPEG)
    exif = Image.Exif()
    exif[0x010E] = "camera note"
    assert not is_plain_image(_jpeg(exif=exif.tobytes()), JPEG)
    assert not is_plain_image(_jpeg(comment=b"hidden"), JPEG)
    assert not is_plain_image(_jpeg() + b"PK\x05\x06trailing", JPEG)
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    assert is_plain_image(png.getvalue(), PNG)
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "someone")
    tagged = io.BytesIO()
    Image.new("RGB", (4, 4)).save(tagged, "PNG", pnginfo=info)
    assert not is_plain_image(tagged.getvalue(), PNG)
