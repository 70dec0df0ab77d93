"""Who reads and writes which comments: the item's visibility for each kind of viewer,
private feedback, comments turned off, and comments on items the author may not see."""

import pytest
from django.urls import reverse

from comments import services
from comments.models import Comment
from portfolios.models import Visibility
from tests.factories import CommentFactory, achievement_for, post_for

pytestmark = pytest.mark.django_db

VIEWERS = ["anonymous", "owner", "supervisor", "other_supervisor", "other_student",
           "employer", "pending_employer", "staff"]  # fmt: skip

# Who may open an item of this visibility on a public page.
SEES = {
    Visibility.PUBLIC: set(VIEWERS),
    Visibility.SIGNED_IN: {
        "owner",
        "supervisor",
        "other_supervisor",
        "other_student",
        "employer",
        "staff",
    },  # fmt: skip
    Visibility.SUPERVISORS: {"owner", "supervisor", "staff"},
    Visibility.PRIVATE: {"owner", "staff"},
}


def login(client, people, viewer):
    if viewer != "anonymous":
        client.force_login(people[viewer])


def thread_urls(portfolio, visibility):
    achievement = achievement_for(portfolio, title="Item", visibility=visibility)
    post = post_for(portfolio, title="Post", visibility=visibility)
    return {
        "achievement": reverse("comments:achievement", args=[portfolio.slug, achievement.pk]),
        "post": reverse("comments:post", args=[portfolio.slug, post.pk]),
    }


@pytest.mark.parametrize("visibility", list(SEES))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_threads_follow_the_visibility_of_their_item(client, portfolio, people, viewer,
                                                      visibility):  # fmt: skip
    urls = thread_urls(portfolio, visibility)
    login(client, people, viewer)
    for kind, url in urls.items():
        expected = 200 if viewer in SEES[visibility] else 404
        assert client.get(url).status_code == expected, (kind, viewer)
        response = client.post(url, {"body": "Hello"})
        if viewer == "anonymous" and expected == 200:
            assert response.status_code == 302
            assert response.url.startswith(reverse("accounts:login"))
        elif expected == 404:
            assert response.status_code == 404, (kind, viewer)  # no comment on the unseen
        else:
            assert response.status_code == 302, (kind, viewer)
    signed_in_seers = SEES[visibility] - {"anonymous"}
    assert Comment.objects.count() == 2 * (viewer in signed_in_seers)


@pytest.mark.parametrize("page_visibility", [Visibility.SUPERVISORS, Visibility.SIGNED_IN])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_page_thread_follows_the_page(client, student, people, viewer, page_visibility):
    portfolio = student.portfolio
    portfolio.visibility = page_visibility
    portfolio.save()
    CommentFactory(portfolio=portfolio, body="on the page")
    login(client, people, viewer)
    response = client.get(reverse("comments:portfolio", args=[portfolio.slug]))
    assert response.status_code == (200 if viewer in SEES[page_visibility] else 404)


def test_anonymous_visitors_read_public_comments_but_get_no_form(client, portfolio, people):
    CommentFactory(portfolio=portfolio, author=people["supervisor"], body="Public praise")
    html = client.get(reverse("portfolios:public", args=[portfolio.slug])).content.decode()
    assert "Public praise" in html
    assert 'name="body"' not in html
    assert "Log in to comment." in html


@pytest.mark.parametrize("viewer", VIEWERS)
def test_private_feedback_is_read_by_the_owner_and_its_author_only(client, portfolio, people,
                                                                   viewer):  # fmt: skip
    feedback = services.comment_create(author=people["supervisor"], body="Private advice",
                                       portfolio=portfolio, is_private=True)  # fmt: skip
    services.comment_create(author=people["owner"], body="Private answer", parent=feedback)
    login(client, people, viewer)
    html = client.get(reverse("portfolios:public", args=[portfolio.slug])).content.decode()
    reads = viewer in ("owner", "supervisor")
    assert ("Private advice" in html) is reads
    assert ("Private answer" in html) is reads
    for action in ("edit", "delete", "report"):
        status = client.get(reverse(f"comments:{action}", args=[feedback.pk])).status_code
        if not reads:
            assert status in (302, 404), action  # anonymous: the login page first
            assert viewer == "anonymous" or status == 404


