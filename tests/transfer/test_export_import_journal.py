"""Journal posts travel in the export zip: every post (drafts and scheduled ones too) with its
attachments comes back on import, through the journal's own rules; a zip whose posts or
attachments are wrong changes nothing; zips of the first format still import."""

import hashlib
import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from achievements.models import Achievement, Evidence
from analytics.models import ActivityEvent, ActivityKind
from journal.models import MAX_TAGS, Post, PostAttachment
from portfolios.models import Visibility
from tests.factories import (
    StudentFactory,
    achievement_for,
    pdf_bytes,
    png_bytes,
    portfolio_for,
    post_for,
    stored_media_files,
)
from tests.portfolios.test_markdown import HOSTILE as HOSTILE_MARKDOWN
from tests.portfolios.test_markdown import (
    PAGE_FORBIDDEN_TAGS,
    assert_harmless,
    strip_site_scripts,
)
from tests.transfer.test_export_import import zip_of
from transfer.archive import MAX_POST_BODY, ImportRefused, export_zip, import_zip

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00" * 64


def exported(portfolio) -> tuple[dict, dict[str, bytes]]:
    """portfolio.json and every entry of the export zip."""
    buffer = io.BytesIO()
    export_zip(portfolio, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(entries["portfolio.json"]), entries


def as_zip(entries: dict[str, bytes], document: dict | None = None) -> io.BytesIO:
    if document is not None:
        entries = {**entries, "portfolio.json": json.dumps(document).encode()}
    return zip_of(entries)


def without_times(document: dict) -> dict:
    document = {k: v for k, v in document.items() if k not in ("exported_at", "student")}
    document["portfolio"] = {k: v for k, v in document["portfolio"].items() if k != "slug"}
    return document


@pytest.fixture
def source():
    """A portfolio with an achievement and four posts: public with two attachments, a
    private draft that keeps its chosen date, a scheduled one and one for supervisors."""
    student = StudentFactory(username="writer")
    portfolio = portfolio_for(student, visibility=Visibility.PUBLIC, headline="Future teacher")
    achievement_for(portfolio, title="Olympiad", visibility=Visibility.PUBLIC,
                    files=[("diploma.pdf", pdf_bytes("Diploma"))])  # fmt: skip
    now = timezone.now()
    post_for(
        portfolio, title="First lesson", body="I was **nervous**.",
        tags=["Practice", "Robotics club"], published_at=now - timedelta(days=2),
        files=[("lesson.png", png_bytes()), ("plan.pdf", pdf_bytes("Lesson plan"))],
    )  # fmt: skip
    post_for(portfolio, title="Half a thought", body="Not yet.", status="draft",
             visibility=Visibility.PRIVATE, published_at=now + timedelta(days=30))  # fmt: skip
    post_for(portfolio, title="Exam week", body="Soon.", published_at=now + timedelta(days=7))
    post_for(portfolio, title="For my supervisors", visibility=Visibility.SUPERVISORS,
             comments_enabled=False, published_at=now - timedelta(days=1))  # fmt: skip
    return portfolio


@pytest.fixture
def target():
    return portfolio_for(StudentFactory(username="twin"))


def rows_of(portfolio) -> dict[str, int]:
    return {
        "achievements": Achievement.objects.filter(portfolio=portfolio).count(),
        "evidence": Evidence.objects.filter(achievement__portfolio=portfolio).count(),
        "posts": Post.objects.filter(portfolio=portfolio).count(),
        "attachments": PostAttachment.objects.filter(post__portfolio=portfolio).count(),
        "events": ActivityEvent.objects.filter(student=portfolio.student).count(),
    }


# --- export ----------------------------------------------------------------------------


def test_export_holds_every_post_with_its_attachments(source):
    document, entries = exported(source)

    assert document["version"] == 2
    posts = {post["title"]: post for post in document["posts"]}
    assert list(posts) == ["First lesson", "Half a thought", "Exam week", "For my supervisors"]
    first = posts["First lesson"]
    assert first["body"] == "I was **nervous**."  # the Markdown source, not the HTML
    assert "body_html" not in first
    assert first["tags"] == ["Practice", "Robotics club"]
    assert (first["visibility"], first["status"]) == ("public", "published")
    assert first["comments_enabled"] is True
    draft = posts["Half a thought"]
    assert (draft["status"], draft["visibility"]) == ("draft", "private")
    assert draft["published_at"] is not None  # the date chosen for it
    assert posts["For my supervisors"]["comments_enabled"] is False
    attachments = first["attachments"]
    assert [(a["name"], a["kind"]) for a in attachments] == [
        ("lesson.png", "image"), ("plan.pdf", "pdf"),
    ]  # fmt: skip
    evidence_paths = [e["path"] for item in document["achievements"] for e in item["evidence"]]
    for attachment in attachments:
        content = entries[attachment["path"]]
        assert len(content) == attachment["size"]
        assert hashlib.sha256(content).hexdigest() == attachment["sha256"]
        assert attachment["path"] not in evidence_paths


def test_offline_page_lists_every_post_with_who_may_see_it(source):
    """The student's own copy, like its achievements: every post, labelled."""
    document, entries = exported(source)
    index = entries["index.html"].decode()

    assert "First lesson" in index
    assert "<strong>nervous</strong>" in index
    assert "Practice, Robotics club" in index
    first = next(p for p in document["posts"] if p["title"] == "First lesson")
    for attachment in first["attachments"]:
        assert attachment["path"] in index  # linked inside the zip, like evidence
    for title in ("Half a thought", "Exam week", "For my supervisors"):
        assert title in index
    assert index.index("Exam week") < index.index("First lesson") < index.index("Half a thought")
    for label in ("Draft", "Scheduled", "Everyone", "Only me"):
        assert f'<span class="visibility">{label}</span>' in index, label
    assert "private</span>" not in index and "public</span>" not in index  # no raw names


def test_offline_page_speaks_the_language_the_student_uses(source):
    with translation.override("ru"):
        _document, entries = exported(source)
    index = entries["index.html"].decode()

    assert '<html lang="ru">' in index
    assert "Черновик" in index
    assert re.search(r"Экспортировано \d\d\.\d\d\.\d{4}\. Эта", index)  # not ISO 8601


def test_export_queries_do_not_grow_with_posts(source):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            export_zip(source, io.BytesIO())
        return len(context)

    before = queries()
    for number in range(5):
        post_for(source, title=f"More {number}", files=[(f"more{number}.pdf", pdf_bytes())])
    assert queries() == before


# --- import ----------------------------------------------------------------------------


def test_export_import_export_gives_the_same_posts_and_files(source, target):
    first, entries = exported(source)

    import_zip(target, as_zip(entries))

    second, second_entries = exported(target)
    assert without_times(second) == without_times(first)
    posts = {post.title: post for post in Post.objects.filter(portfolio=target)}
    assert posts["First lesson"].body_html == "<p>I was <strong>nervous</strong>.</p>"
    assert posts["Half a thought"].is_draft and posts["Half a thought"].published_at
    assert posts["Exam week"].is_scheduled
    assert posts["For my supervisors"].comments_enabled is False
    attachments = list(posts["First lesson"].attachments.all())
    assert [a.original_name for a in attachments] == ["lesson.png", "plan.pdf"]
    assert attachments[0].thumbnail_file and attachments[0].display_file  # made again
    for original, copy in zip(
        first["posts"][0]["attachments"], second["posts"][0]["attachments"], strict=True
    ):
        assert entries[original["path"]] == second_entries[copy["path"]]
    # Written as the student writes them: the activity log has each post.
    assert ActivityEvent.objects.filter(
        student=target.student, kind=ActivityKind.POST_CREATED
    ).count() == len(first["posts"])


def test_a_reader_sees_the_imported_posts_as_on_the_old_site(client, source, target):
    _document, entries = exported(source)
    import_zip(target, as_zip(entries))

    response = client.get(reverse("journal:list", args=[target.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "First lesson" in html
    for hidden in ("Half a thought", "Exam week", "For my supervisors"):
        assert hidden not in html


def test_the_import_page_and_command_say_how_many_posts_came_back(
    client, source, target, tmp_path, start_and_open
):
    _document, entries = exported(source)
    upload = SimpleUploadedFile("backup.zip", as_zip(entries).getvalue(), "application/zip")
    client.force_login(target.student)

    response = start_and_open(client, reverse("portfolios:import"), {"archive": upload})

    assert response.context["summary"] == [
        "Your portfolio has been restored: 1 achievement.",
        "4 journal posts have been restored.",
    ]

    path = tmp_path / "backup.zip"
    path.write_bytes(as_zip(entries).getvalue())
    third = portfolio_for(StudentFactory(username="third"))
    out = io.StringIO()
    call_command("import_portfolio", "third", str(path), stdout=out)
    assert "Imported 1 achievements and 4 journal posts." in out.getvalue()
    assert third.posts.count() == 4


def _first_attachment(document) -> dict:
    return next(a for post in document["posts"] for a in post["attachments"])


def _wrong_checksum_in_json(document, entries):
    _first_attachment(document)["sha256"] = hashlib.sha256(b"something else").hexdigest()
    return as_zip(entries, document)


def _changed_file_same_size(document, entries):
    path = _first_attachment(document)["path"]
    content = bytearray(entries[path])
    content[-20] ^= 0xFF
    return as_zip({**entries, path: bytes(content)}, document)


@pytest.mark.parametrize("tamper", [_wrong_checksum_in_json, _changed_file_same_size])
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "The file “lesson.png” does not match its checksum."),
        ("ru", "Файл «lesson.png» не совпадает со своей контрольной суммой."),
    ],
)
def test_an_attachment_with_a_wrong_checksum_is_refused_and_leaves_nothing(
    source, target, tamper, language, expected
):
    document, entries = exported(source)
    archive = tamper(document, entries)
    rows_before, media_before = rows_of(target), stored_media_files()

    with translation.override(language), pytest.raises(ImportRefused) as refusal:
        import_zip(target, archive)

    assert refusal.value.message == expected
    assert rows_of(target) == rows_before
    assert rows_before["posts"] == rows_before["attachments"] == 0
    assert stored_media_files() == media_before
    target.refresh_from_db()
    assert target.headline == ""  # the profile was not restored either


def _first_post(change):
    def tamper(document, entries):
        change(document["posts"][0])
        return as_zip(entries, document)

    return tamper


def _swap_attachment_for_exe(document, entries):
    _first_attachment(document).update(path="files/evil.pdf", name="evil.pdf", size=len(EXE),
                                       sha256=hashlib.sha256(EXE).hexdigest())  # fmt: skip
    return as_zip({**entries, "files/evil.pdf": EXE}, document)


def _attachment_missing(document, entries):
    path = _first_attachment(document)["path"]
    return as_zip({k: v for k, v in entries.items() if k != path}, document)


def _attachment_outside_the_zip(document, entries):
    _first_attachment(document)["path"] = "../../etc/passwd"
    return as_zip(entries, document)


def _attachment_without_checksum(document, entries):
    del _first_attachment(document)["sha256"]
    return as_zip(entries, document)


def _posts_not_a_list(document, entries):
    document["posts"] = {"title": "x"}
    return as_zip(entries, document)


def _posts_missing_in_version_2(document, entries):
    del document["posts"]
    return as_zip(entries, document)


HOSTILE_POSTS = {
    "wrong checksum": _wrong_checksum_in_json,
    "changed attachment": _changed_file_same_size,
    "executable as attachment": _swap_attachment_for_exe,
    "missing attachment": _attachment_missing,
    "attachment outside the zip": _attachment_outside_the_zip,
    "attachment without checksum": _attachment_without_checksum,
    "posts is not a list": _posts_not_a_list,
    "version 2 without posts": _posts_missing_in_version_2,
    "too many tags": _first_post(lambda p: p.update(tags=[f"t{n}" for n in range(MAX_TAGS + 1)])),
    "tag is not text": _first_post(lambda p: p.update(tags=[{"name": "x"}])),
    "title too long": _first_post(lambda p: p.update(title="x" * 201)),
    "empty title": _first_post(lambda p: p.update(title="")),
    "text too long": _first_post(lambda p: p.update(body="x" * (MAX_POST_BODY + 1))),
    "text is not text": _first_post(lambda p: p.update(body=["<script>"])),
    "unknown status": _first_post(lambda p: p.update(status="live")),
    "unknown visibility": _first_post(lambda p: p.update(visibility="everyone!")),
    "bad publication date": _first_post(lambda p: p.update(published_at="31.12.2025")),
    "no title": _first_post(lambda p: p.pop("title")),
}


@pytest.mark.parametrize("attack", sorted(HOSTILE_POSTS))
def test_hostile_posts_are_refused_and_change_nothing(source, target, attack):
    document, entries = exported(source)
    archive = HOSTILE_POSTS[attack](document, entries)
    rows_before, media_before = rows_of(target), stored_media_files()

    with pytest.raises(ImportRefused) as refusal:
        import_zip(target, archive)

    assert refusal.value.message
    assert rows_of(target) == rows_before
    assert stored_media_files() == media_before


def test_attachments_beyond_the_storage_quota_are_refused(source, target, settings):
    document, entries = exported(source)
    evidence = [e for item in document["achievements"] for e in item["evidence"]]
    settings.EVIDENCE_QUOTA_PER_STUDENT = sum(e["size"] for e in evidence) + 100
    media_before = stored_media_files()

    with pytest.raises(ImportRefused, match="storage space"):
        import_zip(target, as_zip(entries))

    assert rows_of(target)["posts"] == rows_of(target)["achievements"] == 0
    assert stored_media_files() == media_before


def test_posts_are_not_imported_over_posts(source, target):
    post_for(target, title="Already here")
    _document, entries = exported(source)

    with pytest.raises(ImportRefused, match="journal posts"):
        import_zip(target, as_zip(entries))

    assert list(Post.objects.filter(portfolio=target).values_list("title", flat=True)) == [
        "Already here"
    ]
    assert not Achievement.objects.filter(portfolio=target).exists()


# --- the first format ------------------------------------------------------------------


def version_1(document: dict, entries: dict[str, bytes]) -> io.BytesIO:
    """What this site exported before the journal: no "posts", no attachment files."""
    attachment_paths = {a["path"] for post in document["posts"] for a in post["attachments"]}
    document = {k: v for k, v in document.items() if k != "posts"} | {"version": 1}
    kept = {k: v for k, v in entries.items() if k not in attachment_paths}
    return as_zip(kept, document)


def test_a_version_1_zip_still_imports(source, target):
    document, entries = exported(source)

    count = import_zip(target, version_1(document, entries))

    assert count == 1
    assert Evidence.objects.filter(achievement__portfolio=target).count() == 1
    assert not Post.objects.filter(portfolio=target).exists()
    second, _entries = exported(target)
    assert second["posts"] == []
    assert second["achievements"] == document["achievements"]


def test_a_version_1_zip_imports_beside_posts_already_written(source, target):
    post_for(target, title="Already here")
    document, entries = exported(source)

    import_zip(target, version_1(document, entries))

    assert Achievement.objects.filter(portfolio=target).count() == 1
    assert list(Post.objects.filter(portfolio=target).values_list("title", flat=True)) == [
        "Already here"
    ]


def test_attachments_already_there_count_against_the_quota(source, target, settings):
    existing = post_for(target, title="Already here", files=[("notes.pdf", pdf_bytes("Notes"))])
    used = existing.attachments.get().stored_bytes
    document, entries = exported(source)
    evidence_size = sum(e["size"] for item in document["achievements"] for e in item["evidence"])
    settings.EVIDENCE_QUOTA_PER_STUDENT = used + evidence_size - 1

    with pytest.raises(ImportRefused, match="storage space"):
        import_zip(target, version_1(document, entries))

    assert not Achievement.objects.filter(portfolio=target).exists()


# --- hostile Markdown --------------------------------------------------------------------


def test_hostile_markdown_in_imported_posts_is_rendered_harmless(client, source, target):
    document, entries = exported(source)
    template = {
        "tags": ["<script>alert(1)</script>"], "visibility": "public", "status": "published",
        "published_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "comments_enabled": True, "attachments": [],
        # HTML in the zip is never taken: the site renders the Markdown itself.
        "body_html": "<script>alert('from the zip')</script>",
    }  # fmt: skip
    document["posts"] = [
        {**template, "title": f"Hostile {number}", "body": "A **safe** start.\n\n" + text}
        for number, text in enumerate(HOSTILE_MARKDOWN)
    ] + [{**template, "title": "All at once", "body": "\n\n".join(HOSTILE_MARKDOWN)}]

    import_zip(target, as_zip(entries, document))

    posts = list(Post.objects.filter(portfolio=target))
    assert len(posts) == len(HOSTILE_MARKDOWN) + 1
    for post in posts:
        assert_harmless(post.body_html)
        assert "from the zip" not in post.body_html
    assert sum("<strong>safe</strong>" in post.body_html for post in posts) == len(HOSTILE_MARKDOWN)

    # On the site: the post's page runs only the site's own scripts.
    for post in posts[:3] + posts[-1:]:
        page = client.get(post.get_absolute_url())
        assert page.status_code == 200
        assert_harmless(
            strip_site_scripts(page.content.decode()), forbidden_tags=PAGE_FORBIDDEN_TAGS
        )

    # And on the offline page of the next export.
    _second, second_entries = exported(target)
    index = second_entries["index.html"].decode()
    main = re.search(r"<main>(.*)</main>", index, flags=re.S).group(1)
    journal = main.split("<h2>Journal</h2>", 1)[1]
    assert "Hostile 0" in journal and "<strong>safe</strong>" in journal
    assert_harmless(journal)


def test_a_version_1_import_beside_posts_does_not_claim_posts_came_back(
    client, source, target, start_and_open
):
    post_for(target, title="Already here")
    document, entries = exported(source)
    upload = SimpleUploadedFile(
        "old.zip", version_1(document, entries).getvalue(), "application/zip"
    )
    client.force_login(target.student)

    response = start_and_open(client, reverse("portfolios:import"), {"archive": upload})

    assert response.context["summary"] == ["Your portfolio has been restored: 1 achievement."]
