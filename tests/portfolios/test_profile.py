"""The profile form: the public address, the photo (metadata stripped), skills and contacts."""

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import ExifTags, Image

from portfolios.models import Portfolio, Skill, Visibility
from tests.factories import (
    StudentFactory,
    png_bytes,
    portfolio_for,
    stored_media_files,
    uploaded_file,
)

pytestmark = pytest.mark.django_db


def profile_data(portfolio, **changes):
    """What the form posts when the student changes only ``changes``."""
    data = {
        "headline": portfolio.headline,
        "about": portfolio.about,
        "interests": portfolio.interests,
        "visibility": portfolio.visibility,
        "default_visibility": portfolio.default_visibility,
        "slug": portfolio.slug,
        "phone": "",
        "website": "",
        "linkedin": "",
        "github": "",
        "telegram": "",
        "skills_text": "",
    }
    data.update(changes)
    return data


def jpeg_with_gps():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (42.0, 52.0, 30.5)
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), "navy").save(buffer, "JPEG", exif=exif, comment=b"secret")
    return buffer.getvalue()


@pytest.fixture
def student(client):
    student = StudentFactory(username="aida")
    client.force_login(student)
    return student


@pytest.fixture
def portfolio(student):
    return portfolio_for(student, headline="Future teacher")


def post_profile(client, portfolio, **changes):
    return client.post(reverse("portfolios:profile"), profile_data(portfolio, **changes))


# --- Public address ------------------------------------------------------------------


def test_the_default_address_is_the_username(portfolio):
    assert portfolio.slug == "aida"


def test_changing_the_address_moves_the_page(client, portfolio):
    portfolio_for(portfolio.student, visibility=Visibility.PUBLIC)

    response = post_profile(client, portfolio, slug="aida-bekova", visibility=30)

    assert response.status_code == 302
    assert client.get("/p/aida-bekova/").status_code == 200
    assert client.get("/p/aida/").status_code == 404


def test_an_address_someone_else_has_is_refused(client, portfolio):
    portfolio_for(StudentFactory(username="bakyt"))

    response = post_profile(client, portfolio, slug="bakyt")

    assert response.status_code == 200
    assert "This address is taken. Choose another one." in response.content.decode()
    assert Portfolio.objects.get(pk=portfolio.pk).slug == "aida"


@pytest.mark.parametrize("slug", ["admin", "files", "share"])
def test_a_reserved_address_is_refused(client, portfolio, slug):
    response = post_profile(client, portfolio, slug=slug)

    assert response.status_code == 200
    assert "This address is reserved. Choose another one." in response.content.decode()
    assert Portfolio.objects.get(pk=portfolio.pk).slug == "aida"


@pytest.mark.parametrize(
    "slug",
    ["ab", "-aida", "aida-", "aida bekova", "aida/../admin", "айда", "a" * 41, "aida_b", ""],
)
def test_a_malformed_address_is_refused(client, portfolio, slug):
    response = post_profile(client, portfolio, slug=slug)

    assert response.status_code == 200
    assert response.context["form"].errors["slug"]
    assert Portfolio.objects.get(pk=portfolio.pk).slug == "aida"


def test_keeping_my_own_address_is_not_taken(client, portfolio):
    response = post_profile(client, portfolio, headline="New headline")

    assert response.status_code == 302
    assert Portfolio.objects.get(pk=portfolio.pk).headline == "New headline"


# --- Photo ---------------------------------------------------------------------------


def test_photo_upload_strips_location_and_camera_data(client, portfolio):
    upload = uploaded_file("me.jpg", jpeg_with_gps())

    response = client.post(
        reverse("portfolios:profile"), {**profile_data(portfolio), "photo_upload": upload}
    )

    assert response.status_code == 302
    portfolio.refresh_from_db()
    for field in (portfolio.photo, portfolio.photo_thumbnail):
        with default_storage.open(field.name) as stored, Image.open(stored) as image:
            assert dict(image.getexif()) == {}
            assert "exif" not in image.info
            assert "comment" not in image.info
            assert image.size[0] < image.size[1]  # orientation applied: portrait now
        assert b"SpyCam" not in default_storage.open(field.name).read()


