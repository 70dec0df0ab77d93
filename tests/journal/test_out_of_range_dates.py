"""A journal post dated outside 1900..2100 (issue 12).

``0001-01-01T00:00`` typed in the form (Asia/Bishkek) or ``9999-12-31T23:59:59-12:00`` in
an import was stored before year 1 / after 9999 in UTC: psycopg2 could not load the row,
so every page showing the post answered 500 and its owner could not delete it. Now the
form, the admin and the service refuse such dates, the database refuses them too, and
``journal.0002_repair_out_of_range_dates`` repairs the rows already stored."""

import datetime as dt
import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from journal.models import Post, Status
from journal.services import post_create
from portfolios.models import Visibility
from tests import out_of_range
from tests.factories import FollowFactory, StaffFactory, StudentFactory, portfolio_for, post_for
from tests.out_of_range import MESSAGE, constraints_dropped, store

pytestmark = pytest.mark.django_db

CONSTRAINT = "post_published_at_in_range"
REPAIR = importlib.import_module("journal.migrations.0002_repair_out_of_range_dates").REPAIR
EARLY = "0001-01-01T00:00:00+06:00"  # what the form stored for 0001-01-01T00:00 in Bishkek
LATE = "9999-12-31T23:59:59-12:00"  # what an import stored


def form_data(**changes):
    return {
        "title": "Dated",
        "body": "Text",
        "tags_text": "",
        "visibility": Visibility.PUBLIC,
        "status": Status.PUBLISHED,
        "published_at": "",
        "comments_enabled": "on",
        **changes,
    }


@pytest.fixture
def bad_posts(portfolio):
    """Two posts whose dates were stored before the constraint existed."""
    early = post_for(portfolio, title="From year one")
    late = post_for(portfolio, title="Scheduled for 9999")
    constraints_dropped(Post, CONSTRAINT)
    store("UPDATE journal_post SET published_at = %s WHERE id = %s", [EARLY, early.pk])
    store("UPDATE journal_post SET published_at = %s WHERE id = %s", [LATE, late.pk])
    return early, late


def repair():
    out_of_range.repair("journal", "0002_repair_out_of_range_dates", Post, CONSTRAINT)


@pytest.fixture
def follower_client(client, portfolio):
    follower = StudentFactory()
    portfolio_for(follower)
    FollowFactory(follower=follower, portfolio=portfolio)
    client.force_login(follower)
    return client


@pytest.fixture
def staff_client(client):
    from accounts.services import staff_group_ensure

    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    return client


# What happened before ----------------------------------------------------------------


def test_a_stored_date_before_year_one_cannot_even_be_loaded(bad_posts, owner_client):
    early, _late = bad_posts
    with pytest.raises(ValueError, match="year"):
        owner_client.get(reverse("journal:edit", args=[early.pk]))
    with pytest.raises(ValueError, match="year"):
        list(Post.objects.all())


# The repair --------------------------------------------------------------------------


def test_the_repair_keeps_an_old_post_published_on_the_day_it_was_written(bad_posts):
    early, late = bad_posts
    repair()

    early_after = Post.objects.get(pk=early.pk)
    assert early_after.status == Status.PUBLISHED
    assert early_after.published_at == early_after.created_at
    late_after = Post.objects.get(pk=late.pk)  # it was never shown: it stays hidden
    assert late_after.status == Status.DRAFT and late_after.published_at is None


def test_the_repair_leaves_dates_in_range_alone(portfolio):
    post = post_for(portfolio, published_at=dt.datetime(1950, 5, 1, tzinfo=dt.UTC))
    repair_before = Post.objects.values_list("published_at", "status").get(pk=post.pk)
    store(REPAIR)
    assert Post.objects.values_list("published_at", "status").get(pk=post.pk) == repair_before


