"""Writes for achievements and their evidence.

Each service writes its rows, marks the portfolio changed (one refresh at the end of the
write: portfolios/content.py) and sends the app's signal (signals.py) for what other apps do
with it: analytics records the activity, feedback applies the verification rules."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from achievements.files import StoredFiles, extension_of
from achievements.models import VERIFICATION_STATE_FIELDS, Achievement, Evidence
from achievements.signals import achievement_deleted, achievement_saved, evidence_changed
from achievements.uploads import (
    Kind,
    PreparedFile,
    UploadRejected,
    classify_link,
    prepare_upload,
)
from portfolios.content import content_batch, content_changed
from portfolios.models import Portfolio
from portfolios.services import skills_resolve

ACHIEVEMENT_FIELDS = (
    "category", "title", "description", "start_date", "end_date", "organisation", "level",
    "result", "grade", "url", "visibility", "featured", "comments_enabled",
)  # fmt: skip
# What ``achievement_saved`` passes as ``before`` (besides the category and the state).
SAVED_FIELDS = tuple(name for name in ACHIEVEMENT_FIELDS if name != "category")


def storage_used(*, portfolio: Portfolio) -> int:
    """Bytes the student's files take, display copies and thumbnails included (evidence
    and journal attachments share one quota)."""
    from journal.models import PostAttachment

    evidence = Evidence.objects.filter(achievement__portfolio=portfolio).aggregate(
        total=Sum("stored_bytes")
    )["total"]
    attachments = PostAttachment.objects.filter(post__portfolio=portfolio).aggregate(
        total=Sum("stored_bytes")
    )["total"]
    return (evidence or 0) + (attachments or 0)


def storage_quota() -> int:
    return getattr(settings, "EVIDENCE_QUOTA_PER_STUDENT", 1024**3)


def prepare_uploads(*, portfolio: Portfolio, files) -> list[PreparedFile]:
    """Check every file before anything is stored; the first bad one stops them all."""
    left = storage_quota() - storage_used(portfolio=portfolio)
    prepared = []
    for uploaded in files:
        item = prepare_upload(uploaded, quota_left=left)
        left -= stored_size(item)
        prepared.append(item)
    return prepared


def stored_size(item: PreparedFile) -> int:
    """Bytes a prepared file takes once stored, display copy and thumbnail included."""
    return item.size + sum(f.size for f in (item.display, item.thumbnail) if f is not None)


def storage_reserve(portfolio: Portfolio, files: list[PreparedFile]) -> None:
    """Check the quota again under a lock on the portfolio: two uploads at once (two tabs)
    cannot together pass it. Call inside the transaction that stores the files (evidence
    here, journal attachments in journal/services.py: one quota per student)."""
    if not files:
        return
    Portfolio.objects.select_for_update().filter(pk=portfolio.pk).first()
    needed = sum(stored_size(item) for item in files)
    left = storage_quota() - storage_used(portfolio=portfolio)
    if needed > left:
        raise UploadRejected(
            _("%(names)s (%(size)s) do not fit into your remaining storage space (%(left)s free).")
            % {
                "names": ", ".join(f"“{item.display_name}”" for item in files),
                "size": filesizeformat(needed),
                "left": filesizeformat(max(left, 0)),
            },
            code="quota",
        )


def _next_order(queryset) -> int:
    return (queryset.aggregate(top=Max("order"))["top"] or 0) + 1


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - set(ACHIEVEMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown achievement fields: {sorted(unknown)}")


def achievement_create(
    *,
    portfolio: Portfolio,
    skills: list[str] | None = None,
    files: list[PreparedFile] | None = None,
    captions: list[str] | None = None,
    **fields,
) -> Achievement:
    """Create an achievement with its evidence; on any failure no row and no file remain."""
    _check_fields(fields)
    fields.setdefault("visibility", portfolio.default_visibility)
    with StoredFiles() as stored, transaction.atomic(), content_batch():
        storage_reserve(portfolio, files or [])
        achievement = Achievement(portfolio=portfolio, **fields)
        achievement.order = _next_order(
            Achievement.objects.filter(portfolio=portfolio, category=achievement.category)
        )
        achievement_check_grade(achievement)
        achievement.full_clean()
        achievement.save()
        achievement.skills.set(skills_resolve(skills or []))
        created = evidence_store(stored, achievement, files or [], captions or [])
        content_changed(portfolio.pk)
        achievement_saved.send(
            sender=Achievement, achievement=achievement, created=True, before=None,
            evidence_added=created,
        )  # fmt: skip
    return achievement


def achievement_update(
    *,
    achievement: Achievement,
    skills: list[str] | None = None,
    files: list[PreparedFile] | None = None,
    captions: list[str] | None = None,
    **fields,
) -> Achievement:
    _check_fields(fields)
    with StoredFiles() as stored, transaction.atomic(), content_batch():
        storage_reserve(achievement.portfolio, files or [])
        # A bound ModelForm has already set the new values on the instance: compare with
        # what is saved (listeners get it as ``before``).
        # Locked, so a supervisor's decision cannot land between reading and saving; the
        # verification state is taken from the row, not from this (older) instance.
        saved = (
            Achievement.objects.select_for_update(of=("self",))
            .filter(pk=achievement.pk)
            .values("category_id", *SAVED_FIELDS, *VERIFICATION_STATE_FIELDS)
            .get()
        )
        for name in VERIFICATION_STATE_FIELDS:
            setattr(achievement, Achievement._meta.get_field(name).attname, saved[name])
        moved = "category" in fields and fields["category"].pk != saved["category_id"]
        for name, value in fields.items():
            setattr(achievement, name, value)
        if moved:
            achievement.order = _next_order(
                Achievement.objects.filter(
                    portfolio_id=achievement.portfolio_id, category=achievement.category
                )
            )
        achievement_check_grade(achievement)
        achievement.full_clean()
        achievement.save()
        if skills is not None:
            achievement.skills.set(skills_resolve(skills))
        created = evidence_store(stored, achievement, files or [], captions or [])
        content_changed(achievement.portfolio_id)
        notes = achievement_saved.send(
            sender=Achievement, achievement=achievement, created=False, before=saved,
            evidence_added=created,
        )  # fmt: skip
    # Why a verification was removed, if a listener removed it (feedback's rules).
    achievement.verification_reset_reason = _first_note(notes)
    return achievement


def _first_note(responses) -> str:
    """The first sentence a receiver returned for the student (see signals.py)."""
    return next((note for _receiver, note in responses if isinstance(note, str) and note), "")


def achievement_check_grade(achievement: Achievement) -> None:
    """Grades belong to academic items only (the form says so too; import relies on this)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if achievement.grade and not achievement.category.allows_grade:
        raise ValidationError({"grade": _("Only academic items have a grade.")})


