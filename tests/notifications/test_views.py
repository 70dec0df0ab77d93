"""The notification centre, the bell in the navigation and its live badge."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.context_processors import unread_notifications
from notifications.models import Kind, Notification
from tests.factories import NotificationFactory, StudentFactory

pytestmark = pytest.mark.django_db

CENTRE = "/notifications/"


@pytest.fixture
def signed_in(client, student):
    client.force_login(student)
    return client


def test_centre_lists_only_my_notifications_newest_first(signed_in, student):
    old = NotificationFactory(recipient=student, kind=Kind.COMMENT,
                              params={"target": "Old post"}, read_at=timezone.now(),
                              created_at=timezone.now() - timezone.timedelta(days=1))  # fmt: skip
    new = NotificationFactory(recipient=student, kind=Kind.COMMENT, params={"target": "New post"})
    NotificationFactory(kind=Kind.COMMENT, params={"target": "Somebody else’s"})

    response = signed_in.get(CENTRE)

    html = response.content.decode()
    assert [n for n, _detail in response.context["items"]] == [new, old]
    assert "Somebody else’s" not in html
    assert html.index("New post") < html.index("Old post")
    assert html.count("list-group-item-primary") == 1  # only the unread one is highlighted


def test_opening_marks_read_and_goes_where_it_points(signed_in, student):
    notification = NotificationFactory(recipient=student, url="/portfolio/reviews/")

    response = signed_in.post(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302
    assert response.url == "/portfolio/reviews/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_notification_never_leads_off_the_site(signed_in, student):
    notification = NotificationFactory(recipient=student, url="https://evil.example/phish")
    response = signed_in.post(reverse("notifications:open", args=[notification.pk]))
    assert response.url == CENTRE


def test_someone_elses_notification_is_not_found(signed_in):
    theirs = NotificationFactory()
    response = signed_in.post(reverse("notifications:open", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_marks_only_mine(signed_in, student):
    NotificationFactory.create_batch(3, recipient=student)
    theirs = NotificationFactory()

    response = signed_in.post(reverse("notifications:mark-all-read"), follow=True)

    assert "3 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=student, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_bell_shows_the_unread_count_on_every_page(signed_in, student):
    NotificationFactory.create_batch(2, recipient=student)
    NotificationFactory(recipient=student, read_at=timezone.now())
    NotificationFactory()  # someone else's

    html = signed_in.get(reverse("accounts:profile")).content.decode()

    assert "2 unread notifications" in html
    assert 'aria-hidden="true">2</span>' in html
    assert f'hx-get="{reverse("notifications:unread")}"' in html
    assert 'hx-trigger="every 30s"' in html
    assert f'href="{reverse("notifications:settings")}"' in html  # in the account menu


def test_the_badge_says_99_plus_past_99(signed_in, student):
    Notification.objects.bulk_create(
        [Notification(recipient=student, kind=Kind.COMMENT) for _ in range(120)]
    )
    html = signed_in.get(reverse("notifications:unread"), HTTP_HX_REQUEST="true").content.decode()
    assert ">99+</span>" in html
    assert "120 unread notifications" in html


def test_htmx_gets_the_badge_alone(signed_in, student):
    NotificationFactory(recipient=student)

    response = signed_in.get(reverse("notifications:unread"), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<nav" not in html
    assert html.startswith('<span id="unread-notifications"')
    assert "1 unread notification<" in html


def test_the_badge_stops_polling_once_signed_out(client):
    url = reverse("notifications:unread")
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 286  # htmx: stop polling
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def _centre_queries(client, django_assert_max_num_queries, budget=12):
    with django_assert_max_num_queries(budget) as captured:
        assert client.get(CENTRE).status_code == 200
    return len(captured)


def test_centre_queries_do_not_grow_with_notifications(
    signed_in, student, django_assert_max_num_queries
):
    NotificationFactory.create_batch(5, recipient=student)
    few = _centre_queries(signed_in, django_assert_max_num_queries)
    for index in range(45):
        NotificationFactory(recipient=student, actor=StudentFactory(),
                            read_at=timezone.now() if index % 2 else None)  # fmt: skip
    many = _centre_queries(signed_in, django_assert_max_num_queries)
    assert many == few


def test_the_count_costs_one_query_and_only_when_shown(student, django_assert_num_queries):
    NotificationFactory.create_batch(2, recipient=student)
    request = RequestFactory().get("/")
    request.user = student

    with django_assert_num_queries(0):
        context = unread_notifications(request)  # nothing asked yet
    with django_assert_num_queries(1):
        assert context["unread_notification_count"]() == 2
        assert context["unread_notification_count"]() == 2  # counted once per page


def test_visitors_pages_are_unaffected(client):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert unread_notifications(request) == {}

    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("accounts:login")).content.decode()
    assert "unread-notifications" not in html
    assert not any("notifications_notification" in q["sql"] for q in captured.captured_queries)


def test_the_bell_has_a_polite_live_region_empty_on_load(signed_in, student):
    NotificationFactory.create_batch(3, recipient=student)

    html = signed_in.get(reverse("accounts:profile")).content.decode()

    assert (
        '<span id="unread-notifications-status" class="visually-hidden" role="status" '
        'aria-live="polite" aria-atomic="true"></span>'
    ) in html  # nothing said on page load
    assert "hx-vals='{\"shown\": 3}'" in html  # the poll tells the view what is shown
    assert '<span class="visually-hidden">3 unread notifications</span>' in html


def test_an_unchanged_count_swaps_nothing(signed_in, student):
    NotificationFactory.create_batch(3, recipient=student)
    url = reverse("notifications:unread")

    response = signed_in.get(url, {"shown": "3"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 204  # htmx swaps nothing, the live region stays quiet
    assert response.content == b""


def test_a_changed_count_is_announced_once_in_the_live_region(signed_in, student):
    NotificationFactory.create_batch(3, recipient=student)
    url = reverse("notifications:unread")

    html = signed_in.get(url, {"shown": "2"}, HTTP_HX_REQUEST="true").content.decode()

    assert html.startswith('<span id="unread-notifications"')
    assert "hx-vals='{\"shown\": 3}'" in html  # the next poll compares with 3
    assert html.endswith(
        '<span id="unread-notifications-status" hx-swap-oob="innerHTML">'
        "3 unread notifications</span>\n"
    )
    one = signed_in.get(url, {"shown": "3"}, HTTP_HX_REQUEST="true")
    assert one.status_code == 204


@pytest.mark.parametrize(
    ("language", "count", "text"),
    [
        ("en", 0, "0 unread notifications"),
        ("en", 1, "1 unread notification"),
        ("en", 2, "2 unread notifications"),
        ("ru", 1, "1 непрочитанное уведомление"),
        ("ru", 3, "3 непрочитанных уведомления"),
        ("ru", 5, "5 непрочитанных уведомлений"),
    ],
)
def test_the_spoken_count_has_plural_forms(signed_in, student, language, count, text):
    student.preferred_language = language
    student.save()
    NotificationFactory.create_batch(count, recipient=student)

    html = signed_in.get(
        reverse("notifications:unread"), {"shown": "7"}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert f'<span class="visually-hidden">{text}</span>' in html
    assert f'hx-swap-oob="innerHTML">{text}</span>' in html


def test_without_htmx_nothing_is_announced(signed_in, student):
    NotificationFactory(recipient=student)
    html = signed_in.get(reverse("notifications:unread")).content.decode()
    assert "hx-swap-oob" not in html
