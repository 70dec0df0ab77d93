"""An approved employer finds a student, opens their portfolio and invites them to get in
touch; the student sees the invitation, fills in an e-mail address and accepts sharing it;
the employer sees the address on the invitation's page, and nothing else."""

from tests.e2e.test_employer_journey import employer as employer  # noqa: F401 - fixture
from tests.e2e.test_employer_journey import log_in
from tests.e2e.test_employer_journey import student as student  # noqa: F401 - fixture
from tests.e2e.test_review_journey import assert_accessible


def test_employer_invites_and_student_shares_an_email(new_page, student, employer):  # noqa: F811
    page = new_page()
    log_in(page, "emil")
    page.get_by_role("link", name="Find students").first.click()
    page.get_by_role("searchbox").fill("energy studies")
    page.get_by_role("button", name="Search", exact=True).click()
    assert page.get_by_role("link", name="Invite to get in touch — Мээрим Исакова").is_visible()
    page.get_by_role("link", name="Мээрим Исакова").first.click()
    page.get_by_role("link", name="Invite to get in touch").click()
    assert_accessible(page)
    page.get_by_label("Message to the student").fill("We liked your **energy study**.")
    page.get_by_role("button", name="Send invitation").click()
    # The purpose is missing: an error, and the message stays.
    assert page.locator(".invalid-feedback").first.is_visible()
    assert page.get_by_label("Message to the student").input_value() == (
        "We liked your **energy study**."
    )
    page.get_by_label("Purpose or position").fill("Junior data analyst")
    page.get_by_role("button", name="Send invitation").click()
    assert page.get_by_role("heading", name="Junior data analyst").is_visible()
    assert page.get_by_text("Waiting for an answer").first.is_visible()

    student_page = new_page()
    log_in(student_page, "meerim")
    student_page.get_by_role("link", name="Read and answer").click()
    assert_accessible(student_page)
    student_page.get_by_role("link", name="Junior data analyst").click()
    assert student_page.locator(".user-content strong").inner_text() == "energy study"
    student_page.get_by_role("link", name="My contact details").last.click()
    student_page.get_by_label("e-mail address").fill("meerim.work@example.edu")
    student_page.get_by_label("phone number").fill("+996 555 123 456")
    student_page.get_by_role("button", name="Save").click()
    assert_accessible(student_page)
    student_page.get_by_role("link", name="Invitations").first.click()
    student_page.get_by_role("link", name="Junior data analyst").click()
    student_page.get_by_label("Accept and share contact details").check()
    student_page.get_by_label("e-mail address: meerim.work@example.edu").check()
    student_page.get_by_label("Short reply (optional)").fill("Glad to talk!")
    student_page.get_by_role("button", name="Send answer").click()
    assert student_page.get_by_text("What you shared").is_visible()
    assert_accessible(student_page)

    page.goto("/notifications/")
    assert page.get_by_text("Мээрим Исакова accepted your invitation").first.is_visible()
    page.goto("/contacts/sent/")
    page.get_by_role("link", name="Junior data analyst").click()
    shared = page.locator("#shared-details")
    assert "meerim.work@example.edu" in shared.inner_text()
    assert "+996 555 123 456" not in page.content()  # not ticked: not shared
    assert page.get_by_text("Glad to talk!").is_visible()
    assert_accessible(page)
