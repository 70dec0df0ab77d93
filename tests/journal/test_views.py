"""The student's journal through its pages: writing with attachments, bad input that loses
nothing, publishing, deleting; and where posts show up (editor, portfolio page)."""

from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils import timezone

from analytics.models import ActivityEvent, ActivityKind
from journal.models import Post, PostAttachment, Status
from portfolios.models import Visibility
from tests.factories import (
    achievement_for,
    pdf_bytes,
    png_bytes,
    post_for,
    stored_media_files,
    uploaded_file,
)

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def form_data(**changes):
    data = {
        "title": "My first lesson",
        "body": "It went **well**.",
        "tags_text": "practice, Informatics",
        "visibility": Visibility.PUBLIC,
        "status": Status.PUBLISHED,
        "published_at": "",
        "comments_enabled": "on",
    }
    data.update(changes)
    return data


def test_write_a_post_with_attachments(owner_client, portfolio):
    response = owner_client.post(
        reverse("journal:create"),
        form_data(files=[uploaded_file("a.png", png_bytes()), uploaded_file("b.pdf", pdf_bytes())]),
        follow=True,
    )

    assert response.status_code == 200
    post = Post.objects.get()
    assert response.redirect_chain[-1][0] == reverse("journal:edit", args=[post.pk])
    assert post.tags == ["practice", "Informatics"]
    assert post.status == Status.PUBLISHED and post.published_at is not None
    assert [a.kind for a in post.attachments.all()] == ["image", "pdf"]
    assert len(stored_media_files()) == 3 + 1
    html = response.content.decode()
    assert "a.png" in html and "b.pdf" in html
    assert ActivityEvent.objects.filter(kind=ActivityKind.POST_CREATED, object_id=post.pk).exists()


def test_a_new_post_takes_the_default_visibility(owner_client, portfolio):
    response = owner_client.get(reverse("journal:create"))

    assert response.context["form"].initial["visibility"] == Visibility.SIGNED_IN


def test_save_as_draft_then_publish_from_the_list(owner_client, portfolio):
    owner_client.post(reverse("journal:create"), form_data(status=Status.DRAFT))
    post = Post.objects.get()
    assert post.status == Status.DRAFT

    manage = owner_client.get(reverse("journal:manage")).content.decode()
    assert "Draft" in manage and post.title in manage

    owner_client.post(reverse("journal:publish", args=[post.pk]))
    post.refresh_from_db()
    assert post.status == Status.PUBLISHED and post.published_at is not None


def test_publish_needs_a_post_request(owner_client, portfolio):
    post = post_for(portfolio, status=Status.DRAFT)

    assert owner_client.get(reverse("journal:publish", args=[post.pk])).status_code == 405


def test_a_chosen_publication_date_is_kept(owner_client, portfolio):
    owner_client.post(reverse("journal:create"), form_data(published_at="2025-03-08T10:30"))

    post = Post.objects.get()
    assert (post.published_at.year, post.published_at.month, post.published_at.day) == (
        2025, 3, 8,
    )  # fmt: skip


def test_edit_a_post(owner_client, portfolio):
    post = post_for(portfolio, title="Old")

    response = owner_client.post(
        reverse("journal:edit", args=[post.pk]), form_data(title="New", tags_text="")
    )

    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.tags) == ("New", [])


