"""What a review of the feedback code found: stale decisions, hidden pages, rejected
employers, co-supervisors' drafts, rubric edits after release, new portfolios."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import EmployerProfile
from achievements.models import VerificationStatus
from achievements.services import achievement_update
from feedback.models import RubricCriterion
from feedback.selectors.employers import employer_feedback_for_portfolio
from feedback.selectors.reviews import reviews_of_student
from feedback.selectors.verification import pending_requests
from feedback.services.employers import employer_feedback_save
from feedback.services.reviews import review_save
from feedback.services.verification import (
    verification_decide,
    verification_request,
    version_of,
)
from portfolios.models import Visibility
from tests.factories import (
    EmployerFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    TermFactory,
    achievement_for,
    default_rubric,
    portfolio_for,
    scores_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned():
    student = StudentFactory()
    supervisor = SupervisorAssignmentFactory(student=student).supervisor
    portfolio = portfolio_for(student, visibility=Visibility.SUPERVISORS)
    item = achievement_for(portfolio, title="City olympiad", visibility=Visibility.SUPERVISORS,
                           result="Participant")  # fmt: skip
    return student, supervisor, item


def test_a_decision_on_an_item_changed_since_it_was_opened_is_refused(assigned):
    student, supervisor, item = assigned
    verification_request(achievement=item, student=student)
    seen = version_of(item.__class__.objects.get(pk=item.pk))
    item.refresh_from_db()
    achievement_update(achievement=item, result="Winner")

    with pytest.raises(ValidationError) as refused:
        verification_decide(achievement=item, supervisor=supervisor, verify=True, version=seen)
    assert refused.value.code == "changed"
    item.refresh_from_db()
    assert item.verification_status == VerificationStatus.PENDING

    verification_decide(achievement=item, supervisor=supervisor, verify=True,
                        version=version_of(item))  # fmt: skip
    item.refresh_from_db()
    assert item.is_verified


def test_the_queue_form_sends_the_version_it_shows(client, assigned):
    student, supervisor, item = assigned
    verification_request(achievement=item, student=student)
    client.force_login(supervisor)
    page = client.get(reverse("feedback:verification-queue")).content.decode()
    item.refresh_from_db()
    assert f'name="version" value="{version_of(item)}"' in page


def test_an_editors_stale_copy_cannot_undo_a_decision(assigned):
    """The student's form loaded the item before the supervisor verified it."""
    student, supervisor, item = assigned
    verification_request(achievement=item, student=student)
    stale = item.__class__.objects.get(pk=item.pk)
    verification_decide(achievement=item, supervisor=supervisor, verify=True)

    achievement_update(achievement=stale, featured=True)  # not a verified field

    stale.refresh_from_db()
    assert stale.is_verified


def test_a_page_only_its_student_sees_cannot_be_verified(assigned):
    student, supervisor, item = assigned
    verification_request(achievement=item, student=student)
    portfolio = item.portfolio
    portfolio.visibility = Visibility.PRIVATE
    portfolio.save()

    assert list(pending_requests(supervisor=supervisor)) == []
    other = achievement_for(portfolio, title="Chess", visibility=Visibility.PUBLIC)
    with pytest.raises(ValidationError) as refused:
        verification_request(achievement=other, student=student)
    assert refused.value.code == "hidden_page"


def test_feedback_of_a_rejected_employer_disappears():
    student = StudentFactory()
    portfolio = portfolio_for(student, visibility=Visibility.PUBLIC, open_to_work=True)
    employer = EmployerFactory(approved=True)
    employer_feedback_save(employer=employer, portfolio=portfolio, presentation=5,
                           skills_relevance=5, evidence_credibility=5)  # fmt: skip
    assert len(employer_feedback_for_portfolio(portfolio)) == 1

    EmployerProfile.objects.filter(user=employer).update(status=EmployerProfile.Status.REJECTED)

    assert list(employer_feedback_for_portfolio(portfolio)) == []


def test_co_supervisors_see_each_others_reviews_only_once_released(assigned):
    student, supervisor, _item = assigned
    colleague = SupervisorAssignmentFactory(student=student).supervisor
    term, rubric = TermFactory(is_current=True), default_rubric()
    review_save(supervisor=supervisor, student=student, term=term,
                scores=scores_for(rubric, 50, 50, 50, 50, 50))  # fmt: skip

    assert list(reviews_of_student(student, viewer=colleague)) == []
    assert len(reviews_of_student(student, viewer=supervisor)) == 1

    review_save(supervisor=supervisor, student=student, term=term, release=True,
                scores=scores_for(rubric, 50, 50, 50, 50, 50))  # fmt: skip
    assert len(reviews_of_student(student, viewer=colleague)) == 1


def test_a_released_review_keeps_its_weights_when_staff_change_the_rubric(assigned):
    student, supervisor, _item = assigned
    term, rubric = TermFactory(is_current=True), default_rubric()
    scores = scores_for(rubric, 100, 0, 0, 0, 0)
    review = review_save(supervisor=supervisor, student=student, term=term, scores=scores,
                         release=True)  # fmt: skip
    first = review.total
    criteria = list(rubric.criteria.order_by("order"))
    RubricCriterion.objects.filter(pk=criteria[0].pk).update(weight=40)
    RubricCriterion.objects.filter(pk=criteria[1].pk).update(weight=5)

    review = review_save(supervisor=supervisor, student=student, term=term, scores=scores,
                         feedback="Typo fixed")  # fmt: skip

    assert review.total == first
    assert review.scores.get(criterion=criteria[0]).weight == criteria[0].weight


def test_a_new_portfolio_has_never_been_updated():
    from portfolios.services import portfolio_get_or_create

    portfolio = portfolio_get_or_create(student=StudentFactory())
    portfolio.refresh_from_db()
    assert portfolio.content_updated_at is None


def test_the_students_list_keeps_valid_filters_and_sorts_programs_in_the_readers_language(
    client,
):
    from django.utils import translation

    from tests.factories import ProgramFactory, SupervisorFactory

    supervisor = SupervisorFactory()
    first = ProgramFactory(name_en="Art", name_ru="Ясли")  # A… in English, Я… in Russian
    second = ProgramFactory(name_en="Zoology", name_ru="Биология")
    for program, name in ((first, "Artist"), (second, "Zoologist")):
        student = StudentFactory(program=program, last_name=name)
        SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    client.force_login(supervisor)
    url = reverse("feedback:students")

    response = client.get(url, {"q": "Zoolog", "stale_days": "-1"})
    assert [s.last_name for s in response.context["page"]] == ["Zoologist"]
    assert response.context["form"].errors["stale_days"]

    with translation.override("ru"):
        response = client.get(url, {"sort": "program"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert [s.program_id for s in response.context["page"]] == [second.pk, first.pk]
