"""Office documents: a ZIP is read from its end (the central directory) to tell DOCX, PPTX,
XLSX, ODT and ODP from plain archives, zip bombs and documents with macros, without ever
extracting it. Also whether any other file carries a ZIP at its end (a polyglot)."""

from __future__ import annotations

import struct
import zipfile

from django.core.files.base import File
from django.utils.translation import gettext as _

from core.files.types import (
    ARCHIVE,
    DOCX,
    MACRO,
    MB,
    ODP,
    ODT,
    PPTX,
    XLSX,
    ZIP_BOMB,
    FileType,
    UploadRejected,
    forbidden,
    rejected,
    unknown,
)

ZIP_TAIL_SIZE = 22 + 0xFFFF  # the EOCD record plus the longest possible ZIP comment

# Zip-bomb guards for office documents (we never extract; these bound what a reader would).
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_UNCOMPRESSED = 512 * MB
MAX_ZIP_ENTRY_RATIO = 200  # uncompressed / compressed, for entries above the floor below
ZIP_RATIO_FLOOR = 1 * MB
MAX_MIMETYPE_ENTRY = 100

OOXML_PARTS = {"word/": DOCX, "ppt/": PPTX, "xl/": XLSX}
ODF_MEDIA_TYPES = {
    "application/vnd.oasis.opendocument.text": ODT,
    "application/vnd.oasis.opendocument.presentation": ODP,
}


OFFICE_EXTENSIONS = frozenset().union(
    *(file_type.extensions for file_type in (DOCX, PPTX, XLSX, ODT, ODP))
)


def _damaged(name: str) -> UploadRejected:
    """A ZIP that cannot be read: a damaged office document if its name says it is one,
    otherwise an archive (a .zip, or a ZIP named anything else), which is never accepted."""
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in OFFICE_EXTENSIONS:
        return forbidden(ARCHIVE, name)
    return rejected(
        "type_unknown",
        _("“%(name)s” looks like an office document, but it is damaged and cannot be read."),
        name,
    )


def _find_eocd(tail: bytes) -> list[int]:
    """Positions (within ``tail``) of candidate end-of-central-directory records, last first."""
    positions = []
    position = tail.rfind(b"PK\x05\x06")
    while position >= 0:
        if position + 22 <= len(tail):
            positions.append(position)
        position = tail.rfind(b"PK\x05\x06", 0, position)
    return positions


def _read_at(uploaded: File, offset: int, length: int) -> bytes:
    uploaded.seek(offset)
    return uploaded.read(length)


def _tail(uploaded: File, size: int) -> tuple[bytes, int]:
    start = max(0, size - ZIP_TAIL_SIZE)
    return _read_at(uploaded, start, size - start), start


def carries_zip(uploaded: File, size: int) -> bool:
    """Whether the end of the file holds a ZIP directory that an unzip tool would open."""
    tail, start = _tail(uploaded, size)
    for position in _find_eocd(tail):
        (_, disk, cd_disk, entries_here, entries, cd_size, cd_offset, comment_length) = (
            struct.unpack("<4s4H2LH", tail[position : position + 22])
        )
        absolute = start + position
        if absolute >= 20 and _read_at(uploaded, absolute - 20, 4) == b"PK\x06\x07":
            return True  # ZIP64 locator right before the record
        if disk != cd_disk or entries_here != entries:
            continue
        if entries == 0 and cd_size == 0 and absolute + 22 + comment_length == size:
            return True
        directory = absolute - cd_size
        if (
            0 < cd_size <= absolute
            and cd_offset <= directory
            and _read_at(uploaded, directory, 4) == b"PK\x01\x02"
        ):
            return True
    return False


def _zip_entry_count(uploaded: File, size: int) -> int | None:
    tail, _start = _tail(uploaded, size)
    positions = _find_eocd(tail)
    if not positions:
        return None
    position = positions[0]
    (entries,) = struct.unpack("<H", tail[position + 10 : position + 12])
    if entries == 0xFFFF:
        return MAX_ZIP_ENTRIES + 1  # ZIP64 entry counts: far beyond anything we accept
    return entries


def office_type(uploaded: File, size: int, name: str) -> FileType:
    """The office format of a ZIP, or a rejection (archive, zip bomb, macros, damaged)."""
    entries = _zip_entry_count(uploaded, size)
    if entries is None:
        raise _damaged(name)
    if entries > MAX_ZIP_ENTRIES:
        raise forbidden(ZIP_BOMB, name)
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise forbidden(ZIP_BOMB, name)
            total = 0
            for info in infos:
                total += info.file_size
                ratio_limit = MAX_ZIP_ENTRY_RATIO * max(info.compress_size, 1)
                if info.file_size > ZIP_RATIO_FLOOR and info.file_size > ratio_limit:
                    raise forbidden(ZIP_BOMB, name)
            if total > MAX_ZIP_UNCOMPRESSED:
                raise forbidden(ZIP_BOMB, name)

            names = [info.filename for info in infos]
            if any(entry.lower().endswith("vbaproject.bin") for entry in names):
                raise forbidden(MACRO, name)

            if infos and infos[0].filename == "mimetype":
                if infos[0].file_size > MAX_MIMETYPE_ENTRY:
                    raise forbidden(ARCHIVE, name)
                with archive.open(infos[0]) as entry:
                    media_type = entry.read(MAX_MIMETYPE_ENTRY + 1).decode("ascii", "replace")
                media_type = media_type.strip()
                if any(entry.startswith(("Basic/", "Scripts/")) for entry in names):
                    raise forbidden(MACRO, name)
                if media_type in ODF_MEDIA_TYPES:
                    return ODF_MEDIA_TYPES[media_type]
                if media_type.startswith("application/vnd.oasis.opendocument."):
                    raise unknown(name)  # a spreadsheet or drawing: a document, not accepted
                raise forbidden(ARCHIVE, name)

            if "[Content_Types].xml" in names:
                found = {
                    file_type
                    for prefix, file_type in OOXML_PARTS.items()
                    if any(entry.startswith(prefix) for entry in names)
                }
                if len(found) == 1:
                    return found.pop()
            raise forbidden(ARCHIVE, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, UnicodeDecodeError) as error:
        raise _damaged(name) from error
    except (OSError, ValueError, NotImplementedError, RuntimeError) as error:
        raise _damaged(name) from error
