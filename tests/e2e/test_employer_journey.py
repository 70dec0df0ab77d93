"""An approved employer finds a student by a skill, shortlists them with a note and leaves
feedback (a missing rating keeps what was typed); the student reads the feedback."""

import pytest

from accounts.models import Role
from accounts.services import user_create
from achievements.services import achievement_create
from portfolios.models import Category, Visibility
from portfolios.services import portfolio_get_or_create, portfolio_update
from tests.e2e.test_review_journey import assert_accessible
from tests.factories import CohortFactory, EmployerFactory, ProgramFactory

PASSWORD = "Tunduk-Bishkek-2026"


@pytest.fixture
def student(default_sections):
    student = user_create(
        username="meerim", email="meerim@example.edu", role=Role.STUDENT, password=PASSWORD,
        first_name="Мээрим", last_name="Исакова", program=ProgramFactory(code="programming"),
        cohort=CohortFactory(entry_year=2023),
    )  # fmt: skip
    portfolio = portfolio_get_or_create(student=student)
    portfolio_update(
        portfolio=portfolio, skills=["Python", "SQL"], headline="Junior data analyst",
        visibility=Visibility.SIGNED_IN, open_to_work=True,
    )  # fmt: skip
    achievement_create(
        portfolio=portfolio, category=Category.objects.get(code="research"),
        title="Dormitory energy study in Python", visibility=Visibility.SIGNED_IN,
    )  # fmt: skip
    return student


@pytest.fixture
def employer():
    employer = EmployerFactory(username="emil", approved=True, first_name="Эмиль",
                               last_name="Касымов")  # fmt: skip
    employer.set_password(PASSWORD)
    employer.save()
    return employer


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username or e-mail").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/dashboard/")


def test_employer_finds_shortlists_and_gives_feedback(new_page, student, employer):
    page = new_page()
    log_in(page, "emil")
    page.get_by_role("link", name="Find students").first.click()
    page.get_by_role("searchbox").fill("energy studies")  # stemmed: "study" matches
    page.get_by_role("button", name="Search", exact=True).click()
    assert page.get_by_role("link", name="Мээрим Исакова").first.is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add to shortlist — Мээрим Исакова").click()
    page.get_by_role("link", name="Shortlist").first.click()
    assert page.get_by_role("link", name="Мээрим Исакова").first.is_visible()
    assert_accessible(page)

    page.goto(f"/p/{student.portfolio.slug}/")
    page.get_by_role("link", name="Leave feedback").click()
    page.get_by_role("group", name="Presentation").get_by_label("4").check()
    page.get_by_role("group", name="Relevance of skills").get_by_label("5").check()
    page.get_by_label("Comment for the student").fill("Clear research; add the code.")
    page.get_by_role("button", name="Send feedback").click()
    # The third rating is missing: an error, and nothing typed is lost.
    assert page.locator(".invalid-feedback").first.is_visible()
    assert page.get_by_label("Comment for the student").input_value() == (
        "Clear research; add the code."
    )
    assert_accessible(page)
    page.get_by_role("group", name="Credibility of evidence").get_by_label("3").check()
    page.get_by_label("I would invite this student to an interview").check()
    page.get_by_role("button", name="Send feedback").click()
    assert page.get_by_text("can now read your feedback").is_visible()

    student_page = new_page()
    student_page.goto("/accounts/login/")
    student_page.get_by_label("Username or e-mail").fill("meerim")
    student_page.locator("#id_password").fill(PASSWORD)
    student_page.get_by_role("button", name="Log in").click()
    student_page.goto("/portfolio/employer-feedback/")
    assert student_page.get_by_text("Clear research; add the code.").is_visible()
    assert_accessible(student_page)
