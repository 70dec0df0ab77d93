"""Import a Leap2A zip (or a bare leap2a.xml) into a student's portfolio: read and plan
(reader.py, mapping.py), check every enclosed file through the same upload rules as a
browser upload (core/files/uploads.py) and the storage quota, then write everything in
one transaction with the site's own services. All or nothing: a refusal or failure leaves
no rows and no stored files. Everything is imported as "only me"; the profile's fields
are filled only where they are still empty. Adds beside what the portfolio has.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from achievements.models import Achievement
from achievements.services import achievement_create, evidence_add_link
from core import markdown
from core.files.quota import storage_quota, storage_used, stored_size
from core.files.storage import StoredFiles
from core.files.uploads import Kind, PreparedFile, UploadRejected, classify_link, prepare_upload
from journal.services import post_create
from portfolios.content import content_batch
from portfolios.models import Category, Portfolio, Visibility
from portfolios.services import portfolio_update
from transfer.archive import READ_ERRORS, ImportRefused, Progress, _no_progress
from transfer.leap2a.mapping import MAX_ACHIEVEMENTS, MAX_POSTS, Plan, PlannedFile, plan_import
from transfer.leap2a.reader import Package, open_package

logger = logging.getLogger(__name__)
PROFILE_TEXTS = ("about", "headline", "interests", "phone", "website", "linkedin", "github",
                 "telegram")  # fmt: skip


def import_leap2a(
    portfolio: Portfolio,
    source,
    *,
    progress: Progress = _no_progress,
    on_done: Callable[[dict], None] | None = None,
) -> dict:
    """Import the Leap2A in ``source`` (a binary file object); returns the report (also
    handed to ``on_done`` inside the transaction, where a job marks itself done). Raises
    ``ImportRefused`` with the reason, having changed nothing."""
    progress("reading", 0, 0)
    package = open_package(source)
    try:
        return _import(portfolio, package, progress, on_done)
    except READ_ERRORS:
        logger.warning("Leap2A import refused as damaged", exc_info=True)
        raise ImportRefused(_("The archive is damaged.")) from None
    finally:
        package.close()


def _import(portfolio, package: Package, progress: Progress, on_done) -> dict:  # noqa: C901
    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    sections = {code: category.name for code, category in categories.items()}
    plan = plan_import(package, sections)
    if len(plan.items) > MAX_ACHIEVEMENTS:
        raise ImportRefused(
            _("The file has more than %(count)d résumé entries.") % {"count": MAX_ACHIEVEMENTS}
        )
    if len(plan.posts) > MAX_POSTS:
        raise ImportRefused(
            _("The file has more than %(count)d blog posts.") % {"count": MAX_POSTS}
        )
    if not plan.items and not plan.posts and not plan.profile and not plan.skills:
        raise ImportRefused(_("The file has nothing this site can import."))

    total = plan.file_count
    done = 0
    progress("checking", 0, total)
    left = storage_quota() - storage_used(portfolio)
    prepared: dict[str, PreparedFile] = {}  # entry id → the checked file

    def check(planned: PlannedFile) -> PreparedFile | None:
        nonlocal left, done
        done += 1
        progress("checking", done, total)
        try:
            item = _prepare(package, planned, left)
        except UploadRejected as rejection:
            if rejection.code == "quota":
                raise ImportRefused(rejection.message) from None
            plan.skip(_("File"), planned.label, rejection.message)
            return None
        left -= stored_size(item)
        prepared[planned.entry_id] = item
        return item

    photo = None
    if plan.photo is not None and not portfolio.photo:
        photo = check(plan.photo)
        if photo is not None and photo.kind != Kind.IMAGE:
            plan.skip(_("Profile picture"), plan.photo.label, _("It is not an image."))
            photo = None
    for item in plan.items:
        for planned in item.files:
            check(planned)
    for post in plan.posts:
        for planned in post.files:
            check(planned)

    texts = [plan.profile.get("about"), *(i.fields.get("description") for i in plan.items),
             *(p.fields.get("body") for p in plan.posts)]  # fmt: skip
    progress("saving", 0, 1)
    report = {
        "format": "leap2a",
        "achievements": len(plan.items),
        "posts": len(plan.posts),
        "files": len(prepared),
        "placed": plan.placed,
        "skipped": plan.skipped,
        "notes": plan.notes,
    }
    # The services' own StoredFiles blocks hand their files to this one: a failure later
    # in the transaction deletes every file stored before it.
    with (
        markdown.prerendered(t for t in texts if isinstance(t, str)),
        StoredFiles(),
        transaction.atomic(),
        content_batch(),
    ):
        portfolio = Portfolio.objects.select_for_update().get(pk=portfolio.pk)
        try:
            _profile(portfolio, plan, photo)
            for item in plan.items:
                _check_item_fields(item, categories[item.section], plan)
                files = [prepared[f.entry_id] for f in item.files if f.entry_id in prepared]
                captions = [f.caption for f in item.files if f.entry_id in prepared]
                achievement = achievement_create(
                    portfolio=portfolio, skills=item.skills, files=files, captions=captions,
                    category=categories[item.section], title=item.title,
                    visibility=Visibility.PRIVATE, **item.fields,
                )  # fmt: skip
                for address, caption in item.links:
                    try:
                        classify_link(address)
                    except UploadRejected as rejection:
                        plan.skip(_("Link"), address[:200], rejection.message)
                        continue
                    evidence_add_link(achievement=achievement, url=address, caption=caption)
            for post in plan.posts:
                files = [prepared[f.entry_id] for f in post.files if f.entry_id in prepared]
                post_create(portfolio=portfolio, files=files, title=post.title,
                            visibility=Visibility.PRIVATE, **post.fields)  # fmt: skip
        except ValidationError as error:
            raise ImportRefused(
                _("The file has content this site cannot keep: %(details)s")
                % {"details": "; ".join(error.messages)[:500]}
            ) from None
        except UploadRejected as rejection:
            raise ImportRefused(rejection.message) from None
        if on_done is not None:
            on_done(report)
    return report


def _profile(portfolio: Portfolio, plan: Plan, photo: PreparedFile | None) -> None:
    """Fill the profile's empty fields (and add the skills) through its own service."""
    account_name = portfolio.student.get_full_name()
    if plan.person_name and plan.person_name.casefold() != account_name.casefold():
        plan.notes.append(
            _("The file is for “%(name)s”; your account keeps its own name.")
            % {"name": plan.person_name[:100]}
        )
    fields = {}
    for name in PROFILE_TEXTS:
        value = plan.profile.get(name)
        if not value or getattr(portfolio, name):
            continue
        model_field = Portfolio._meta.get_field(name)
        if model_field.max_length and len(value) > model_field.max_length:
            if name == "about":
                plan.notes.append(
                    _("The text of “%(title)s” was longer than %(limit)d characters and was "
                      "shortened.") % {"title": _("About me"), "limit": model_field.max_length}
                )  # fmt: skip
            value = value[: model_field.max_length]
        try:
            model_field.clean(value, portfolio)
        except ValidationError as error:
            plan.notes.append(
                _("“%(value)s” was left out of your profile: %(reason)s")
                % {"value": value[:80], "reason": " ".join(error.messages)}
            )
            continue
        fields[name] = value
    current = [skill.name for skill in portfolio.skills.all()]
    skills = current + [s for s in plan.skills if s.casefold() not in
                        {c.casefold() for c in current}]  # fmt: skip
    if not fields and photo is None and skills == current:
        return
    portfolio_update(portfolio=portfolio, skills=skills[:30], photo=photo, **fields)


