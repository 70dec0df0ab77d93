"""Export a portfolio as a zip (portfolio.json + evidence and journal attachment files + an
offline index.html) and import such a zip into an empty portfolio. The format is documented
in docs/portfolio-export.md.

Import trusts nothing in the zip: names, sizes, the schema, every checksum and every file
(through the same upload rules as a browser upload). It either restores everything or
changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import posixpath
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from achievements.models import Achievement, Evidence, Level
from achievements.selectors import portfolio_view
from achievements.services import achievement_check_grade, evidence_store
from core import markdown
from core.files.quota import storage_quota, storage_reserve, storage_used, stored_size
from core.files.storage import StoredFiles, stored_chunks
from core.files.uploads import Kind, UploadRejected, classify_link, prepare_upload
from journal.models import MAX_TAGS, TAG_LENGTH, Post, Status
from journal.services import post_create
from portfolios.access import OWNER
from portfolios.content import content_batch
from portfolios.models import Category, Portfolio, Skill, Visibility
from portfolios.services import RESERVED_SLUGS, portfolio_update, skills_resolve
from transfer import schema
from transfer.schema import Day, Flag, ListOf, Moment, Record, Text, Whole, model_text_limit

# progress(stage, done, total): where an export or import is (transfer/jobs.py shows it).
Progress = Callable[[str, int, int], None]

SCHEMA = "student-portfolio"
VERSION = 2  # 2: journal posts ("posts")
READABLE_VERSIONS = (1, 2)
MAX_ENTRIES = 5000
MAX_JSON_BYTES = 5 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for entries above 1 MB
MAX_ACHIEVEMENTS = 1000
MAX_SKILLS = 30  # as the profile and achievement forms allow
MAX_POSTS = 1000
MAX_POST_TITLE = Post._meta.get_field("title").max_length
MAX_POST_BODY = model_text_limit(Post, "body", default=200_000)  # characters of Markdown
MAX_MARKDOWN = 200_000  # a Markdown field without a limit of its own on the model
MAX_ORDER = 2**31 - 1  # PositiveIntegerField
MAX_PATH = 300
logger = logging.getLogger(__name__)
# Every way a crafted archive can make zipfile, zlib or int() fail while reading it.
READ_ERRORS = (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError,
               ValueError, OverflowError, KeyError, TypeError, AttributeError)  # fmt: skip

VISIBILITY_NAMES = {
    Visibility.PRIVATE: "private",
    Visibility.SUPERVISORS: "supervisors",
    Visibility.SIGNED_IN: "signed_in",
    Visibility.PUBLIC: "public",
}
VISIBILITY_VALUES = {name: value for value, name in VISIBILITY_NAMES.items()}
PROFILE_TEXT_FIELDS = ("slug", "headline", "about", "interests", "phone", "website", "linkedin",
                       "github", "telegram")  # fmt: skip
PROFILE_FLAGS = ("show_email", "open_to_work", "noindex")
ITEM_TEXT_FIELDS = ("title", "description", "organisation", "level", "result", "grade", "url")
POST_STATUSES = {status.value for status in Status}


def _texts(model, names, *, markdown=(), **options) -> dict[str, Text]:
    """Text specs for model fields, each limited as the model limits it."""
    return {
        name: Text(
            model_text_limit(model, name, default=MAX_MARKDOWN if name in markdown else 10000),
            **options,
        )
        for name in names
    }


def _evidence_needs(entry: dict, place: str) -> None:
    """A link needs its address; a file its path, size and checksum."""
    names = ("url",) if entry.get("kind") == Kind.LINK else ("path", "size", "sha256")
    schema.require(entry, place, names)


def _document_spec(version: int) -> Record:
    """What portfolio.json of ``version`` may hold (docs/portfolio-export.md)."""
    visibility = Text(20, choices=list(VISIBILITY_VALUES))
    skills = ListOf(Text(model_text_limit(Skill, "name", 60)), MAX_SKILLS)
    file_fields = {
        "name": Text(model_text_limit(Evidence, "original_name", 150), null=True),
        "content_type": Text(model_text_limit(Evidence, "content_type", 100), null=True),
        "size": Whole(null=True),
        "sha256": Text(64, null=True),
        "path": Text(MAX_PATH, null=True),
    }
    evidence = Record(
        required={"kind": Text(10, choices=list(Kind.values))},
        optional={
            **file_fields,
            "caption": Text(model_text_limit(Evidence, "caption", 200), null=True),
            "url": Text(model_text_limit(Evidence, "external_url", 200), null=True),
        },
        rule=_evidence_needs,
    )
    achievement = Record(
        required={
            "section": Text(model_text_limit(Category, "code", 40)),
            "title": Text(model_text_limit(Achievement, "title", 200), blank=False),
            "visibility": visibility,
            "evidence": ListOf(evidence, MAX_ENTRIES),
        },
        optional={
            **_texts(
                Achievement,
                [n for n in ITEM_TEXT_FIELDS if n not in ("title", "level")],
                markdown=("description",),
                null=True,
            ),  # fmt: skip
            "level": Text(20, null=True, choices=["", *Level.values]),
            "start_date": Day(),
            "end_date": Day(),
            "skills": skills,
            "featured": Flag(),
            "order": Whole(MAX_ORDER, null=True),
        },
    )
    attachment = Record(
        required={"path": file_fields["path"], "size": Whole(), "sha256": Text(64)},
        optional={**file_fields, "kind": Text(10, null=True)},
    )
    post = Record(
        required={
            "title": Text(MAX_POST_TITLE, blank=False),
            "visibility": visibility,
            "status": Text(10, choices=sorted(POST_STATUSES)),
        },
        optional={
            "body": Text(MAX_POST_BODY, null=True),
            "tags": ListOf(Text(TAG_LENGTH), MAX_TAGS, null=True),
            "published_at": Moment(),
            "comments_enabled": Flag(),
            "attachments": ListOf(attachment, MAX_ENTRIES),
        },
    )
    profile = Record(
        required={"visibility": visibility, "default_visibility": visibility},
        optional={
            **_texts(Portfolio, PROFILE_TEXT_FIELDS, markdown=("about",), null=True),
            **{name: Flag() for name in PROFILE_FLAGS},
            "skills": skills,
            "photo": Record(
                required={"path": Text(MAX_PATH), "size": Whole(), "sha256": Text(64)}, null=True
            ),
        },
    )
    student = Record(
        optional={
            **_texts(User, ("username", "first_name", "last_name", "email"), null=True),
            "program": Text(100, null=True),
            "entry_year": Whole(9999, null=True),
        },
        null=True,
    )
    document = Record(
        required={"portfolio": profile, "achievements": ListOf(achievement, MAX_ACHIEVEMENTS)},
        optional={"exported_at": Moment(), "student": student},
    )
    if version >= 2:
        document.required["posts"] = ListOf(post, MAX_POSTS)
    return document


class ImportRefused(Exception):
    """A zip that cannot be imported; ``message`` is translated and says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- export -------------------------------------------------------------------------


