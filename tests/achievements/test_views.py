"""The student's editor through its pages: adding achievements with several files, editing,
reordering, deleting, evidence captions and links; bad uploads that lose nothing; and how
evidence files are delivered."""

import io
import re
import struct

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse

from achievements.models import Achievement, Evidence
from core.files.uploads import Kind
from demo.portfolios import make_docx, make_wav
from portfolios.models import Visibility
from tests.factories import (
    StudentFactory,
    achievement_for,
    pdf_bytes,
    png_bytes,
    portfolio_for,
    section,
    stored_media_files,
    uploaded_file,
)

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"PE\x00\x00"
MP4 = struct.pack(">I", 32) + b"ftypisom\x00\x00\x02\x00" + b"isomiso2avc1mp41" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture
def student(client):
    student = StudentFactory(username="aida")
    portfolio_for(student, visibility=Visibility.PUBLIC)
    client.force_login(student)
    return student


@pytest.fixture
def portfolio(student):
    return student.portfolio


def form_data(**changes):
    data = {
        "category": section("conferences").pk,
        "title": "Young Scientists of Kyrgyzstan",
        "description": "I gave a **talk**.",
        "start_date": "2025-04-10",
        "end_date": "",
        "organisation": "National Academy of Sciences",
        "level": "national",
        "result": "speaker",
        "grade": "",
        "url": "",
        "visibility": Visibility.PUBLIC,
        "skills_text": "Public speaking, Research",
        "video_url": "",
    }
    data.update(changes)
    return data


def titles_in_editor(client):
    html = client.get(reverse("portfolios:editor")).content.decode()
    return re.findall(r'class="fw-semibold" href="[^"]+">([^<]+)</a>', html)


# --- Adding ----------------------------------------------------------------------------


def test_add_an_achievement_with_several_files_at_once(client, portfolio):
    files = [
        uploaded_file("talk photo.png", png_bytes()),
        uploaded_file("programme.pdf", pdf_bytes("Programme")),
        uploaded_file("abstract.docx", make_docx("Abstract")),
    ]

    response = client.post(reverse("achievements:create"), form_data(files=files))

    achievement = Achievement.objects.get(portfolio=portfolio)
    assert response.status_code == 302
    assert response["Location"] == reverse("achievements:edit", args=[achievement.pk])
    assert achievement.title == "Young Scientists of Kyrgyzstan"
    assert sorted(achievement.skills.values_list("name", flat=True)) == [
        "Public speaking",
        "Research",
    ]
    evidence = list(achievement.evidence.order_by("order"))
    assert [(e.original_name, e.kind) for e in evidence] == [
        ("talk photo.png", Kind.IMAGE),
        ("programme.pdf", Kind.PDF),
        ("abstract.docx", Kind.OFFICE),
    ]
    assert [e.order for e in evidence] == [1, 2, 3]
    for item in evidence:
        for name in item.stored_names():
            assert default_storage.exists(name)
            assert "programme" not in name and "talk" not in name  # random names
    # the image has its display copy and thumbnail; the others are stored once
    assert len(stored_media_files()) == 3 + 2


def test_a_new_achievement_appears_on_the_public_page_with_its_files(client, portfolio):
    client.post(
        reverse("achievements:create"),
        form_data(files=[uploaded_file("programme.pdf", pdf_bytes())]),
    )
    evidence = Evidence.objects.get()
    client.logout()

    html = client.get(reverse("portfolios:public", args=[portfolio.slug])).content.decode()

    assert "Young Scientists of Kyrgyzstan" in html
    assert "<strong>talk</strong>" in html
    assert reverse("achievements:file", args=[evidence.public_id, "original"]) in html


def test_new_achievements_take_the_default_visibility(client, portfolio):
    portfolio_for(portfolio.student, default_visibility=Visibility.SIGNED_IN)

    html = client.get(reverse("achievements:create")).content.decode()

    assert re.search(r'<option value="20" selected>', html)


def test_the_add_link_of_a_section_preselects_it(client, portfolio):
    response = client.get(reverse("achievements:create") + "?section=sports")

    assert response.context["form"].initial["category"] == section("sports")


def test_add_an_achievement_with_a_video_link(client, portfolio):
    client.post(
        reverse("achievements:create"),
        form_data(video_url="https://youtu.be/dQw4w9WgXcQ"),
    )

    evidence = Evidence.objects.get()
    assert evidence.kind == Kind.LINK
    assert "dQw4w9WgXcQ" in evidence.external_url
    html = client.get(reverse("portfolios:public", args=[portfolio.slug])).content.decode()
    assert "Watch the video" in html


