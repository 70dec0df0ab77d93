"""Deciding whether an uploaded file is acceptable, and preparing it for storage.

The type of a file comes from its content (magic bytes, sniffing.py), never from its name
or the browser's Content-Type; the name's extension must then agree with that type. Images
are decoded, checked, re-encoded without metadata, and given a display size and a thumbnail
(images.py), once; office documents are told from archives by their ZIP directory
(office.py). Everything else is stored as uploaded. Nothing in this package touches
storage or the database: ``prepare_upload`` either returns a ``PreparedFile`` or raises
``UploadRejected`` with a translated message naming the file and the reason.

Large files are never read whole: the type is sniffed from the first 64 KiB, the ZIP
end-of-central-directory record from the last 64 KiB, and the checksum is computed chunk
by chunk.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from core.files.images import is_plain_image, process_image
from core.files.links import classify_link
from core.files.office import carries_zip, office_type
from core.files.sniffing import EMBEDDED_ARCHIVE_SIGNATURES, HEAD_SIZE, POLYGLOT_MARKERS, sniff
from core.files.types import (
    DEFAULT_MAX_FILE_SIZE,
    DEFAULT_MAX_VIDEO_SIZE,
    DOCX,
    MARKUP_WINDOW,
    PDF,
    FileType,
    Kind,
    UploadRejected,
    file_sizes,
    forbidden,
    polyglot,
    rejected,
    unknown,
)

__all__ = [
    "Kind",
    "PreparedFile",
    "UploadRejected",
    "classify_link",
    "clean_display_name",
    "is_plain_image",
    "prepare_upload",
    "stored_size",
]

CHUNK_SIZE = 64 * 1024

MAX_NAME_LENGTH = 120
MAX_EXTENSION_LENGTH = 16
FALLBACK_STEM = "file"


@dataclass(frozen=True)
class PreparedFile:
    kind: str
    content_type: str
    extension: str
    display_name: str
    size: int
    sha256: str
    content: File
    display: ContentFile | None = None
    thumbnail: ContentFile | None = None
    width: int | None = None
    height: int | None = None


def stored_size(item: PreparedFile) -> int:
    """Bytes a prepared file takes once stored, display copy and thumbnail included."""
    return item.size + sum(f.size for f in (item.display, item.thumbnail) if f is not None)


# ---------------------------------------------------------------------------------------
# Names


_EXTENSION_RE = re.compile(rf"[A-Za-z0-9]{{1,{MAX_EXTENSION_LENGTH}}}")
_KEPT_FORMAT_CHARACTERS = {"\u200c", "\u200d"}  # joiners that some scripts need


def clean_display_name(name: str) -> str:
    """A file name that is safe and pleasant to show: the last path component only, no
    control or bidi-override characters, single spaces, at most 120 characters with the
    extension kept, never empty ("file.pdf" or "file" as a fallback)."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    kept = []
    for character in text:
        category = unicodedata.category(character)
        if category == "Cc":
            kept.append(" " if character.isspace() else "")
        elif category in ("Cf", "Cs", "Co", "Cn") and character not in _KEPT_FORMAT_CHARACTERS:
            continue
        else:
            kept.append(character)
    text = " ".join("".join(kept).split())

    stem, dot, extension = text.rpartition(".")
    if not dot or not _EXTENSION_RE.fullmatch(extension.strip()):
        stem, extension = text, ""
    extension = extension.strip()
    stem = stem.strip(" .")
    if not stem:
        stem = FALLBACK_STEM
    room = MAX_NAME_LENGTH - (len(extension) + 1 if extension else 0)
    stem = stem[:room].rstrip(" .") or FALLBACK_STEM
    return f"{stem}.{extension}" if extension else stem


def _extension_of(display_name: str) -> str:
    stem, dot, extension = display_name.rpartition(".")
    return extension.lower() if dot and stem else ""


# ---------------------------------------------------------------------------------------
# The entry point


