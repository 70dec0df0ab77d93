"""The administration of terms, rubrics and reviews: one current term, rubric weights that
sum to 100, and staff correcting a review's status."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from feedback.models import Review, Rubric, RubricCriterion, Term
from feedback.services.reviews import review_save
from tests.factories import (
    ProgramFactory,
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    TermFactory,
    default_rubric,
    scores_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    from accounts.services import staff_group_ensure

    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    return client


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def rubric_post(
    criteria, *, name="Teacher education rubric", program=None, is_active=True, existing=None
):
    """The admin form for a rubric with ``criteria``: (name, weight) or
    (criterion, weight, delete) for existing ones."""
    data = {
        "name_en": name,
        "name_ru": "",
        "name_ky": "",
        "program": program.pk if program else "",
        "criteria-TOTAL_FORMS": len(criteria),
        "criteria-INITIAL_FORMS": sum(1 for c in criteria if not isinstance(c[0], str)),
        "criteria-MIN_NUM_FORMS": 1,
        "criteria-MAX_NUM_FORMS": 1000,
    }
    if is_active:
        data["is_active"] = "on"
    for index, (criterion, weight, *delete) in enumerate(criteria):
        prefix = f"criteria-{index}-"
        if isinstance(criterion, str):
            data.update({prefix + "name_en": criterion, prefix + "id": ""})
        else:
            data.update(
                {
                    prefix + "name_en": criterion.name_en,
                    prefix + "id": criterion.pk,
                    prefix + "rubric": existing.pk,
                }
            )
        data.update({prefix + "weight": weight, prefix + "order": index + 1})
        if delete and delete[0]:
            data[prefix + "DELETE"] = "on"
    return data


# --- Rubrics ----------------------------------------------------------------------------


def test_a_rubric_whose_weights_sum_to_100_is_saved(staff_client):
    program = ProgramFactory()

    response = staff_client.post(
        reverse("admin:feedback_rubric_add"),
        rubric_post([("Lesson plans", 40), ("Practice", 35), ("Reflection", 25)], program=program),
    )

    assert response.status_code == 302
    rubric = Rubric.objects.get(name_en="Teacher education rubric")
    assert rubric.program == program and rubric.is_active
    assert list(rubric.criteria.values_list("name_en", "weight")) == [
        ("Lesson plans", 40),
        ("Practice", 35),
        ("Reflection", 25),
    ]


@pytest.mark.parametrize("weights", [(40, 35, 20), (50, 51), (100, 1)])
def test_a_rubric_whose_weights_do_not_sum_to_100_is_refused(staff_client, weights):
    criteria = [(f"Criterion {n}", w) for n, w in enumerate(weights)]

    response = staff_client.post(
        reverse("admin:feedback_rubric_add"), rubric_post(criteria, program=ProgramFactory())
    )

    assert response.status_code == 200
    message = f"The weights add up to {sum(weights)}; they must add up to 100."
    assert message in response.content.decode()
    assert message in response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert not Rubric.objects.filter(name_en="Teacher education rubric").exists()
    assert not RubricCriterion.objects.filter(name_en__startswith="Criterion").exists()


def test_changing_a_weight_of_the_default_rubric_must_keep_the_sum(staff_client):
    rubric = default_rubric()
    criteria = list(rubric.criteria.order_by("order"))
    rows = [(c, c.weight) for c in criteria]
    rows[0] = (criteria[0], 30)  # 110 in all

    response = staff_client.post(
        reverse("admin:feedback_rubric_change", args=[rubric.pk]),
        rubric_post(rows, name=rubric.name_en, existing=rubric),
    )

    assert response.status_code == 200
    assert "The weights add up to 110; they must add up to 100." in response.content.decode()
    assert [c.weight for c in rubric.criteria.order_by("order")] == [20, 25, 20, 20, 15]


def test_moving_weight_between_criteria_is_fine(staff_client):
    rubric = default_rubric()
    criteria = list(rubric.criteria.order_by("order"))
    rows = [(c, c.weight) for c in criteria]
    rows[0], rows[1] = (criteria[0], 25), (criteria[1], 20)

    response = staff_client.post(
        reverse("admin:feedback_rubric_change", args=[rubric.pk]),
        rubric_post(rows, name=rubric.name_en, existing=rubric),
    )

    assert response.status_code == 302
    assert [c.weight for c in rubric.criteria.order_by("order")] == [25, 20, 20, 20, 15]


def test_deleting_a_criterion_counts_only_the_ones_left(staff_client):
    rubric = default_rubric()
    criteria = list(rubric.criteria.order_by("order"))
    rows = [(c, c.weight, False) for c in criteria]
    rows[4] = (criteria[4], 15, True)  # 85 left

    response = staff_client.post(
        reverse("admin:feedback_rubric_change", args=[rubric.pk]),
        rubric_post(rows, name=rubric.name_en, existing=rubric),
    )

    assert response.status_code == 200
    assert "The weights add up to 85; they must add up to 100." in response.content.decode()
    assert rubric.criteria.count() == 5

    rows[0] = (criteria[0], 35, False)  # the deleted 15 moved to the first: 100
    response = staff_client.post(
        reverse("admin:feedback_rubric_change", args=[rubric.pk]),
        rubric_post(rows, name=rubric.name_en, existing=rubric),
    )
    assert response.status_code == 302
    assert list(rubric.criteria.order_by("order").values_list("weight", flat=True)) == [
        35,
        25,
        20,
        20,
    ]


def test_a_second_active_rubric_for_a_program_is_refused(staff_client):
    program = ProgramFactory()
    staff_client.post(
        reverse("admin:feedback_rubric_add"), rubric_post([("One", 100)], program=program)
    )

    response = staff_client.post(
        reverse("admin:feedback_rubric_add"),
        rubric_post([("Two", 100)], name="Second rubric", program=program),
    )

    assert response.status_code == 200
    assert "This program already has a rubric in use." in response.content.decode()
    assert Rubric.objects.filter(program=program).count() == 1


def test_a_criterion_weight_is_between_1_and_100(staff_client):
    response = staff_client.post(
        reverse("admin:feedback_rubric_add"),
        rubric_post([("Zero", 0), ("All", 100)], program=ProgramFactory()),
    )

    assert response.status_code == 200
    assert not Rubric.objects.filter(name_en="Teacher education rubric").exists()


def test_the_rubric_list_shows_criteria_and_weights(staff_client):
    html = staff_client.get(reverse("admin:feedback_rubric_changelist")).content.decode()

    assert "Completeness 20%, Quality of evidence 25%, Reflection 20%" in html


# --- Terms ------------------------------------------------------------------------------


def _term_post(name, *, current):
    data = {
        "name_en": name,
        "name_ru": "",
        "name_ky": "",
        "starts_on": "2026-02-01",
        "ends_on": "2026-06-30",
    }
    if current:
        data["is_current"] = "on"
    return data


def test_adding_the_first_term_as_current(staff_client):
    response = staff_client.post(
        reverse("admin:feedback_term_add"), _term_post("2026 spring", current=True)
    )

    assert response.status_code == 302
    assert list(Term.objects.filter(is_current=True).values_list("name_en", flat=True)) == [
        "2026 spring"
    ]


def test_ticking_current_on_a_new_term_moves_current_to_it(staff_client):
    """The field's help text promises: marking one current unmarks the others."""
    TermFactory(name_en="2025 autumn", is_current=True)

    response = staff_client.post(
        reverse("admin:feedback_term_add"), _term_post("2026 spring", current=True)
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(Term.objects.filter(is_current=True).values_list("name_en", flat=True)) == [
        "2026 spring"
    ]


def test_ticking_current_on_an_existing_term_moves_current_to_it(staff_client):
    old = TermFactory(name_en="2025 autumn", is_current=True)
    spring = TermFactory(name_en="2026 spring")

    response = staff_client.post(
        reverse("admin:feedback_term_change", args=[spring.pk]),
        _term_post("2026 spring", current=True),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    old.refresh_from_db()
    spring.refresh_from_db()
    assert (old.is_current, spring.is_current) == (False, True)


def test_the_make_current_action_leaves_exactly_one_current_term(staff_client):
    old = TermFactory(name_en="2025 autumn", is_current=True)
    new = TermFactory(name_en="2026 spring")

    response = staff_client.post(
        reverse("admin:feedback_term_changelist"),
        {"action": "make_current", "_selected_action": [new.pk]},
    )

    assert response.status_code == 302
    assert "“2026 spring” is now the current term." in messages_of(response)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.is_current, new.is_current) == (False, True)
    assert Term.objects.filter(is_current=True).count() == 1


def test_the_make_current_action_needs_exactly_one_term(staff_client):
    old = TermFactory(name_en="2025 autumn", is_current=True)
    first, second = TermFactory(), TermFactory()

    response = staff_client.post(
        reverse("admin:feedback_term_changelist"),
        {"action": "make_current", "_selected_action": [first.pk, second.pk]},
    )

    assert "Choose exactly one term." in messages_of(response)
    assert list(Term.objects.filter(is_current=True)) == [old]


def test_a_term_must_end_after_it_starts(staff_client):
    data = _term_post("Backwards", current=False)
    data["ends_on"] = "2026-01-01"

    response = staff_client.post(reverse("admin:feedback_term_add"), data)

    assert response.status_code == 200
    assert "A term must end after it starts." in response.content.decode()
    assert not Term.objects.filter(name_en="Backwards").exists()


# --- Reviews ----------------------------------------------------------------------------


def test_staff_cannot_change_a_review_in_the_admin(staff_client):
    """Reviews change only on the site, where released ones keep their history."""
    student = StudentFactory()
    assignment = SupervisorAssignmentFactory(student=student)
    rubric = default_rubric()
    review = review_save(
        supervisor=assignment.supervisor,
        student=student,
        term=TermFactory(is_current=True),
        scores=scores_for(rubric, 50, 60, 70, 80, 90),
        feedback="Fine",
        expected_rubric=rubric,
    )

    staff_client.post(
        reverse("admin:feedback_review_change", args=[review.pk]),
        {
            "status": "released",
            "feedback": "Fine, **really**.",
            "scores-TOTAL_FORMS": 5,
            "scores-INITIAL_FORMS": 5,
            "scores-MIN_NUM_FORMS": 0,
            "scores-MAX_NUM_FORMS": 1000,
            "revisions-TOTAL_FORMS": 0,
            "revisions-INITIAL_FORMS": 0,
            "revisions-MIN_NUM_FORMS": 0,
            "revisions-MAX_NUM_FORMS": 1000,
            **{f"scores-{i}-id": s.pk for i, s in enumerate(review.scores.all())},
            **{f"scores-{i}-review": review.pk for i in range(5)},
        },
    )

    review.refresh_from_db()
    assert review.status == Review.Status.DRAFT
    assert review.released_at is None
    assert review.feedback == "Fine"
    page = staff_client.get(reverse("admin:feedback_review_change", args=[review.pk]))
    assert page.status_code == 200
    assert 'name="feedback"' not in page.content.decode()