def test_a_video_link_that_is_not_https_is_refused(client, portfolio):
    response = client.post(
        reverse("achievements:create"), form_data(video_url="http://example.org/video")
    )

    assert response.status_code == 200
    assert "https://" in str(response.context["form"].errors["video_url"])
    assert not Achievement.objects.exists()


# --- Editing, reordering, deleting -------------------------------------------------------


def test_edit_an_achievement(client, portfolio):
    achievement = achievement_for(portfolio, title="Old title", visibility=Visibility.PUBLIC)

    response = client.post(
        reverse("achievements:edit", args=[achievement.pk]),
        form_data(category=achievement.category_id, title="New title", result="1st place"),
    )

    assert response.status_code == 302
    achievement.refresh_from_db()
    assert (achievement.title, achievement.result) == ("New title", "1st place")
    html = client.get(reverse("portfolios:public", args=[portfolio.slug])).content.decode()
    assert "New title" in html
    assert "Old title" not in html


def test_edit_adds_more_files_after_the_existing_ones(client, portfolio):
    achievement = achievement_for(
        portfolio, title="Cup", visibility=Visibility.PUBLIC, files=[("a.pdf", pdf_bytes())]
    )

    client.post(
        reverse("achievements:edit", args=[achievement.pk]),
        form_data(
            category=achievement.category_id,
            title="Cup",
            files=[uploaded_file("b.png", png_bytes()), uploaded_file("c.pdf", pdf_bytes())],
        ),
    )

    names = list(achievement.evidence.order_by("order").values_list("original_name", flat=True))
    assert names == ["a.pdf", "b.png", "c.pdf"]


def test_the_edit_page_lists_the_evidence(client, portfolio):
    achievement = achievement_for(
        portfolio, title="Cup", files=[("scan.pdf", pdf_bytes()), ("photo.png", png_bytes())]
    )

    html = client.get(reverse("achievements:edit", args=[achievement.pk])).content.decode()

    assert "scan.pdf" in html
    assert 'alt="photo.png"' in html


def test_reorder_up_and_down(client, portfolio):
    for title in ("First", "Second", "Third"):
        achievement_for(portfolio, title=title, section_code="sports")
    third = Achievement.objects.get(title="Third")
    first = Achievement.objects.get(title="First")

    response = client.post(reverse("achievements:move", args=[third.pk, "up"]))
    assert response.status_code == 302
    assert response["Location"].endswith("#section-sports")
    assert titles_in_editor(client) == ["First", "Third", "Second"]

    client.post(reverse("achievements:move", args=[first.pk, "down"]))
    assert titles_in_editor(client) == ["Third", "First", "Second"]


def test_reorder_needs_a_post_and_a_known_direction(client, portfolio):
    achievement = achievement_for(portfolio, title="Only")

    assert client.get(reverse("achievements:move", args=[achievement.pk, "up"])).status_code == 405
    response = client.post(reverse("achievements:move", args=[achievement.pk, "sideways"]))
    assert response.status_code == 404


def test_delete_an_achievement_removes_its_files(
    client, portfolio, django_capture_on_commit_callbacks
):
    achievement = achievement_for(
        portfolio, title="Cup", files=[("scan.pdf", pdf_bytes()), ("photo.png", png_bytes())]
    )
    names = [n for e in achievement.evidence.all() for n in e.stored_names()]
    assert len(names) == 4 and all(default_storage.exists(n) for n in names)

    confirm = client.get(reverse("achievements:delete", args=[achievement.pk]))
    assert confirm.status_code == 200
    assert Achievement.objects.filter(pk=achievement.pk).exists()  # a GET deletes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("achievements:delete", args=[achievement.pk]))

    assert response.status_code == 302
    assert not Achievement.objects.filter(pk=achievement.pk).exists()
    assert not Evidence.objects.exists()
    assert not any(default_storage.exists(n) for n in names)
    assert stored_media_files() == []


# --- Evidence: captions, more files, links, deleting -----------------------------------


def test_evidence_caption_is_saved_and_shown(client, portfolio):
    achievement = achievement_for(
        portfolio, title="Cup", visibility=Visibility.PUBLIC, files=[("scan.pdf", pdf_bytes())]
    )
    evidence = achievement.evidence.get()

    response = client.post(
        reverse("achievements:evidence-caption", args=[evidence.public_id]),
        {"caption": "Signed by the rector"},
    )

    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.caption == "Signed by the rector"
    html = client.get(reverse("portfolios:public", args=[portfolio.slug])).content.decode()
    assert '<figcaption class="small">Signed by the rector</figcaption>' in html


