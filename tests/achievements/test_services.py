"""Achievement services: order within a section, grades only for academic items, dates in
order, and files that follow their rows (deleted with the row, kept if the row stays)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from achievements.models import Achievement, Evidence
from achievements.services import (
    achievement_create,
    achievement_delete,
    achievement_move,
    achievement_update,
    evidence_delete,
)
from core.files.uploads import prepare_upload
from portfolios.models import Visibility
from portfolios.services import portfolio_update
from tests.factories import (
    StudentFactory,
    achievement_for,
    pdf_bytes,
    png_bytes,
    portfolio_for,
    section,
    stored_media_files,
    uploaded_file,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio():
    return portfolio_for(StudentFactory(username="aida"))


def titles_in(portfolio, code):
    return list(
        Achievement.objects.filter(portfolio=portfolio, category=section(code))
        .order_by("order", "-start_date", "pk")
        .values_list("title", flat=True)
    )


@pytest.fixture
def three_in_sports(portfolio):
    return [achievement_for(portfolio, title=t, section_code="sports") for t in ("A", "B", "C")]


# --- Order -------------------------------------------------------------------------------


def test_new_achievements_go_to_the_end_of_their_section(portfolio, three_in_sports):
    assert [a.order for a in three_in_sports] == [1, 2, 3]
    other = achievement_for(portfolio, title="Elsewhere", section_code="academic")
    assert other.order == 1


def test_moving_the_first_up_or_the_last_down_changes_nothing(portfolio, three_in_sports):
    first, _, last = three_in_sports

    achievement_move(achievement=first, direction="up")
    achievement_move(achievement=last, direction="down")

    assert titles_in(portfolio, "sports") == ["A", "B", "C"]


def test_moving_swaps_with_the_neighbour(portfolio, three_in_sports):
    _, middle, _ = three_in_sports

    achievement_move(achievement=middle, direction="up")
    assert titles_in(portfolio, "sports") == ["B", "A", "C"]

    achievement_move(achievement=middle, direction="down")
    achievement_move(achievement=middle, direction="down")
    assert titles_in(portfolio, "sports") == ["A", "C", "B"]


def test_moving_stays_inside_the_section_and_the_portfolio(portfolio, three_in_sports):
    other_portfolio = portfolio_for(StudentFactory())
    stranger = achievement_for(other_portfolio, title="Stranger", section_code="sports")
    academic = achievement_for(portfolio, title="Academic", section_code="academic")

    achievement_move(achievement=three_in_sports[0], direction="up")
    achievement_move(achievement=academic, direction="down")

    assert titles_in(portfolio, "sports") == ["A", "B", "C"]
    assert titles_in(other_portfolio, "sports") == ["Stranger"]
    stranger.refresh_from_db()
    assert stranger.order == 1


def test_moving_repairs_duplicate_positions(portfolio, three_in_sports):
    Achievement.objects.filter(portfolio=portfolio).update(order=0)

    achievement_move(achievement=three_in_sports[2], direction="up")

    orders = list(
        Achievement.objects.filter(portfolio=portfolio)
        .order_by("order")
        .values_list("order", flat=True)
    )
    assert orders == [1, 2, 3]
    assert titles_in(portfolio, "sports") == ["A", "C", "B"]


def test_changing_the_section_puts_the_item_at_the_end_of_the_new_one(portfolio, three_in_sports):
    moved = achievement_for(portfolio, title="Moved", section_code="social")

    achievement_update(achievement=moved, category=section("sports"))

    assert titles_in(portfolio, "sports") == ["A", "B", "C", "Moved"]


def test_changing_the_section_in_the_edit_form_puts_the_item_at_the_end(
    client, portfolio, three_in_sports
):
    moved = achievement_for(portfolio, title="Moved", section_code="social")
    client.force_login(portfolio.student)

    client.post(
        reverse("achievements:edit", args=[moved.pk]),
        {"category": section("sports").pk, "title": "Moved", "visibility": Visibility.PRIVATE},
    )

    assert titles_in(portfolio, "sports") == ["A", "B", "C", "Moved"]


# --- Grades and dates ----------------------------------------------------------------------


def edit_form(client, portfolio, **fields):
    client.force_login(portfolio.student)
    data = {"title": "Item", "visibility": Visibility.PRIVATE, **fields}
    return client.post(reverse("achievements:create"), data)


def test_a_grade_is_allowed_for_academic_items(client, portfolio):
    response = edit_form(client, portfolio, category=section("academic").pk, grade="5")

    assert response.status_code == 302
    assert Achievement.objects.get().grade == "5"


def test_a_grade_on_a_non_academic_item_is_a_form_error(client, portfolio):
    response = edit_form(client, portfolio, category=section("sports").pk, grade="5")

    assert response.status_code == 200
    assert response.context["form"].errors["grade"] == ["Only academic items have a grade."]
    assert not Achievement.objects.exists()


def test_the_service_refuses_a_grade_outside_academic_sections(portfolio):
    with pytest.raises(ValidationError) as error:
        achievement_create(portfolio=portfolio, category=section("sports"), title="X", grade="5")

    assert "grade" in error.value.message_dict
    assert not Achievement.objects.exists()


def test_moving_a_graded_item_out_of_academic_is_refused(portfolio):
    graded = achievement_for(portfolio, title="Exam", section_code="academic", grade="5")

    with pytest.raises(ValidationError):
        achievement_update(achievement=graded, category=section("sports"))

    graded.refresh_from_db()
    assert graded.category == section("academic")


def test_an_end_date_before_the_start_is_a_form_error(client, portfolio):
    response = edit_form(
        client,
        portfolio,
        category=section("experience").pk,
        start_date="2025-06-01",
        end_date="2025-05-01",
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["end_date"]
    assert errors == ["The end date cannot be before the start date."]
    assert not Achievement.objects.exists()


def test_an_end_date_without_a_start_is_a_form_error(client, portfolio):
    response = edit_form(
        client, portfolio, category=section("experience").pk, end_date="2025-05-01"
    )

    assert response.status_code == 200
    assert response.context["form"].errors["start_date"] == ["Give the start date too."]


def test_a_date_range_in_order_is_saved_and_shown(client, portfolio):
    portfolio_for(portfolio.student, visibility=Visibility.PUBLIC)
    response = edit_form(
        client,
        portfolio,
        category=section("experience").pk,
        start_date="2025-05-01",
        end_date="2025-06-01",
        visibility=Visibility.PUBLIC,
    )

    assert response.status_code == 302
    html = client.get(reverse("portfolios:public", args=[portfolio.slug])).content.decode()
    assert '<time datetime="2025-05-01">May 1 – June 1, 2025</time>' in html


def test_the_database_refuses_dates_out_of_order_too(portfolio):
    with pytest.raises(ValidationError):
        achievement_create(
            portfolio=portfolio,
            category=section("experience"),
            title="X",
            start_date="2025-06-01",
            end_date="2025-05-01",
        )


def test_unknown_fields_are_a_programming_error(portfolio):
    with pytest.raises(TypeError):
        achievement_create(portfolio=portfolio, category=section("sports"), title="X", owner=1)


def test_new_items_take_the_portfolios_default_visibility(portfolio):
    portfolio = portfolio_for(portfolio.student, default_visibility=Visibility.SIGNED_IN)

    item = achievement_create(portfolio=portfolio, category=section("sports"), title="X")

    assert item.visibility == Visibility.SIGNED_IN


# --- Files follow their rows ---------------------------------------------------------------


def test_deleting_a_student_account_deletes_all_their_files(
    portfolio, django_capture_on_commit_callbacks
):
    portfolio_update(
        portfolio=portfolio, skills=[], photo=prepare_upload(uploaded_file("me.png", png_bytes()))
    )
    achievement_for(portfolio, title="A", files=[("a.pdf", pdf_bytes()), ("b.png", png_bytes())])
    achievement_for(portfolio, title="B", files=[("c.pdf", pdf_bytes())])
    someone_else = portfolio_for(StudentFactory())
    achievement_for(someone_else, title="Theirs", files=[("d.pdf", pdf_bytes())])
    theirs = Evidence.objects.get(achievement__portfolio=someone_else).file.name
    assert len(stored_media_files()) == 2 + 4 + 1 + 1

    with django_capture_on_commit_callbacks(execute=True):
        portfolio.student.delete()

    assert stored_media_files() == [theirs]
    assert not Achievement.objects.filter(title__in=["A", "B"]).exists()


def test_deleting_an_achievement_deletes_its_files_after_commit(
    portfolio, django_capture_on_commit_callbacks
):
    item = achievement_for(portfolio, title="A", files=[("b.png", png_bytes())])
    names = item.evidence.get().stored_names()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        achievement_delete(achievement=item)
    assert all(default_storage.exists(n) for n in names)  # not before the commit
    for callback in callbacks:
        callback()

    assert not any(default_storage.exists(n) for n in names)


def test_files_stay_when_the_deletion_is_rolled_back(portfolio, django_capture_on_commit_callbacks):
    item = achievement_for(portfolio, title="A", files=[("a.pdf", pdf_bytes())])
    evidence = item.evidence.get()
    pk, name = evidence.pk, evidence.file.name

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        evidence_delete(evidence=evidence)
        raise RuntimeError("something else failed")

    assert Evidence.objects.filter(pk=pk).exists()
    assert default_storage.exists(name)


def test_a_failing_save_after_the_files_leaves_nothing(portfolio, monkeypatch):
    """The database refuses the row after the files were written: the files go too."""

    def refuse(self, *args, **kwargs):
        raise ValidationError("refused")

    monkeypatch.setattr(Evidence, "full_clean", refuse)

    with pytest.raises(ValidationError):
        achievement_create(
            portfolio=portfolio,
            category=section("sports"),
            title="X",
            files=[prepare_upload(uploaded_file("a.png", png_bytes()))],
        )

    assert not Achievement.objects.exists()
    assert stored_media_files() == []
