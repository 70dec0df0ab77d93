"""Query budgets: post lists and the portfolio page cost a bounded number of queries,
however many posts there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.models import Status
from portfolios.models import Visibility
from tests.factories import PostFactory, SupervisorAssignmentFactory

pytestmark = pytest.mark.django_db

BUDGET = 10


def fill(portfolio, count, **fields):
    return PostFactory.create_batch(count, portfolio=portfolio, tags=["practice", "robots"],
                                    body="Some **bold** text.", **fields)  # fmt: skip


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("viewer", ["anonymous", "owner", "supervisor"])
def test_the_journal_list_with_30_posts_stays_within_budget(
    client, portfolio, student, viewer, django_assert_max_num_queries
):
    if viewer == "owner":
        client.force_login(student)
    elif viewer == "supervisor":
        client.force_login(SupervisorAssignmentFactory(student=student).supervisor)
    fill(portfolio, 30)
    url = reverse("journal:list", args=[portfolio.slug])

    with django_assert_max_num_queries(BUDGET):
        response = client.get(url)

    assert response.content.decode().count('class="journal-post') == 20  # a page


def test_the_journal_list_does_not_grow_with_posts(client, portfolio):
    url = reverse("journal:list", args=[portfolio.slug])
    fill(portfolio, 3)
    few, html = count_queries(client, url)
    assert html.count('class="journal-post') == 3
    fill(portfolio, 27)
    many, _ = count_queries(client, url)

    assert many == few <= BUDGET


def test_the_owners_journal_editor_with_30_posts_stays_within_budget(
    client, portfolio, student, django_assert_max_num_queries
):
    fill(portfolio, 25)
    fill(portfolio, 5, status=Status.DRAFT, published_at=None)
    client.force_login(student)

    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("journal:manage"))

    assert response.content.decode().count('class="post-title"') == 20


@pytest.mark.parametrize("viewer", ["anonymous", "owner", "supervisor"])
def test_the_portfolio_page_with_30_posts_stays_within_budget(
    client, portfolio, student, viewer, django_assert_max_num_queries
):
    if viewer == "owner":
        client.force_login(student)
    elif viewer == "supervisor":
        client.force_login(SupervisorAssignmentFactory(student=student).supervisor)
    fill(portfolio, 30, visibility=Visibility.PUBLIC)

    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("portfolios:public", args=[portfolio.slug]))

    assert response.content.decode().count('class="journal-post') == 3


def test_the_feed_with_30_posts_stays_within_budget(
    client, portfolio, django_assert_max_num_queries
):
    fill(portfolio, 30)

    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("journal:feed", args=[portfolio.slug]))

    assert response.content.decode().count("<entry>") == 20


def test_a_post_page_with_attachments_stays_within_budget(
    client, portfolio, django_assert_max_num_queries
):
    from tests.factories import pdf_bytes, png_bytes, post_for

    post = post_for(portfolio, files=[("a.png", png_bytes()), ("b.pdf", pdf_bytes())])

    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("journal:detail", args=[portfolio.slug, post.pk]))

    assert response.content.decode().count('class="evidence-item') == 2
