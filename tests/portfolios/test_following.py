"""Following portfolios: who may follow what, the button with and without htmx, the
"Portfolios I follow" page and the dashboard feed (only what the viewer may see now)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from achievements.models import Achievement
from journal.models import Post
from pages import following as feed_module
from pages.following import FeedKind, following_feed
from portfolios.following import access_follow_target, follow_add, follow_remove
from portfolios.models import Follow, Portfolio, Visibility
from tests.factories import (
    EmployerFactory,
    FollowFactory,
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    achievement_for,
    portfolio_for,
    post_for,
)

pytestmark = pytest.mark.django_db

V = Visibility
ROLES = ["student", "supervisor", "assigned supervisor", "employer", "pending employer", "staff"]


def viewer_of(role, student):
    """A user of ``role``; the assigned supervisor advises ``student``."""
    if role == "student":
        return StudentFactory()
    if role == "supervisor":
        return SupervisorFactory()
    if role == "assigned supervisor":
        return SupervisorAssignmentFactory(student=student).supervisor
    if role == "employer":
        return EmployerFactory(approved=True)
    if role == "pending employer":
        return EmployerFactory()
    return StaffFactory()


@pytest.fixture
def student():
    student = StudentFactory(first_name="Aida", last_name="Osmonova")
    portfolio_for(student, visibility=V.PUBLIC)
    return student


def follow_url(student, action="follow"):
    return reverse(f"portfolios:{action}", args=[student.portfolio.slug])


# --- Follow and unfollow -------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_follows_and_unfollows_a_page_it_may_see(client, student, role):
    viewer = viewer_of(role, student)
    client.force_login(viewer)
    page = student.portfolio.get_absolute_url()

    response = client.post(follow_url(student), {"next": page})

    assert response.status_code == 302
    assert response.url == page
    assert Follow.objects.filter(follower=viewer, portfolio=student.portfolio).exists()
    html = client.get(page).content.decode()
    assert 'action="' + follow_url(student, "unfollow") in html
    assert "1 follower" in html

    response = client.post(follow_url(student, "unfollow"), {"next": page})

    assert response.status_code == 302
    assert not Follow.objects.filter(follower=viewer).exists()
    assert 'action="' + follow_url(student) in client.get(page).content.decode()


def test_htmx_swaps_the_button_in_place(client, student):
    viewer = StudentFactory()
    client.force_login(viewer)

    response = client.post(follow_url(student), {"next": "/"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<form id="follow-{student.portfolio.pk}"')
    assert f'hx-post="{follow_url(student, "unfollow")}"' in html
    assert 'hx-swap="outerHTML"' in html
    assert "Unfollow" in html and "1 follower" in html
    assert "<html" not in html  # a fragment, not a page

    response = client.post(follow_url(student, "unfollow"), HTTP_HX_REQUEST="true")

    assert f'hx-post="{follow_url(student)}"' in response.content.decode()
    assert not Follow.objects.exists()


def test_without_javascript_the_form_goes_back_where_it_was_with_a_message(client, student):
    client.force_login(StudentFactory())

    response = client.post(follow_url(student), {"next": "/following/"}, follow=True)

    assert response.redirect_chain[-1][0] == "/following/"
    assert "You follow this portfolio now" in response.content.decode()


def test_a_next_address_elsewhere_is_ignored(client, student):
    client.force_login(StudentFactory())

    response = client.post(follow_url(student), {"next": "https://evil.example/"})

    assert response.url == student.portfolio.get_absolute_url()


def test_anonymous_visitors_go_to_the_login_page(client, student):
    response = client.post(follow_url(student))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not Follow.objects.exists()


def test_get_is_refused(client, student):
    client.force_login(StudentFactory())

    assert client.get(follow_url(student)).status_code == 405
    assert client.get(follow_url(student, "unfollow")).status_code == 405


def test_a_student_cannot_follow_their_own_portfolio(client, student):
    client.force_login(student)

    assert client.post(follow_url(student)).status_code == 403
    assert not Follow.objects.exists()
    with pytest.raises(PermissionDenied):
        access_follow_target(student, student.portfolio.slug)
    with pytest.raises(ValidationError):
        follow_add(follower=student, portfolio=student.portfolio)


@pytest.mark.parametrize(
    ("page_visibility", "role"),
    [
        (V.SIGNED_IN, "pending employer"),  # sees what a visitor sees
        (V.SUPERVISORS, "student"),
        (V.SUPERVISORS, "supervisor"),  # not this student's supervisor
        (V.SUPERVISORS, "employer"),
        (V.PRIVATE, "assigned supervisor"),
    ],
)
def test_a_page_the_viewer_may_not_open_cannot_be_followed(client, student, page_visibility, role):
    viewer = viewer_of(role, student)
    Portfolio.objects.filter(pk=student.portfolio.pk).update(visibility=page_visibility)
    client.force_login(viewer)

    assert client.post(follow_url(student)).status_code == 404
    assert client.post(follow_url(student), HTTP_HX_REQUEST="true").status_code == 404
    assert client.post(follow_url(student, "unfollow")).status_code == 404
    assert not Follow.objects.exists()


def test_an_unknown_or_deactivated_page_is_404(client, student):
    client.force_login(StudentFactory())

    assert client.post(reverse("portfolios:follow", args=["nobody-here"])).status_code == 404
    student.is_active = False
    student.save()
    assert client.post(follow_url(student)).status_code == 404


def test_following_twice_keeps_one_follow(client, student):
    viewer = StudentFactory()
    client.force_login(viewer)

    client.post(follow_url(student))
    client.post(follow_url(student), HTTP_HX_REQUEST="true")
    first = follow_add(follower=viewer, portfolio=student.portfolio)
    second = follow_add(follower=viewer, portfolio=student.portfolio)

    assert first == second
    assert Follow.objects.filter(follower=viewer).count() == 1
    assert follow_remove(follower=viewer, portfolio=student.portfolio) is True
    assert follow_remove(follower=viewer, portfolio=student.portfolio) is False


def test_a_follow_of_a_page_closed_since_can_still_be_removed(client, student):
    viewer = StudentFactory()
    FollowFactory(follower=viewer, portfolio=student.portfolio)
    Portfolio.objects.filter(pk=student.portfolio.pk).update(visibility=V.PRIVATE)
    client.force_login(viewer)

    assert client.post(follow_url(student)).status_code == 404
    response = client.post(follow_url(student, "unfollow"), {"next": "/following/"})

    assert response.status_code == 302
    assert response.url == "/following/"
    assert not Follow.objects.exists()


# --- The button on the page -----------------------------------------------------------------


def test_the_page_shows_the_right_button_to_each_viewer(client, student):
    FollowFactory(portfolio=student.portfolio)
    page = student.portfolio.get_absolute_url()

    anonymous = client.get(page).content.decode()
    assert "Log in to follow" in anonymous and "1 follower" in anonymous
    assert 'action="' + follow_url(student) not in anonymous

    client.force_login(student)
    own = client.get(page).content.decode()
    assert "1 follower" in own
    assert 'action="' + follow_url(student) not in own

    client.force_login(StudentFactory())
    other = client.get(page).content.decode()
    assert 'action="' + follow_url(student) in other
    assert f'hx-post="{follow_url(student)}"' in other

    client.force_login(student)
    preview = client.get(reverse("portfolios:preview", args=["public"])).content.decode()
    assert follow_url(student) not in preview and "follower" not in preview


def test_the_button_sits_outside_the_cached_page_body(client, student):
    """The body is cached per audience; the button differs per viewer."""
    achievement_for(student.portfolio, title="Volleyball cup", visibility=V.PUBLIC)
    page = student.portfolio.get_absolute_url()
    first, second = StudentFactory(), StudentFactory()
    FollowFactory(follower=first, portfolio=student.portfolio)

    client.force_login(first)
    assert 'action="' + follow_url(student, "unfollow") in client.get(page).content.decode()
    client.force_login(second)
    html = client.get(page).content.decode()
    assert 'action="' + follow_url(student) in html
    assert 'action="' + follow_url(student, "unfollow") not in html


# --- The "Portfolios I follow" page ----------------------------------------------------------


def test_following_page_lists_what_i_follow_and_hides_closed_pages(client, student):
    viewer = StudentFactory()
    closed = StudentFactory(first_name="Hidden", last_name="Person")
    portfolio_for(closed, visibility=V.PRIVATE, slug="closed-page")
    FollowFactory(follower=viewer, portfolio=student.portfolio)
    FollowFactory(follower=viewer, portfolio=closed.portfolio)
    FollowFactory(portfolio=portfolio_for(StudentFactory(first_name="Someone", last_name="Else")))
    client.force_login(viewer)

    html = client.get(reverse("portfolios:following")).content.decode()

    assert "Aida Osmonova" in html
    assert follow_url(student, "unfollow") in html
    assert "/p/closed-page/" in html and "not open to you" in html
    assert "Hidden Person" not in html  # a page closed since shows no more than its address
    assert reverse("portfolios:unfollow", args=["closed-page"]) in html
    assert "Someone Else" not in html


def test_following_page_empty_state(client):
    client.force_login(EmployerFactory(approved=True))

    html = client.get(reverse("portfolios:following")).content.decode()

    assert "You do not follow any portfolio yet." in html
    assert reverse("feedback:search") in html


@pytest.mark.parametrize("role", ROLES)
def test_audiences_for_many_pages_match_the_rule_for_one(role):
    from portfolios.access import audience_for, audiences_for

    owners = [StudentFactory() for _visibility in V]
    viewer = viewer_of(role, owners[0])
    portfolios = [portfolio_for(o, visibility=v) for o, v in zip(owners, V, strict=True)]
    if role == "student":
        portfolios.append(portfolio_for(viewer))  # their own

    assert audiences_for(viewer, portfolios) == {p.pk: audience_for(viewer, p) for p in portfolios}


# --- The feed --------------------------------------------------------------------------------


def feed_titles(viewer):
    return {item.title for item in following_feed(viewer, limit=100) if item.title}


def fill_portfolio(student, page_visibility):
    """One achievement and one published post at every visibility, plus a draft and a
    scheduled post at "everyone"; titles say where they come from."""
    portfolio = student.portfolio
    name = f"page{page_visibility}"
    for item_visibility in V:
        achievement_for(portfolio, title=f"{name}-a{item_visibility.value}",
                        visibility=item_visibility)  # fmt: skip
        post_for(portfolio, title=f"{name}-p{item_visibility.value}", visibility=item_visibility)
    post_for(portfolio, title=f"{name}-draft", status="draft", visibility=V.PUBLIC)
    post_for(portfolio, title=f"{name}-scheduled", visibility=V.PUBLIC,
             published_at=timezone.now() + timedelta(days=2))  # fmt: skip
    Portfolio.objects.filter(pk=portfolio.pk).update(visibility=page_visibility)


# (role, the level they see at): the feed never goes below "me and my supervisors".
FEED_LEVELS = {
    "student": V.SIGNED_IN,
    "supervisor": V.SIGNED_IN,
    "assigned supervisor": V.SUPERVISORS,
    "employer": V.SIGNED_IN,
    "pending employer": V.PUBLIC,
    "staff": V.SUPERVISORS,
}


@pytest.mark.parametrize("role", ROLES)
def test_feed_shows_only_what_the_viewer_may_see(role, monkeypatch):
    monkeypatch.setattr(feed_module, "FEED_PER_PORTFOLIO", 100)  # every item, not the newest
    students = {page: StudentFactory() for page in V}
    viewer = viewer_of(role, students[V.PRIVATE])
    for page_visibility, owner in students.items():
        portfolio_for(owner)
        if role == "assigned supervisor" and page_visibility != V.PRIVATE:
            SupervisorAssignmentFactory(supervisor=viewer, student=owner)
        fill_portfolio(owner, page_visibility)
        FollowFactory(follower=viewer, portfolio=owner.portfolio)
    level = FEED_LEVELS[role]

    expected = {
        f"page{page.value}-{kind}{item.value}"
        for page in V
        for item in V
        for kind in ("a", "p")
        if level <= page and level <= item
    }

    assert feed_titles(viewer) == expected
    assert expected  # every role sees something
    assert not any("draft" in t or "scheduled" in t or t.endswith("-a0") for t in expected)


def test_feed_drops_a_portfolio_that_turned_private_and_items_made_private(student):
    from portfolios.services import portfolio_update

    viewer = StudentFactory()
    FollowFactory(follower=viewer, portfolio=student.portfolio)
    cup = achievement_for(student.portfolio, title="Volleyball cup", visibility=V.PUBLIC)
    achievement_for(student.portfolio, title="Chess", visibility=V.SIGNED_IN)
    post_for(student.portfolio, title="My practice")
    assert feed_titles(viewer) == {"Volleyball cup", "Chess", "My practice"}

    Achievement.objects.filter(pk=cup.pk).update(visibility=V.SUPERVISORS)
    assert feed_titles(viewer) == {"Chess", "My practice"}

    portfolio = Portfolio.objects.get(pk=student.portfolio.pk)
    portfolio_update(portfolio=portfolio, skills=[], visibility=V.SUPERVISORS)
    assert following_feed(viewer) == []

    student.is_active = False
    student.save()
    portfolio_update(portfolio=portfolio, skills=[], visibility=V.PUBLIC)
    assert following_feed(viewer) == []


def test_feed_order_and_kinds(student, monkeypatch):
    monkeypatch.setattr(feed_module, "FEED_PER_PORTFOLIO", 10)
    viewer = EmployerFactory(approved=True)
    FollowFactory(follower=viewer, portfolio=student.portfolio)
    now = timezone.now()
    added = achievement_for(student.portfolio, title="Added", visibility=V.PUBLIC)
    changed = achievement_for(student.portfolio, title="Changed", visibility=V.PUBLIC)
    post = post_for(student.portfolio, title="Post")
    Achievement.objects.filter(pk=added.pk).update(
        created_at=now - timedelta(hours=3), updated_at=now - timedelta(hours=3)
    )
    Achievement.objects.filter(pk=changed.pk).update(
        created_at=now - timedelta(days=10), updated_at=now - timedelta(hours=1)
    )
    Post.objects.filter(pk=post.pk).update(published_at=now - timedelta(hours=2))
    Portfolio.objects.filter(pk=student.portfolio.pk).update(
        created_at=now - timedelta(days=30), updated_at=now - timedelta(minutes=5)
    )

    feed = following_feed(viewer)

    assert [(item.kind, item.title) for item in feed] == [
        (FeedKind.PROFILE_UPDATED, ""),
        (FeedKind.ACHIEVEMENT_CHANGED, "Changed"),
        (FeedKind.POST_PUBLISHED, "Post"),
        (FeedKind.ACHIEVEMENT_ADDED, "Added"),
    ]
    assert all(item.portfolio.pk == student.portfolio.pk for item in feed)


def test_feed_is_cut_to_the_newest_fifteen(student, monkeypatch):
    monkeypatch.setattr(feed_module, "FEED_PER_PORTFOLIO", 100)
    viewer = StudentFactory()
    FollowFactory(follower=viewer, portfolio=student.portfolio)
    now = timezone.now()
    for number in range(12):
        item = achievement_for(student.portfolio, title=f"A{number}", visibility=V.PUBLIC)
        Achievement.objects.filter(pk=item.pk).update(updated_at=now - timedelta(hours=2 * number))
        post = post_for(student.portfolio, title=f"P{number}")
        Post.objects.filter(pk=post.pk).update(published_at=now - timedelta(hours=2 * number + 1))

    feed = following_feed(viewer)

    assert [item.title for item in feed] == [f"{kind}{n}" for n in range(8) for kind in ("A", "P")][
        :15
    ]


def test_one_busy_portfolio_does_not_push_the_others_out_of_the_feed(student):
    viewer = SupervisorFactory()
    SupervisorAssignmentFactory(supervisor=viewer, student=student)
    FollowFactory(follower=viewer, portfolio=student.portfolio)
    now = timezone.now()
    for number in range(10):  # the busy one: 20 updates in the last day
        item = achievement_for(student.portfolio, title=f"A{number}", visibility=V.PUBLIC)
        Achievement.objects.filter(pk=item.pk).update(updated_at=now - timedelta(hours=number))
        post = post_for(student.portfolio, title=f"P{number}")
        Post.objects.filter(pk=post.pk).update(
            published_at=now - timedelta(hours=number, minutes=30)
        )
    quiet = []
    for number in range(2):  # two quiet ones, a week ago
        owner = StudentFactory()
        portfolio = portfolio_for(owner, visibility=V.PUBLIC)
        FollowFactory(follower=viewer, portfolio=portfolio)
        item = achievement_for(portfolio, title=f"Quiet {number}", visibility=V.PUBLIC)
        Achievement.objects.filter(pk=item.pk).update(updated_at=now - timedelta(days=7 + number))
        quiet.append(item.title)

    feed = following_feed(viewer)

    assert [item.title for item in feed] == ["A0", "P0", "A1", *quiet]
    assert feed_module.FEED_PER_PORTFOLIO == 3


def test_feed_of_someone_following_nobody_is_empty():
    assert following_feed(StudentFactory()) == []


def _followed_with_content(viewer, count):
    for _number in range(count):
        owner = StudentFactory()
        portfolio = portfolio_for(owner, visibility=V.PUBLIC)
        Portfolio.objects.filter(pk=portfolio.pk).update(
            created_at=timezone.now() - timedelta(days=3)
        )
        achievement_for(portfolio, title="Cup", visibility=V.PUBLIC)
        post_for(portfolio, title="Practice")
        if viewer.role == "supervisor":
            SupervisorAssignmentFactory(supervisor=viewer, student=owner)
        FollowFactory(follower=viewer, portfolio=portfolio)


@pytest.mark.parametrize("role", ["student", "assigned supervisor", "employer", "staff"])
def test_feed_query_count_does_not_grow_with_followed_portfolios(
    role, student, django_assert_max_num_queries
):
    viewer = viewer_of(role, student)
    _followed_with_content(viewer, 3)
    with CaptureQueriesContext(connection) as few:
        assert len(following_feed(viewer)) == 3 * 3  # profile, achievement, post each

    _followed_with_content(viewer, 27)
    with django_assert_max_num_queries(len(few)), CaptureQueriesContext(connection) as many:
        assert len(following_feed(viewer)) == 15
    assert len(many) == len(few) <= 4


@pytest.mark.parametrize("role", ["student", "assigned supervisor", "employer", "staff"])
def test_dashboard_with_the_feed_stays_within_its_query_count(
    client, role, student, django_assert_max_num_queries
):
    viewer = viewer_of(role, student)
    client.force_login(viewer)
    url = reverse("accounts:dashboard")
    _followed_with_content(viewer, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)

    _followed_with_content(viewer, 27)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)

    assert (
        response.content.decode().count("#achievement-")
        + response.content.decode().count("/journal/")
        >= 10
    )


# --- The feed on the dashboard ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_dashboard_shows_the_feed(client, role, student):
    viewer = viewer_of(role, student)
    FollowFactory(follower=viewer, portfolio=student.portfolio)
    cup = achievement_for(student.portfolio, title="Volleyball cup", visibility=V.PUBLIC)
    achievement_for(student.portfolio, title="Secret diary", visibility=V.PRIVATE)
    post = post_for(student.portfolio, title="My practice")
    post_for(student.portfolio, title="Unfinished", status="draft")
    client.force_login(viewer)

    html = client.get(reverse("accounts:dashboard")).content.decode()

    assert "Recent updates from portfolios you follow" in html
    assert f"{student.portfolio.get_absolute_url()}#achievement-{cup.pk}" in html
    assert reverse("journal:detail", args=[student.portfolio.slug, post.pk]) in html
    assert "Aida Osmonova" in html
    assert "Secret diary" not in html and "Unfinished" not in html
    assert reverse("portfolios:following") in html


@pytest.mark.parametrize(
    ("role", "hint"),
    [
        ("employer", "Find students in search"),
        ("pending employer", "Once staff approve your account"),
        ("student", "Open a classmate’s portfolio page"),
        ("supervisor", "Open a student’s portfolio page"),
        ("staff", "Open any student’s portfolio page"),
    ],
)
def test_empty_feed_says_how_to_follow(client, student, role, hint):
    client.force_login(viewer_of(role, student))

    html = client.get(reverse("accounts:dashboard")).content.decode()

    assert "No updates yet from the portfolios you follow." in html
    assert hint in html
    if role == "employer":
        assert reverse("feedback:search") in html


# --- Demo data -------------------------------------------------------------------------------


def test_demo_follows_only_pages_each_user_may_see(settings):
    from django.core.management import call_command

    from accounts.models import User
    from portfolios.access import audience_for

    settings.DEBUG = True
    call_command("seed_demo", "--students", "30", verbosity=0)
    call_command("seed_demo", "--students", "30", verbosity=0)  # idempotent

    counts = {}
    for username in ("student1", "employer1", "supervisor1"):
        user = User.objects.get(username=username)
        follows = list(Follow.objects.filter(follower=user).select_related("portfolio"))
        counts[username] = len(follows)
        for follow in follows:
            audience = audience_for(user, follow.portfolio)
            assert audience.may_open(follow.portfolio) and not audience.is_owner
        assert following_feed(user), username

    assert counts == {"student1": 3, "employer1": 4, "supervisor1": 2}
    student1 = User.objects.get(username="student1")
    assert Follow.objects.filter(
        follower=student1, portfolio__student__program=student1.program
    ).exists()