def test_a_missing_title_keeps_what_was_typed(owner_client, portfolio):
    response = owner_client.post(
        reverse("journal:create"), form_data(title="", body="My *typed* body")
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing has been saved yet." in html
    assert "My *typed* body" in html
    assert response.context["form"].errors["title"]
    assert not Post.objects.exists()


def test_too_many_tags_are_refused(owner_client, portfolio):
    tags = ", ".join(f"tag{n}" for n in range(11))
    response = owner_client.post(reverse("journal:create"), form_data(tags_text=tags))

    assert response.status_code == 200
    assert "Choose at most 10 tags." in response.content.decode()
    assert not Post.objects.exists()


# --- Bad uploads leave no row and no file -------------------------------------------------

BAD_FILES = {
    "program": ("setup.exe", EXE, "“setup.exe” is a program. Programs cannot be uploaded."),
    "web page named .pdf": ("cv.pdf", HTML, "“cv.pdf” is a web page (HTML)."),
    "empty": ("notes.pdf", b"", "“notes.pdf” is empty."),
}


@pytest.mark.parametrize("bad", list(BAD_FILES.values()), ids=list(BAD_FILES))
def test_a_refused_file_saves_nothing_and_keeps_the_form(owner_client, portfolio, bad):
    name, content, message = bad
    files = [uploaded_file("good.png", png_bytes()), uploaded_file(name, content)]

    response = owner_client.post(
        reverse("journal:create"), form_data(title="My typed title", files=files)
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="My typed title"' in html
    assert not Post.objects.exists()
    assert not PostAttachment.objects.exists()
    assert stored_media_files() == []
    assert not ActivityEvent.objects.filter(kind=ActivityKind.POST_CREATED).exists()


def test_a_refused_file_on_edit_changes_nothing(owner_client, portfolio):
    post = post_for(portfolio, title="Kept", files=[("a.pdf", pdf_bytes())])
    before = stored_media_files()

    response = owner_client.post(
        reverse("journal:edit", args=[post.pk]),
        form_data(title="Renamed", files=[uploaded_file("b.png", png_bytes()),
                                          uploaded_file("setup.exe", EXE)]),
    )  # fmt: skip

    assert response.status_code == 200
    assert 'value="Renamed"' in response.content.decode()
    assert Post.objects.get(pk=post.pk).title == "Kept"
    assert post.attachments.count() == 1
    assert stored_media_files() == before


def test_storage_failing_halfway_leaves_no_row_and_no_file(owner_client, portfolio, monkeypatch):
    real_save = FileSystemStorage._save
    calls = []

    def failing_save(self, name, content):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", failing_save)
    owner_client.raise_request_exception = False
    files = [uploaded_file("a.pdf", pdf_bytes()), uploaded_file("b.pdf", pdf_bytes())]

    response = owner_client.post(reverse("journal:create"), form_data(files=files))

    assert len(calls) == 2
    assert response.status_code == 200
    assert "could not be stored" in response.content.decode()
    assert response.context["form"]["title"].value() == "My first lesson"
    assert not Post.objects.exists()
    assert stored_media_files() == []


def test_attachments_and_evidence_share_one_quota(owner_client, portfolio, settings):
    achievement_for(portfolio, title="Cup", files=[("a.pdf", pdf_bytes())])
    post_for(portfolio, title="First", files=[("b.pdf", pdf_bytes())])
    from core.files.quota import storage_used

    used = storage_used(portfolio)
    assert used == 2 * len(pdf_bytes())
    settings.EVIDENCE_QUOTA_PER_STUDENT = used + 10
    before = stored_media_files()

    response = owner_client.post(
        reverse("journal:create"), form_data(files=[uploaded_file("c.pdf", pdf_bytes())])
    )

    assert response.status_code == 200
    assert "“c.pdf”" in response.context["form"].errors["files"][0]
    assert Post.objects.count() == 1
    assert stored_media_files() == before


def test_delete_an_attachment_removes_its_files(
    owner_client, portfolio, django_capture_on_commit_callbacks
):
    post = post_for(portfolio, files=[("a.png", png_bytes()), ("b.pdf", pdf_bytes())])
    image = post.attachments.get(kind="image")

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("journal:attachment-delete", args=[image.public_id]))

    assert response.status_code == 302
    assert list(post.attachments.values_list("original_name", flat=True)) == ["b.pdf"]
    assert len(stored_media_files()) == 1
    url = reverse("journal:file", args=[image.public_id, "original"])
    assert owner_client.get(url).status_code == 404


def test_delete_a_post_from_its_page(owner_client, portfolio, django_capture_on_commit_callbacks):
    post = post_for(portfolio, title="Bye", files=[("a.pdf", pdf_bytes())])
    confirm = owner_client.get(reverse("journal:delete", args=[post.pk]))
    assert "Delete “Bye” and its 1 attachment?" in confirm.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("journal:delete", args=[post.pk]))

    assert response.url == reverse("journal:manage")
    assert not Post.objects.exists()
    assert stored_media_files() == []


# --- Where posts show up --------------------------------------------------------------------


def test_the_editor_has_a_journal_card(owner_client, portfolio):
    post_for(portfolio, title="One")
    post_for(portfolio, title="Two", status=Status.DRAFT)

    html = owner_client.get(reverse("portfolios:editor")).content.decode()

    assert reverse("journal:manage") in html
    assert reverse("journal:create") in html
    assert "1 published" in html and "1 draft" in html
    assert " scheduled" not in html.split("Manage my journal")[0].split("each with its own")[1]

    post_for(portfolio, title="Three", published_at=timezone.now() + timedelta(days=1))
    html = owner_client.get(reverse("portfolios:editor")).content.decode()
    assert "1 published" in html and "1 scheduled" in html


def test_the_portfolio_page_shows_the_latest_posts_and_the_feed(client, portfolio):
    for number in range(5):
        post_for(portfolio, title=f"Public post {number}", body=f"Body **{number}**")
    post_for(portfolio, title="Draft post", status=Status.DRAFT)
    post_for(portfolio, title="Private post", visibility=Visibility.PRIVATE)

    html = client.get(reverse("portfolios:public", args=[portfolio.slug])).content.decode()

    assert 'id="journal-title"' in html
    assert html.count('class="journal-post') == 3  # the latest few
    assert "Public post 4" in html and "Public post 0" not in html
    assert "Draft post" not in html and "Private post" not in html
    assert reverse("journal:list", args=[portfolio.slug]) in html
    feed = reverse("journal:feed", args=[portfolio.slug])
    assert f'<link rel="alternate" type="application/atom+xml" href="{feed}"' in html


def test_a_new_post_shows_on_the_cached_page_at_once(client, portfolio):
    url = reverse("portfolios:public", args=[portfolio.slug])
    assert "Fresh post" not in client.get(url).content.decode()

    post_for(portfolio, title="Fresh post")

    assert "Fresh post" in client.get(url).content.decode()


def test_a_page_that_is_not_public_offers_no_feed(client, portfolio, student):
    portfolio.visibility = Visibility.SIGNED_IN
    portfolio.save()
    post_for(portfolio, title="Visible to members")
    client.force_login(student)

    html = client.get(reverse("portfolios:public", args=[portfolio.slug])).content.decode()

    assert "Visible to members" in html
    assert "application/atom+xml" not in html


def test_the_owner_sees_a_draft_as_a_preview(owner_client, portfolio):
    post = post_for(portfolio, title="Unfinished", status=Status.DRAFT)

    html = owner_client.get(reverse("journal:detail", args=[portfolio.slug, post.pk]))

    assert "This is a draft: only you can see it." in html.content.decode()


def test_the_list_filters_by_tag(client, portfolio):
    post_for(portfolio, title="About robots", tags=["robotics"])
    post_for(portfolio, title="About books", tags=["reading"])

    html = client.get(reverse("journal:list", args=[portfolio.slug]) + "?tag=robotics")

    assert "About robots" in html.content.decode()
    assert "About books" not in html.content.decode()
