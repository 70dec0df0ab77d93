"""Who looked at a portfolio: one count per viewer, day and portfolio; robots, prefetches,
the owner and staff not counted; kinds of viewer and employers' organisations; the cache
down does not break the page; nothing identifying a viewer stored; the student's page."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics import portfolio_views
from analytics.models import EmployerViewDay, PortfolioViewDay, ViewerKind
from analytics.selectors import portfolio_views_by_week
from analytics.services import portfolio_view_count, portfolio_view_counts_purge
from analytics.tasks import purge_view_counts
from portfolios.models import Visibility
from tests.factories import (
    EmployerFactory,
    PostFactory,
    StaffFactory,
    StudentFactory,
    SupervisorFactory,
    portfolio_for,
)

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
OTHER_BROWSER = "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15"


@pytest.fixture
def portfolio():
    return portfolio_for(StudentFactory(username="aida"), visibility=Visibility.PUBLIC)


def page(portfolio):
    return reverse("portfolios:public", args=[portfolio.slug])


def open_page(client, portfolio, *, agent=BROWSER, address="198.51.100.7", url=None, **extra):
    response = client.get(
        url or page(portfolio), HTTP_USER_AGENT=agent, REMOTE_ADDR=address, **extra
    )
    assert response.status_code == 200
    return response


def counts(portfolio) -> dict[str, int]:
    return dict(PortfolioViewDay.objects.filter(portfolio=portfolio).values_list("kind", "count"))


def at(moment: datetime, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: moment)


# --- Once per viewer and day ----------------------------------------------------------


def test_a_visitor_counts_once_a_day_however_often_they_open_the_page(client, portfolio):
    for _ in range(10):
        open_page(client, portfolio)
    assert counts(portfolio) == {ViewerKind.VISITOR: 1}
    assert PortfolioViewDay.objects.get().day == timezone.localdate()


def test_other_visitors_count_apart(client, portfolio):
    open_page(client, portfolio)
    open_page(client, portfolio, agent=OTHER_BROWSER)  # same address, another browser
    open_page(client, portfolio, address="203.0.113.9")  # another address
    assert counts(portfolio) == {ViewerKind.VISITOR: 3}


def test_the_same_visitor_counts_again_the_next_day(client, portfolio, monkeypatch):
    at(datetime(2026, 3, 2, 10, tzinfo=UTC), monkeypatch)
    open_page(client, portfolio)
    open_page(client, portfolio)
    at(datetime(2026, 3, 3, 10, tzinfo=UTC), monkeypatch)
    open_page(client, portfolio)
    days = dict(PortfolioViewDay.objects.values_list("day", "count"))
    assert days == {date(2026, 3, 2): 1, date(2026, 3, 3): 1}


def test_the_day_is_the_sites_local_day(client, portfolio, monkeypatch, settings):
    assert settings.TIME_ZONE == "Asia/Bishkek"  # UTC+6
    at(datetime(2026, 3, 1, 19, 30, tzinfo=UTC), monkeypatch)  # 01:30 on 2 March in Bishkek
    open_page(client, portfolio)
    assert PortfolioViewDay.objects.get().day == date(2026, 3, 2)


def test_page_journal_and_post_count_once_together(client, portfolio):
    post = PostFactory(portfolio=portfolio, visibility=Visibility.PUBLIC)
    open_page(client, portfolio)
    open_page(client, portfolio, url=reverse("journal:list", args=[portfolio.slug]))
    open_page(client, portfolio, url=reverse("journal:detail", args=[portfolio.slug, post.pk]))
    assert counts(portfolio) == {ViewerKind.VISITOR: 1}


def test_the_journal_alone_counts(client, portfolio):
    open_page(client, portfolio, url=reverse("journal:list", args=[portfolio.slug]))
    assert counts(portfolio) == {ViewerKind.VISITOR: 1}


def test_one_viewer_counts_once_on_each_portfolio(client, portfolio):
    other = portfolio_for(StudentFactory(username="bakyt"), visibility=Visibility.PUBLIC)
    open_page(client, portfolio)
    open_page(client, other)
    assert counts(portfolio) == counts(other) == {ViewerKind.VISITOR: 1}


def test_a_signed_in_viewer_counts_once_whatever_their_browser(client, portfolio):
    client.force_login(StudentFactory())
    open_page(client, portfolio)
    open_page(client, portfolio, agent=OTHER_BROWSER, address="203.0.113.9")
    assert counts(portfolio) == {ViewerKind.SIGNED_IN: 1}


# --- Not counted --------------------------------------------------------------------------

ROBOTS = [
    "",
    "   ",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
    "Baiduspider+(+http://www.baidu.com/search/spider.htm)",
    "CCBot/2.0 (https://commoncrawl.org/faq/)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/124.0 Safari/537.36",
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.32.3",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "TelegramBot (like TwitterBot)",
    "WhatsApp/2.23.20.0",
    "Mozilla/5.0 (Windows NT 6.1) AppleWebKit/534+ (KHTML, like Gecko) BingPreview/1.0b",
    "Mozilla/5.0 (compatible; SkypeUriPreview Preview/0.5)",
]


@pytest.mark.parametrize("agent", ROBOTS)
def test_robots_are_not_counted(client, portfolio, agent):
    open_page(client, portfolio, agent=agent)
    assert counts(portfolio) == {}


def test_a_missing_user_agent_is_not_counted(client, portfolio):
    assert client.get(page(portfolio), REMOTE_ADDR="198.51.100.7").status_code == 200
    assert counts(portfolio) == {}


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_X_MOZ": "prefetch"},
        {"HTTP_X_PURPOSE": "preview"},
    ],
)
def test_prefetches_are_not_counted(client, portfolio, headers):
    open_page(client, portfolio, **headers)
    assert counts(portfolio) == {}
    open_page(client, portfolio)  # the visit itself, later, still counts
    assert counts(portfolio) == {ViewerKind.VISITOR: 1}


def test_head_requests_are_not_counted(client, portfolio):
    assert client.head(page(portfolio), HTTP_USER_AGENT=BROWSER).status_code == 200
    assert counts(portfolio) == {}


def test_the_owner_is_not_counted(client, portfolio):
    client.force_login(portfolio.student)
    open_page(client, portfolio)
    open_page(client, portfolio, url=reverse("portfolios:preview", args=["public"]))
    assert counts(portfolio) == {}


def test_staff_are_not_counted(client, portfolio):
    client.force_login(StaffFactory())
    open_page(client, portfolio)
    assert counts(portfolio) == {}


def test_a_page_that_is_not_shown_is_not_counted(client, portfolio):
    portfolio.visibility = Visibility.SIGNED_IN
    portfolio.save()
    assert client.get(page(portfolio), HTTP_USER_AGENT=BROWSER).status_code == 404
    assert counts(portfolio) == {}


# --- Kinds of viewer -----------------------------------------------------------------------


def test_each_kind_of_viewer_counts_in_its_own_column(client, portfolio):
    approved = EmployerFactory(approved=True)
    viewers = [
        None,
        StudentFactory(),
        SupervisorFactory(),
        approved,
        EmployerFactory(),  # waiting for approval
    ]
    for viewer in viewers:
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        open_page(client, portfolio)
    assert counts(portfolio) == {
        ViewerKind.VISITOR: 1,
        ViewerKind.SIGNED_IN: 2,  # the student and the employer not approved yet
        ViewerKind.SUPERVISOR: 1,
        ViewerKind.EMPLOYER: 1,
    }
    # Only the approved employer's organisation is named.
    organisation = approved.employer_profile.organisation
    assert list(EmployerViewDay.objects.values_list("organisation", "count")) == [(organisation, 1)]


def test_an_employer_counts_once_a_day_and_the_count_outlives_the_account(client, portfolio):
    employer = EmployerFactory(approved=True)
    profile = employer.employer_profile
    client.force_login(employer)
    open_page(client, portfolio)
    open_page(client, portfolio)
    assert EmployerViewDay.objects.get().count == 1
    employer.delete()
    row = EmployerViewDay.objects.get()
    assert (row.employer_profile, row.organisation) == (None, profile.organisation)
    assert counts(portfolio) == {ViewerKind.EMPLOYER: 1}


def test_the_upsert_adds_to_existing_counts(portfolio):
    profile = EmployerFactory(approved=True).employer_profile
    day = date(2026, 5, 4)
    for _ in range(3):
        portfolio_view_count(portfolio_id=portfolio.pk, day=day, kind=ViewerKind.VISITOR)
        portfolio_view_count(
            portfolio_id=portfolio.pk, day=day, kind=ViewerKind.EMPLOYER,
            employer_profile_id=profile.pk, organisation=profile.organisation,
        )  # fmt: skip
    assert counts(portfolio) == {ViewerKind.VISITOR: 3, ViewerKind.EMPLOYER: 3}
    assert EmployerViewDay.objects.get().count == 3
    with pytest.raises(ValueError):
        portfolio_view_count(portfolio_id=portfolio.pk, day=day, kind="robot")


# --- The cache, privacy and the page's cost ------------------------------------------


def test_redis_down_the_page_is_served_and_nothing_counted(client, portfolio, unreachable_redis):
    open_page(client, portfolio)
    open_page(client, portfolio)
    assert counts(portfolio) == {}  # skipped (core.cache logs the outage), never guessed


def test_with_shared_redis_views_are_counted_once(client, portfolio, shared_redis):
    open_page(client, portfolio)
    open_page(client, portfolio)
    assert counts(portfolio) == {ViewerKind.VISITOR: 1}


def test_no_address_or_browser_is_stored_anywhere(client, portfolio):
    address, agent = "203.0.113.177", BROWSER + " UniqueMarker/9"
    open_page(client, portfolio, agent=agent, address=address)
    assert counts(portfolio) == {ViewerKind.VISITOR: 1}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(
                f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE %s OR t::text LIKE %s',
                ["%203.0.113.177%", "%UniqueMarker%"],
            )
            assert cursor.fetchone()[0] == 0, table


def test_the_cache_key_names_nobody_and_changes_every_day(portfolio):
    viewer = "visitor\n203.0.113.177\n" + BROWSER
    today = portfolio_views.seen_key(day=date(2026, 3, 2), portfolio_id=portfolio.pk,
                                     viewer=viewer)  # fmt: skip
    assert "203.0.113" not in today and "Mozilla" not in today
    assert today == portfolio_views.seen_key(
        day=date(2026, 3, 2), portfolio_id=portfolio.pk, viewer=viewer
    )
    assert today != portfolio_views.seen_key(
        day=date(2026, 3, 3), portfolio_id=portfolio.pk, viewer=viewer
    )


def test_the_mark_expires_after_the_day(client, portfolio, monkeypatch):
    seen = {}
    real_add = cache.add

    def add(key, value, timeout=None, **kwargs):
        seen[key] = timeout
        return real_add(key, value, timeout=timeout, **kwargs)

    monkeypatch.setattr(cache, "add", add)
    at(datetime(2026, 3, 2, 12, tzinfo=UTC), monkeypatch)  # 18:00 in Bishkek
    open_page(client, portfolio)
    (timeout,) = seen.values()
    assert timeout == 6 * 3600 + 3600  # to local midnight, and an hour to spare


def _queries(client, portfolio, agent, url=None):
    with CaptureQueriesContext(connection) as queries:
        open_page(client, portfolio, agent=agent, url=url)
    return len(queries)


@pytest.mark.parametrize("viewer", ["visitor", "student", "employer"])
def test_counting_costs_one_statement_and_none_once_counted(client, portfolio, viewer):
    if viewer == "student":
        client.force_login(StudentFactory())
    elif viewer == "employer":
        client.force_login(EmployerFactory(approved=True))
    robot = "Googlebot/2.1"
    open_page(client, portfolio, agent=robot)  # the body is cached now
    baseline = _queries(client, portfolio, robot)  # not counted: no counting cost
    assert _queries(client, portfolio, BROWSER) == baseline + 1  # the upsert
    assert _queries(client, portfolio, BROWSER) == baseline  # counted today already
    assert sum(counts(portfolio).values()) == 1


# --- Weeks on the student's page -------------------------------------------------------


def test_weeks_sum_days_from_monday_to_sunday(portfolio):
    today = date(2026, 3, 11)  # a Wednesday; its week starts on 9 March
    rows = [
        (date(2026, 3, 8), ViewerKind.VISITOR, 2),  # Sunday: the week before
        (date(2026, 3, 9), ViewerKind.VISITOR, 3),  # Monday
        (date(2026, 3, 11), ViewerKind.SUPERVISOR, 1),
        (date(2026, 3, 2), ViewerKind.EMPLOYER, 1),
        (date(2025, 12, 14), ViewerKind.VISITOR, 50),  # 13 weeks ago: not shown
    ]
    PortfolioViewDay.objects.bulk_create(
        PortfolioViewDay(portfolio=portfolio, day=d, kind=k, count=c) for d, k, c in rows
    )
    EmployerViewDay.objects.bulk_create([
        EmployerViewDay(portfolio=portfolio, day=date(2026, 3, 2), organisation="Beta", count=1),
        EmployerViewDay(portfolio=portfolio, day=date(2026, 3, 3), organisation="Acme", count=2),
        EmployerViewDay(portfolio=portfolio, day=date(2026, 3, 4), organisation="Beta", count=2),
    ])  # fmt: skip
    weeks = portfolio_views_by_week(portfolio.pk, today=today)
    assert len(weeks) == 12
    assert weeks[-1].starts_on == date(2026, 3, 9)
    assert weeks[0].starts_on == date(2025, 12, 22)
    assert weeks[-1].counts[ViewerKind.VISITOR] == 3
    assert weeks[-1].counts[ViewerKind.SUPERVISOR] == 1
    assert weeks[-1].total == 4
    assert weeks[-2].counts[ViewerKind.VISITOR] == 2
    assert weeks[-2].counts[ViewerKind.EMPLOYER] == 1
    assert weeks[-2].organisations == [("Beta", 3), ("Acme", 2)]
    assert sum(week.total for week in weeks) == 7


def test_the_student_sees_their_weeks(client, portfolio, django_assert_max_num_queries):
    employer = EmployerFactory(approved=True, employer_profile__organisation="Ала-Тоо Софт")
    client.force_login(employer)
    open_page(client, portfolio)
    client.logout()
    open_page(client, portfolio)
    client.force_login(portfolio.student)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("analytics:portfolio-views"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Who looked at my portfolio" in html
    assert "Ала-Тоо Софт" in html
    assert "<svg" in html
    assert response["Cache-Control"] == "private, no-cache"


def test_the_page_says_when_nobody_looked(client, portfolio):
    client.force_login(portfolio.student)
    html = client.get(reverse("analytics:portfolio-views")).content.decode()
    assert "No views in these weeks yet." in html
    assert "<svg" not in html


@pytest.mark.parametrize("factory", [SupervisorFactory, StaffFactory, EmployerFactory])
def test_nobody_but_a_student_has_the_page(client, factory):
    client.force_login(factory())
    assert client.get(reverse("analytics:portfolio-views")).status_code == 404


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("analytics:portfolio-views"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_another_student_sees_only_their_own_counts(client, portfolio):
    open_page(client, portfolio)
    other = StudentFactory(username="bakyt")
    portfolio_for(other, visibility=Visibility.PUBLIC)
    client.force_login(other)
    html = client.get(reverse("analytics:portfolio-views")).content.decode()
    assert "No views in these weeks yet." in html


def test_the_editor_and_dashboard_link_to_it(client, portfolio):
    client.force_login(portfolio.student)
    url = reverse("analytics:portfolio-views")
    assert url in client.get(reverse("portfolios:editor")).content.decode()
    assert url in client.get(reverse("accounts:dashboard")).content.decode()


def test_employers_are_told_before_they_sign_up(client):
    html = client.get(reverse("accounts:signup-employer")).content.decode()
    assert "the student sees your organisation's name in their view counts" in html


# --- Old counts ------------------------------------------------------------------------


def test_counts_older_than_400_days_are_deleted(portfolio):
    today = timezone.localdate()
    for days_ago in (401, 400, 10):
        day = today - timedelta(days=days_ago)
        PortfolioViewDay.objects.create(
            portfolio=portfolio, day=day, kind=ViewerKind.VISITOR, count=1
        )
        EmployerViewDay.objects.create(portfolio=portfolio, day=day, organisation="A", count=1)
    assert purge_view_counts() == 2  # the nightly task
    assert PortfolioViewDay.objects.count() == EmployerViewDay.objects.count() == 2
    assert portfolio_view_counts_purge(today=today + timedelta(days=1)) == 2  # day 400 now


@pytest.mark.parametrize("viewer", ["visitor", "student", "employer"])
def test_the_journal_counts_for_one_statement_and_none_once_counted(client, portfolio, viewer):
    """The employer's profile is loaded already (deciding what they may see)."""
    if viewer == "student":
        client.force_login(StudentFactory())
    elif viewer == "employer":
        client.force_login(EmployerFactory(approved=True))
    url = reverse("journal:list", args=[portfolio.slug])
    robot = "Googlebot/2.1"
    open_page(client, portfolio, agent=robot, url=url)
    baseline = _queries(client, portfolio, robot, url)
    first = _queries(client, portfolio, BROWSER, url)
    assert first == baseline + 1
    assert _queries(client, portfolio, BROWSER, url) == baseline
    assert (
        counts(portfolio)
        == {
            "visitor": {ViewerKind.VISITOR: 1},
            "student": {ViewerKind.SIGNED_IN: 1},
            "employer": {ViewerKind.EMPLOYER: 1},
        }[viewer]
    )