def _file_entry(number: int, field_file, *, name: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name)[-80:] or "file"
    return f"files/{number:04d}-{safe}"


def _size_and_checksum(field_file) -> dict:
    digest = hashlib.sha256()
    size = 0
    for chunk in stored_chunks(field_file):
        digest.update(chunk)
        size += len(chunk)
    return {"size": size, "sha256": digest.hexdigest()}


def portfolio_document(portfolio: Portfolio) -> tuple[dict, list[tuple[str, object]]]:
    """The JSON document and the (zip path, stored file) pairs to put beside it."""
    view = portfolio_view(portfolio, OWNER)
    files: list[tuple[str, object]] = []
    photo = None
    if portfolio.photo:
        path = f"files/photo.{portfolio.photo.name.rsplit('.', 1)[-1]}"
        files.append((path, portfolio.photo))
        photo = {"path": path, **_size_and_checksum(portfolio.photo)}
    student = portfolio.student
    items = []
    number = 0
    for section in view.sections:
        for item in section.achievements:
            evidence = []
            for ev in item.evidence.all():
                entry = {"kind": ev.kind, "caption": ev.caption}
                if ev.kind == Kind.LINK:
                    entry["url"] = ev.external_url
                else:
                    number += 1
                    path = _file_entry(number, ev.file, name=ev.original_name)
                    files.append((path, ev.file))
                    entry.update(name=ev.original_name, content_type=ev.content_type,
                                 size=ev.size, sha256=ev.sha256, path=path)  # fmt: skip
                evidence.append(entry)
            items.append({
                "section": section.category.code,
                **{name: getattr(item, name) for name in ITEM_TEXT_FIELDS},
                "start_date": item.start_date.isoformat() if item.start_date else None,
                "end_date": item.end_date.isoformat() if item.end_date else None,
                "skills": [skill.name for skill in item.skills.all()],
                "visibility": VISIBILITY_NAMES[item.visibility],
                "featured": item.featured,
                "order": item.order,
                "evidence": evidence,
            })  # fmt: skip
    posts = []
    # Every post, drafts and scheduled ones too, in the order they were written (so an
    # import writes them in the same order and a new export lists them alike).
    for post in (
        Post.objects.filter(portfolio=portfolio).order_by("pk").prefetch_related("attachments")
    ):
        attachments = []
        for attachment in post.attachments.all():
            number += 1
            path = _file_entry(number, attachment.file, name=attachment.original_name)
            files.append((path, attachment.file))
            attachments.append({
                "kind": attachment.kind, "name": attachment.original_name,
                "content_type": attachment.content_type, "size": attachment.size,
                "sha256": attachment.sha256, "path": path,
            })  # fmt: skip
        posts.append({
            "title": post.title,
            "body": post.body,
            "tags": list(post.tags),
            "visibility": VISIBILITY_NAMES[post.visibility],
            "status": post.status,
            "published_at": post.published_at.isoformat() if post.published_at else None,
            "comments_enabled": post.comments_enabled,
            "attachments": attachments,
        })  # fmt: skip
    document = {
        "schema": SCHEMA,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "student": {
            "username": student.username,
            "first_name": student.first_name,
            "last_name": student.last_name,
            "email": student.email,
            "program": student.program.code if student.program else None,
            "entry_year": student.cohort.entry_year if student.cohort else None,
        },
        "portfolio": {
            **{name: getattr(portfolio, name) for name in PROFILE_TEXT_FIELDS},
            **{name: getattr(portfolio, name) for name in PROFILE_FLAGS},
            "skills": [skill.name for skill in view.skills],
            "visibility": VISIBILITY_NAMES[portfolio.visibility],
            "default_visibility": VISIBILITY_NAMES[portfolio.default_visibility],
            "photo": photo,
        },
        "achievements": items,
        "posts": posts,
    }
    return document, files