def test_photo_is_stored_under_a_random_name(client, portfolio):
    upload = uploaded_file("Aida Bekova passport.png", png_bytes())

    client.post(reverse("portfolios:profile"), {**profile_data(portfolio), "photo_upload": upload})

    portfolio.refresh_from_db()
    assert "Aida" not in portfolio.photo.name
    assert portfolio.photo.name.startswith("photos/")


def test_a_new_photo_replaces_the_old_files(client, portfolio, django_capture_on_commit_callbacks):
    client.post(
        reverse("portfolios:profile"),
        {**profile_data(portfolio), "photo_upload": uploaded_file("a.png", png_bytes())},
    )
    portfolio.refresh_from_db()
    old_names = [portfolio.photo.name, portfolio.photo_thumbnail.name]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portfolios:profile"),
            {**profile_data(portfolio), "photo_upload": uploaded_file("b.png", png_bytes())},
        )

    portfolio.refresh_from_db()
    assert not any(default_storage.exists(name) for name in old_names)
    assert default_storage.exists(portfolio.photo.name)
    assert len(stored_media_files()) == 2  # the new photo and its thumbnail


def test_removing_the_photo_deletes_its_files(
    client, portfolio, django_capture_on_commit_callbacks
):
    client.post(
        reverse("portfolios:profile"),
        {**profile_data(portfolio), "photo_upload": uploaded_file("a.png", png_bytes())},
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portfolios:profile"), {**profile_data(portfolio), "remove_photo": "on"}
        )

    portfolio.refresh_from_db()
    assert not portfolio.photo
    assert stored_media_files() == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cv.pdf", b"%PDF-1.4\n" + b"0" * 200, "is not an image"),
        ("me.png", b"<html><script>alert(1)</script></html>", "web page"),
        ("me.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "me.png"),
        ("me.png", b"", "“me.png” is empty."),
    ],
)
def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_saved(
    client, portfolio, name, content, message
):
    response = client.post(
        reverse("portfolios:profile"),
        {
            **profile_data(portfolio, headline="Typed headline"),
            "photo_upload": uploaded_file(name, content),
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Typed headline"' in html
    assert Portfolio.objects.get(pk=portfolio.pk).headline == "Future teacher"
    assert stored_media_files() == []


# --- Skills and contacts ---------------------------------------------------------------


def test_skills_are_normalised_and_shared(client, portfolio):
    Skill.objects.create(name="Python", key="python")

    post_profile(client, portfolio, skills_text="python,  Public   speaking; PYTHON, Figma")

    names = sorted(portfolio.skills.values_list("name", flat=True))
    assert names == ["Figma", "Public speaking", "Python"]
    assert Skill.objects.filter(key="python").count() == 1


def test_telegram_is_saved_without_the_at_sign(client, portfolio):
    post_profile(client, portfolio, telegram="@aida_bekova")

    assert Portfolio.objects.get(pk=portfolio.pk).telegram == "aida_bekova"


def test_a_website_without_a_scheme_becomes_https(client, portfolio):
    post_profile(client, portfolio, website="example.org/me")

    assert Portfolio.objects.get(pk=portfolio.pk).website == "https://example.org/me"


def test_profile_form_shows_skill_suggestions(client, portfolio):
    Skill.objects.create(name="Robotics", key="robotics").portfolios.add(portfolio)

    html = client.get(reverse("portfolios:profile")).content.decode()

    assert 'id="skill-suggestions"' in html
    assert "Robotics" in html


def test_an_address_typed_in_capitals_is_saved_in_lowercase(client, portfolio):
    response = post_profile(client, portfolio, slug="Aida-Bekova")

    assert response.status_code == 302
    assert Portfolio.objects.get(pk=portfolio.pk).slug == "aida-bekova"


def test_a_gif_photo_is_served_with_the_type_of_its_content(client, portfolio):
    gif = io.BytesIO()
    Image.new("RGB", (50, 50), "red").save(gif, "GIF")
    client.post(
        reverse("portfolios:profile"),
        {**profile_data(portfolio), "photo_upload": uploaded_file("me.gif", gif.getvalue())},
    )
    portfolio_for(portfolio.student, visibility=Visibility.PUBLIC)

    response = client.get(reverse("portfolios:photo", args=[portfolio.slug, "display"]))

    body = b"".join(response.streaming_content)
    actual = Image.open(io.BytesIO(body)).get_format_mimetype()
    assert response["Content-Type"] == actual
