"""Each event tells the right person, and never the person who did it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.services.employers import employer_feedback_save
from feedback.services.reviews import review_release, review_save, reviews_release_all
from feedback.services.verification import verification_decide, verification_request
from notifications.models import Kind, Notification
from notifications.services import notify
from portfolios.models import Visibility
from portfolios.services import share_link_create, share_link_record_visit
from tests.factories import (
    StudentFactory,
    SupervisorAssignmentFactory,
    achievement_for,
    default_rubric,
    portfolio_for,
)

pytestmark = pytest.mark.django_db


def _scores(value=70):
    return {criterion.pk: value for criterion in default_rubric().criteria.all()}


def _save_review(supervisor, student, term, *, release):
    return review_save(supervisor=supervisor, student=student, term=term, scores=_scores(),
                       feedback="Хорошо", release=release)  # fmt: skip


def test_releasing_a_review_tells_the_student_once(student, supervisor, term):
    review = _save_review(supervisor, student, term, release=False)
    assert not Notification.objects.exists()  # a draft is nobody's news

    review_release(review=review)
    review_release(review=review)  # released already: nothing new

    notification = Notification.objects.get()
    assert notification.recipient == student
    assert notification.actor == supervisor
    assert notification.kind == Kind.REVIEW_RELEASED
    assert notification.url == reverse("feedback:my-reviews")
    assert "2026–27 autumn" in notification.text
    assert not Notification.objects.filter(recipient=supervisor).exists()


def test_saving_a_review_with_release_tells_the_student(student, supervisor, term):
    _save_review(supervisor, student, term, release=True)
    _save_review(supervisor, student, term, release=True)  # a correction is not a new release

    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (student.pk, Kind.REVIEW_RELEASED)
    ]


def test_releasing_all_drafts_tells_each_student(student, supervisor, term):
    other = StudentFactory()
    portfolio_for(other)
    SupervisorAssignmentFactory(supervisor=supervisor, student=other)
    _save_review(supervisor, student, term, release=False)
    _save_review(supervisor, other, term, release=False)

    assert reviews_release_all(supervisor=supervisor, term=term) == 2

    assert sorted(Notification.objects.values_list("recipient", flat=True)) == sorted(
        [student.pk, other.pk]
    )


@pytest.mark.parametrize("verify", [True, False])
def test_a_verification_decision_tells_the_student(student, supervisor, verify):
    achievement = achievement_for(
        student.portfolio, title="Олимпиада", visibility=Visibility.PUBLIC
    )
    verification_request(achievement=achievement, student=student)
    assert not Notification.objects.exists()  # asking is the student's own action

    verification_decide(achievement=achievement, supervisor=supervisor, verify=verify,
                        reason="" if verify else "Нет сертификата")  # fmt: skip

    notification = Notification.objects.get()
    assert (notification.recipient, notification.actor) == (student, supervisor)
    assert notification.kind == Kind.VERIFICATION_DECIDED
    assert notification.params["verified"] is verify
    assert notification.url == reverse("achievements:edit", args=[achievement.pk])
    if verify:
        assert "verified “Олимпиада”" in notification.text
    else:
        assert "declined" in notification.text
        assert notification.params["reason"] == "Нет сертификата"


def _feedback(employer, portfolio, presentation=4):
    return employer_feedback_save(employer=employer, portfolio=portfolio, presentation=presentation,
                                  skills_relevance=5, evidence_credibility=4)  # fmt: skip


def test_employer_feedback_tells_the_student_and_folds_changes_until_read(student, employer):
    _feedback(employer, student.portfolio)

    first = Notification.objects.get()
    assert (first.recipient, first.actor, first.kind) == (student, employer, Kind.EMPLOYER_FEEDBACK)
    assert first.params["changed"] is False
    assert employer.employer_profile.organisation in first.text
    assert first.url == reverse("feedback:received")

    _feedback(employer, student.portfolio, presentation=2)  # changed while still unread
    first.refresh_from_db()
    assert Notification.objects.count() == 1
    assert first.count == 2

    Notification.objects.update(read_at=timezone.now())
    _feedback(employer, student.portfolio, presentation=5)
    latest = Notification.objects.order_by("-pk").first()
    assert Notification.objects.count() == 2
    assert latest.params["changed"] is True
    assert "changed their feedback" in latest.text
    assert not Notification.objects.filter(recipient=employer).exists()


def test_a_share_link_opened_tells_the_student_at_most_once_an_hour(student):
    link = share_link_create(portfolio=student.portfolio, label="Для компании")

    for _ in range(3):
        share_link_record_visit(link=link, user_agent="Firefox")

    notification = Notification.objects.get()
    assert (notification.recipient, notification.actor) == (student, None)
    assert notification.kind == Kind.SHARE_LINK_OPENED
    assert notification.count == 3
    assert "opened 3 times" in notification.text
    assert notification.url == reverse("portfolios:share-link-visits", args=[link.pk])

    Notification.objects.update(created_at=timezone.now() - timedelta(hours=2))
    share_link_record_visit(link=link)
    assert Notification.objects.count() == 2


def test_opening_the_shared_page_notifies_unless_the_student_opens_it(client, student):
    link = share_link_create(portfolio=student.portfolio, label="Для компании")
    url = reverse("portfolios:shared", args=[link.token])

    client.force_login(student)
    assert client.get(url).status_code == 200
    assert not Notification.objects.exists()
    assert link.visits.count() == 1  # the access log still shows the visit

    client.logout()
    assert client.get(url).status_code == 200
    assert Notification.objects.get().recipient == student


def test_nobody_is_notified_of_their_own_action(student):
    assert notify(recipient=student, kind=Kind.COMMENT, actor=student) is None
    assert notify(recipient=student.pk, kind=Kind.COMMENT, actor=student.pk) is None
    assert not Notification.objects.exists()