def _no_progress(stage: str, done: int, total: int) -> None:
    """The default ``progress`` callback of export and import: nobody is watching."""


def export_zip(portfolio: Portfolio, target, *, progress: Progress = _no_progress) -> None:
    """Write the export zip to ``target`` (a path or a binary file object). Raises
    ``core.files.storage.StorageUnavailable`` if a stored file cannot be read.

    ``progress(stage, done, total)`` hears where it is: "collecting", then "packing" once
    per file written."""
    progress("collecting", 0, 0)
    document, files = portfolio_document(portfolio)
    # The student's language, or else the one they use the site in (the command: English).
    language = portfolio.student.preferred_language or translation.get_language() or "en"
    with translation.override(language):
        index = render_to_string(
            "transfer/export_index.html",
            {
                "document": document,
                "exported_at": datetime.fromisoformat(document["exported_at"]),
                "sections": _sections_for_index(document),
                "posts": _posts_for_index(document),
            },
        )
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("portfolio.json", json.dumps(document, ensure_ascii=False, indent=2))
        archive.writestr("index.html", index)
        progress("packing", 0, len(files))
        for done, (path, field_file) in enumerate(files, start=1):
            with archive.open(path, "w") as out:
                for chunk in stored_chunks(field_file):
                    out.write(chunk)
            progress("packing", done, len(files))