def test_upload_more_evidence_and_a_link_from_the_edit_page(client, portfolio):
    achievement = achievement_for(portfolio, title="Cup")

    response = client.post(
        reverse("achievements:evidence-upload", args=[achievement.pk]),
        {
            "files": [uploaded_file("a.png", png_bytes()), uploaded_file("b.pdf", pdf_bytes())],
            "video_url": "https://vimeo.com/76979871",
        },
        follow=True,
    )

    assert "2 files added." in response.content.decode()
    kinds = list(achievement.evidence.order_by("order").values_list("kind", flat=True))
    assert kinds == [Kind.IMAGE, Kind.PDF, Kind.LINK]


def test_uploading_nothing_says_what_to_do(client, portfolio):
    achievement = achievement_for(portfolio, title="Cup")

    response = client.post(
        reverse("achievements:evidence-upload", args=[achievement.pk]), {}, follow=True
    )

    assert "Choose at least one file or give a video link." in response.content.decode()


def test_delete_evidence_removes_its_files(client, portfolio, django_capture_on_commit_callbacks):
    achievement = achievement_for(
        portfolio, title="Cup", files=[("photo.png", png_bytes()), ("scan.pdf", pdf_bytes())]
    )
    photo = achievement.evidence.get(kind=Kind.IMAGE)
    names = photo.stored_names()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("achievements:evidence-delete", args=[photo.public_id]))

    assert response.status_code == 302
    assert list(achievement.evidence.values_list("original_name", flat=True)) == ["scan.pdf"]
    assert not any(default_storage.exists(n) for n in names)
    assert len(stored_media_files()) == 1
    url = reverse("achievements:file", args=[photo.public_id, "original"])
    assert client.get(url).status_code == 404


# --- Another student's things ----------------------------------------------------------


def test_another_student_cannot_touch_my_achievement_or_evidence(client, portfolio):
    achievement = achievement_for(
        portfolio, title="Mine", visibility=Visibility.PRIVATE, files=[("a.pdf", pdf_bytes())]
    )
    evidence = achievement.evidence.get()
    other = StudentFactory()
    portfolio_for(other)
    client.force_login(other)

    for url in (
        reverse("achievements:edit", args=[achievement.pk]),
        reverse("achievements:delete", args=[achievement.pk]),
        reverse("achievements:move", args=[achievement.pk, "up"]),
        reverse("achievements:evidence-upload", args=[achievement.pk]),
        reverse("achievements:evidence-caption", args=[evidence.public_id]),
        reverse("achievements:evidence-delete", args=[evidence.public_id]),
    ):
        assert client.post(url, {"caption": "hacked", "title": "hacked"}).status_code == 404
    assert client.get(reverse("achievements:edit", args=[achievement.pk])).status_code == 404

    achievement.refresh_from_db()
    evidence.refresh_from_db()
    assert achievement.title == "Mine"
    assert evidence.caption == ""


