"""Demo comment threads. student1's public page gets a thread with replies from their
supervisor, another student and an approved employer, one private feedback comment, one
comment student1 hid and one with an open report in the moderation queue; one of their
achievements and journal posts gets a short thread; a few other public pages get a comment.
Idempotent: nothing is added once any comment exists."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from achievements.models import Achievement
from comments import services
from comments.models import Comment
from journal.models import Post
from portfolios.models import Portfolio, Visibility


def _aged(comment: Comment, hours: float) -> Comment:
    """Demo threads read as if written over the last days, not all this second."""
    when = timezone.now() - timedelta(hours=hours)
    Comment.objects.filter(pk=comment.pk).update(created_at=when)
    comment.created_at = when
    return comment


def seed() -> int:
    """Comments created (0 when there were some already or the demo users are missing)."""
    if Comment.objects.exists():
        return 0
    users = {u.username: u for u in User.objects.filter(
        username__in=["student1", "student2", "student3", "student4", "supervisor1",
                      "employer1"])}  # fmt: skip
    needed = {"student1", "student2", "student3", "supervisor1", "employer1"}
    if not needed <= users.keys() or not Portfolio.objects.filter(student=users["student1"]):
        return 0
    student1 = users["student1"]
    page = student1.portfolio
    supervisor, employer = users["supervisor1"], users["employer1"]
    classmate, other = users["student2"], users["student3"]
    made: list[Comment] = []

    def say(author, body, hours, **target):
        comment = services.comment_create(author=author, body=body, **target)
        made.append(_aged(comment, hours))
        return comment

    praise = say(supervisor, "Great progress this term! The **robotics** section is the "
                 "strongest part of your page — add a photo of the final track.", 120,
                 portfolio=page)  # fmt: skip
    say(student1, "Thank you! I will add the photo this week.", 110, parent=praise)
    say(classmate, "The line follower was fun to build together :)", 100, parent=praise)
    internship = say(employer, "We are looking for interns who know *Python* and like "
                     "teaching. Would you be interested in a summer internship?", 72,
                     portfolio=page)  # fmt: skip
    say(student1, "Yes, very much! I have written to you by e-mail.", 70, parent=internship)
    say(supervisor, "For the thesis review: your reflection on the lesson observation is "
        "too short. Write what you would change and why.", 48, portfolio=page,
        is_private=True)  # fmt: skip
    spam = say(other, "Cheap essays and diplomas, write to me!!!", 30, portfolio=page)
    services.comment_hide(comment=spam, by=student1)
    off_topic = say(users.get("student4", other), "Does anyone know when the dormitory "
                    "office opens?", 20, portfolio=page)  # fmt: skip
    services.comment_report(comment=off_topic, reporter=employer, reason="off_topic",
                            note="Not about this portfolio.")  # fmt: skip

    achievement = (
        Achievement.objects.filter(portfolio=page, visibility=Visibility.PUBLIC)
        .order_by("pk")
        .first()
    )
    if achievement is not None:
        question = say(classmate, "How long did you prepare for this?", 60,
                       achievement=achievement)  # fmt: skip
        say(student1, "About two months, two evenings a week.", 58, parent=question)
    post = (
        Post.objects.filter(portfolio=page, visibility=Visibility.PUBLIC)
        .visible_at(Visibility.PUBLIC)
        .order_by("-published_at")
        .first()
    )
    if post is not None:
        note = say(supervisor, "Good reflection. Try [pair programming]"
                   "(https://en.wikipedia.org/wiki/Pair_programming) next time.", 40,
                   post=post)  # fmt: skip
        say(student1, "I will, thanks!", 38, parent=note)

    others = Portfolio.objects.filter(visibility=Visibility.PUBLIC).exclude(pk=page.pk)
    for number, portfolio in enumerate(others.order_by("pk")[:3]):
        say(supervisor if number % 2 else employer, "A clear, well-organised portfolio.",
            90 - number, portfolio=portfolio)  # fmt: skip
    return len(made)
