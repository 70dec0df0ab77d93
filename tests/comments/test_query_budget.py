"""A long thread costs a bounded number of queries: the same for 20 comments as for 200."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.factories import CommentFactory, StudentFactory

pytestmark = pytest.mark.django_db

BUDGET = 10


def fill(portfolio, count, people):
    """``count`` comments: every third one a reply, some private, a few hidden."""
    authors = [people["supervisor"], people["other_student"], people["employer"],
               StudentFactory()]  # fmt: skip
    firsts = []
    for number in range(count):
        fields = {
            "author": authors[number % len(authors)],
            "portfolio": portfolio,
            "body": f"Comment {number} with **Markdown** and a [link](https://example.org).",
        }
        if number % 3 == 2 and firsts:
            fields["parent"] = firsts[-1]
            fields["is_private"] = firsts[-1].is_private
        else:
            fields["is_private"] = number % 10 == 0
        comment = CommentFactory(**fields)
        if comment.parent_id is None:
            firsts.append(comment)
    Comment.objects.filter(pk__in=[c.pk for c in firsts[::7]]).update(hidden_at=timezone.now())


def count_queries(client, url, **headers):
    client.get(url, **headers)  # the cached portfolio body, warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("viewer", ["anonymous", "owner", "supervisor"])
@pytest.mark.parametrize("where", ["page", "fragment", "thread page"])
def test_a_200_comment_thread_stays_within_budget(client, portfolio, people, viewer, where,
                                                  django_assert_max_num_queries):  # fmt: skip
    if viewer != "anonymous":
        client.force_login(people[viewer])
    url = {
        "page": reverse("portfolios:public", args=[portfolio.slug]),
        "fragment": reverse("comments:portfolio", args=[portfolio.slug]),
        "thread page": reverse("comments:portfolio", args=[portfolio.slug]),
    }[where]
    headers = {"HTTP_HX_REQUEST": "true"} if where == "fragment" else {}
    fill(portfolio, 20, people)
    small, _html = count_queries(client, url, **headers)
    fill(portfolio, 180, people)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(url, **headers)
    html = response.content.decode()
    assert html.count('class="comment') >= 150  # the thread is really there
    large, _html = count_queries(client, url, **headers)
    assert large == small, "the query count grows with the thread"