def test_after_the_repair_every_page_showing_the_posts_answers(
    bad_posts, portfolio, client, owner_client, student, django_capture_on_commit_callbacks
):
    early, late = bad_posts
    repair()
    # Both posts visible where posts show: publish the draft again at a normal date.
    Post.objects.filter(pk=late.pk).update(status=Status.PUBLISHED, published_at=timezone.now())

    pages = [
        reverse("portfolios:public", args=[portfolio.slug]),
        reverse("journal:list", args=[portfolio.slug]),
        reverse("journal:detail", args=[portfolio.slug, early.pk]),
        reverse("journal:feed", args=[portfolio.slug]),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    owner_pages = [
        reverse("journal:manage"),
        reverse("journal:edit", args=[early.pk]),
        reverse("journal:delete", args=[early.pk]),
        reverse("portfolios:export"),
        reverse("accounts:dashboard"),
    ]
    for url in owner_pages:
        assert owner_client.get(url).status_code == 200, url
    with django_capture_on_commit_callbacks(execute=True):  # the export job runs on commit
        export = owner_client.post(reverse("portfolios:export"))
    assert owner_client.get(export.url).context["job"].status == "done"

    response = owner_client.post(reverse("journal:delete", args=[late.pk]))
    assert response.status_code == 302
    assert not Post.objects.filter(pk=late.pk).exists()


def test_after_the_repair_a_followers_dashboard_answers(bad_posts, follower_client):
    repair()
    response = follower_client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    assert "From year one" in response.content.decode()


def test_after_the_repair_the_admin_answers(bad_posts, staff_client):
    early, _late = bad_posts
    repair()
    assert staff_client.get(reverse("admin:journal_post_changelist")).status_code == 200
    change = reverse("admin:journal_post_change", args=[early.pk])
    assert staff_client.get(change).status_code == 200


# Nothing out of range comes in again -------------------------------------------------


@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "9999-12-31T23:59", "1899-12-31T23:59"])
def test_the_form_refuses_a_date_out_of_range(owner_client, typed):
    response = owner_client.post(reverse("journal:create"), form_data(published_at=typed))

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not Post.objects.exists()


@pytest.mark.parametrize("typed", ["1900-01-01T00:00", "2100-12-31T23:59"])
def test_the_form_takes_the_first_and_last_minute_and_pages_show_them(
    owner_client, client, portfolio, typed
):
    response = owner_client.post(reverse("journal:create"), form_data(published_at=typed))

    assert response.status_code == 302
    post = Post.objects.get()
    assert timezone.localtime(post.published_at).strftime("%Y-%m-%dT%H:%M") == typed
    assert owner_client.get(reverse("journal:edit", args=[post.pk])).status_code == 200
    assert owner_client.get(reverse("journal:manage")).status_code == 200
    assert client.get(reverse("portfolios:public", args=[portfolio.slug])).status_code == 200


def test_the_form_offers_only_dates_in_range(owner_client):
    html = owner_client.get(reverse("journal:create")).content.decode()
    assert 'type="datetime-local"' in html
    assert 'min="1900-01-01T00:00"' in html and 'max="2100-12-31T23:59"' in html


def test_an_import_or_any_service_call_out_of_range_is_refused(portfolio):
    late = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=-12)))
    for moment in (late, dt.datetime(1, 1, 1, tzinfo=dt.UTC)):
        with pytest.raises(ValidationError) as refused:
            post_create(
                portfolio=portfolio, title="x", status=Status.PUBLISHED, published_at=moment,
                visibility=Visibility.PUBLIC,
            )  # fmt: skip
        assert refused.value.message_dict["published_at"] == [MESSAGE]
    assert not Post.objects.exists()


def test_the_admin_refuses_a_date_out_of_range(staff_client, portfolio):
    post = post_for(portfolio, title="Kept")
    url = reverse("admin:journal_post_change", args=[post.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        portfolio=portfolio.pk, title="Kept", tags="", published_at_0="0001-01-01",
        published_at_1="00:00",
    )  # fmt: skip
    data = {k: v for k, v in data.items() if not isinstance(v, list)}
    data.update({"attachments-TOTAL_FORMS": 0, "attachments-INITIAL_FORMS": 0})

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    post.refresh_from_db()
    assert post.published_at.year > 2000


def test_the_database_refuses_a_date_out_of_range(portfolio):
    post = post_for(portfolio)
    for stored in (EARLY, LATE):
        with pytest.raises(IntegrityError, match=CONSTRAINT), transaction.atomic():
            store("UPDATE journal_post SET published_at = %s WHERE id = %s", [stored, post.pk])
