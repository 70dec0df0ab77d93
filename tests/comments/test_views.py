"""Posting with and without htmx, the rate limit's message, the owner's moderation, the
author's edits, reports into the admin queue, and the owner's switches."""

import pytest
from django.urls import reverse

from comments import services
from comments.models import Comment, CommentReport
from tests.factories import CommentFactory, StaffFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
RATE_MESSAGE = "You are commenting too fast. Wait a minute and try again."


def page(client, portfolio):
    return client.get(reverse("portfolios:public", args=[portfolio.slug])).content.decode()


def test_without_javascript_a_comment_posts_and_redirects_to_it(client, portfolio, people):
    client.force_login(people["supervisor"])
    response = client.post(reverse("comments:portfolio", args=[portfolio.slug]),
                           {"body": "Great *portfolio*"})  # fmt: skip
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url == f"/p/{portfolio.slug}/#comment-{comment.pk}"
    html = page(client, portfolio)
    assert "Great <em>portfolio</em>" in html
    assert "Your comment has been posted." in html  # the message, on the next page


def test_with_htmx_the_answer_is_the_thread_fragment(client, portfolio, people):
    client.force_login(people["supervisor"])
    response = client.post(reverse("comments:portfolio", args=[portfolio.slug]),
                           {"body": "Live **update**"}, **HTMX)  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<nav" not in html
    assert html.lstrip().startswith('<section id="comments"')
    assert "Live <strong>update</strong>" in html
    assert "Your comment has been posted." in html
    assert 'hx-target="#comments"' in html and 'hx-swap="outerHTML"' in html
    # A fresh, empty form to write the next one.
    assert '<textarea name="body"' in html and "Live **update**</textarea>" not in html


@pytest.mark.parametrize("kind", ["portfolio", "achievement", "post"])
def test_the_thread_page_and_its_fragment(client, portfolio, people, kind, request):
    item = request.getfixturevalue(kind)
    args = [portfolio.slug] if kind == "portfolio" else [portfolio.slug, item.pk]
    url = reverse(f"comments:{kind}", args=args)
    CommentFactory(**{"portfolio": None, kind: item, "body": "Seen everywhere"})
    full = client.get(url).content.decode()
    fragment = client.get(url, **HTMX).content.decode()
    assert "<html" in full and "Seen everywhere" in full
    assert "<html" not in fragment and "Seen everywhere" in fragment


def test_a_reply_with_htmx_and_without(client, portfolio, people):
    first = CommentFactory(portfolio=portfolio, body="Question?")
    client.force_login(people["owner"])
    url = reverse("comments:reply", args=[first.pk])
    response = client.post(url, {"body": "Answer one"}, **HTMX)
    assert response.status_code == 200 and "Answer one" in response.content.decode()
    response = client.post(url, {"body": "Answer two"})
    reply = Comment.objects.get(body="Answer two")
    assert response.status_code == 302 and response.url.endswith(f"#comment-{reply.pk}")
    assert list(first.replies.values_list("body", flat=True)) == ["Answer one", "Answer two"]
    html = page(client, portfolio)
    assert html.index("Question?") < html.index("Answer one") < html.index("Answer two")


