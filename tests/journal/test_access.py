"""Who reads which post and downloads which attachment: owner, the student's supervisor,
another supervisor, another student, an approved and a pending employer, staff and an
anonymous visitor, for every visibility, for drafts and scheduled posts. What a viewer may
not see is a 404, never a 403."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from journal.access import access_post
from journal.models import Status
from portfolios.models import Visibility
from tests.factories import StudentFactory, png_bytes, portfolio_for, post_for

pytestmark = pytest.mark.django_db

V = Visibility
# Who reads a published post of each visibility on a public page.
READERS = {
    V.PUBLIC: {"anonymous", "owner", "supervisor", "other_supervisor", "other_student",
               "employer", "pending_employer", "staff"},
    V.SIGNED_IN: {"owner", "supervisor", "other_supervisor", "other_student", "employer",
                  "staff"},
    V.SUPERVISORS: {"owner", "supervisor", "staff"},
    V.PRIVATE: {"owner", "staff"},
}  # fmt: skip
VIEWERS = sorted(READERS[V.PUBLIC])


def get(client, people, who, url):
    client.logout()
    if people[who] is not None:
        client.force_login(people[who])
    return client.get(url).status_code


def _post(portfolio, visibility, state):
    fields = {"visibility": visibility, "files": [("photo.png", png_bytes())]}
    if state == "draft":
        fields["status"] = Status.DRAFT
    elif state == "scheduled":
        fields["published_at"] = timezone.now() + timedelta(days=2)
    return post_for(portfolio, title=f"{visibility} {state}", **fields)


@pytest.mark.parametrize("visibility", list(READERS))
@pytest.mark.parametrize("state", ["published", "draft", "scheduled"])
def test_post_page_and_its_files_follow_visibility_and_state(
    client, portfolio, people, visibility, state
):
    post = _post(portfolio, visibility, state)
    attachment = post.attachments.get()
    urls = [
        reverse("journal:detail", args=[portfolio.slug, post.pk]),
        reverse("journal:file", args=[attachment.public_id, "original"]),
        reverse("journal:file", args=[attachment.public_id, "thumb"]),
    ]
    # Drafts and scheduled posts: the owner only (a preview). Staff read published posts at
    # every level, as they read every achievement.
    readers = READERS[visibility] if state == "published" else {"owner"}

    for who in VIEWERS:
        expected = 200 if who in readers else 404
        for url in urls:
            assert get(client, people, who, url) == expected, (who, url)


@pytest.mark.parametrize("visibility", list(READERS))
def test_the_journal_list_shows_what_each_viewer_may_read(client, portfolio, people, visibility):
    _post(portfolio, visibility, "published")
    _post(portfolio, visibility, "draft")
    _post(portfolio, visibility, "scheduled")
    url = reverse("journal:list", args=[portfolio.slug])

    for who in VIEWERS:
        client.logout()
        if people[who] is not None:
            client.force_login(people[who])
        html = client.get(url).content.decode()
        shown = f"{visibility} published" in html
        assert shown == (who in READERS[visibility]), who
        assert f"{visibility} draft" not in html  # drafts live on the journal editor
        assert f"{visibility} scheduled" not in html


@pytest.mark.parametrize(
    ("page_visibility", "readers"),
    [
        (V.SIGNED_IN, {"owner", "supervisor", "other_supervisor", "other_student", "employer",
                       "staff"}),
        (V.SUPERVISORS, {"owner", "supervisor", "staff"}),
        (V.PRIVATE, {"owner", "staff"}),
    ],
)  # fmt: skip
def test_a_public_post_on_a_closed_page_is_closed_too(
    client, portfolio, people, page_visibility, readers
):
    post = _post(portfolio, V.PUBLIC, "published")
    portfolio.visibility = page_visibility
    portfolio.save()
    attachment = post.attachments.get()
    urls = [
        reverse("journal:list", args=[portfolio.slug]),
        reverse("journal:detail", args=[portfolio.slug, post.pk]),
        reverse("journal:file", args=[attachment.public_id, "display"]),
    ]

    for who in VIEWERS:
        for url in urls:
            assert get(client, people, who, url) == (200 if who in readers else 404), (who, url)


def test_a_post_is_not_found_under_another_students_address(client, portfolio):
    post = _post(portfolio, V.PUBLIC, "published")
    other = StudentFactory()
    other_portfolio = portfolio_for(other, visibility=V.PUBLIC)

    url = reverse("journal:detail", args=[other_portfolio.slug, post.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", ["journal:edit", "journal:delete"])
def test_only_the_owner_edits_or_deletes(client, portfolio, people, name):
    post = _post(portfolio, V.PUBLIC, "published")
    url = reverse(name, args=[post.pk])

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("accounts:login"))
    for who in VIEWERS:
        if who != "anonymous":
            assert get(client, people, who, url) == (200 if who == "owner" else 404), who


def test_others_cannot_publish_delete_or_remove_attachments(client, portfolio, people):
    post = _post(portfolio, V.PRIVATE, "draft")
    attachment = post.attachments.get()
    for who in ("other_student", "supervisor", "staff"):
        client.force_login(people[who])
        assert client.post(reverse("journal:publish", args=[post.pk])).status_code == 404
        assert client.post(reverse("journal:delete", args=[post.pk])).status_code == 404
        url = reverse("journal:attachment-delete", args=[attachment.public_id])
        assert client.post(url).status_code == 404
    post.refresh_from_db()
    assert post.status == Status.DRAFT
    assert post.attachments.count() == 1


def test_access_post_for_edit_is_the_owners_only(portfolio, people):
    post = _post(portfolio, V.PUBLIC, "published")

    assert access_post(people["owner"], post.pk, for_edit=True) == post
    assert access_post(people["anonymous"] or _anonymous(), post.pk) == post
    for who in ("supervisor", "staff", "other_student", "employer"):
        with pytest.raises(Http404):
            access_post(people[who], post.pk, for_edit=True)


def test_access_post_hides_drafts_from_everyone_but_the_owner(portfolio, people):
    post = _post(portfolio, V.PUBLIC, "draft")

    assert access_post(people["owner"], post.pk) == post
    for who in ("supervisor", "staff", "other_student", "employer"):
        with pytest.raises(Http404):
            access_post(people[who], post.pk)
    with pytest.raises(Http404):
        access_post(_anonymous(), post.pk)


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_files_are_never_at_a_public_address(client, portfolio, settings):
    post = _post(portfolio, V.PRIVATE, "published")
    attachment = post.attachments.get()

    assert attachment.file.name.startswith("evidence/")
    assert client.get(settings.MEDIA_URL + attachment.file.name).status_code == 404
    html = client.get(reverse("journal:list", args=[portfolio.slug])).content.decode()
    assert attachment.file.name not in html
