from django.utils import translation

from accounts.models import Role, User
from tests.factories import CohortFactory, ProgramFactory

PASSWORD = "Tunduk-Bishkek-2026"


def test_new_student_signs_up_logs_in_and_switches_to_kyrgyz(new_page):
    ProgramFactory(code="programming", name_en="Programming", name_ky="Программалоо")
    CohortFactory(entry_year=2025)
    page = new_page()

    page.goto("/")
    page.get_by_role("link", name="Create a student account").click()
    page.get_by_label("First name").fill("Бегимай")
    page.get_by_label("Last name").fill("Сыдыкова")
    page.get_by_label("E-mail address").fill("begimai@example.edu")
    page.get_by_label("Program").select_option(label="Programming")
    page.get_by_label("Year of entry").select_option(label="2025")
    page.get_by_label("Username").fill("begimai")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    page.wait_for_url("**/accounts/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Бегимай Сыдыкова"
    assert User.objects.get(username="begimai").role == Role.STUDENT

    # Log out from the account menu (a POST form).
    page.get_by_role("button", name="Бегимай Сыдыкова").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/")
    assert page.get_by_role("link", name="Log in").first.is_visible()

    # Log in again, this time with the e-mail address.
    page.goto("/accounts/login/")
    page.get_by_label("Username or e-mail").fill("begimai@example.edu")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/dashboard/")

    # Switch to Kyrgyz with the language switcher.
    page.locator('button[name="language"][value="ky"]').click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ky"
    with translation.override("ky"):
        expected = translation.gettext("Hello, %(name)s") % {"name": "Бегимай Сыдыкова"}
        program = translation.gettext("Program")
    assert expected != "Hello, Бегимай Сыдыкова"
    assert page.get_by_role("heading", level=1).inner_text() == expected
    assert program in page.locator("main").inner_text()
    assert "Программалоо" in page.locator("main").inner_text()
    assert User.objects.get(username="begimai").preferred_language == "ky"
