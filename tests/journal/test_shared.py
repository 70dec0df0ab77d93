"""The journal through a secret link: the link's holder reads the posts the link reaches
(published, dated, visible to signed-in users or wider), at addresses under the link, on a
private page too; nothing more, and nothing once the link is revoked or belongs to another
portfolio."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from journal.models import Status
from portfolios.models import Visibility
from portfolios.services import share_link_create, share_link_revoke
from tests.factories import StudentFactory, png_bytes, portfolio_for, post_for

pytestmark = pytest.mark.django_db

V = Visibility
REACHED = {V.PUBLIC, V.SIGNED_IN}


@pytest.fixture
def private_page(portfolio):
    """The link is how the student shows a page nobody else may open."""
    portfolio.visibility = V.PRIVATE
    portfolio.save(update_fields=["visibility"])
    return portfolio


@pytest.fixture
def link(private_page):
    return share_link_create(portfolio=private_page, label="Acme")


def _post(portfolio, visibility, state="published"):
    fields = {"visibility": visibility, "files": [("photo.png", png_bytes())]}
    if state == "draft":
        fields["status"] = Status.DRAFT
    elif state == "scheduled":
        fields["published_at"] = timezone.now() + timedelta(days=2)
    return post_for(portfolio, title=f"Post {visibility} {state}", **fields)


def _urls(link, post):
    attachment = post.attachments.get()
    return [
        reverse("journal:shared-detail", args=[link.token, post.pk]),
        reverse("journal:shared-file", args=[link.token, attachment.public_id, "original"]),
        reverse("journal:shared-file", args=[link.token, attachment.public_id, "thumb"]),
    ]


@pytest.mark.parametrize("visibility", list(V))
@pytest.mark.parametrize("state", ["published", "draft", "scheduled"])
def test_the_link_reaches_published_posts_up_to_signed_in(client, link, visibility, state):
    post = _post(link.portfolio, visibility, state)
    expected = 200 if visibility in REACHED and state == "published" else 404

    for url in _urls(link, post):
        assert client.get(url).status_code == expected, url
    # The student's own addresses stay closed: the page is private.
    assert (
        client.get(reverse("journal:detail", args=[link.portfolio.slug, post.pk])).status_code
        == 404
    )


def test_the_shared_page_lists_posts_with_addresses_under_the_link(client, link):
    shown = _post(link.portfolio, V.SIGNED_IN)
    hidden = _post(link.portfolio, V.SUPERVISORS)

    page = client.get(reverse("portfolios:shared", args=[link.token])).content.decode()
    assert shown.title in page
    assert hidden.title not in page
    assert reverse("journal:shared-detail", args=[link.token, shown.pk]) in page
    assert reverse("journal:shared-list", args=[link.token]) in page
    assert f"/p/{link.portfolio.slug}/" not in page  # no address of the private page

    listing = client.get(reverse("journal:shared-list", args=[link.token]))
    assert listing["Cache-Control"] == "private, no-store"
    assert listing["Referrer-Policy"] == "same-origin"
    body = listing.content.decode()
    assert shown.title in body and hidden.title not in body
    assert 'name="robots" content="noindex, nofollow"' in body
    assert "feed.atom" not in body


def test_a_shared_post_links_its_files_and_tags_under_the_link_and_has_no_comments(client, link):
    post = _post(link.portfolio, V.PUBLIC)
    post.tags = ["robotics"]
    post.save(update_fields=["tags"])
    attachment = post.attachments.get()

    response = client.get(reverse("journal:shared-detail", args=[link.token, post.pk]))
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"
    body = response.content.decode()
    assert reverse("journal:shared-file", args=[link.token, attachment.public_id, "thumb"]) in body
    assert reverse("journal:file", args=[attachment.public_id, "thumb"]) not in body
    assert reverse("journal:shared-list", args=[link.token]) + "?tag=robotics" in body
    assert reverse("portfolios:shared", args=[link.token]) in body
    assert 'id="comments"' not in body and "comment-form" not in body

    tagged = client.get(reverse("journal:shared-list", args=[link.token]), {"tag": "robotics"})
    assert post.title in tagged.content.decode()


def test_a_revoked_link_or_another_portfolios_link_opens_nothing(client, link):
    post = _post(link.portfolio, V.PUBLIC)
    other = StudentFactory()
    portfolio_for(other)
    other_link = share_link_create(portfolio=other.portfolio, label="Other")
    attachment = post.attachments.get()

    assert (
        client.get(reverse("journal:shared-detail", args=[other_link.token, post.pk])).status_code
        == 404
    )
    assert (
        client.get(
            reverse(
                "journal:shared-file", args=[other_link.token, attachment.public_id, "original"]
            )
        ).status_code
        == 404
    )

    share_link_revoke(link=link)
    for url in [reverse("journal:shared-list", args=[link.token]), *_urls(link, post)]:
        assert client.get(url).status_code == 404, url


def test_shared_journal_pages_use_a_fixed_number_of_queries(
    client, link, django_assert_max_num_queries
):
    for number in range(25):
        _post(link.portfolio, V.SIGNED_IN if number % 2 else V.PUBLIC)
    post = link.portfolio.posts.first()
    with django_assert_max_num_queries(6):
        assert client.get(reverse("journal:shared-list", args=[link.token])).status_code == 200
    with django_assert_max_num_queries(6):
        assert (
            client.get(reverse("journal:shared-detail", args=[link.token, post.pk])).status_code
            == 200
        )