def _visibility_label(name: str) -> str:
    """Who may see an item, as the site says it ("Only me", …), for the offline page."""
    value = VISIBILITY_VALUES.get(name)
    return Visibility(value).label if value is not None else name


def _sections_for_index(document: dict) -> list[dict]:
    names = {c.code: c.name for c in Category.objects.all()}
    sections: dict[str, dict] = {}
    for item in document["achievements"]:
        code = item["section"]
        sections.setdefault(code, {"name": names.get(code, code), "items": []})["items"].append(
            {
                **item,
                "visibility_label": _visibility_label(item["visibility"]),
                # Dates, not their ISO text, so the page shows them as the site does.
                "start": item["start_date"] and date.fromisoformat(item["start_date"]),
                "end": item["end_date"] and date.fromisoformat(item["end_date"]),
            }
        )
    return list(sections.values())


def _posts_for_index(document: dict) -> list[dict]:
    """Every post, as the student's own copy shows every achievement: who may see it, and
    whether it is a draft or scheduled; published ones newest first, then the drafts."""
    now = timezone.now()
    posts = []
    for post in document["posts"]:
        published_at = post["published_at"] and datetime.fromisoformat(post["published_at"])
        if post["status"] != Status.PUBLISHED:
            state = _("Draft")
        elif published_at and published_at > now:
            state = _("Scheduled")
        else:
            state = ""
        shown = {**post, "published": published_at, "state": state,
                 "visibility_label": _visibility_label(post["visibility"])}  # fmt: skip
        posts.append(shown)
    posts.sort(key=lambda post: (post["state"] != _("Draft"), post["published"] or now),
               reverse=True)  # fmt: skip
    return posts


# --- import -------------------------------------------------------------------------


