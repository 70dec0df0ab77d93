"""A student asks for verification; their supervisor verifies it, writes a review (a typo
in a score keeps what was typed) and releases it; the student reads it and the public page
shows the verified mark."""

import datetime
import importlib

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps

from accounts.models import Role
from accounts.services import supervisor_assign, user_create
from achievements.services import achievement_create
from feedback.models import Term
from portfolios.models import Category, Visibility
from portfolios.services import portfolio_get_or_create, portfolio_update
from tests.factories import CohortFactory, ProgramFactory

PASSWORD = "Tunduk-Bishkek-2026"


@pytest.fixture
def default_rubric(transactional_db):
    """The flush after each browser test removes the rubric a data migration made."""
    migration = importlib.import_module("feedback.migrations.0002_default_rubric")
    migration.create_default_rubric(apps, None)


@pytest.fixture
def people(default_sections, default_rubric):
    student = user_create(
        username="aibek", email="aibek@example.edu", role=Role.STUDENT, password=PASSWORD,
        first_name="Айбек", last_name="Токтогулов", program=ProgramFactory(code="programming"),
        cohort=CohortFactory(entry_year=2024),
    )  # fmt: skip
    supervisor = user_create(
        username="gulnara", email="gulnara@example.edu", role=Role.SUPERVISOR,
        password=PASSWORD, first_name="Гульнара", last_name="Мамбетова",
    )  # fmt: skip
    supervisor_assign(supervisor=supervisor, student=student)
    portfolio = portfolio_get_or_create(student=student)
    portfolio_update(portfolio=portfolio, skills=["Python"], visibility=Visibility.PUBLIC)
    achievement_create(
        portfolio=portfolio, category=Category.objects.get(code="certificates"),
        title="Olympiad in programming, 2nd place", visibility=Visibility.PUBLIC,
    )  # fmt: skip
    Term.objects.create(
        name_en="2026–27 autumn", starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 1, 25), is_current=True,
    )  # fmt: skip
    return student, supervisor


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username or e-mail").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/dashboard/")


def assert_accessible(page):
    """axe-core finds no serious or critical problem on the page (once its styles are in:
    before that, white navigation text sits on a white background)."""
    page.wait_for_load_state("load")
    violations = Axe().run(page).response["violations"]
    problems = [
        f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert problems == [], page.url


def test_verification_and_review(new_page, people):
    student, _supervisor = people
    title = "Olympiad in programming, 2nd place"

    student_page = new_page()
    log_in(student_page, "aibek")
    student_page.goto("/portfolio/")
    student_page.get_by_role("button", name=f"Ask to verify — {title}").click()
    assert student_page.get_by_text("Verification requested").is_visible()

    page = new_page()
    log_in(page, "gulnara")
    page.get_by_role("link", name="Verification requests").first.click()
    assert_accessible(page)
    page.get_by_role("button", name=f"Decline — {title}").click()
    # The refusal is summarised at the top and focused (it used to sit far below the fold);
    # its link moves focus to the reason.
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    page.wait_for_load_state("load")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert summary.get_by_text("Say why, so the student knows what to fix.").is_visible()
    summary.get_by_role("link").click()
    reason = page.get_by_label("Why you decline")
    assert reason.evaluate("field => field === document.activeElement")
    assert page.locator(".invalid-feedback").get_by_text("Say why").is_visible()
    page.get_by_role("button", name=f"Verify — {title}").click()
    assert page.get_by_text("is verified").is_visible()

    page.get_by_role("link", name="My students").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Review — Айбек Токтогулов").click()
    page.get_by_label("Completeness").fill("80")
    page.get_by_label("Quality of evidence").fill("101")
    page.get_by_label("Reflection").fill("70")
    page.get_by_label("Professional relevance").fill("90")
    page.get_by_label("Presentation").fill("60")
    page.get_by_label("Written feedback").fill(
        "Strong evidence; write more about what you learned."
    )
    page.get_by_role("button", name="Save draft").click()
    assert (
        page.locator(".invalid-feedback").get_by_text("A score is between 0 and 100.").is_visible()
    )
    page.wait_for_load_state("load")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.get_by_label("Written feedback").input_value().startswith("Strong evidence")
    assert page.get_by_label("Reflection").input_value() == "70"
    assert_accessible(page)
    page.get_by_label("Quality of evidence").fill("75")
    page.get_by_role("button", name="Save draft").click()
    assert page.get_by_text("Draft saved").is_visible()

    student_page.goto("/portfolio/reviews/")
    assert student_page.get_by_text("No reviews yet").is_visible()  # a draft stays private

    page.get_by_role("button", name="Release 1 draft").click()
    assert page.get_by_text("1 review released").is_visible()

    student_page.goto("/portfolio/reviews/")
    # 80·20 + 75·25 + 70·20 + 90·20 + 60·15 = 7575 → 75.75
    assert student_page.get_by_text("75.8 / 100").is_visible()
    assert student_page.get_by_text("Strong evidence; write more").is_visible()
    assert_accessible(student_page)

    visitor = new_page()
    visitor.goto(f"/p/{student.portfolio.slug}/")
    assert visitor.get_by_text("by Гульнара Мамбетова on").is_visible()
