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
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
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


class StorageUnavailable(Exception):
    """Stored files could not be read: the store cannot be reached or answered with an
    error. Callers tell the user to try again later; nothing was changed."""


def stored_chunks(field_file, chunk_size: int = 1024 * 1024):
    """The bytes of a stored file, chunk by chunk. Any failure of the store (S3 errors,
    timeouts, a local disk's ``OSError``) becomes ``StorageUnavailable``."""
    try:
        with field_file.open("rb") as handle:
            while chunk := handle.read(chunk_size):
                yield chunk
    except Exception as error:
        logger.exception("reading stored file %s failed", field_file.name)
        raise StorageUnavailable(field_file.name) from error


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


# --- Orphans ----------------------------------------------------------------------------
# A file whose row is gone: its deletion after commit failed (the store could not be
# reached then), or the process was killed between writing a file and committing its row.


def referenced_file_names() -> set[str]:
    """Every file name that a row of an installed model refers to (any ``FileField``)."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                rows = model._base_manager.exclude(**{field.name: ""})
                names.update(rows.values_list(field.name, flat=True).iterator())
    return names


def stored_file_listing(storage=default_storage) -> Iterator[tuple[str, datetime]]:
    """(name, last modified) of every file in ``storage``: one listing request per 1,000
    objects where the storage can list with times (``PrivateS3Storage.listing``), else a
    walk through its folders."""
    listing = getattr(storage, "listing", None)
    if listing is not None:
        yield from listing()
        return
    yield from _walk(storage, "")


def _walk(storage, folder: str) -> Iterator[tuple[str, datetime]]:
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing was ever stored
        return
    for name in files:
        path = f"{folder}/{name}" if folder else name
        yield path, storage.get_modified_time(path)
    for directory in directories:
        yield from _walk(storage, f"{folder}/{directory}" if folder else directory)


def orphaned_files(*, older_than: timedelta) -> list[str]:
    """Files the site stored (by their random names; nothing else in the store is touched)
    that no row refers to and that are older than ``older_than``, so an upload whose row
    is about to be committed is never taken for one."""
    cutoff = timezone.now() - older_than
    referenced = referenced_file_names()
    return [
        name
        for name, modified in stored_file_listing()
        if RANDOM_NAME.match(name) and name not in referenced and modified <= cutoff
    ]


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
