"""One storage quota per owner (a student's portfolio): the bytes of every stored file
(every concrete ``StoredFile`` model, display copies and thumbnails included) count
against it. Files are checked against what is left before anything is stored, and again
under a lock on the owner's row in the transaction that stores them."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _

from core.files.types import file_sizes
from core.files.uploads import PreparedFile, UploadRejected, prepare_upload, stored_size
from core.models import StoredFile

__all__ = [
    "UploadsRejected",
    "prepare_uploads",
    "storage_quota",
    "storage_reserve",
    "storage_used",
    "stored_file_models",
    "stored_size",
]


def storage_quota() -> int:
    return getattr(settings, "EVIDENCE_QUOTA_PER_STUDENT", 1024**3)


def stored_file_models() -> list[type[StoredFile]]:
    """Every concrete stored-file model of the installed apps, in their order."""
    return [model for model in apps.get_models() if issubclass(model, StoredFile)]


def storage_used(owner) -> int:
    """Bytes the owner's files take, display copies and thumbnails included, over every
    stored-file model (each says how its rows reach the owner: ``quota_owner``)."""
    total = 0
    for model in stored_file_models():
        used = model.objects.filter(**{model.quota_owner: owner}).aggregate(
            total=Sum("stored_bytes")
        )["total"]
        total += used or 0
    return total


class UploadsRejected(UploadRejected):
    """Some of several files were refused: ``rejections`` names each with its reason (in
    the order they were given). Nothing of them may be stored."""

    def __init__(self, rejections: list[UploadRejected]):
        super().__init__(" ".join(r.message for r in rejections), code=rejections[0].code)
        self.rejections = rejections


def prepare_uploads(owner, files) -> list[PreparedFile]:
    """Check every file before anything is stored. If any is refused, raise
    ``UploadsRejected`` naming every refused file (not only the first); the files that
    passed count against the quota left for the ones after them."""
    left = storage_quota() - storage_used(owner)
    prepared, rejections = [], []
    for uploaded in files:
        try:
            item = prepare_upload(uploaded, quota_left=left)
        except UploadRejected as rejection:
            rejections.append(rejection)
            continue
        left -= stored_size(item)
        prepared.append(item)
    if rejections:
        raise UploadsRejected(rejections)
    return prepared


def storage_reserve(owner, files: list[PreparedFile]) -> None:
    """Check the quota again under a lock on the owner's row: two uploads at once (two
    tabs) cannot together pass it. Call inside the transaction that stores the files."""
    if not files:
        return
    type(owner).objects.select_for_update().filter(pk=owner.pk).first()
    needed = sum(stored_size(item) for item in files)
    left = storage_quota() - storage_used(owner)
    if needed > left:
        needed_text, left_text = file_sizes(needed, max(left, 0))
        raise UploadRejected(
            _("%(names)s (%(size)s) do not fit into your remaining storage space (%(left)s free).")
            % {
                "names": ", ".join(f"“{item.display_name}”" for item in files),
                "size": needed_text,
                "left": left_text,
            },
            code="quota",
        )
