"""Comments tell the owner of the content and, for a reply, the author replied to. The
receiver is tested with stand-in comments (the comments app sends the real signal)."""

from types import SimpleNamespace

import pytest
from django.apps import apps

from notifications.models import Kind, Notification
from notifications.receivers import comment_posted_notify
from portfolios.models import Visibility
from tests.factories import (
    EmployerFactory,
    SupervisorFactory,
    achievement_for,
    post_for,
)

pytestmark = pytest.mark.django_db


def _comment(author, *, portfolio=None, achievement=None, post=None, parent=None, pk=7,
             is_private=False):  # fmt: skip
    return SimpleNamespace(pk=pk, author=author, author_id=author.pk, portfolio=portfolio,
                           achievement=achievement, post=post, parent=parent,
                           is_private=is_private)  # fmt: skip


def _received():
    return sorted(Notification.objects.values_list("recipient_id", "kind", "actor_id"))


def test_a_comment_on_an_achievement_tells_its_student(student):
    supervisor = SupervisorFactory()
    achievement = achievement_for(student.portfolio, title="Олимпиада",
                                  visibility=Visibility.PUBLIC)  # fmt: skip

    comment_posted_notify(sender=None, comment=_comment(supervisor, achievement=achievement))

    notification = Notification.objects.get()
    assert (notification.recipient, notification.actor) == (student, supervisor)
    assert notification.kind == Kind.COMMENT
    assert "commented on “Олимпиада”" in notification.text
    assert notification.url.endswith("#comment-7")


def test_a_reply_tells_the_author_replied_to_and_the_owner(student):
    supervisor, employer = SupervisorFactory(), EmployerFactory(approved=True)
    post = post_for(student.portfolio, title="Практика")
    first = _comment(supervisor, post=post, pk=1)

    comment_posted_notify(sender=None, comment=_comment(employer, post=post, parent=first, pk=2))

    assert _received() == sorted([
        (supervisor.pk, Kind.REPLY, employer.pk),
        (student.pk, Kind.COMMENT, employer.pk),
    ])  # fmt: skip
    reply = Notification.objects.get(kind=Kind.REPLY)
    assert "replied to your comment on “Практика”" in reply.text


def test_the_owner_replying_tells_only_the_commenter(student):
    supervisor = SupervisorFactory()
    first = _comment(supervisor, portfolio=student.portfolio, pk=1)

    comment_posted_notify(
        sender=None, comment=_comment(student, portfolio=student.portfolio, parent=first, pk=2)
    )

    assert _received() == [(supervisor.pk, Kind.REPLY, student.pk)]


def test_a_reply_to_the_owner_is_one_notification_not_two(student):
    supervisor = SupervisorFactory()
    first = _comment(student, portfolio=student.portfolio, pk=1)

    comment_posted_notify(
        sender=None, comment=_comment(supervisor, portfolio=student.portfolio, parent=first, pk=2)
    )

    assert _received() == [(student.pk, Kind.REPLY, supervisor.pk)]


def test_private_feedback_on_the_page_says_so(student):
    supervisor = SupervisorFactory()
    comment = _comment(supervisor, portfolio=student.portfolio, is_private=True)

    comment_posted_notify(sender=None, comment=comment)

    notification = Notification.objects.get()
    assert notification.text.endswith("left you private feedback on your portfolio page")
    assert notification.url == f"/p/{student.portfolio.slug}/#comment-7"


def test_commenting_on_my_own_page_tells_nobody(student):
    comment_posted_notify(sender=None, comment=_comment(student, portfolio=student.portfolio))
    assert _received() == []


@pytest.mark.skipif(not apps.is_installed("comments"), reason="the comments app is not installed")
def test_the_comments_app_signal_reaches_the_receiver(student, settings):
    from comments.services import comment_create

    supervisor = SupervisorFactory()
    comment_create(author=supervisor, body="Отлично!", portfolio=student.portfolio)

    assert _received() == [(student.pk, Kind.COMMENT, supervisor.pk)]
    assert Notification.objects.get().text.endswith("commented on your portfolio page")
