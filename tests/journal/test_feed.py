"""Each student's Atom feed carries their public, published posts — only while the page
itself is public."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from journal.models import Status
from portfolios.models import Visibility
from tests.factories import post_for

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, portfolio):
    return client.get(reverse("journal:feed", args=[portfolio.slug]))


def test_the_feed_is_valid_atom_with_public_published_posts_only(client, portfolio, student):
    post_for(portfolio, title="Older", published_at=timezone.now() - timedelta(days=3),
             tags=["practice"], body="Hello **world**")  # fmt: skip
    post_for(portfolio, title="Newer", published_at=timezone.now() - timedelta(days=1))
    post_for(portfolio, title="Draft", status=Status.DRAFT)
    post_for(portfolio, title="Scheduled", published_at=timezone.now() + timedelta(days=1))
    for level in (Visibility.SIGNED_IN, Visibility.SUPERVISORS, Visibility.PRIVATE):
        post_for(portfolio, title=f"Hidden {level}", visibility=level)
    client.force_login(student)  # even the owner gets only what everyone may read

    response = feed(client, portfolio)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text == f"Journal of {student.display_name}"
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Newer", "Older"]
    older = entries[1]
    assert (
        older.find(f"{ATOM}link")
        .get("href")
        .endswith(reverse("journal:list", args=[portfolio.slug]) + f"{_pk(portfolio, 'Older')}/")
    )
    assert older.find(f"{ATOM}category").get("term") == "practice"
    assert older.find(f"{ATOM}summary").text == "<p>Hello <strong>world</strong></p>"
    assert older.find(f"{ATOM}published") is not None
    assert older.find(f"{ATOM}updated") is not None


def _pk(portfolio, title):
    return portfolio.posts.get(title=title).pk


@pytest.mark.parametrize(
    "visibility", [Visibility.SIGNED_IN, Visibility.SUPERVISORS, Visibility.PRIVATE]
)
def test_no_feed_when_the_page_is_not_public(client, portfolio, student, visibility):
    post_for(portfolio, title="Public post")
    portfolio.visibility = visibility
    portfolio.save()

    assert feed(client, portfolio).status_code == 404
    client.force_login(student)
    assert feed(client, portfolio).status_code == 404


def test_no_feed_for_an_unknown_or_inactive_student(client, portfolio, student):
    assert client.get(reverse("journal:feed", args=["nobody-here"])).status_code == 404
    student.is_active = False
    student.save()
    assert feed(client, portfolio).status_code == 404


def test_an_empty_journal_is_an_empty_feed(client, portfolio):
    root = ET.fromstring(feed(client, portfolio).content)

    assert root.findall(f"{ATOM}entry") == []
