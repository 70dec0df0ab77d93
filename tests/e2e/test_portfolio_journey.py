"""A student fills a section with evidence, makes the page public and a visitor sees it."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from accounts.models import Role
from accounts.services import user_create
from demo.portfolios import make_image
from tests.factories import CohortFactory, ProgramFactory

PASSWORD = "Tunduk-Bishkek-2026"


@pytest.fixture
def student():
    return user_create(
        username="nurgul", email="nurgul@example.edu", role=Role.STUDENT, password=PASSWORD,
        first_name="Нургуль", last_name="Асанова", program=ProgramFactory(code="design"),
        cohort=CohortFactory(entry_year=2025),
    )  # fmt: skip


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username or e-mail").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/dashboard/")


def test_student_adds_evidence_and_publishes(new_page, student, tmp_path):
    image = tmp_path / "diploma.jpg"
    image.write_bytes(make_image("Diploma", "Design contest", seed=3))
    page = new_page()
    log_in(page, "nurgul")

    page.get_by_role("link", name="Open my portfolio").click()
    page.wait_for_url("**/portfolio/")
    assert "Sports" in page.locator("main").inner_text()  # empty sections explain themselves
    page.get_by_role("link", name="Add — Certificates and awards").click()
    page.get_by_label("Title").fill("Poster contest, 1st place")
    page.locator("#id_files").set_input_files([str(image)])
    page.get_by_label("Who can see it").select_option(label="Everyone")
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_url("**/edit/")
    assert page.get_by_role("img", name="diploma.jpg").is_visible()

    page.goto("/portfolio/profile/")
    page.get_by_label("Headline").fill("Graphic designer in the making")
    page.get_by_label("Who can see my page").select_option(label="Everyone")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/portfolio/")

    visitor = new_page()
    visitor.goto(f"/p/{student.portfolio.slug}/")
    assert visitor.get_by_role("heading", name="Нургуль Асанова").is_visible()
    assert visitor.get_by_role("heading", name="Poster contest, 1st place").is_visible()
    thumbnail = visitor.get_by_role("img", name="diploma.jpg")
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")

    results = Axe().run(visitor)
    serious = [v["id"] for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]  # fmt: skip
    assert serious == []


@pytest.mark.parametrize("path", ["/portfolio/", "/portfolio/profile/", "/portfolio/share/",
                                  "/portfolio/achievements/new/"])  # fmt: skip
def test_editor_pages_are_accessible(new_page, student, path):
    page = new_page()
    log_in(page, "nurgul")
    page.goto(path)
    results = Axe().run(page)
    serious = [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:4]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
