"""Staff find the students nobody supervises from their dashboard and assign several at
once, telling namesakes apart by program, cohort and username."""

from tests.e2e.test_review_journey import PASSWORD, assert_accessible, log_in
from tests.factories import (
    CohortFactory,
    ProgramFactory,
    StaffFactory,
    StudentFactory,
    SupervisorFactory,
)


def test_staff_assign_a_supervisor_to_several_students(new_page):
    staff = StaffFactory(username="dean")
    staff.set_password(PASSWORD)
    staff.save()
    SupervisorFactory(username="gmambetova", first_name="Гульнара", last_name="Мамбетова")
    cohort = CohortFactory(entry_year=2024)
    for username, program in (("aisakov", "Informatics"), ("aisakov2", "Law")):
        StudentFactory(username=username, first_name="Азамат", last_name="Исаков",
                       program=ProgramFactory(name_en=program), cohort=cohort)  # fmt: skip

    page = new_page()
    log_in(page, "dean")
    page.get_by_role("link", name="Assign supervisors").click()
    page.wait_for_url("**/accounts/students/unassigned/")
    assert_accessible(page)
    page.get_by_role("button", name="Assign to this supervisor").click()
    page.locator("[data-error-summary]").wait_for()
    page.wait_for_load_state("load")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    page.get_by_label("Supervisor").select_option(label="Гульнара Мамбетова · gmambetova")
    for checkbox in page.get_by_role("checkbox", name="Азамат Исаков").all():
        checkbox.check()
    page.get_by_role("button", name="Assign to this supervisor").click()
    assert page.get_by_text("2 students assigned to Гульнара Мамбетова.").is_visible()
    assert page.get_by_text("Every student here has a supervisor.").is_visible()