def _check_item_fields(item, category: Category, plan: Plan) -> None:
    """Fields this site would refuse are left out (and noted), not the whole import."""
    if item.fields.get("grade") and not category.allows_grade:
        item.fields.pop("grade")
    for name in ("url", "organisation", "result"):
        value = item.fields.get(name)
        if not value:
            continue
        try:
            Achievement._meta.get_field(name).clean(value, None)
        except ValidationError as error:
            item.fields.pop(name)
            plan.notes.append(
                _("“%(value)s” was left out of “%(title)s”: %(reason)s")
                % {
                    "value": value[:80],
                    "title": item.title[:80],
                    "reason": " ".join(error.messages),
                }
            )


def _prepare(package: Package, planned: PlannedFile, quota_left: int) -> PreparedFile:
    """One enclosed file, copied out of the zip (never more than it says it holds) and
    checked like any upload."""
    info = package.entries[planned.path]
    if info.file_size > quota_left:
        raise UploadRejected(
            _("“%(name)s” does not fit into your remaining storage space.")
            % {"name": planned.label},
            code="quota",
        )
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - handed on
    with package.archive.open(info) as source:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            if spool.tell() + len(chunk) > info.file_size:
                raise ImportRefused(_("The archive is damaged."))
            spool.write(chunk)
    spool.seek(0)
    name = planned.label
    if "." not in name.rsplit("/", 1)[-1] and "." in planned.path.rsplit("/", 1)[-1]:
        name = f"{name}.{planned.path.rsplit('.', 1)[-1]}"  # Mahara titles may drop it
    return prepare_upload(File(spool, name=name), quota_left=quota_left, keep_plain_images=True)
