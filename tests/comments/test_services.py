"""Comment services: targets, one level of replies, private threads, edits, moderation,
reports and the rate limit."""

import pytest
import redis
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from comments import services
from comments.models import Comment, CommentReport
from comments.signals import comment_posted
from tests.factories import CommentFactory, StaffFactory, StudentFactory
from tests.shared_redis import separate_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["portfolio", "achievement", "post"])
def test_a_comment_on_each_kind_of_item_renders_its_markdown(kind, request, people):
    item = request.getfixturevalue(kind)
    comment = services.comment_create(author=people["supervisor"], body="**Good** work",
                                      **{kind: item})  # fmt: skip
    assert comment.body_html == "<p><strong>Good</strong> work</p>"
    assert comment.target_kind == kind


def test_comment_posted_is_sent_with_the_saved_comment(portfolio, people):
    received = []

    def receiver(sender, comment, **kwargs):
        received.append((sender, comment.pk))

    comment_posted.connect(receiver, dispatch_uid="test-comment-posted")
    try:
        comment = services.comment_create(author=people["supervisor"], body="Hi",
                                          portfolio=portfolio)  # fmt: skip
    finally:
        comment_posted.disconnect(dispatch_uid="test-comment-posted")
    assert received == [(Comment, comment.pk)]


def test_a_reply_to_a_reply_answers_the_first_comment(portfolio, people):
    first = services.comment_create(author=people["supervisor"], body="1", portfolio=portfolio)
    reply = services.comment_create(author=people["owner"], body="2", parent=first)
    again = services.comment_create(author=people["supervisor"], body="3", parent=reply)
    assert reply.parent == first and again.parent == first
    assert again.portfolio == portfolio


def test_a_reply_in_a_private_thread_is_private(portfolio, people):
    first = services.comment_create(author=people["supervisor"], body="feedback",
                                    portfolio=portfolio, is_private=True)  # fmt: skip
    reply = services.comment_create(author=people["owner"], body="thanks", parent=first,
                                    is_private=False)  # fmt: skip
    assert reply.is_private


def test_a_comment_belongs_to_exactly_one_item(portfolio, post, people):
    with pytest.raises(ValidationError):
        services.comment_create(author=people["owner"], body="nowhere")
    with pytest.raises(ValidationError):
        services.comment_create(author=people["owner"], body="two", portfolio=portfolio, post=post)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(author=people["owner"], body="x", portfolio=portfolio, post=post)


def test_an_empty_or_overlong_comment_is_refused(portfolio, people):
    with pytest.raises(ValidationError):
        services.comment_create(author=people["owner"], body="", portfolio=portfolio)
    with pytest.raises(ValidationError):
        services.comment_create(author=people["owner"], body="x" * 5001, portfolio=portfolio)
    assert not Comment.objects.exists()


def test_an_edit_marks_the_comment_edited_and_renders_again(portfolio):
    comment = CommentFactory(portfolio=portfolio, body="old")
    services.comment_update(comment=comment, body="old")
    assert comment.edited_at is None
    services.comment_update(comment=comment, body="*new*")
    comment.refresh_from_db()
    assert comment.edited_at is not None
    assert comment.body_html == "<p><em>new</em></p>"


def test_deleting_a_comment_deletes_its_replies(portfolio):
    first = CommentFactory(portfolio=portfolio)
    CommentFactory(portfolio=portfolio, parent=first)
    other = CommentFactory(portfolio=portfolio)
    services.comment_delete(comment=first)
    assert list(Comment.objects.all()) == [other]


def test_hide_and_show_again(portfolio, student):
    comment = CommentFactory(portfolio=portfolio)
    services.comment_hide(comment=comment, by=student)
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == student
    services.comment_unhide(comment=comment)
    comment.refresh_from_db()
    assert not comment.is_hidden and comment.hidden_by is None


def test_a_reader_reports_a_comment_once(portfolio):
    comment = CommentFactory(portfolio=portfolio)
    reader = StudentFactory()
    services.comment_report(comment=comment, reporter=reader, reason="spam", note="ads")
    with pytest.raises(services.AlreadyReported):
        services.comment_report(comment=comment, reporter=reader, reason="abuse")
    with pytest.raises(ValidationError):
        services.comment_report(comment=comment, reporter=StudentFactory(), reason="no-such")
    assert CommentReport.objects.count() == 1


def test_hiding_from_the_queue_resolves_every_open_report_on_the_comment(portfolio):
    comment = CommentFactory(portfolio=portfolio)
    first = services.comment_report(comment=comment, reporter=StudentFactory(), reason="spam")
    second = services.comment_report(comment=comment, reporter=StudentFactory(), reason="abuse")
    staff = StaffFactory()
    services.report_resolve(report=first, by=staff, hide=True)
    second.refresh_from_db()
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == staff
    assert second.resolved_by == staff and second.resolution == "hidden"
    assert not CommentReport.objects.open().exists()


def test_dismissing_a_report_leaves_the_comment(portfolio):
    comment = CommentFactory(portfolio=portfolio)
    report = services.comment_report(comment=comment, reporter=StudentFactory(), reason="spam")
    services.report_resolve(report=report, by=StaffFactory(), hide=False)
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert report.resolution == "dismissed" and report.resolved_at is not None


def test_the_rate_limit_counts_comments_per_user(settings, portfolio, people):
    settings.COMMENTS_PER_MINUTE = 3
    for number in range(3):
        services.comment_create(author=people["supervisor"], body=f"{number}", portfolio=portfolio)
    with pytest.raises(services.CommentRateLimited):
        services.comment_create(author=people["supervisor"], body="4", portfolio=portfolio)
    # Another user is not slowed down by the first.
    services.comment_create(author=people["other_student"], body="mine", portfolio=portfolio)
    assert Comment.objects.filter(author=people["supervisor"]).count() == 3


def test_the_rate_limit_counts_a_minute_in_the_shared_store(shared_redis, settings, portfolio,
                                                            people):  # fmt: skip
    settings.COMMENTS_PER_MINUTE = 2
    author = people["supervisor"]
    services.comment_create(author=author, body="a", portfolio=portfolio)
    # Another app server's comment by the same author counts into the same number.
    other_server = separate_client("limits")
    other_server.count_hit(services.COMMENTS_PER_USER.key(author.pk), 60)
    with pytest.raises(services.CommentRateLimited):
        services.comment_create(author=author, body="b", portfolio=portfolio)
    assert Comment.objects.filter(author=author).count() == 1
    key = caches["limits"].make_and_validate_key(services.COMMENTS_PER_USER.key(author.pk))
    assert 50 <= redis.Redis.from_url(shared_redis["limits"]["LOCATION"]).ttl(key) <= 60


def test_without_the_limits_store_nothing_is_posted(unreachable_redis, portfolio, people):
    with pytest.raises(services.CommentsUnavailable) as refused:
        services.comment_create(author=people["supervisor"], body="hello", portfolio=portfolio)
    assert refused.value.code == "unavailable"
    assert not Comment.objects.exists()
