"""The PDF CV with the files in S3: the thumbnails are the objects' bytes, read through
the storage (no address of the bucket reaches the renderer), and a store that cannot be
read is a translated "try again", not an error page or a PDF without its pictures."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.files.uploads import prepare_upload
from pages import cv
from portfolios.access import PREVIEW_AUDIENCES
from portfolios.models import Visibility
from portfolios.services import portfolio_update
from tests.core.s3.conftest import closed_port_storage
from tests.factories import StudentFactory, achievement_for, png_bytes, portfolio_for, uploaded_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(s3):
    student = StudentFactory(username="aida")
    portfolio = portfolio_for(student, slug="aida")
    portfolio_update(
        portfolio=portfolio, skills=[], visibility=Visibility.PUBLIC,
        photo=prepare_upload(uploaded_file("me.png", png_bytes(size=(300, 300)))),
    )  # fmt: skip
    achievement_for(portfolio, title="Cup", visibility=Visibility.PUBLIC,
                    files=[("podium.png", png_bytes(size=(900, 600)))])  # fmt: skip
    return portfolio


def test_the_thumbnails_are_the_objects_bytes(s3, portfolio):
    evidence = portfolio.achievements.get().evidence.get()
    html, resources = cv.cv_html(
        portfolio, PREVIEW_AUDIENCES["public"], language="en", public_url="https://x.test/p/aida/"
    )
    content, _type = resources._resources[f"cv-resource:evidence/{evidence.public_id}"]
    assert content == s3.read(evidence.thumbnail_file.name)
    assert resources._resources["cv-resource:photo"][0] == s3.read(portfolio.photo_thumbnail.name)
    assert s3.server.endpoint_url not in html


def test_an_unreadable_store_is_a_message_to_try_again(client, s3, portfolio, settings):
    settings.STORAGES = {**settings.STORAGES, "default": closed_port_storage()}
    client.force_login(portfolio.student)
    response = client.get(reverse("portfolios:cv"), {"audience": "public", "language": "en"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "cannot be read at the moment" in response.content.decode()