def prepare_upload(
    uploaded: UploadedFile, *, quota_left: int | None = None, keep_plain_images: bool = False
) -> PreparedFile:
    """Check an uploaded file (evidence, an attachment, a photo) and prepare what should be stored.

    Raises ``UploadRejected`` for anything that may not be stored. The order of the checks
    puts the cheap ones first: emptiness, the type from the first bytes, the extension, the
    size limits and the quota; then the whole-file checks (hidden archives, image decoding).
    """
    name = clean_display_name(getattr(uploaded, "name", "") or "")
    extension = _extension_of(name)
    size = _file_size(uploaded)
    if size == 0:
        raise rejected("empty", _("“%(name)s” is empty."), name)

    uploaded.seek(0)
    head = uploaded.read(HEAD_SIZE)
    sniffed = sniff(head, extension)
    if sniffed.forbidden:
        raise forbidden(sniffed.forbidden, name)
    if sniffed.is_zip:
        if size > getattr(settings, "EVIDENCE_MAX_FILE_SIZE", DEFAULT_MAX_FILE_SIZE):
            raise _too_large(name, size, DOCX)  # check before reading the directory
        file_type = office_type(uploaded, size, name)
    else:
        file_type = sniffed.file_type
    if file_type is None:
        raise unknown(name)

    if not extension:
        raise rejected(
            "name",
            _(
                "“%(name)s” has no extension. It is %(kind)s: please rename it to end "
                "in .%(extension)s and upload it again."
            ),
            name,
            kind=file_type.description,
            extension=file_type.extension,
        )
    if extension not in file_type.extensions:
        raise rejected(
            "type_mismatch",
            _("“%(name)s” is %(kind)s, but its name ends in .%(extension)s."),
            name,
            kind=file_type.description,
            extension=extension,
        )
    if size > _size_limit(file_type):
        raise _too_large(name, size, file_type)
    _check_quota(size, quota_left, name)

    window = head[:MARKUP_WINDOW].lower()
    if any(marker in window for marker in POLYGLOT_MARKERS):
        raise polyglot(name, file_type)
    if file_type is not PDF and b"%pdf-" in window:
        raise polyglot(name, file_type)
    if not file_type.zip_based and carries_zip(uploaded, size):
        raise polyglot(name, file_type)

    digest, size, embedded_archive = _stream(uploaded)
    if embedded_archive:
        raise polyglot(name, file_type)

    if file_type.kind == Kind.IMAGE:
        original = None
        if keep_plain_images:
            uploaded.seek(0)
            original = uploaded.read()
        result = process_image(uploaded, file_type, name)
        if original is not None and is_plain_image(original, file_type):
            result = replace(result, content=original)
        _check_quota(len(result.content), quota_left, name)
        stem = name.rpartition(".")[0] or FALLBACK_STEM
        return PreparedFile(
            kind=file_type.kind.value,
            content_type=file_type.content_type,
            extension=file_type.extension,
            display_name=name,
            size=len(result.content),
            sha256=hashlib.sha256(result.content).hexdigest(),
            content=ContentFile(result.content, name=f"{stem}.{file_type.extension}"),
            display=ContentFile(result.display, name=f"display.{result.display_extension}"),
            thumbnail=ContentFile(result.thumbnail, name=f"thumbnail.{result.display_extension}"),
            width=result.width,
            height=result.height,
        )

    uploaded.seek(0)
    return PreparedFile(
        kind=file_type.kind.value,
        content_type=file_type.content_type,
        extension=file_type.extension,
        display_name=name,
        size=size,
        sha256=digest,
        content=uploaded,
    )


def _too_large(name: str, size: int, file_type: FileType) -> UploadRejected:
    size_text, limit_text = file_sizes(size, _size_limit(file_type))
    return rejected(
        "too_large",
        _("“%(name)s” is %(size)s, more than the %(limit)s allowed for this kind of file."),
        name,
        size=size_text,
        limit=limit_text,
    )


def _stream(uploaded: File) -> tuple[str, int, bool]:
    """SHA-256 and size, read chunk by chunk, and whether a self-extracting archive
    signature occurs anywhere in the file."""
    digest = hashlib.sha256()
    size = 0
    overlap = max(len(signature) for signature in EMBEDDED_ARCHIVE_SIGNATURES) - 1
    previous = b""
    embedded = False
    uploaded.seek(0)
    # Not File.chunks(): an in-memory upload's chunks() hands back everything in one piece.
    while chunk := uploaded.read(CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
        window = previous + chunk
        if not embedded and any(sig in window for sig in EMBEDDED_ARCHIVE_SIGNATURES):
            embedded = True
        previous = window[-overlap:]
    return digest.hexdigest(), size, embedded


# ---------------------------------------------------------------------------------------
# Limits


def _size_limit(file_type: FileType) -> int:
    if file_type.kind == Kind.VIDEO:
        return getattr(settings, "EVIDENCE_MAX_VIDEO_SIZE", DEFAULT_MAX_VIDEO_SIZE)
    return getattr(settings, "EVIDENCE_MAX_FILE_SIZE", DEFAULT_MAX_FILE_SIZE)


def _check_quota(size: int, quota_left: int | None, name: str) -> None:
    if quota_left is not None and size > quota_left:
        size_text, left_text = file_sizes(size, max(quota_left, 0))
        raise rejected(
            "quota",
            _(
                "“%(name)s” (%(size)s) does not fit into your remaining storage space "
                "(%(left)s free)."
            ),
            name,
            size=size_text,
            left=left_text,
        )


def _file_size(uploaded: File) -> int:
    try:
        uploaded.seek(0, io.SEEK_END)
        return uploaded.tell()
    except (AttributeError, OSError, ValueError):
        return int(uploaded.size or 0)