def _check_names(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ImportRefused(_("The archive has too many files."))
    entries = {}
    total = 0
    for info in infos:
        name = info.filename
        normal = posixpath.normpath(name)
        if (
            name.startswith(("/", "\\"))
            or "\\" in name
            or ":" in name
            or normal.startswith("..")
            or normal != name.rstrip("/")
            or "\x00" in name
        ):
            raise ImportRefused(
                _("The archive contains a file with an unsafe name (“%(name)s”).") % {"name": name}
            )
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ImportRefused(_("The archive unpacks to an unreasonable size."))
        total += info.file_size
        entries[name] = info
    if total > storage_quota() + MAX_JSON_BYTES:
        raise ImportRefused(_("The archive is larger than your storage space."))
    return entries


def _read_json(archive, entries) -> dict:
    info = entries.get("portfolio.json")
    if info is None:
        raise ImportRefused(_("The archive has no portfolio.json: is it a portfolio export?"))
    if info.file_size > MAX_JSON_BYTES:
        raise ImportRefused(_("portfolio.json is too large."))
    try:
        document = schema.parse(archive.read(info))
    except schema.Invalid as invalid:
        raise ImportRefused(invalid.message) from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise ImportRefused(_("portfolio.json is not a portfolio export."))
    version = document.get("version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:  # True == 1 in Python
        raise ImportRefused(
            _("This export has format version %(found)s; this site reads version %(expected)s.")
            % {"found": str(document.get("version"))[:20], "expected": VERSION}
        )
    try:
        schema.check(_document_spec(version), document)
    except schema.Invalid as invalid:
        raise ImportRefused(invalid.message) from None
    return document


def _text(value, limit: int | None = None) -> str:
    """A text of portfolio.json (null as empty). Lengths were checked against the models
    by the schema; ``limit`` only shortens a label."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ImportRefused(_("portfolio.json has a value of the wrong type."))
    return value[:limit] if limit is not None else value


def _flag(value) -> bool:
    """A JSON true or false; the string "false" is not true."""
    if not isinstance(value, bool):
        raise ImportRefused(_("portfolio.json has a value of the wrong type."))
    return value


def _visibility(name) -> int:
    if name not in VISIBILITY_VALUES:
        raise ImportRefused(
            _("portfolio.json has an unknown visibility “%(name)s”.") % {"name": name}
        )
    return VISIBILITY_VALUES[name]


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ImportRefused(
            _("portfolio.json has an invalid date “%(value)s”.") % {"value": value}
        ) from None


def _datetime(value) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ImportRefused(
            _("portfolio.json has an invalid date “%(value)s”.") % {"value": value}
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _post_fields(post) -> dict:
    """The fields of one journal post for ``journal.services.post_create``, checked."""
    if not isinstance(post, dict):
        raise ImportRefused(_("portfolio.json is missing required fields."))
    title, body = post["title"], post.get("body") or ""
    if not isinstance(title, str) or not isinstance(body, str):
        raise ImportRefused(_("portfolio.json has a value of the wrong type."))
    if len(title) > MAX_POST_TITLE:
        raise ImportRefused(
            _("A journal post in portfolio.json has a title longer than %(limit)d characters.")
            % {"limit": MAX_POST_TITLE}
        )
    if len(body) > MAX_POST_BODY:
        raise ImportRefused(
            _("The journal post “%(title)s” is longer than %(limit)d characters.")
            % {"title": title, "limit": MAX_POST_BODY}
        )
    tags = post.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ImportRefused(_("portfolio.json has a value of the wrong type."))
    if len(tags) > MAX_TAGS:
        raise ImportRefused(
            _("The journal post “%(title)s” has more than %(count)d tags.")
            % {"title": title, "count": MAX_TAGS}
        )
    if post["status"] not in POST_STATUSES:
        raise ImportRefused(
            _("portfolio.json has an unknown post status “%(name)s”.") % {"name": post["status"]}
        )
    return {
        "title": title,
        "body": body,
        "tags": tags,  # tidied by the service, as the form's are
        "visibility": _visibility(post["visibility"]),
        "status": post["status"],
        "published_at": _datetime(post.get("published_at")),
        "comments_enabled": _flag(post.get("comments_enabled", True)),
    }


def _file(archive, entries, entry: dict, *, quota_left: int, label: str):
    path = entry.get("path")
    info = entries.get(path) if isinstance(path, str) else None
    if info is None:
        raise ImportRefused(_("The file “%(name)s” is missing from the archive.") % {"name": label})
    size, checksum = entry.get("size"), entry.get("sha256")
    if not isinstance(size, int) or not isinstance(checksum, str) or size != info.file_size:
        raise ImportRefused(_("The file “%(name)s” does not match its size.") % {"name": label})
    if size > quota_left:
        raise ImportRefused(
            _("“%(name)s” does not fit into your remaining storage space.") % {"name": label}
        )
    # Copied to a temporary file, never more than the size portfolio.json declared.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - handed on
    digest = hashlib.sha256()
    with archive.open(info) as source:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            if spool.tell() + len(chunk) > size:
                raise ImportRefused(
                    _("The file “%(name)s” does not match its size.") % {"name": label}
                )
            digest.update(chunk)
            spool.write(chunk)
    if digest.hexdigest() != checksum:
        raise ImportRefused(_("The file “%(name)s” does not match its checksum.") % {"name": label})
    spool.seek(0)
    try:
        return prepare_upload(
            File(spool, name=label), quota_left=quota_left, keep_plain_images=True
        )
    except UploadRejected as rejection:
        raise ImportRefused(rejection.message) from None


def import_zip(
    portfolio: Portfolio,
    source,
    *,
    progress: Progress = _no_progress,
    on_restored: Callable[[int], None] | None = None,
) -> int:
    """Restore an export into ``portfolio``, which must have no achievements yet (and no
    journal posts, if the export has posts).

    Returns the number of achievements imported. Raises ``ImportRefused`` and changes
    nothing when anything is wrong. ``progress(stage, done, total)`` hears where it is:
    "reading", "checking" once per file checked, then "saving" (one transaction).
    ``on_restored(count)`` runs last inside that transaction (a job marks itself done
    there, so the import and its record commit together).
    """
    progress("reading", 0, 0)
    refuse_if_not_empty(portfolio, with_posts=False)  # posts: once the zip is read
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        raise ImportRefused(_("This is not a zip archive.")) from None
    with archive:
        entries = _check_names(archive)
        document = _read_json(archive, entries)
        try:
            return _restore(portfolio, archive, entries, document, progress, on_restored)
        except READ_ERRORS:
            # Mostly a crafted or damaged archive; logged in full, since the same errors
            # from a fault of ours while writing would otherwise pass for a damaged zip.
            logger.warning("Portfolio import refused as damaged", exc_info=True)
            raise ImportRefused(
                _("The archive is damaged, or portfolio.json is missing required fields.")
            ) from None


def refuse_if_not_empty(portfolio, *, with_posts: bool) -> None:
    if portfolio.achievements.exists():
        raise ImportRefused(_("Import works only into an empty portfolio; yours has achievements."))
    if with_posts and portfolio.posts.exists():
        raise ImportRefused(
            _("Import works only into an empty portfolio; yours has journal posts.")
        )


def _file_count(profile, items, posts) -> int:
    """How many files the import checks (for its progress)."""
    count = 1 if profile.get("photo") else 0
    for item in items:
        count += sum(
            1 for e in item["evidence"] if isinstance(e, dict) and e.get("kind") != Kind.LINK
        )
    for post in posts:
        attachments = post.get("attachments", []) if isinstance(post, dict) else []
        count += len(attachments) if isinstance(attachments, list) else 0
    return count


def _restore(portfolio, archive, entries, document, progress: Progress, on_restored) -> int:
    profile = document["portfolio"]
    items = document["achievements"]
    posts = document["posts"] if document["version"] >= 2 else []  # version 1 had no journal
    if not all(isinstance(part, list) for part in (items, posts)) or not isinstance(profile, dict):
        raise ImportRefused(_("portfolio.json is missing required fields."))
    if len(items) > MAX_ACHIEVEMENTS:
        raise ImportRefused(
            _("The archive has more than %(count)d achievements.") % {"count": MAX_ACHIEVEMENTS}
        )
    if len(posts) > MAX_POSTS:
        raise ImportRefused(
            _("The archive has more than %(count)d journal posts.") % {"count": MAX_POSTS}
        )
    refuse_if_not_empty(portfolio, with_posts=bool(posts))
    categories = {c.code: c for c in Category.objects.all()}
    files_total = _file_count(profile, items, posts)
    files_done = 0
    progress("checking", 0, files_total)

    def file_checked():
        nonlocal files_done
        files_done = min(files_done + 1, files_total)
        progress("checking", files_done, files_total)

    # Journal attachments already there (a portfolio without achievements may have posts)
    # take from the same quota.
    left = storage_quota() - storage_used(portfolio)

    photo = None
    if profile.get("photo"):
        photo_path = profile["photo"].get("path") if isinstance(profile["photo"], dict) else None
        label = posixpath.basename(photo_path) if isinstance(photo_path, str) else "photo"
        photo = _file(archive, entries, profile["photo"], quota_left=left, label=label)
        left -= stored_size(photo)
        file_checked()

    prepared_items = []
    for item in items:
        category = categories.get(item["section"])
        if category is None:
            raise ImportRefused(
                _("The section “%(code)s” does not exist on this site.") % {"code": item["section"]}
            )
        evidence = []  # in the exported order: (prepared file or None, link or "", caption)
        for entry in item["evidence"]:
            caption = _text(entry.get("caption"), 200)
            if entry["kind"] == Kind.LINK:
                try:
                    evidence.append((None, classify_link(entry["url"]), caption))
                except UploadRejected as rejection:
                    raise ImportRefused(rejection.message) from None
                continue
            prepared = _file(archive, entries, entry, quota_left=left,
                             label=_text(entry.get("name"), 150) or "file")  # fmt: skip
            left -= stored_size(prepared)
            evidence.append((prepared, "", caption))
            file_checked()
        prepared_items.append((item, category, evidence))

    prepared_posts = []  # (fields for post_create, prepared attachment files)
    for post in posts:
        fields = _post_fields(post)
        if not isinstance(post.get("attachments", []), list):
            raise ImportRefused(_("portfolio.json is missing required fields."))
        attachments = []
        for entry in post.get("attachments", []):
            if not isinstance(entry, dict):
                raise ImportRefused(_("portfolio.json is missing required fields."))
            prepared = _file(archive, entries, entry, quota_left=left,
                             label=_text(entry.get("name"), 150) or "file")  # fmt: skip
            left -= stored_size(prepared)
            attachments.append(prepared)
            file_checked()
        prepared_posts.append((fields, attachments))

    # Every Markdown text rendered now, before the portfolio's row lock is taken: an
    # import of long texts never holds the lock while it renders.
    texts = [profile.get("about"), *(item.get("description") for item, *_ in prepared_items),
             *(fields.get("body") for fields, _ in prepared_posts)]  # fmt: skip
    progress("saving", 0, 1)
    # One batch: the whole import refreshes the portfolio's figures and document once.
    with (
        markdown.prerendered(t for t in texts if isinstance(t, str)),
        StoredFiles() as stored,
        transaction.atomic(),
        content_batch(),
    ):
        # Locked and checked again: two imports at once cannot both find it empty.
        Portfolio.objects.select_for_update().filter(pk=portfolio.pk).first()
        portfolio.refresh_from_db()
        refuse_if_not_empty(portfolio, with_posts=bool(prepared_posts))
        fields = {name: _text(profile.get(name)) for name in PROFILE_TEXT_FIELDS}
        fields.update({name: _flag(profile.get(name, False)) for name in PROFILE_FLAGS})
        slug_taken = Portfolio.objects.filter(slug__iexact=fields["slug"]).exclude(pk=portfolio.pk)
        if not fields["slug"] or fields["slug"] in RESERVED_SLUGS or slug_taken.exists():
            fields["slug"] = portfolio.slug  # keep the address this site gave
        try:
            # The quota again under the lock (an upload in another tab counts too); posts
            # reserve their attachments' share in post_create.
            storage_reserve(portfolio, [file for *_, evidence in prepared_items
                                        for file, _url, _caption in evidence if file])  # fmt: skip
            portfolio_update(
                portfolio=portfolio,
                skills=[_text(s, 60) for s in profile.get("skills", [])][:MAX_SKILLS],
                photo=photo,
                visibility=_visibility(profile["visibility"]),
                default_visibility=_visibility(profile["default_visibility"]),
                **fields,
            )
            for item, category, evidence in prepared_items:
                achievement = Achievement(
                    portfolio=portfolio,
                    category=category,
                    **{name: _text(item.get(name)) for name in ITEM_TEXT_FIELDS},
                    start_date=_date(item.get("start_date")),
                    end_date=_date(item.get("end_date")),
                    visibility=_visibility(item["visibility"]),
                    featured=_flag(item.get("featured", False)),
                    order=int(item.get("order") or 0),
                )
                achievement_check_grade(achievement)
                achievement.full_clean()
                achievement.save()
                skills = [_text(s, 60) for s in item.get("skills", [])][:MAX_SKILLS]
                achievement.skills.set(skills_resolve(skills))
                for position, (prepared, url, caption) in enumerate(evidence, start=1):
                    if prepared is not None:
                        evidence_store(stored, achievement, [prepared], [caption])
                    else:
                        Evidence.objects.create(
                            achievement=achievement, kind=Kind.LINK, external_url=url,
                            caption=caption, order=position,
                        )  # fmt: skip
            for fields, attachments in prepared_posts:
                # The journal's own service: its rules for tags and dates, Markdown rendered
                # and sanitised on save, the quota reserved, the activity recorded.
                post_create(portfolio=portfolio, files=attachments, **fields)
        except ValidationError as error:
            raise ImportRefused(
                _("portfolio.json has invalid content: %(details)s")
                % {"details": "; ".join(error.messages)}
            ) from None
        except UploadRejected as rejection:
            raise ImportRefused(rejection.message) from None
        if on_restored is not None:
            on_restored(len(prepared_items))
    return len(prepared_items)
