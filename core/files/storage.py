"""Storing files so that a failure anywhere leaves nothing behind.

Files are written through Django's storage API only (local folder or S3-compatible store).
``StoredFiles`` remembers what it wrote; if the block fails — validation, a storage error
halfway, or the database transaction — everything written in it is deleted again.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from core.files.types import UploadRejected

logger = logging.getLogger(__name__)


RANDOM_NAME = re.compile(r"^[a-z]+/[0-9a-f]{2}/[0-9a-f]{32}\.[a-z0-9]{1,10}$")


def extension_of(content, fallback: str) -> str:
    """The extension of prepared content by its name (a GIF's display copy is a PNG)."""
    name = getattr(content, "name", "") or ""
    return name.rsplit(".", 1)[-1].lower() if "." in name else fallback


def random_name(folder: str, extension: str) -> str:
    token = uuid.uuid4().hex
    return f"{folder}/{token[:2]}/{token}.{extension.lower() or 'bin'}"


_open_blocks: contextvars.ContextVar[tuple[StoredFiles, ...]] = contextvars.ContextVar(
    "stored_files_blocks", default=()
)


class StoredFiles:
    """Blocks nest: an inner block that succeeds hands its files to the enclosing one, so
    they are still deleted if the outer block fails later."""

    def __init__(self):
        self.names: list[str] = []
        self._token = None

    def save(self, field_file, content, *, folder: str, extension: str, label: str = "") -> str:
        """Write ``content``; a storage failure becomes an ``UploadRejected`` naming the
        file, so the form is shown again with what the user typed."""
        name = random_name(folder, extension)
        self.names.append(name)  # before writing: a write failing halfway is cleaned up too
        try:
            field_file.save(name, content, save=False)
        except Exception as error:
            logger.exception("storing %s failed", name)
            raise UploadRejected(
                _("“%(name)s” could not be stored. Nothing was saved; please try again.")
                % {"name": label or getattr(content, "name", "") or "file"},
                code="storage",
            ) from error
        if field_file.name != name:
            self.names.append(field_file.name)
        return field_file.name

    def __enter__(self):
        self._token = _open_blocks.set((*_open_blocks.get(), self))
        return self

    def __exit__(self, exc_type, exc, tb):
        _open_blocks.reset(self._token)
        if exc_type is not None:
            delete_stored_files(self.names)
        elif _open_blocks.get():
            _open_blocks.get()[-1].names.extend(self.names)
        return False


def delete_stored_files(names) -> None:
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except Exception:  # noqa: BLE001 - a leftover file must not break the user's action
            logger.exception("could not delete stored file %s", name)


def delete_after_commit(names) -> None:
    """Delete files once the surrounding transaction has committed (rows are gone for good)."""
    names = [n for n in names if n]
    if names:
        transaction.on_commit(lambda: delete_stored_files(names))


def _upload_to(folder: str, filename: str) -> str:
    """Keep a name ``StoredFiles`` already made random; make any other name random."""
    if RANDOM_NAME.match(filename) and filename.startswith(folder + "/"):
        return filename
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return random_name(folder, extension[:10])


def evidence_upload_to(instance, filename: str) -> str:
    return _upload_to("evidence", filename)


def photo_upload_to(instance, filename: str) -> str:
    return _upload_to("photos", filename)


def upload_to_folder(folder: str, filename: str) -> str:
    """The stored name of a file in ``folder`` (a random one, as every stored file has):
    for the ``upload_to`` of a private file field outside ``StoredFile`` (transfer's zips)."""
    return _upload_to(folder, filename)