def test_only_the_two_people_of_a_private_thread_may_reply(client, portfolio, people):
    feedback = services.comment_create(author=people["supervisor"], body="advice",
                                       portfolio=portfolio, is_private=True)  # fmt: skip
    url = reverse("comments:reply", args=[feedback.pk])
    client.force_login(people["other_student"])
    assert client.post(url, {"body": "me too"}).status_code == 404
    client.force_login(people["owner"])
    assert client.post(url, {"body": "thanks"}).status_code == 302
    assert Comment.objects.get(body="thanks").is_private


def test_the_owner_is_not_offered_private_feedback_to_themselves(client, portfolio, people):
    client.force_login(people["owner"])
    html = client.get(reverse("portfolios:public", args=[portfolio.slug])).content.decode()
    assert 'name="body"' in html and 'name="is_private"' not in html
    client.post(reverse("comments:portfolio", args=[portfolio.slug]),
                {"body": "note", "is_private": "on"})  # fmt: skip
    assert not Comment.objects.get().is_private


@pytest.mark.parametrize("kind", ["achievement", "post"])
def test_comments_turned_off_on_an_item(client, portfolio, people, kind, request):
    item = request.getfixturevalue(kind)
    CommentFactory(portfolio=None, **{kind: item}, body="Before it was turned off")
    type(item).objects.filter(pk=item.pk).update(comments_enabled=False)
    url = reverse(f"comments:{kind}", args=[portfolio.slug, item.pk])
    client.force_login(people["supervisor"])
    response = client.get(url)
    html = response.content.decode()
    assert "Before it was turned off" in html
    assert "Comments are turned off here." in html and 'name="body"' not in html
    assert client.post(url, {"body": "sneaky"}).status_code == 403
    first = Comment.objects.get()
    assert client.post(reverse("comments:reply", args=[first.pk]),
                       {"body": "sneaky"}).status_code == 403  # fmt: skip
    assert Comment.objects.count() == 1


def test_comments_turned_off_for_the_page_turn_them_off_everywhere(client, portfolio, people,
                                                                   achievement, post):  # fmt: skip
    portfolio.comments_enabled = False
    portfolio.save()
    client.force_login(people["supervisor"])
    for url in (reverse("comments:portfolio", args=[portfolio.slug]),
                reverse("comments:achievement", args=[portfolio.slug, achievement.pk]),
                reverse("comments:post", args=[portfolio.slug, post.pk])):  # fmt: skip
        assert client.post(url, {"body": "x"}).status_code == 403
    html = client.get(reverse("portfolios:public", args=[portfolio.slug])).content.decode()
    assert 'id="comments"' not in html  # nothing to show and nothing to write
    assert reverse("comments:achievement", args=[portfolio.slug, achievement.pk]) not in html


def test_a_comment_becomes_a_404_when_its_item_is_made_private(client, portfolio, people):
    achievement = achievement_for(portfolio, title="Soon private", visibility=Visibility.PUBLIC)
    comment = CommentFactory(portfolio=None, achievement=achievement,
                             author=people["other_student"])  # fmt: skip
    achievement.visibility = Visibility.PRIVATE
    achievement.save()
    client.force_login(people["other_student"])
    for action in ("edit", "delete"):
        assert client.get(reverse(f"comments:{action}", args=[comment.pk])).status_code == 404
    assert client.post(reverse("comments:reply", args=[comment.pk]),
                       {"body": "x"}).status_code == 404  # fmt: skip


@pytest.mark.parametrize("viewer", VIEWERS)
def test_actions_on_a_public_comment(client, portfolio, people, viewer):
    comment = CommentFactory(portfolio=portfolio, author=people["other_student"])
    login(client, people, viewer)
    status = {
        action: client.get(reverse(f"comments:{action}", args=[comment.pk])).status_code
        for action in ("edit", "delete", "report")
    }
    if viewer == "anonymous":
        assert set(status.values()) == {302}
        return
    is_author, is_owner = viewer == "other_student", viewer == "owner"
    assert status["edit"] == (200 if is_author else 404)
    assert status["delete"] == (200 if is_author or is_owner else 404)
    assert status["report"] == (404 if is_author else 200)
    hide = client.post(reverse("comments:hide", args=[comment.pk]))
    assert hide.status_code == (302 if is_owner else 404)
