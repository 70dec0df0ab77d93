"""Writing, publishing and deleting posts through the services: what is stored, what the
activity log records, and what readers see."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from analytics.models import ActivityEvent, ActivityKind
from journal import selectors, services
from journal.models import Post, Status
from portfolios.access import PUBLIC, audience_for
from portfolios.models import Portfolio, Visibility
from tests.factories import png_bytes, post_for

pytestmark = pytest.mark.django_db


def events(student, kind):
    return list(
        ActivityEvent.objects.filter(student=student, kind=kind).values_list(
            "object_id", "object_label", "actor_id"
        )
    )


def test_create_stores_the_post_renders_markdown_and_records_the_event(portfolio, student):
    post = services.post_create(
        portfolio=portfolio, title="First lesson", body="I was **nervous**.",
        tags=["Practice", " practice ", "Robotics  club"], status=Status.PUBLISHED,
    )  # fmt: skip

    post.refresh_from_db()
    assert post.body_html == "<p>I was <strong>nervous</strong>.</p>"
    assert post.tags == ["Practice", "Robotics club"]  # repeats by case dropped, spaces tidied
    assert post.visibility == Visibility.SIGNED_IN  # the portfolio's default
    assert post.published_at is not None and post.published_at <= timezone.now()
    assert post.comments_enabled is True
    assert events(student, ActivityKind.POST_CREATED) == [(post.pk, "First lesson", student.pk)]


def test_a_draft_has_no_date_and_nobody_but_the_owner_sees_it(portfolio, student):
    post = services.post_create(portfolio=portfolio, title="Thoughts", status=Status.DRAFT,
                                visibility=Visibility.PUBLIC)  # fmt: skip

    assert post.published_at is None
    assert list(selectors.posts_for_audience(portfolio, PUBLIC)) == []
    assert list(selectors.posts_visible_to(student, portfolio)) == []  # the page shows published
    assert [p.pk for p in selectors.posts_of_owner(portfolio)] == [post.pk]


def test_publish_sets_the_date_and_records_an_update(portfolio, student):
    post = services.post_create(portfolio=portfolio, title="Later", status=Status.DRAFT,
                                visibility=Visibility.PUBLIC)  # fmt: skip

    services.post_publish(post=post)

    post.refresh_from_db()
    assert post.status == Status.PUBLISHED
    assert post.published_at <= timezone.now()
    assert [p.pk for p in selectors.posts_for_audience(portfolio, PUBLIC)] == [post.pk]
    assert events(student, ActivityKind.POST_UPDATED) == [(post.pk, "Later", student.pk)]


def test_a_future_date_schedules_the_post(portfolio):
    post = post_for(portfolio, title="Tomorrow", published_at=timezone.now() + timedelta(days=1))

    assert post.is_scheduled
    assert list(selectors.posts_for_audience(portfolio, PUBLIC)) == []
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert [p.pk for p in selectors.posts_for_audience(portfolio, PUBLIC)] == [post.pk]


def test_unpublish_hides_the_post_again(portfolio):
    post = post_for(portfolio, title="Oops")

    services.post_unpublish(post=post)

    assert list(selectors.posts_for_audience(portfolio, PUBLIC)) == []


def test_update_changes_fields_and_records_the_event(portfolio, student):
    post = post_for(portfolio, title="Old title", body="old")

    services.post_update(post=post, title="New title", body="*new*", tags=["a", "A", "b"])

    post.refresh_from_db()
    assert (post.title, post.body_html, post.tags) == ("New title", "<p><em>new</em></p>",
                                                       ["a", "b"])  # fmt: skip
    assert events(student, ActivityKind.POST_UPDATED) == [(post.pk, "New title", student.pk)]


def test_an_invalid_post_saves_nothing_and_records_nothing(portfolio, student):
    with pytest.raises(ValidationError):
        services.post_create(portfolio=portfolio, title="", body="no title")

    assert not Post.objects.exists()
    assert not ActivityEvent.objects.filter(kind=ActivityKind.POST_CREATED).exists()


def test_unknown_fields_are_a_programming_error(portfolio):
    with pytest.raises(TypeError):
        services.post_create(portfolio=portfolio, title="x", colour="red")


def test_delete_removes_the_post_its_files_and_records_the_event(
    portfolio, student, django_capture_on_commit_callbacks
):
    from tests.factories import stored_media_files

    post = post_for(portfolio, title="Gone soon", files=[("a.png", png_bytes())])
    assert len(stored_media_files()) == 3  # the image, its display copy and its thumbnail
    pk = post.pk

    with django_capture_on_commit_callbacks(execute=True):
        services.post_delete(post=post)

    assert not Post.objects.filter(pk=pk).exists()
    assert stored_media_files() == []
    assert events(student, ActivityKind.POST_DELETED) == [(pk, "Gone soon", student.pk)]


def test_every_change_moves_the_content_version_of_the_page(portfolio):
    def version():
        return Portfolio.objects.get(pk=portfolio.pk).content_version

    start = version()
    post = post_for(portfolio, title="v")
    after_create = version()
    services.post_update(post=post, title="v2")
    after_update = version()
    services.post_delete(post=post)

    assert start < after_create < after_update < version()
    assert Portfolio.objects.get(pk=portfolio.pk).content_updated_at is not None


def test_visibility_follows_the_audience(portfolio, people):
    levels = {
        Visibility.PUBLIC: post_for(portfolio, title="public", visibility=Visibility.PUBLIC),
        Visibility.SIGNED_IN: post_for(portfolio, title="signed", visibility=Visibility.SIGNED_IN),
        Visibility.SUPERVISORS: post_for(portfolio, title="sup", visibility=Visibility.SUPERVISORS),
        Visibility.PRIVATE: post_for(portfolio, title="me", visibility=Visibility.PRIVATE),
    }

    def titles(viewer):
        return {p.title for p in selectors.posts_visible_to(viewer, portfolio)}

    assert titles(people["owner"]) == {"public", "signed", "sup", "me"}
    assert titles(people["supervisor"]) == {"public", "signed", "sup"}
    assert titles(people["employer"]) == {"public", "signed"}
    assert titles(people["other_student"]) == {"public", "signed"}
    assert titles(people["pending_employer"]) == {"public"}
    assert titles(None) == {"public"}
    assert audience_for(people["staff"], portfolio).level == Visibility.PRIVATE
    assert len(levels) == 4
