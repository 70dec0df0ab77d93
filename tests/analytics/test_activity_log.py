"""The services write the activity log: every change of portfolio content, every sign-in
of a student and every review they receive; a change that fails writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from achievements import services as achievement_services
from analytics.models import ActivityEvent, ActivityKind
from core.files.uploads import UploadRejected, prepare_upload
from feedback.services.reviews import review_release, review_save
from portfolios.services import portfolio_update
from tests.factories import (
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    TermFactory,
    achievement_for,
    default_rubric,
    png_bytes,
    portfolio_for,
    scores_for,
)

pytestmark = pytest.mark.django_db


def kinds(student):
    return list(
        ActivityEvent.objects.filter(student=student).order_by("id").values_list("kind", flat=True)
    )


def image(name="a.png"):
    return prepare_upload(SimpleUploadedFile(name, png_bytes()))


def test_achievement_and_evidence_changes_are_logged_with_what_changed():
    student = StudentFactory()
    portfolio = portfolio_for(student)
    ActivityEvent.objects.all().delete()

    item = achievement_for(portfolio, title="Cup", files=[("a.png", png_bytes())])
    achievement_services.achievement_update(achievement=item, title="City cup")
    [link] = [achievement_services.evidence_add_link(
        achievement=item, url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")]  # fmt: skip
    achievement_services.evidence_update_caption(evidence=link, caption="Final")
    achievement_services.evidence_delete(evidence=link)
    item_id = item.pk
    achievement_services.achievement_delete(achievement=item)

    assert kinds(student) == [
        ActivityKind.ACHIEVEMENT_CREATED, ActivityKind.EVIDENCE_ADDED,
        ActivityKind.ACHIEVEMENT_UPDATED, ActivityKind.EVIDENCE_ADDED,
        ActivityKind.EVIDENCE_UPDATED, ActivityKind.EVIDENCE_DELETED,
        ActivityKind.ACHIEVEMENT_DELETED,
    ]  # fmt: skip
    deleted = ActivityEvent.objects.filter(kind=ActivityKind.ACHIEVEMENT_DELETED).get()
    assert (deleted.object_id, deleted.object_label, deleted.actor) == (
        item_id, "City cup", student
    )  # fmt: skip


def test_a_profile_change_is_logged():
    student = StudentFactory()
    portfolio = portfolio_for(student)
    ActivityEvent.objects.all().delete()
    portfolio_update(portfolio=portfolio, skills=["Python"], headline="Future teacher")
    assert kinds(student) == [ActivityKind.PROFILE_UPDATED]


def test_a_refused_upload_logs_nothing(settings):
    student = StudentFactory()
    item = achievement_for(portfolio_for(student), title="Cup")
    before = kinds(student)
    settings.EVIDENCE_QUOTA_PER_STUDENT = 10
    with pytest.raises(UploadRejected):
        achievement_services.evidence_attach(achievement=item, files=[image()])
    assert kinds(student) == before


def test_a_released_review_is_logged_once_for_the_student():
    student = StudentFactory()
    supervisor = SupervisorAssignmentFactory(student=student).supervisor
    term, rubric = TermFactory(is_current=True), default_rubric()
    review = review_save(supervisor=supervisor, student=student, term=term,
                         scores=scores_for(rubric, 50, 50, 50, 50, 50))  # fmt: skip
    assert ActivityKind.REVIEW_RECEIVED not in kinds(student)  # a draft is not received

    review_release(review=review)
    review_release(review=review)
    review_save(supervisor=supervisor, student=student, term=term, release=True,
                scores=scores_for(rubric, 60, 60, 60, 60, 60))  # fmt: skip

    events = ActivityEvent.objects.filter(kind=ActivityKind.REVIEW_RECEIVED)
    assert [(e.student, e.actor, e.object_id) for e in events] == [(student, supervisor,
                                                                    review.pk)]  # fmt: skip


def test_students_sign_ins_are_logged_and_nobody_elses(client):
    student = StudentFactory(username="aibek")
    student.set_password("Tunduk-Bishkek-2026")
    student.save()
    supervisor = SupervisorFactory(username="gulnara")
    supervisor.set_password("Tunduk-Bishkek-2026")
    supervisor.save()
    for username in ("aibek", "gulnara"):
        response = client.post(
            reverse("accounts:login"),
            {"username": username, "password": "Tunduk-Bishkek-2026"},
        )
        assert response.status_code == 302
        client.logout()
    assert kinds(student) == [ActivityKind.LOGIN]
    assert not ActivityEvent.objects.filter(student=supervisor).exists()