def test_editor_pages_send_visitors_to_the_login_page(client, portfolio):
    achievement = achievement_for(portfolio, title="Mine")
    client.logout()

    for url in (
        reverse("achievements:create"),
        reverse("achievements:edit", args=[achievement.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# --- Bad input loses nothing -----------------------------------------------------------

BAD_FILES = {
    "program": ("setup.exe", EXE, "“setup.exe” is a program. Programs cannot be uploaded."),
    "web page named .pdf": ("cv.pdf", HTML, "“cv.pdf” is a web page (HTML)."),
    "program named .png": ("cat.png", EXE, "“cat.png” is a program."),
    "broken image": ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "“broken.png”"),
}


@pytest.mark.parametrize("bad", list(BAD_FILES.values()), ids=list(BAD_FILES))
def test_a_rejected_file_among_good_ones_saves_nothing_and_keeps_the_form(client, portfolio, bad):
    name, content, message = bad
    files = [
        uploaded_file("good.png", png_bytes()),
        uploaded_file(name, content),
        uploaded_file("good.pdf", pdf_bytes()),
    ]

    response = client.post(
        reverse("achievements:create"),
        form_data(title="My typed title", description="Typed *description*", files=files),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Nothing has been saved yet." in html
    assert 'value="My typed title"' in html
    assert "Typed *description*" in html
    assert not Achievement.objects.exists()
    assert not Evidence.objects.exists()
    assert stored_media_files() == []


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ru", "Файл «setup.exe» — программа. Загружать программы нельзя."),
        ("ky", "«setup.exe» файлы — программа. Программаларды жүктөөгө болбойт."),
    ],
)
def test_the_rejection_is_in_the_students_language(client, student, language, message):
    student.preferred_language = language
    student.save()
    files = [uploaded_file("good.pdf", pdf_bytes()), uploaded_file("setup.exe", EXE)]

    response = client.post(
        reverse("achievements:create"), form_data(title="Олимпиада", files=files)
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Олимпиада"' in html
    assert not Achievement.objects.exists()


def test_an_empty_file_is_refused_by_name(client, portfolio):
    files = [uploaded_file("good.png", png_bytes()), uploaded_file("notes.pdf", b"")]

    response = client.post(reverse("achievements:create"), form_data(files=files))

    assert response.status_code == 200
    assert "“notes.pdf” is empty." in response.content.decode()


def test_an_empty_file_saves_nothing(client, portfolio):
    files = [uploaded_file("good.png", png_bytes()), uploaded_file("notes.pdf", b"")]

    response = client.post(
        reverse("achievements:create"), form_data(title="My typed title", files=files)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert 'value="My typed title"' in response.content.decode()
    assert not Achievement.objects.exists()
    assert stored_media_files() == []


def test_a_rejected_file_on_edit_changes_nothing(client, portfolio):
    achievement = achievement_for(portfolio, title="Cup", files=[("a.pdf", pdf_bytes())])
    before = stored_media_files()

    response = client.post(
        reverse("achievements:edit", args=[achievement.pk]),
        form_data(
            category=achievement.category_id,
            title="Renamed cup",
            files=[uploaded_file("b.png", png_bytes()), uploaded_file("setup.exe", EXE)],
        ),
    )

    assert response.status_code == 200
    assert "“setup.exe” is a program." in response.content.decode()
    assert 'value="Renamed cup"' in response.content.decode()
    assert Achievement.objects.get(pk=achievement.pk).title == "Cup"
    assert achievement.evidence.count() == 1
    assert stored_media_files() == before


def test_a_rejected_file_on_the_upload_form_is_named_in_a_message(client, portfolio):
    achievement = achievement_for(portfolio, title="Cup")

    response = client.post(
        reverse("achievements:evidence-upload", args=[achievement.pk]),
        {"files": [uploaded_file("ok.pdf", pdf_bytes()), uploaded_file("page.pdf", HTML)]},
        follow=True,
    )

    assert "“page.pdf” is a web page (HTML)." in response.content.decode()
    assert not Evidence.objects.exists()
    assert stored_media_files() == []


def test_storage_failing_halfway_leaves_no_row_and_no_file(client, portfolio, monkeypatch):
    real_save = FileSystemStorage._save
    calls = []

    def failing_save(self, name, content):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", failing_save)
    client.raise_request_exception = False
    files = [uploaded_file("a.pdf", pdf_bytes()), uploaded_file("b.pdf", pdf_bytes())]

    response = client.post(reverse("achievements:create"), form_data(files=files))

    assert len(calls) == 2  # the first file was written before the second failed
    assert response.status_code == 200  # the form again, with what was typed
    assert "could not be stored" in response.content.decode()
    assert response.context["form"]["title"].value() == form_data()["title"]
    assert not Achievement.objects.exists()
    assert not Evidence.objects.exists()
    assert stored_media_files() == []


def test_storage_failing_on_an_images_thumbnail_leaves_nothing(client, portfolio, monkeypatch):
    achievement = achievement_for(portfolio, title="Cup", files=[("a.pdf", pdf_bytes())])
    before = stored_media_files()
    real_save = FileSystemStorage._save
    calls = []

    def failing_save(self, name, content):
        calls.append(name)
        if len(calls) == 3:  # original and display copy written, thumbnail fails
            raise OSError("connection reset")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", failing_save)
    client.raise_request_exception = False

    response = client.post(
        reverse("achievements:evidence-upload", args=[achievement.pk]),
        {"files": [uploaded_file("photo.png", png_bytes())]},
    )

    assert response.status_code == 302  # back to the achievement, with the error shown
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("photo.png" in m and "could not be stored" in m for m in messages)
    assert achievement.evidence.count() == 1
    assert stored_media_files() == before


def test_over_the_quota_is_refused_by_name(client, portfolio, settings):
    achievement_for(portfolio, title="Cup", files=[("a.pdf", pdf_bytes("x" * 50))])
    used = Evidence.objects.get().stored_bytes
    settings.EVIDENCE_QUOTA_PER_STUDENT = used + 100

    response = client.post(
        reverse("achievements:create"),
        form_data(title="Too much", files=[uploaded_file("big.pdf", pdf_bytes("y" * 300))]),
    )

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["files"])
    assert "big.pdf" in errors
    assert not Achievement.objects.filter(title="Too much").exists()
    assert Evidence.objects.count() == 1


def test_several_files_that_together_pass_the_quota_are_refused(client, portfolio, settings):
    one = len(pdf_bytes("same size"))
    settings.EVIDENCE_QUOTA_PER_STUDENT = one * 2 + one // 2
    files = [uploaded_file(f"{n}.pdf", pdf_bytes("same size")) for n in "abc"]

    response = client.post(reverse("achievements:create"), form_data(files=files))

    assert response.status_code == 200
    assert "c.pdf" in " ".join(response.context["form"].errors["files"])
    assert not Evidence.objects.exists()
    assert stored_media_files() == []


def noise_png():
    from PIL import Image

    image = io.BytesIO()
    Image.effect_noise((300, 300), 80).convert("RGB").save(image, "PNG")
    return image.getvalue()


def test_an_image_whose_copies_do_not_fit_the_quota_is_refused(client, portfolio, settings):
    """The display copy and thumbnail count too: an image that fits alone but not with its
    copies is refused, and usage never goes over the quota."""
    from core.files.quota import storage_used

    image = noise_png()
    settings.EVIDENCE_QUOTA_PER_STUDENT = int(len(image) * 1.5)

    response = client.post(
        reverse("achievements:create"),
        form_data(title="My typed title", files=[uploaded_file("noise.png", image)]),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert 'value="My typed title"' in response.content.decode()
    assert storage_used(portfolio) <= settings.EVIDENCE_QUOTA_PER_STUDENT
    assert not Achievement.objects.exists()
    assert stored_media_files() == []


def test_an_image_refused_for_its_copies_is_named(client, portfolio, settings):
    image = noise_png()
    settings.EVIDENCE_QUOTA_PER_STUDENT = int(len(image) * 1.5)

    response = client.post(
        reverse("achievements:create"), form_data(files=[uploaded_file("noise.png", image)])
    )

    assert "noise.png" in " ".join(response.context["form"].errors["files"])


def test_the_editor_shows_storage_used(client, portfolio, settings):
    settings.EVIDENCE_QUOTA_PER_STUDENT = 10 * 1024 * 1024
    achievement_for(portfolio, title="Cup", files=[("a.pdf", pdf_bytes())])

    html = client.get(reverse("portfolios:editor")).content.decode()

    size = Evidence.objects.get().stored_bytes
    assert f"{size}\xa0bytes of 10.0\xa0MB used" in html


# --- Delivery --------------------------------------------------------------------------


@pytest.fixture
def delivered(portfolio):
    """One public achievement with an image, a PDF, a WAV and a Word document."""
    achievement = achievement_for(
        portfolio,
        title="Files",
        visibility=Visibility.PUBLIC,
        files=[
            ("photo.png", png_bytes((900, 600))),
            ("report.pdf", pdf_bytes()),
            ("talk.wav", make_wav(0.2)),
            ("essay.docx", make_docx("Essay")),
            ("clip.mp4", MP4),
        ],
    )
    return {e.original_name: e for e in achievement.evidence.all()}


def fetch(client, evidence, variant="original"):
    return client.get(reverse("achievements:file", args=[evidence.public_id, variant]))


@pytest.mark.parametrize(
    ("name", "variant", "content_type", "disposition"),
    [
        ("photo.png", "original", "image/png", "inline"),
        ("photo.png", "display", "image/png", "inline"),
        ("photo.png", "thumb", "image/png", "inline"),
        ("report.pdf", "original", "application/pdf", "inline"),
        ("talk.wav", "original", "audio/", "inline"),
        ("clip.mp4", "original", "video/mp4", "inline"),
        ("essay.docx", "original", "application/vnd.openxmlformats", "attachment"),
    ],
)
def test_delivery_headers(client, delivered, name, variant, content_type, disposition):
    client.logout()

    response = fetch(client, delivered[name], variant)

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith(disposition)
    assert name in response["Content-Disposition"]
    if content_type == "application/pdf":
        # The browser's PDF viewer does not open in a sandboxed document.
        assert "Content-Security-Policy" not in response
    else:
        csp = response["Content-Security-Policy"]
        assert "sandbox" in csp
        assert "default-src 'none'" in csp
        assert "script-src" not in csp  # no scripts at all: default-src 'none' covers them
    assert response["X-Robots-Tag"] == "noindex"
    assert "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_public_page_shows_thumbnails_and_players(client, portfolio, delivered):
    client.logout()

    html = client.get(reverse("portfolios:public", args=[portfolio.slug])).content.decode()

    def url(name, variant):
        return reverse("achievements:file", args=[delivered[name].public_id, variant])

    assert f'<img src="{url("photo.png", "thumb")}"' in html
    assert f'<audio controls preload="none" src="{url("talk.wav", "original")}">' in html
    assert f'src="{url("clip.mp4", "original")}"' in html
    assert f'<a href="{url("essay.docx", "original")}">essay.docx</a>' in html


def test_players_get_byte_ranges(client, delivered):
    """Audio and video players (Safari in particular) ask for parts of a file."""
    evidence = delivered["talk.wav"]
    whole = evidence.file.open("rb").read()
    url = reverse("achievements:file", args=[evidence.public_id, "original"])

    full = client.get(url)
    assert full.status_code == 200
    assert full["Accept-Ranges"] == "bytes"

    head = client.get(url, headers={"Range": "bytes=0-99"})
    assert head.status_code == 206
    assert head["Content-Range"] == f"bytes 0-99/{len(whole)}"
    assert b"".join(head.streaming_content) == whole[:100]
    assert head["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in head["Content-Security-Policy"]

    tail = client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206
    assert b"".join(tail.streaming_content) == whole[-10:]

    beyond = client.get(url, headers={"Range": f"bytes={len(whole)}-"})
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(whole)}"


def test_a_range_request_does_not_bypass_access(client, portfolio):
    achievement = achievement_for(
        portfolio, title="Private", visibility=Visibility.PRIVATE, files=[("t.wav", make_wav(0.1))]
    )
    client.logout()
    url = reverse("achievements:file", args=[achievement.evidence.get().public_id, "original"])

    assert client.get(url, headers={"Range": "bytes=0-99"}).status_code == 404


def test_files_ask_search_engines_not_to_index_them(client, delivered):
    response = fetch(client, delivered["report.pdf"])

    assert response["X-Robots-Tag"] == "noindex"


def test_image_variants_are_the_display_copy_and_the_thumbnail(client, delivered):
    from PIL import Image

    sizes = {}
    for variant in ("original", "display", "thumb"):
        body = b"".join(fetch(client, delivered["photo.png"], variant).streaming_content)
        sizes[variant] = Image.open(io.BytesIO(body)).size

    assert sizes["original"] == (900, 600)
    assert max(sizes["thumb"]) <= 400
    assert sizes["thumb"] != sizes["original"]


def test_a_file_with_an_odd_name_is_delivered_with_a_safe_header(client, portfolio):
    achievement = achievement_for(
        portfolio,
        title="Files",
        visibility=Visibility.PUBLIC,
        files=[('Отчёт "final"\r\nX-Evil: 1.pdf', pdf_bytes())],
    )

    response = fetch(client, achievement.evidence.get())

    assert response.status_code == 200
    assert "X-Evil" not in response.headers
    assert "\n" not in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_photo_delivery_headers(client, portfolio):
    from core.files.uploads import prepare_upload
    from portfolios.services import portfolio_update

    portfolio_update(
        portfolio=portfolio, skills=[], photo=prepare_upload(uploaded_file("me.png", png_bytes()))
    )

    response = client.get(reverse("portfolios:photo", args=[portfolio.slug, "display"]))

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert "sandbox" in response["Content-Security-Policy"]
    assert "private" in response["Cache-Control"]


def test_stored_files_are_not_reachable_at_a_media_address(client, delivered):
    name = delivered["report.pdf"].file.name

    assert client.get(f"/media/{name}").status_code == 404
    assert client.get(f"/{name}").status_code == 404


def test_a_file_missing_from_storage_is_a_404(client, delivered):
    evidence = delivered["report.pdf"]
    default_storage.delete(evidence.file.name)

    assert fetch(client, evidence).status_code == 404


def test_a_video_link_has_no_file_to_download(client, portfolio):
    from achievements.services import evidence_add_link

    achievement = achievement_for(portfolio, title="Talk", visibility=Visibility.PUBLIC)
    link = evidence_add_link(achievement=achievement, url="https://youtu.be/dQw4w9WgXcQ")

    assert fetch(client, link).status_code == 404
