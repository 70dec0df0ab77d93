"""axe-core (shipped inside axe-playwright-python) finds no serious or critical problem."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import TEST_PASSWORD, CohortFactory, NotificationFactory, ProgramFactory

PAGES = ["/", "/accounts/login/", "/accounts/signup/"]
LANGUAGES = ["en", "ru", "ky"]


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_problem(new_page, axe, path, language):
    ProgramFactory(code="programming", name_en="Programming")
    CohortFactory(entry_year=2025)
    page = new_page(language=language)
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == language

    results = axe.run(page)
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert problems == []


@pytest.mark.parametrize("path", PAGES)
def test_pages_work_on_a_small_screen(new_page, path):
    page = new_page()
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the page scrolls sideways on a phone"
    page.get_by_role("button", name="Open the menu").click()
    assert page.get_by_role("link", name="Log in").first.is_visible()


def test_unread_notifications_are_readable(new_page, axe):
    """An unread notification's link on its light blue row: Bootstrap's link blue there was
    3.42:1 (axe "color-contrast", serious); text needs 4.5:1."""
    notification = NotificationFactory()
    page = new_page(language="en")
    page.goto("/accounts/login/")
    page.get_by_label("Username or e-mail").fill(notification.recipient.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/dashboard/")
    page.goto("/notifications/")
    unread = page.locator(".list-group-item-primary .btn-link")
    assert unread.count() == 1

    results = axe.run(page, context=".list-group", options={"runOnly": ["color-contrast"]})
    assert results.response["violations"] == []
