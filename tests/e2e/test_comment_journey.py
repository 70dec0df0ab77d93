"""A supervisor comments on a student's public page and replies, live (htmx: no page
reload); the student hides the comment; a visitor then sees that it was hidden."""

import pytest

from accounts.models import Role
from accounts.services import supervisor_assign, user_create
from portfolios.models import Visibility
from portfolios.services import portfolio_get_or_create, portfolio_update
from tests.e2e.test_review_journey import PASSWORD, assert_accessible, log_in
from tests.factories import CohortFactory, ProgramFactory


@pytest.fixture
def people(default_sections):
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
    return student, supervisor


def test_comment_reply_and_hide(new_page, people):
    student, _supervisor = people
    url = f"/p/{student.portfolio.slug}/"

    page = new_page()
    log_in(page, "gulnara")
    page.goto(url)
    assert_accessible(page)
    # Set before posting: a full page load would lose it; an htmx swap keeps it.
    page.evaluate("window.noReload = 'still here'")
    page.get_by_label("Your comment").fill("Strong **evidence** in the robotics section.")
    page.get_by_role("button", name="Post comment").click()
    comments = page.locator("#comments")
    comments.get_by_text("Your comment has been posted.").wait_for()
    assert comments.locator("strong", has_text="evidence").is_visible()
    assert page.evaluate("window.noReload") == "still here"
    assert page.get_by_label("Your comment").input_value() == ""

    page.locator("summary", has_text="Reply").first.click()
    page.get_by_label("Your reply").fill("And add a photo of the final track.")
    page.get_by_role("button", name="Post reply").click()
    comments.get_by_text("Your reply has been posted.").wait_for()
    assert comments.locator(".comment-replies").get_by_text("photo of the final track").is_visible()
    assert page.evaluate("window.noReload") == "still here"
    assert_accessible(page)

    owner = new_page()
    log_in(owner, "aibek")
    owner.goto(url)
    owner.evaluate("window.noReload = 'still here'")
    owner.get_by_role("button", name="Hide — the comment by Гульнара Мамбетова").first.click()
    owner.locator("#comments").get_by_text("The comment is hidden.").wait_for()
    assert owner.get_by_text("Hidden by the owner").first.is_visible()
    assert owner.evaluate("window.noReload") == "still here"
    assert_accessible(owner)

    visitor = new_page()
    visitor.goto(url)
    assert visitor.get_by_text("This comment was hidden by the owner.").is_visible()
    assert visitor.get_by_text("Strong evidence").count() == 0
    assert visitor.get_by_text("photo of the final track").is_visible()  # the reply stays
    assert visitor.get_by_role("link", name="Log in to comment.").is_visible()
