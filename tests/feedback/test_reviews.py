"""Supervisor reviews: rubric scores and their weighted total, drafts and release, one review
per student, supervisor and term, the history of released reviews, the portfolio score,
which rubric applies, terms, and who may review whom."""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from feedback.models import Review, ReviewRevision, ReviewScore, Term, weighted_total
from feedback.selectors.reviews import portfolio_scores, released_reviews_for, student_score
from feedback.services.reviews import (
    current_term,
    review_delete_draft,
    review_release,
    review_save,
    reviews_release_all,
    rubric_for,
    term_make_current,
)
from tests.factories import (
    ProgramFactory,
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    TermFactory,
    default_rubric,
    portfolio_for,
    rubric_make,
    scores_for,
)

pytestmark = pytest.mark.django_db

# The default rubric's weights are 20/25/20/20/15: these scores give
# (81*20 + 77*25 + 64*20 + 93*20 + 58*15) / 100 = 7555 / 100.
DEFAULT_SCORES = (81, 77, 64, 93, 58)
DEFAULT_TOTAL = Decimal("75.55")


@pytest.fixture
def supervisor():
    return SupervisorFactory(first_name="Нурлан", last_name="Токтогулов")


@pytest.fixture
def student(supervisor):
    student = StudentFactory(first_name="Айгерим", last_name="Садыкова")
    portfolio_for(student)
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    return student


@pytest.fixture
def term():
    return TermFactory(name_en="2025–26 autumn", is_current=True)


@pytest.fixture
def rubric():
    return default_rubric()


@pytest.fixture
def program_rubric(student):
    """A rubric of the student's own program (what the review page uses)."""
    return rubric_make((50, 30, 20), program=student.program, name="Pedagogy rubric")


def save(supervisor, student, term, rubric, values, **kwargs):
    return review_save(
        supervisor=supervisor,
        student=student,
        term=term,
        scores=scores_for(rubric, *values),
        expected_rubric=rubric,
        **kwargs,
    )


def form_data(rubric, values, *, feedback="", action="draft"):
    data = {"feedback": feedback, "action": action}
    for criterion, value in zip(rubric.criteria.order_by("order", "pk"), values, strict=True):
        data[f"score_{criterion.pk}"] = "" if value is None else str(value)
    return data


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- The default rubric and the total ---------------------------------------------------


def test_the_default_rubric_has_five_criteria_whose_weights_sum_to_100(rubric):
    criteria = list(rubric.criteria.order_by("order"))

    assert [c.name_en for c in criteria] == [
        "Completeness",
        "Quality of evidence",
        "Reflection",
        "Professional relevance",
        "Presentation",
    ]
    assert [c.weight for c in criteria] == [20, 25, 20, 20, 15]
    assert all(c.name_ru and c.name_ky and c.description_en for c in criteria)


def test_the_total_is_the_exact_weighted_mean_of_the_default_rubric(
    supervisor, student, term, rubric
):
    review = save(supervisor, student, term, rubric, DEFAULT_SCORES)

    review.refresh_from_db()
    assert review.total == DEFAULT_TOTAL
    assert isinstance(review.total, Decimal)
    assert review.rubric == rubric
    saved = {s.criterion.name_en: (s.score, s.weight) for s in review.scores.all()}
    assert saved == {
        "Completeness": (81, 20),
        "Quality of evidence": (77, 25),
        "Reflection": (64, 20),
        "Professional relevance": (93, 20),
        "Presentation": (58, 15),
    }


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([(100, 1), (0, 2)], Decimal("33.33")),
        ([(100, 2), (0, 1)], Decimal("66.67")),
        ([(70, 50), (90, 50)], Decimal("80.00")),
        ([(0, 100)], Decimal("0.00")),
        ([(100, 100)], Decimal("100.00")),
        ([], Decimal("0.00")),
    ],
)
def test_weighted_total_rounds_to_two_decimals(pairs, expected):
    assert weighted_total(pairs) == expected
    assert str(weighted_total(pairs)) == str(expected)


