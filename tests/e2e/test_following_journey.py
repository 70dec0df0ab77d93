"""A supervisor follows a student's page with one click (htmx: the button changes in place,
the page is not reloaded), sees the student's new public achievement in the dashboard feed
(but not a private one), and unfollows from "Portfolios I follow"."""

from achievements.services import achievement_create
from portfolios.models import Category, Follow, Visibility
from tests.e2e.test_review_journey import (  # noqa: F401 - fixtures used by name
    assert_accessible,
    default_rubric,
    log_in,
    people,
)

NAME = "Айбек Токтогулов"


def test_follow_and_see_updates_in_the_feed(new_page, people):  # noqa: F811
    student, supervisor = people
    page = new_page()
    log_in(page, "gulnara")
    assert page.get_by_text("No updates yet from the portfolios you follow.").is_visible()
    assert_accessible(page)

    page.goto(f"/p/{student.portfolio.slug}/")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name=f"Follow — {NAME}", exact=True).click()
    page.get_by_role("button", name=f"Unfollow — {NAME}", exact=True).wait_for()

    assert page.evaluate("window.notReloaded") is True  # swapped in place, no reload
    assert page.get_by_text("1 follower", exact=True).is_visible()
    assert Follow.objects.filter(follower=supervisor, portfolio=student.portfolio).exists()
    assert_accessible(page)

    sports = Category.objects.get(code="sports")
    for title, visibility in [("City volleyball cup, 1st place", Visibility.PUBLIC),
                              ("Private training diary", Visibility.PRIVATE)]:  # fmt: skip
        achievement_create(
            portfolio=student.portfolio, category=sports, title=title, visibility=visibility
        )

    page.goto("/accounts/dashboard/")
    feed = page.get_by_role("region", name="Recent updates from portfolios you follow")
    assert feed.get_by_role("link", name="City volleyball cup, 1st place").is_visible()
    assert feed.get_by_text("Private training diary").count() == 0
    assert_accessible(page)

    feed.get_by_role("link", name="City volleyball cup, 1st place").click()
    page.wait_for_url(f"**/p/{student.portfolio.slug}/#achievement-*")

    page.goto("/following/")
    assert page.get_by_role("link", name=NAME).is_visible()
    assert_accessible(page)
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name=f"Unfollow — {NAME}", exact=True).click()
    page.get_by_role("button", name=f"Follow — {NAME}", exact=True).wait_for()

    assert page.evaluate("window.notReloaded") is True
    assert not Follow.objects.filter(follower=supervisor).exists()