@pytest.mark.parametrize("htmx", [False, True])
def test_the_rate_limit_answers_with_a_message_and_keeps_the_text(client, settings, portfolio,
                                                                  people, htmx):  # fmt: skip
    settings.COMMENTS_PER_MINUTE = 2
    client.force_login(people["supervisor"])
    url = reverse("comments:portfolio", args=[portfolio.slug])
    headers = HTMX if htmx else {}
    for number in range(2):
        client.post(url, {"body": f"comment {number}"}, **headers)
    response = client.post(url, {"body": "My carefully typed third comment"}, **headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert RATE_MESSAGE in html
    assert "My carefully typed third comment</textarea>" in html
    assert ("<html" in html) is not htmx
    assert Comment.objects.count() == 2
    # A reply is a comment too, and keeps its text in its own form.
    first = Comment.objects.first()
    response = client.post(reverse("comments:reply", args=[first.pk]),
                           {"body": "A reply I typed"}, **headers)  # fmt: skip
    html = response.content.decode()
    assert RATE_MESSAGE in html and "A reply I typed</textarea>" in html
    assert f'id="reply-{first.pk}-body"' in html and "<details" in html and " open>" in html


def test_the_owner_hides_a_comment_and_others_see_that_it_is_hidden(client, portfolio, people):
    comment = CommentFactory(portfolio=portfolio, author=people["other_student"],
                             body="Rude words")  # fmt: skip
    client.force_login(people["owner"])
    response = client.post(reverse("comments:hide", args=[comment.pk]), **HTMX)
    html = response.content.decode()
    assert "The comment is hidden." in html and "Hidden by the owner" in html
    assert "Rude words" in html  # the owner still reads it, and may show it again
    assert reverse("comments:unhide", args=[comment.pk]) in html

    client.force_login(people["supervisor"])
    html = page(client, portfolio)
    assert "Rude words" not in html and "This comment was hidden by the owner." in html
    assert client.get(reverse("comments:report", args=[comment.pk])).status_code == 404
    assert client.post(reverse("comments:reply", args=[comment.pk]),
                       {"body": "x"}).status_code == 404  # fmt: skip
    client.logout()
    assert "Rude words" not in page(client, portfolio)
    client.force_login(people["other_student"])
    assert "Rude words" in page(client, portfolio)  # its author knows what was hidden

    client.force_login(people["owner"])
    response = client.post(reverse("comments:unhide", args=[comment.pk]))
    assert response.status_code == 302
    client.logout()
    assert "Rude words" in page(client, portfolio)


def test_the_owner_deletes_a_comment_on_their_page(client, portfolio, people):
    comment = CommentFactory(portfolio=portfolio, author=people["other_student"])
    CommentFactory(portfolio=portfolio, parent=comment)
    client.force_login(people["owner"])
    confirm = client.get(reverse("comments:delete", args=[comment.pk])).content.decode()
    assert "Its 1 reply goes with it." in confirm
    response = client.post(reverse("comments:delete", args=[comment.pk]))
    assert response.status_code == 302 and response.url == f"/p/{portfolio.slug}/#comments"
    assert not Comment.objects.exists()


def test_authors_edit_and_delete_their_own(client, post, people):
    comment = CommentFactory(portfolio=None, post=post, author=people["supervisor"], body="Tpyo")
    client.force_login(people["supervisor"])
    url = reverse("comments:edit", args=[comment.pk])
    assert "Tpyo</textarea>" in client.get(url).content.decode()
    response = client.post(url, {"body": "Typo fixed"})
    assert response.status_code == 302
    assert (
        response.url
        == reverse("journal:detail", args=[post.portfolio.slug, post.pk]) + f"#comment-{comment.pk}"
    )
    html = client.get(response.url).content.decode()
    assert "Typo fixed" in html and "edited" in html
    assert client.post(url, {"body": ""}).status_code == 200  # the error, on the form
    client.post(reverse("comments:delete", args=[comment.pk]), **HTMX)
    assert not Comment.objects.exists()


def test_a_report_lands_in_the_admin_queue(client, portfolio, people):
    from accounts.services import staff_group_ensure

    comment = CommentFactory(portfolio=portfolio, author=people["other_student"], body="Spam!")
    client.force_login(people["employer"])
    url = reverse("comments:report", args=[comment.pk])
    response = client.post(url, {"reason": "spam", "note": "an advert"})
    assert response.status_code == 302
    again = client.post(url, {"reason": "abuse"})
    assert "You have already reported this comment." in again.content.decode()
    report = CommentReport.objects.get()
    assert (report.reporter, report.reason, report.note) == (people["employer"], "spam",
                                                             "an advert")  # fmt: skip

    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    queue = reverse("admin:comments_commentreport_changelist")
    assert "Spam!" in client.get(queue).content.decode()  # open reports, by default
    client.post(queue, {"action": "hide_and_resolve", "_selected_action": [report.pk]})
    report.refresh_from_db()
    comment.refresh_from_db()
    assert report.resolved_at and report.resolved_by == staff and comment.is_hidden
    assert "Spam!" not in client.get(queue).content.decode()  # no longer open
    assert "Spam!" in client.get(queue, {"status": "resolved"}).content.decode()


def test_staff_dismiss_a_report_and_hide_or_show_comments_in_admin(client, portfolio, people):
    from accounts.services import staff_group_ensure

    comment = CommentFactory(portfolio=portfolio, body="Fine")
    report = services.comment_report(comment=comment, reporter=people["other_student"],
                                     reason="other")  # fmt: skip
    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    client.post(reverse("admin:comments_commentreport_changelist"),
                {"action": "dismiss", "_selected_action": [report.pk]})  # fmt: skip
    report.refresh_from_db()
    comment.refresh_from_db()
    assert report.resolution == "dismissed" and not comment.is_hidden
    comments = reverse("admin:comments_comment_changelist")
    client.post(comments, {"action": "hide", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.is_hidden
    assert "Fine" in client.get(comments, {"hidden": "yes"}).content.decode()
    client.post(comments, {"action": "unhide", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_achievements_link_to_their_thread_while_comments_are_on(client, portfolio, people,
                                                                 achievement):  # fmt: skip
    url = reverse("comments:achievement", args=[portfolio.slug, achievement.pk])
    CommentFactory(portfolio=None, achievement=achievement, body="About the cup")
    html = page(client, portfolio)
    assert url in html
    assert "About the cup" not in html  # the cached body holds a link, not the thread
    client.force_login(people["owner"])
    response = client.post(reverse("achievements:edit", args=[achievement.pk]), {
        "category": achievement.category_id, "title": achievement.title,
        "visibility": achievement.visibility,
    })  # fmt: skip
    assert response.status_code == 302
    achievement.refresh_from_db()
    assert achievement.comments_enabled is False  # an unticked box turns them off
    client.logout()
    assert url not in page(client, portfolio)


def test_the_owner_turns_comments_off_for_the_page_in_the_profile(client, portfolio, people):
    client.force_login(people["owner"])
    form = client.get(reverse("portfolios:profile")).content.decode()
    assert 'name="comments_enabled"' in form
    response = client.post(reverse("portfolios:profile"), {
        "slug": portfolio.slug, "visibility": portfolio.visibility,
        "default_visibility": portfolio.default_visibility,
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    portfolio.refresh_from_db()
    assert portfolio.comments_enabled is False


def test_no_comments_on_previews_or_secret_link_pages(client, portfolio, people):
    from portfolios.services import share_link_create

    CommentFactory(portfolio=portfolio, body="Only on the real page")
    link = share_link_create(portfolio=portfolio, label="For X")
    assert (
        "Only on the real page"
        not in client.get(reverse("portfolios:shared", args=[link.token])).content.decode()
    )
    client.force_login(people["owner"])
    assert (
        "Only on the real page"
        not in client.get(reverse("portfolios:preview", args=["public"])).content.decode()
    )
    assert "Only on the real page" in page(client, portfolio)


def test_report_is_offered_exactly_where_the_report_page_opens(client, portfolio, people):
    """The owner saw "Report" on a comment they hid, and it led to a 404."""
    hidden = CommentFactory(portfolio=portfolio, author=people["other_student"], body="Rude")
    services.comment_hide(comment=hidden, by=people["owner"])
    shown = CommentFactory(portfolio=portfolio, author=people["other_student"], body="Fine")
    own = CommentFactory(portfolio=portfolio, author=people["owner"], body="Thanks")
    for viewer in ("owner", "other_student", "supervisor"):
        client.force_login(people[viewer])
        html = page(client, portfolio)
        for comment in (hidden, shown, own):
            report_url = reverse("comments:report", args=[comment.pk])
            offered = f'href="{report_url}"' in html
            opens = client.get(report_url).status_code == 200
            assert offered == opens, (viewer, comment.body)
    client.force_login(people["owner"])
    html = page(client, portfolio)
    assert f'href="{reverse("comments:report", args=[shown.pk])}"' in html
    assert f'href="{reverse("comments:report", args=[hidden.pk])}"' not in html


@pytest.mark.parametrize("htmx", [False, True])
def test_without_the_limits_store_a_comment_waits_in_its_form(unreachable_redis, client,
                                                              portfolio, people, htmx):  # fmt: skip
    client.force_login(people["supervisor"])
    headers = HTMX if htmx else {}
    response = client.post(reverse("comments:portfolio", args=[portfolio.slug]),
                           {"body": "Typed while Redis was down"}, **headers)  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "Comments cannot be posted for a moment. Please try again in a minute." in html
    assert "Typed while Redis was down</textarea>" in html
    assert not Comment.objects.exists()