# --- Bad scores -------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [-1, 101, 1000, None])
def test_a_score_outside_0_100_or_missing_is_an_error_on_that_criterion(
    supervisor, student, term, rubric, bad
):
    values = list(DEFAULT_SCORES)
    values[2] = bad
    reflection = rubric.criteria.get(name_en="Reflection")

    with pytest.raises(ValidationError) as error:
        save(supervisor, student, term, rubric, values)

    assert set(error.value.message_dict) == {f"score_{reflection.pk}"}
    assert not Review.objects.exists()
    assert not ReviewScore.objects.exists()


def test_a_missing_criterion_key_is_an_error_too(supervisor, student, term, rubric):
    scores = scores_for(rubric, *DEFAULT_SCORES)
    dropped = next(iter(scores))
    del scores[dropped]

    with pytest.raises(ValidationError) as error:
        review_save(
            supervisor=supervisor, student=student, term=term, scores=scores, expected_rubric=rubric
        )

    assert set(error.value.message_dict) == {f"score_{dropped}"}
    assert not Review.objects.exists()


def test_the_form_shows_each_bad_score_on_its_field_and_saves_nothing(
    client, supervisor, student, term, program_rubric
):
    client.force_login(supervisor)
    first, second, third = program_rubric.criteria.order_by("order")

    response = client.post(
        reverse("feedback:review-edit", args=[student.pk, term.pk]),
        form_data(program_rubric, (101, None, 50), feedback="Good start"),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[f"score_{first.pk}"] == ["A score is between 0 and 100."]
    assert form.errors[f"score_{second.pk}"] == ["Give a score from 0 to 100."]
    assert f"score_{third.pk}" not in form.errors
    html = response.content.decode()
    assert "Nothing has been saved yet." in html
    assert 'value="Good start"' in html or "Good start</textarea>" in html
    assert not Review.objects.exists()
    assert not ReviewScore.objects.exists()


def test_a_bad_update_of_an_existing_review_changes_nothing(supervisor, student, term, rubric):
    review = save(supervisor, student, term, rubric, DEFAULT_SCORES, feedback="First")

    with pytest.raises(ValidationError):
        save(supervisor, student, term, rubric, (100, 100, 100, 100, 101), feedback="Second")

    review.refresh_from_db()
    assert review.total == DEFAULT_TOTAL
    assert review.feedback == "First"
    assert sorted(review.scores.values_list("score", flat=True)) == sorted(DEFAULT_SCORES)


# --- Database constraints ---------------------------------------------------------------


def _review_row(student, supervisor, term, rubric, **fields):
    return Review(student=student, supervisor=supervisor, term=term, rubric=rubric, **fields)


@pytest.mark.parametrize("total", [Decimal("-0.01"), Decimal("100.01"), Decimal("250")])
def test_the_database_keeps_a_review_total_in_0_100(supervisor, student, term, rubric, total):
    with pytest.raises(IntegrityError, match="review_total_0_100"), transaction.atomic():
        _review_row(student, supervisor, term, rubric, total=total).save()
    assert not Review.objects.exists()


@pytest.mark.parametrize("score", [101, 30000])
def test_the_database_keeps_a_criterion_score_in_0_100(supervisor, student, term, rubric, score):
    review = save(supervisor, student, term, rubric, DEFAULT_SCORES)
    criterion = rubric.criteria.first()

    with pytest.raises(IntegrityError, match="score_0_100"), transaction.atomic():
        ReviewScore.objects.filter(review=review, criterion=criterion).update(score=score)
    assert ReviewScore.objects.get(review=review, criterion=criterion).score <= 100


def test_the_database_keeps_a_revision_total_in_0_100(supervisor, student, term, rubric):
    review = save(supervisor, student, term, rubric, DEFAULT_SCORES, release=True)

    with pytest.raises(IntegrityError, match="revision_total_0_100"), transaction.atomic():
        ReviewRevision.objects.create(
            review=review, total=Decimal("100.5"), released_at=review.released_at
        )


def test_the_database_allows_one_review_per_student_supervisor_and_term(
    supervisor, student, term, rubric
):
    _review_row(student, supervisor, term, rubric, total=50).save()

    with pytest.raises(IntegrityError), transaction.atomic():
        _review_row(student, supervisor, term, rubric, total=60).save()
    # Another term, or another supervisor, is another review.
    _review_row(student, supervisor, TermFactory(), rubric, total=60).save()
    _review_row(student, SupervisorFactory(), term, rubric, total=60).save()
    assert Review.objects.count() == 3


def test_a_released_review_needs_its_release_time(supervisor, student, term, rubric):
    with pytest.raises(IntegrityError, match="review_released_has_time"), transaction.atomic():
        _review_row(student, supervisor, term, rubric, total=50, status="released").save()


# --- One review, updated ----------------------------------------------------------------


def test_saving_twice_updates_the_one_review(supervisor, student, term, rubric):
    first = save(supervisor, student, term, rubric, DEFAULT_SCORES, feedback="First")
    second = save(supervisor, student, term, rubric, (100, 100, 100, 100, 100), feedback="More")

    assert second.pk == first.pk
    assert Review.objects.count() == 1
    assert ReviewScore.objects.count() == 5
    review = Review.objects.get()
    assert review.total == Decimal("100.00")
    assert review.feedback == "More"
    assert set(review.scores.values_list("score", flat=True)) == {100}


def test_a_second_submission_racing_the_first_updates_it(
    monkeypatch, supervisor, student, term, rubric
):
    """Two tabs: both looked before either saved, so the second finds the row only when
    its insert collides. It must update that review, not fail or make a second one."""
    existing = save(supervisor, student, term, rubric, DEFAULT_SCORES, feedback="Tab one")
    original_first = QuerySet.first
    looked = []

    def first_misses_once(queryset):
        if queryset.model is Review and not looked:
            looked.append(True)
            return None  # as if the other tab had not committed yet
        return original_first(queryset)

    monkeypatch.setattr(QuerySet, "first", first_misses_once)

    review = save(supervisor, student, term, rubric, (50, 50, 50, 50, 50), feedback="Tab two")

    assert looked
    assert review.pk == existing.pk
    assert Review.objects.count() == 1
    assert Review.objects.get().feedback == "Tab two"
    assert Review.objects.get().total == Decimal("50.00")
    assert ReviewScore.objects.count() == 5


def test_a_second_post_of_the_form_updates_the_review(
    client, supervisor, student, term, program_rubric
):
    client.force_login(supervisor)
    url = reverse("feedback:review-edit", args=[student.pk, term.pk])

    first = client.post(url, form_data(program_rubric, (80, 70, 60), feedback="Draft one"))
    second = client.post(url, form_data(program_rubric, (90, 90, 90), feedback="Draft two"))

    assert first.status_code == second.status_code == 302
    assert second["Location"] == f"{reverse('feedback:students')}?term={term.pk}"
    review = Review.objects.get()
    # 80*50 + 70*30 + 60*20 = 7300 -> 73.00 first; then 90.
    assert review.total == Decimal("90.00")
    assert review.feedback == "Draft two"
    assert review.status == Review.Status.DRAFT
    assert ReviewScore.objects.filter(review=review).count() == 3
    assert "Draft saved. The student sees it once you release it." in messages_of(second)


def test_the_form_shows_the_saved_review_again(client, supervisor, student, term, program_rubric):
    save(supervisor, student, term, program_rubric, (80, 70, 60), feedback="Keep going")
    client.force_login(supervisor)

    response = client.get(reverse("feedback:review-edit", args=[student.pk, term.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    for criterion, value in zip(
        program_rubric.criteria.order_by("order"), (80, 70, 60), strict=True
    ):
        assert f'name="score_{criterion.pk}"' in html
        assert criterion.name_en in html
        assert f'value="{value}"' in html
    assert "Keep going" in html
    assert "73.00" in html  # the saved total


# --- Drafts and release -----------------------------------------------------------------


def test_a_draft_is_invisible_to_the_student(client, supervisor, student, term, rubric):
    save(supervisor, student, term, rubric, DEFAULT_SCORES, feedback="Secret *draft* words")

    assert list(released_reviews_for(student)) == []
    assert student_score(student=student, term=term) is None
    client.force_login(student)
    html = client.get(reverse("feedback:my-reviews")).content.decode()
    assert "Secret" not in html
    assert "75.5" not in html
    assert "No reviews yet." in html


def test_a_released_review_shows_the_student_its_breakdown(
    client, supervisor, student, term, rubric
):
    save(
        supervisor,
        student,
        term,
        rubric,
        DEFAULT_SCORES,
        feedback="Add **reflection**.",
        release=True,
    )
    client.force_login(student)

    response = client.get(reverse("feedback:my-reviews"))

    html = response.content.decode()
    assert [r.total for r in released_reviews_for(student)] == [DEFAULT_TOTAL]
    assert "Нурлан Токтогулов" in html
    assert term.name_en in html
    assert "portfolio score 75.6" in html  # floatformat:1 rounds 75.55 half up
    assert "Add <strong>reflection</strong>." in html
    for name, weight, score in [
        ("Completeness", 20, 81),
        ("Quality of evidence", 25, 77),
        ("Presentation", 15, 58),
    ]:
        assert re.search(rf">{name}</th><td[^>]*>{weight}%</td><td[^>]*>{score}</td>", html), name


def test_the_feedback_cannot_carry_script_into_the_students_page(
    client, supervisor, student, term, rubric
):
    save(
        supervisor,
        student,
        term,
        rubric,
        DEFAULT_SCORES,
        release=True,
        feedback='<script>alert("x")</script> [link](javascript:alert(1)) **Well done**',
    )

    client.force_login(student)
    html = client.get(reverse("feedback:my-reviews")).content.decode()

    assert "<strong>Well done</strong>" in html
    assert '<script>alert("x")' not in html
    # CommonMark refuses a javascript: link: its Markdown is shown as text, never an href.
    assert "[link](javascript:alert(1))" in html
    assert not re.search(r"href=[\"']?\s*javascript:", html, flags=re.I)


def test_the_student_sees_only_their_own_reviews(client, supervisor, student, term, rubric):
    other = StudentFactory()
    SupervisorAssignmentFactory(supervisor=supervisor, student=other)
    save(
        supervisor, other, term, rubric, (1, 2, 3, 4, 5), feedback="For someone else", release=True
    )
    client.force_login(student)

    html = client.get(reverse("feedback:my-reviews")).content.decode()

    assert "For someone else" not in html
    assert list(released_reviews_for(student)) == []


def test_release_from_the_form_shows_it_to_the_student(
    client, supervisor, student, term, program_rubric
):
    client.force_login(supervisor)

    response = client.post(
        reverse("feedback:review-edit", args=[student.pk, term.pk]),
        form_data(program_rubric, (100, 50, 0), feedback="Released at once", action="release"),
    )

    review = Review.objects.get()
    assert review.is_released
    assert review.released_at is not None
    assert review.total == Decimal("65.00")
    assert "Review saved. The student can read it." in messages_of(response)
    assert list(released_reviews_for(student)) == [review]


def test_releasing_one_draft(client, supervisor, student, term, rubric):
    review = save(supervisor, student, term, rubric, DEFAULT_SCORES)
    client.force_login(supervisor)

    response = client.post(reverse("feedback:review-release", args=[review.pk]))

    review.refresh_from_db()
    assert response.status_code == 302
    assert review.is_released and review.released_at is not None
    assert "The review of Айгерим Садыкова is released." in messages_of(response)
    released_at = review.released_at
    assert review_release(review=review).released_at == released_at  # releasing again: no-op


def test_release_all_releases_only_this_supervisors_drafts_of_this_term(
    client, supervisor, student, term, rubric
):
    second_student = StudentFactory()
    SupervisorAssignmentFactory(supervisor=supervisor, student=second_student)
    colleague = SupervisorFactory()
    SupervisorAssignmentFactory(supervisor=colleague, student=student)
    other_term = TermFactory()
    mine = [
        save(supervisor, student, term, rubric, DEFAULT_SCORES),
        save(supervisor, second_student, term, rubric, DEFAULT_SCORES),
    ]
    my_other_term = save(supervisor, student, other_term, rubric, DEFAULT_SCORES)
    colleagues = save(colleague, student, term, rubric, DEFAULT_SCORES)
    client.force_login(supervisor)

    response = client.post(reverse("feedback:reviews-release-all"), {"term": term.pk})

    assert response.status_code == 302
    assert "2 reviews released. Your students can read them now." in messages_of(response)
    for review in mine:
        review.refresh_from_db()
        assert review.is_released
    for review in (my_other_term, colleagues):
        review.refresh_from_db()
        assert not review.is_released
    again = client.post(reverse("feedback:reviews-release-all"), {"term": term.pk})
    assert "You have no drafts for this term." in messages_of(again)


def test_release_all_releases_a_staff_members_drafts(client, student, term, program_rubric):
    staff = StaffFactory()
    client.force_login(staff)
    client.post(
        reverse("feedback:review-edit", args=[student.pk, term.pk]),
        form_data(program_rubric, (70, 70, 70)),
    )
    page = client.get(reverse("feedback:students"), {"term": term.pk}).content.decode()
    assert "Release 1 draft" in page

    response = client.post(reverse("feedback:reviews-release-all"), {"term": term.pk})

    assert "1 review released. Your students can read it now." in messages_of(response)
    assert Review.objects.get().is_released


def test_release_all_service_counts_what_it_released(supervisor, student, term, rubric):
    save(supervisor, student, term, rubric, DEFAULT_SCORES)

    assert reviews_release_all(supervisor=supervisor, term=term) == 1
    assert reviews_release_all(supervisor=supervisor, term=term) == 0


def test_release_all_of_an_unknown_term_is_404(client, supervisor):
    client.force_login(supervisor)

    assert client.post(reverse("feedback:reviews-release-all"), {"term": 999999}).status_code == 404


def test_deleting_a_draft_but_not_a_released_review(client, supervisor, student, term, rubric):
    draft = save(supervisor, student, term, rubric, DEFAULT_SCORES)
    client.force_login(supervisor)

    client.post(reverse("feedback:review-delete", args=[draft.pk]))
    assert not Review.objects.exists()
    assert not ReviewScore.objects.exists()

    released = save(supervisor, student, term, rubric, DEFAULT_SCORES, release=True)
    response = client.post(reverse("feedback:review-delete", args=[released.pk]))
    assert "A released review cannot be deleted." in messages_of(response)
    assert Review.objects.filter(pk=released.pk).exists()
    with pytest.raises(ValidationError):
        review_delete_draft(review=released)


# --- History of released reviews --------------------------------------------------------


def test_editing_a_released_review_keeps_the_old_version(supervisor, student, term, rubric):
    review = save(
        supervisor, student, term, rubric, DEFAULT_SCORES, feedback="Old words", release=True
    )
    released_at = review.released_at

    save(supervisor, student, term, rubric, (100, 100, 100, 100, 100), feedback="New words")

    revision = ReviewRevision.objects.get()
    assert revision.review_id == review.pk
    assert revision.total == DEFAULT_TOTAL
    assert revision.feedback == "Old words"
    assert revision.released_at == released_at
    assert revision.replaced_by == supervisor
    # Each stored score keeps the criterion's names in every language (history is shown in
    # the reader's language); compare the English name, weight and score.
    assert [(s["criterion"], s["weight"], s["score"]) for s in revision.scores] == [
        ("Completeness", 20, 81),
        ("Quality of evidence", 25, 77),
        ("Reflection", 20, 64),
        ("Professional relevance", 20, 93),
        ("Presentation", 15, 58),
    ]
    review.refresh_from_db()
    assert review.total == Decimal("100.00")
    assert review.feedback == "New words"
    assert review.is_released
    assert review.released_at == released_at


def test_changing_only_the_feedback_of_a_released_review_is_a_revision(
    supervisor, student, term, rubric
):
    save(supervisor, student, term, rubric, DEFAULT_SCORES, feedback="Old", release=True)
    save(supervisor, student, term, rubric, DEFAULT_SCORES, feedback="Fixed a typo")

    assert ReviewRevision.objects.get().feedback == "Old"


def test_saving_a_released_review_unchanged_adds_no_revision(supervisor, student, term, rubric):
    save(supervisor, student, term, rubric, DEFAULT_SCORES, feedback="Same", release=True)
    save(supervisor, student, term, rubric, DEFAULT_SCORES, feedback="Same")

    assert not ReviewRevision.objects.exists()


def test_editing_a_draft_keeps_no_history(supervisor, student, term, rubric):
    save(supervisor, student, term, rubric, DEFAULT_SCORES, feedback="One")
    save(supervisor, student, term, rubric, (1, 2, 3, 4, 5), feedback="Two")
    save(supervisor, student, term, rubric, (5, 5, 5, 5, 5), feedback="Three", release=True)

    assert not ReviewRevision.objects.exists()


def test_the_supervisor_sees_earlier_versions_on_the_student_page(
    client, supervisor, student, term, rubric
):
    save(supervisor, student, term, rubric, DEFAULT_SCORES, release=True)
    save(supervisor, student, term, rubric, (100, 100, 100, 100, 100))
    client.force_login(supervisor)

    html = client.get(reverse("accounts:student-detail", args=[student.pk])).content.decode()

    assert "Earlier versions" in html
    assert "75.6" in html and "100.0" in html
    assert "Completeness 81" in html


# --- The portfolio score ----------------------------------------------------------------


def test_the_portfolio_score_is_the_mean_of_released_totals(
    client, supervisor, student, term, rubric
):
    second, drafting = SupervisorFactory(), SupervisorFactory()
    for other in (second, drafting):
        SupervisorAssignmentFactory(supervisor=other, student=student)
    save(supervisor, student, term, rubric, (80, 80, 80, 80, 80), release=True)
    save(second, student, term, rubric, (71, 71, 71, 71, 71), release=True)
    save(drafting, student, term, rubric, (0, 0, 0, 0, 0))  # a draft: not counted
    save(supervisor, student, TermFactory(), rubric, (10, 10, 10, 10, 10), release=True)

    rows = list(portfolio_scores(term=term))

    assert rows == [{"student_id": student.pk, "score": Decimal("75.5"), "review_count": 2}]
    assert student_score(student=student, term=term) == Decimal("75.5")
    client.force_login(student)
    html = client.get(reverse("feedback:my-reviews")).content.decode()
    assert "portfolio score 75.5" in html
    assert "your portfolio score is the mean of their totals" in html


def test_portfolio_scores_has_a_row_per_reviewed_student(supervisor, student, term, rubric):
    other = StudentFactory()
    SupervisorAssignmentFactory(supervisor=supervisor, student=other)
    save(supervisor, student, term, rubric, (60, 60, 60, 60, 60), release=True)
    save(supervisor, other, term, rubric, (90, 90, 90, 90, 90), release=True)

    scores = {row["student_id"]: row["score"] for row in portfolio_scores(term=term.pk)}

    assert scores == {student.pk: Decimal("60"), other.pk: Decimal("90")}


# --- Which rubric -----------------------------------------------------------------------


def test_rubric_for_prefers_the_programs_active_rubric(student, program_rubric):
    rubric_make((100,), program=student.program, is_active=False, name="Old rubric")

    assert rubric_for(student=student) == program_rubric


def test_rubric_for_falls_back_to_the_default_rubric(student, rubric):
    rubric_make((100,), program=student.program, is_active=False, name="Old rubric")
    rubric_make((100,), program=ProgramFactory(), name="Another program's rubric")

    assert rubric_for(student=student) == rubric


def test_a_student_without_a_program_rubric_is_reviewed_with_the_default_one(
    client, supervisor, student, term, rubric
):
    client.force_login(supervisor)
    url = reverse("feedback:review-edit", args=[student.pk, term.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Quality of evidence" in page.content.decode()

    client.post(url, form_data(rubric, DEFAULT_SCORES))
    assert Review.objects.get().total == DEFAULT_TOTAL


def test_a_review_keeps_its_rubric_when_the_program_gets_a_new_one(
    supervisor, student, term, program_rubric
):
    review = save(supervisor, student, term, program_rubric, (50, 50, 50))
    program_rubric.is_active = False
    program_rubric.save()
    rubric_make((100,), program=student.program, name="New rubric")

    again = review_save(
        supervisor=supervisor,
        student=student,
        term=term,
        scores=scores_for(program_rubric, 60, 60, 60),
    )

    assert again.pk == review.pk
    assert again.rubric == program_rubric
    assert again.total == Decimal("60.00")


def test_a_rubric_whose_weights_do_not_sum_to_100_is_refused(supervisor, student, term):
    broken = rubric_make((50, 40), program=student.program, name="Broken rubric")

    with pytest.raises(ValidationError) as error:
        save(supervisor, student, term, broken, (100, 100))

    assert error.value.code == "weights_sum"
    assert "The weights add up to 90; they must add up to 100." in error.value.messages
    assert not Review.objects.exists()


def test_the_review_page_warns_about_a_broken_rubric_and_saves_nothing(
    client, supervisor, student, term
):
    broken = rubric_make((50, 40), program=student.program, name="Broken rubric")
    client.force_login(supervisor)
    url = reverse("feedback:review-edit", args=[student.pk, term.pk])

    assert "do not add up to 100" in client.get(url).content.decode()
    response = client.post(url, form_data(broken, (100, 100)))

    assert response.status_code == 200
    assert "The weights add up to 90; they must add up to 100." in response.content.decode()
    assert not Review.objects.exists()


def test_no_rubric_at_all_is_a_clear_error(supervisor, student, term, rubric):
    rubric.is_active = False
    rubric.save()

    with pytest.raises(ValidationError) as error:
        review_save(supervisor=supervisor, student=student, term=term, scores={})

    assert error.value.code == "no_rubric"
    assert not Review.objects.exists()


# --- Terms ------------------------------------------------------------------------------


def test_making_a_term_current_leaves_exactly_one_current(term):
    autumn, spring = TermFactory(), TermFactory()

    term_make_current(term=autumn)
    assert list(Term.objects.filter(is_current=True)) == [autumn]
    assert current_term() == autumn

    term_make_current(term=spring)
    term_make_current(term=spring)
    assert list(Term.objects.filter(is_current=True)) == [spring]
    assert current_term() == spring


def test_the_database_allows_one_current_term(term):
    with pytest.raises(IntegrityError), transaction.atomic():
        TermFactory(is_current=True)
    assert Term.objects.filter(is_current=True).count() == 1


def test_a_term_ends_after_it_starts():
    start = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        TermFactory(starts_on=start, ends_on=start)


# --- Who may review whom ----------------------------------------------------------------


def test_reviewing_a_student_who_is_not_yours_is_404(client, student, term, program_rubric):
    stranger = SupervisorFactory()
    client.force_login(stranger)
    url = reverse("feedback:review-edit", args=[student.pk, term.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, form_data(program_rubric, (90, 90, 90))).status_code == 404
    assert not Review.objects.exists()


def test_another_supervisors_review_cannot_be_released_or_deleted(
    client, supervisor, student, term, rubric
):
    review = save(supervisor, student, term, rubric, DEFAULT_SCORES)
    colleague = SupervisorFactory()
    SupervisorAssignmentFactory(supervisor=colleague, student=student)  # even a co-supervisor
    client.force_login(colleague)

    assert client.post(reverse("feedback:review-release", args=[review.pk])).status_code == 404
    assert client.post(reverse("feedback:review-delete", args=[review.pk])).status_code == 404
    client.post(reverse("feedback:reviews-release-all"), {"term": term.pk})
    review.refresh_from_db()
    assert review.status == Review.Status.DRAFT


def test_a_supervisor_no_longer_assigned_cannot_touch_their_old_draft(
    client, supervisor, student, term, rubric
):
    review = save(supervisor, student, term, rubric, DEFAULT_SCORES)
    supervisor.supervised_links.all().delete()
    client.force_login(supervisor)

    assert client.post(reverse("feedback:review-release", args=[review.pk])).status_code == 404
    assert (
        client.get(reverse("feedback:review-edit", args=[student.pk, term.pk])).status_code == 404
    )


def test_staff_may_review_any_student(client, student, term, program_rubric):
    staff = StaffFactory()
    client.force_login(staff)
    url = reverse("feedback:review-edit", args=[student.pk, term.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, form_data(program_rubric, (100, 100, 100), action="release"))

    assert response.status_code == 302
    review = Review.objects.get()
    assert review.supervisor == staff
    assert review.total == Decimal("100.00")


def test_students_and_employers_cannot_open_the_review_page(client, student, term):
    url = reverse("feedback:review-edit", args=[student.pk, term.pk])
    client.force_login(student)
    assert client.get(url).status_code == 404


def test_supervisors_have_no_my_reviews_page(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("feedback:my-reviews")).status_code == 404


def test_an_unknown_term_is_404(client, supervisor, student):
    client.force_login(supervisor)
    url = reverse("feedback:review-edit", args=[student.pk, 999999])
    assert client.get(url).status_code == 404
