"""Someone holding a secret link reads a private page's journal post, looks at its picture
and switches the language, without an account; every address stays under the link."""

from portfolios.models import Visibility
from portfolios.services import share_link_create
from tests.e2e.test_review_journey import assert_accessible
from tests.factories import StudentFactory, png_bytes, portfolio_for, post_for


def test_a_link_holder_reads_the_journal_and_switches_the_language(new_page):
    student = StudentFactory(first_name="Айдай", last_name="Садыкова")
    portfolio = portfolio_for(student, visibility=Visibility.PRIVATE)
    post_for(portfolio, title="Robotics club", body="The line follower **works**.",
             visibility=Visibility.SIGNED_IN, files=[("track.png", png_bytes())])  # fmt: skip
    post_for(portfolio, title="Only for my supervisors", visibility=Visibility.SUPERVISORS)
    token = share_link_create(portfolio=portfolio, label="School No. 5").token

    page = new_page()
    page.goto(f"/s/{token}/")
    journal = page.get_by_role("region", name="Journal")
    assert journal.get_by_text("Only for my supervisors").count() == 0
    journal.get_by_role("link", name="Robotics club").click()
    page.wait_for_url(f"**/s/{token}/journal/*/")
    picture = page.get_by_role("img", name="track.png")
    assert picture.evaluate("image => image.naturalWidth") > 0  # served through the link
    assert_accessible(page)

    # The pages under a link send no Referer elsewhere, yet their own forms still pass the
    # CSRF check (a "no-referrer" policy made the browser send "Origin: null": 403).
    page.get_by_role("button", name="Русский").click()
    page.wait_for_load_state()
    assert f"/s/{token}/journal/" in page.url
    assert page.get_by_role("heading", name="Robotics club").is_visible()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("link", name="Блог").is_visible()


def test_the_student_copies_a_share_link_with_one_button(new_page):
    from tests.e2e.test_review_journey import PASSWORD, log_in

    student = StudentFactory(username="aidai")
    student.set_password(PASSWORD)
    student.save()
    portfolio = portfolio_for(student)
    token = share_link_create(portfolio=portfolio, label="School No. 5").token

    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, "aidai")
    page.goto("/portfolio/share/")
    page.get_by_role("button", name="Copy — School No. 5").click()
    status = page.get_by_role("status").filter(has_text="Copied")
    status.wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(f"/s/{token}/")
    assert_accessible(page)