def achievement_delete(*, achievement: Achievement) -> None:
    """Its evidence rows go with it; their files are deleted after commit (receivers.py)."""
    with transaction.atomic(), content_batch():
        achievement_deleted.send(sender=Achievement, achievement=achievement)
        content_changed(achievement.portfolio_id)
        achievement.delete()


def achievement_move(*, achievement: Achievement, direction: str) -> None:
    with transaction.atomic(), content_batch():
        _achievement_move(achievement, direction)
        content_changed(achievement.portfolio_id)


def _achievement_move(achievement: Achievement, direction: str) -> None:
    """Swap with the neighbour above ("up") or below ("down") in the same section."""
    siblings = list(
        Achievement.objects.select_for_update()
        .filter(portfolio_id=achievement.portfolio_id, category_id=achievement.category_id)
        .order_by("order", "-start_date", "pk")
    )
    index = next(i for i, item in enumerate(siblings) if item.pk == achievement.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, item in enumerate(siblings, start=1):
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])


def evidence_store(
    stored: StoredFiles, achievement: Achievement, files, captions
) -> list[Evidence]:
    """Store prepared files as evidence rows, inside the caller's transaction and
    ``StoredFiles`` block (so a failure leaves neither rows nor files)."""
    created = []
    order = _next_order(achievement.evidence.all())
    for position, item in enumerate(files):
        caption = captions[position] if position < len(captions) else ""
        evidence = Evidence(
            achievement=achievement,
            kind=item.kind,
            original_name=item.display_name,
            caption=caption[:200],
            content_type=item.content_type,
            size=item.size,
            stored_bytes=stored_size(item),
            sha256=item.sha256,
            width=item.width,
            height=item.height,
            order=order + position,
        )
        label = item.display_name
        stored.save(evidence.file, item.content, folder="evidence", extension=item.extension,
                    label=label)  # fmt: skip
        if item.display is not None:
            stored.save(evidence.display_file, item.display, folder="evidence",
                        extension=extension_of(item.display, item.extension), label=label)  # fmt: skip  # noqa: E501
        if item.thumbnail is not None:
            stored.save(evidence.thumbnail_file, item.thumbnail, folder="evidence",
                        extension=extension_of(item.thumbnail, item.extension), label=label)  # fmt: skip  # noqa: E501
        # The rows come from checked files; the database enforces the constraints and the
        # (random) public id's uniqueness, so a file costs one INSERT, not six statements.
        evidence.full_clean(exclude=["achievement"], validate_unique=False,
                            validate_constraints=False)  # fmt: skip
        evidence.save()
        created.append(evidence)
    return created


def evidence_attach(
    *, achievement: Achievement, files: list[PreparedFile], captions: list[str] | None = None
) -> list[Evidence]:
    with StoredFiles() as stored, transaction.atomic(), content_batch():
        storage_reserve(achievement.portfolio, files)
        created = evidence_store(stored, achievement, files, captions or [])
        _evidence_changed(achievement, added=created)
    return created


def _evidence_changed(achievement: Achievement, *, added=(), updated=(), removed=()) -> None:
    """Evidence changes are changes of the achievement: its "updated" time moves, the
    portfolio is refreshed once, and listeners hear of it (inside the caller's batch)."""
    Achievement.objects.filter(pk=achievement.pk).update(updated_at=timezone.now())
    content_changed(achievement.portfolio_id)
    evidence_changed.send(
        sender=Evidence, achievement=achievement, added=list(added), updated=list(updated),
        removed=list(removed),
    )  # fmt: skip


def evidence_add_link(*, achievement: Achievement, url: str, caption: str = "") -> Evidence:
    with transaction.atomic(), content_batch():
        evidence = Evidence(
            achievement=achievement,
            kind=Kind.LINK,
            external_url=classify_link(url),
            caption=caption[:200],
            order=_next_order(achievement.evidence.all()),
        )
        evidence.full_clean()
        evidence.save()
        _evidence_changed(achievement, added=[evidence])
    return evidence


def evidence_update_caption(*, evidence: Evidence, caption: str) -> Evidence:
    with transaction.atomic(), content_batch():
        evidence.caption = caption[:200]
        evidence.full_clean()
        evidence.save(update_fields=["caption"])
        _evidence_changed(evidence.achievement, updated=[evidence])
    return evidence


def evidence_delete(*, evidence: Evidence) -> None:
    """The files are deleted after commit (receivers.py). Listeners hear of the removal
    before the row goes (they may still read it)."""
    with transaction.atomic(), content_batch():
        _evidence_changed(evidence.achievement, removed=[evidence])
        evidence.delete()
