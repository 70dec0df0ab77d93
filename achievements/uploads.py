"""Deciding whether an uploaded evidence file is acceptable, and preparing it for storage.

The type of a file comes from its content (magic bytes), never from its name or the
browser's Content-Type; the name's extension must then agree with that type. Images are
decoded, checked, re-encoded without metadata, and given a display size and a thumbnail
here, once. Everything else is stored as uploaded. Nothing in this module touches storage
or the database: ``prepare_upload`` either returns a ``PreparedFile`` or raises
``UploadRejected`` with a translated message naming the file and the reason.

Large files are never read whole: the type is sniffed from the first 64 KiB, the ZIP
end-of-central-directory record from the last 64 KiB, and the checksum is computed chunk
by chunk.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, ImageSequence

MB = 1024 * 1024
DEFAULT_MAX_FILE_SIZE = 25 * MB
DEFAULT_MAX_VIDEO_SIZE = 200 * MB

HEAD_SIZE = 64 * 1024  # enough for every signature below (ISO 9660 sits at 32 KiB)
MARKUP_WINDOW = 1024  # browsers and PDF readers look this far for HTML / "%PDF-"
ZIP_TAIL_SIZE = 22 + 0xFFFF  # the EOCD record plus the longest possible ZIP comment
CHUNK_SIZE = 64 * 1024

MAX_NAME_LENGTH = 120
MAX_EXTENSION_LENGTH = 16
FALLBACK_STEM = "file"

# Zip-bomb guards for office documents (we never extract; these bound what a reader would).
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_UNCOMPRESSED = 512 * MB
MAX_ZIP_ENTRY_RATIO = 200  # uncompressed / compressed, for entries above the floor below
ZIP_RATIO_FLOOR = 1 * MB
MAX_MIMETYPE_ENTRY = 100

# Images.
DISPLAY_BOX = (1600, 1600)
THUMBNAIL_BOX = (400, 400)
JPEG_QUALITY = 90
WEBP_QUALITY = 90
MAX_ANIMATION_FRAMES = 500
DEFAULT_PIXEL_BUDGET = 89_478_485  # Pillow's default MAX_IMAGE_PIXELS, used if it is disabled

MAX_LINK_LENGTH = 2000


class Kind(models.TextChoices):
    IMAGE = "image", gettext_lazy("Image")
    PDF = "pdf", gettext_lazy("PDF document")
    OFFICE = "office", gettext_lazy("Office document")
    AUDIO = "audio", gettext_lazy("Audio")
    VIDEO = "video", gettext_lazy("Video")
    LINK = "link", gettext_lazy("Video link")


class UploadRejected(Exception):
    """An upload (or link) that may not be stored.

    ``message`` is a translated sentence for the user that names the file and the reason;
    ``code`` is one of 'empty', 'too_large', 'type_unknown', 'type_mismatch',
    'forbidden_type', 'polyglot', 'image_invalid', 'image_too_big', 'quota', 'name', 'link'.
    """

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


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


@dataclass(frozen=True)
class FileType:
    """An accepted format: what the content is, and which extensions may name it."""

    kind: str
    content_type: str
    extension: str  # canonical, without the dot
    extensions: frozenset[str]
    description: object  # lazy text with its article: "a JPEG image"
    pillow_format: str | None = None
    zip_based: bool = False


def _type(kind, content_type, extension, others, description, pillow_format=None, zip_based=False):
    return FileType(
        kind=kind,
        content_type=content_type,
        extension=extension,
        extensions=frozenset({extension, *others}),
        description=description,
        pillow_format=pillow_format,
        zip_based=zip_based,
    )


JPEG = _type(Kind.IMAGE, "image/jpeg", "jpg", {"jpeg", "jpe"}, gettext_lazy("a JPEG image"), "JPEG")
PNG = _type(Kind.IMAGE, "image/png", "png", set(), gettext_lazy("a PNG image"), "PNG")
WEBP = _type(Kind.IMAGE, "image/webp", "webp", set(), gettext_lazy("a WebP image"), "WEBP")
GIF = _type(Kind.IMAGE, "image/gif", "gif", set(), gettext_lazy("a GIF image"), "GIF")
PDF = _type(Kind.PDF, "application/pdf", "pdf", set(), gettext_lazy("a PDF document"))
DOCX = _type(
    Kind.OFFICE,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    set(),
    gettext_lazy("a Word document (DOCX)"),
    zip_based=True,
)
PPTX = _type(
    Kind.OFFICE,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pptx",
    set(),
    gettext_lazy("a PowerPoint presentation (PPTX)"),
    zip_based=True,
)
XLSX = _type(
    Kind.OFFICE,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
    set(),
    gettext_lazy("an Excel spreadsheet (XLSX)"),
    zip_based=True,
)
ODT = _type(
    Kind.OFFICE,
    "application/vnd.oasis.opendocument.text",
    "odt",
    set(),
    gettext_lazy("an OpenDocument text (ODT)"),
    zip_based=True,
)
ODP = _type(
    Kind.OFFICE,
    "application/vnd.oasis.opendocument.presentation",
    "odp",
    set(),
    gettext_lazy("an OpenDocument presentation (ODP)"),
    zip_based=True,
)
MP3 = _type(Kind.AUDIO, "audio/mpeg", "mp3", set(), gettext_lazy("an MP3 audio file"))
OGG = _type(Kind.AUDIO, "audio/ogg", "ogg", {"oga", "opus"}, gettext_lazy("an Ogg audio file"))
WAV = _type(Kind.AUDIO, "audio/wav", "wav", set(), gettext_lazy("a WAV audio file"))
M4A = _type(Kind.AUDIO, "audio/mp4", "m4a", set(), gettext_lazy("an M4A audio file"))
MP4 = _type(Kind.VIDEO, "video/mp4", "mp4", set(), gettext_lazy("an MP4 video"))
WEBM = _type(Kind.VIDEO, "video/webm", "webm", set(), gettext_lazy("a WebM video"))

ACCEPTED_TYPES = (
    JPEG,
    PNG,
    WEBP,
    GIF,
    PDF,
    DOCX,
    PPTX,
    XLSX,
    ODT,
    ODP,
    MP3,
    OGG,
    WAV,
    M4A,
    MP4,
    WEBM,
)

OOXML_PARTS = {"word/": DOCX, "ppt/": PPTX, "xl/": XLSX}
ODF_MEDIA_TYPES = {
    "application/vnd.oasis.opendocument.text": ODT,
    "application/vnd.oasis.opendocument.presentation": ODP,
}

# ISO base media file format brands (the `ftyp` box).
M4A_BRANDS = {b"M4A ", b"M4B "}
MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso3",
    b"iso4",
    b"iso5",
    b"iso6",
    b"iso7",
    b"iso8",
    b"iso9",
    b"mp41",
    b"mp42",
    b"avc1",
    b"dash",
    b"M4V ",
    b"M4VH",
    b"M4VP",
    b"mmp4",
    b"MSNV",
    b"NDAS",
    b"f4v ",
}
# Brands whose major brand makes the file something we do not take (HEIF/AVIF images,
# QuickTime, 3GPP) even if a generic brand is listed among the compatible ones.
UNSUPPORTED_MAJOR_BRANDS = {
    b"heic",
    b"heix",
    b"hevc",
    b"hevx",
    b"heim",
    b"heis",
    b"hevm",
    b"hevs",
    b"mif1",
    b"msf1",
    b"avif",
    b"avis",
    b"qt  ",
    b"3gp4",
    b"3gp5",
    b"3gp6",
    b"3g2a",
}

# Forbidden content, by category. Checked before anything else.
EXECUTABLE, SCRIPT, HTML, SVG, XML, ARCHIVE, ZIP_BOMB, MACRO = (
    "executable",
    "script",
    "html",
    "svg",
    "xml",
    "archive",
    "zip_bomb",
    "macro",
)
FORBIDDEN_PREFIXES = (
    (b"MZ", EXECUTABLE),  # Windows PE / DOS
    (b"\x7fELF", EXECUTABLE),
    (b"\xfe\xed\xfa\xce", EXECUTABLE),  # Mach-O 32/64, both byte orders
    (b"\xfe\xed\xfa\xcf", EXECUTABLE),
    (b"\xce\xfa\xed\xfe", EXECUTABLE),
    (b"\xcf\xfa\xed\xfe", EXECUTABLE),
    (b"\xca\xfe\xba\xbe", EXECUTABLE),  # Mach-O universal binary, Java class
    (b"\x00asm", EXECUTABLE),  # WebAssembly
    (b"dex\n", EXECUTABLE),  # Android
    (b"#!", SCRIPT),
    (b"PK\x05\x06", ARCHIVE),  # empty ZIP
    (b"PK\x07\x08", ARCHIVE),  # spanned ZIP
    (b"Rar!\x1a\x07", ARCHIVE),
    (b"7z\xbc\xaf\x27\x1c", ARCHIVE),
    (b"\x1f\x8b", ARCHIVE),  # gzip
    (b"BZh", ARCHIVE),
    (b"\xfd7zXZ\x00", ARCHIVE),
    (b"\x28\xb5\x2f\xfd", ARCHIVE),  # zstd
    (b"MSCF", ARCHIVE),  # cabinet
    (b"!<arch>\n", ARCHIVE),  # ar, .deb
    (b"\xed\xab\xee\xdb", ARCHIVE),  # rpm
)
# Signatures of archives that readers find anywhere in a file (self-extractors), so that an
# accepted file carrying one is a polyglot. Long enough never to occur by chance.
EMBEDDED_ARCHIVE_SIGNATURES = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c")

SCRIPT_EXTENSIONS = {
    "js",
    "mjs",
    "cjs",
    "vbs",
    "vbe",
    "jse",
    "wsf",
    "ps1",
    "psm1",
    "sh",
    "bash",
    "zsh",
    "bat",
    "cmd",
    "py",
    "pl",
    "rb",
    "php",
    "phtml",
    "asp",
    "aspx",
    "jsp",
    "hta",
}
HTML_MARKERS = (
    b"<!doctype",
    b"<html",
    b"<head>",
    b"<body",
    b"<script",
    b"<iframe",
    b"<object",
    b"<embed",
)
# Markup that must not appear in the first KiB of an accepted file (browsers that ignore
# the declared type, and PDF readers, look there).
POLYGLOT_MARKERS = (
    b"<script",
    b"<html",
    b"<svg",
    b"<!doctype",
    b"<?php",
    b"<body",
    b"<iframe",
    b"<object",
    b"<embed",
)


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
# Rejections


def _rejected(code: str, message: str, name: str, **params) -> UploadRejected:
    return UploadRejected(message % {"name": name, **params}, code=code)


def _forbidden(category: str, name: str) -> UploadRejected:
    messages = {
        EXECUTABLE: _("“%(name)s” is a program. Programs cannot be uploaded."),
        SCRIPT: _("“%(name)s” is a script. Scripts cannot be uploaded."),
        HTML: _("“%(name)s” is a web page (HTML). Web pages cannot be uploaded."),
        SVG: _(
            "“%(name)s” is an SVG image, which can contain scripts. "
            "Please upload it as PNG or PDF instead."
        ),
        XML: _("“%(name)s” is an XML document. XML files cannot be uploaded."),
        ARCHIVE: _(
            "“%(name)s” is an archive (such as ZIP, RAR, 7z, gzip or tar). "
            "Please upload the files inside it one by one."
        ),
        ZIP_BOMB: _(
            "“%(name)s” unpacks to an unreasonable number or size of parts and cannot be uploaded."
        ),
        MACRO: _(
            "“%(name)s” is an office document with macros. "
            "Please save it without macros and upload it again."
        ),
    }
    return _rejected("forbidden_type", messages[category], name)


def _unknown(name: str) -> UploadRejected:
    return _rejected(
        "type_unknown",
        _(
            "“%(name)s” is not a file type we accept. You can upload images (JPEG, PNG, "
            "WebP, GIF), PDF, office documents (DOCX, PPTX, XLSX, ODT, ODP), audio (MP3, "
            "Ogg, WAV, M4A) and video (MP4, WebM)."
        ),
        name,
    )


def _damaged(name: str) -> UploadRejected:
    return _rejected(
        "type_unknown",
        _("“%(name)s” looks like an office document, but it is damaged and cannot be read."),
        name,
    )


def _polyglot(name: str, file_type: FileType) -> UploadRejected:
    return _rejected(
        "polyglot",
        _(
            "“%(name)s” is %(kind)s, but it also carries another kind of content "
            "hidden inside it, so it cannot be accepted."
        ),
        name,
        kind=file_type.description,
    )


# ---------------------------------------------------------------------------------------
# Sniffing


@dataclass(frozen=True)
class _Sniffed:
    """What the head of a file says: an accepted type, a forbidden category, a ZIP that
    needs its central directory read, or nothing we know."""

    file_type: FileType | None = None
    forbidden: str | None = None
    is_zip: bool = False


def _sniff(head: bytes, extension: str) -> _Sniffed:
    for prefix, category in FORBIDDEN_PREFIXES:
        if head.startswith(prefix):
            return _Sniffed(forbidden=category)
    if head[257:262] == b"ustar":
        return _Sniffed(forbidden=ARCHIVE)
    if head[0x8001:0x8006] == b"CD001":  # ISO 9660 disc image
        return _Sniffed(forbidden=ARCHIVE)

    if head.startswith(b"\xff\xd8\xff"):
        return _Sniffed(file_type=JPEG)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _Sniffed(file_type=PNG)
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return _Sniffed(file_type=GIF)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _Sniffed(file_type=WEBP)
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return _Sniffed(file_type=WAV)
    if re.match(rb"%PDF-[12]\.\d", head):
        return _Sniffed(file_type=PDF)
    if head.startswith(b"PK\x03\x04"):
        return _Sniffed(is_zip=True)
    if head.startswith(b"OggS\x00"):
        return _Sniffed(file_type=OGG)
    if head[4:8] == b"ftyp":
        return _Sniffed(file_type=_iso_media_type(head, extension))
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _Sniffed(file_type=WEBM if _ebml_doctype(head) == b"webm" else None)
    if _is_mp3(head):
        return _Sniffed(file_type=MP3)

    text = _as_text(head)
    if text is not None:
        return _Sniffed(forbidden=_text_category(text, extension))
    return _Sniffed()


def _iso_media_type(head: bytes, extension: str) -> FileType | None:
    (box_size,) = struct.unpack(">I", head[:4])
    if box_size < 16 or box_size > len(head) or box_size % 4:
        return None
    major = head[8:12]
    compatible = {head[offset : offset + 4] for offset in range(16, box_size, 4)}
    if major in M4A_BRANDS:
        return M4A
    if major in UNSUPPORTED_MAJOR_BRANDS:
        return None
    if extension == "m4a" and compatible & M4A_BRANDS:
        return M4A  # an audio-only MP4 whose major brand is generic
    if major in MP4_BRANDS or compatible & MP4_BRANDS:
        return MP4
    return None


def _read_vint(data: bytes, position: int, *, keep_marker: bool) -> tuple[int, int] | None:
    """An EBML variable-length integer at ``position``: (value, next position)."""
    if position >= len(data) or data[position] == 0:
        return None
    first = data[position]
    length = 8 - first.bit_length() + 1
    if position + length > len(data):
        return None
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[position + 1 : position + length]:
        value = (value << 8) | byte
    return value, position + length


def _ebml_doctype(head: bytes) -> bytes | None:
    """The DocType of the EBML header at the start of ``head`` ("webm", "matroska")."""
    size = _read_vint(head, 4, keep_marker=False)
    if size is None:
        return None
    header_size, position = size
    end = min(position + header_size, len(head))
    while position < end:
        element = _read_vint(head, position, keep_marker=True)
        if element is None:
            return None
        element_id, position = element
        length = _read_vint(head, position, keep_marker=False)
        if length is None:
            return None
        element_size, position = length
        if element_id == 0x4282:
            return head[position : position + element_size].rstrip(b"\x00")
        position += element_size
    return None


def _is_mp3(head: bytes) -> bool:
    if head[:3] == b"ID3":
        # version 2.2-2.4, then flags and a "syncsafe" size whose bytes are all < 0x80
        return len(head) >= 10 and head[3] in (2, 3, 4) and all(b < 0x80 for b in head[6:10])
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    sample_rate = (head[2] >> 2) & 0b11
    # 01 is a reserved version; layer 00 is reserved (and is what AAC's ADTS uses).
    return version != 0b01 and layer != 0b00 and bitrate != 0b1111 and sample_rate != 0b11


def _as_text(head: bytes) -> str | None:
    """The head decoded as text if it looks like text (no NULs, valid UTF-8 or UTF-16)."""
    sample = head[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return sample[: len(sample) // 2 * 2].decode("utf-16", errors="strict")
        except UnicodeDecodeError:
            return None
    if b"\x00" in sample:
        return None
    try:
        return sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= len(sample) - 3:  # a character cut by the sample's end
            return sample[: error.start].decode("utf-8")
        return None


def _text_category(text: str, extension: str) -> str | None:
    start = text.lstrip("\ufeff \t\r\n").lower()
    window = start[:MARKUP_WINDOW].encode("utf-8", errors="ignore")
    if b"<svg" in window:
        return SVG
    if any(marker in window for marker in HTML_MARKERS):
        return HTML
    if b"<?php" in window or b"<%" in window[:2] or extension in SCRIPT_EXTENSIONS:
        return SCRIPT
    if start.startswith("<"):
        return XML
    if extension in ("html", "htm", "xhtml", "shtml"):
        return HTML
    if extension == "svg":
        return SVG
    if extension in ("xml", "xsl", "xslt"):
        return XML
    return None  # plain text: not forbidden, merely not accepted


# ---------------------------------------------------------------------------------------
# ZIP containers


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


def _carries_zip(uploaded: File, size: int) -> bool:
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


def _office_type(uploaded: File, size: int, name: str) -> FileType:
    """The office format of a ZIP, or a rejection (archive, zip bomb, macros, damaged)."""
    entries = _zip_entry_count(uploaded, size)
    if entries is None:
        raise _damaged(name)
    if entries > MAX_ZIP_ENTRIES:
        raise _forbidden(ZIP_BOMB, name)
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise _forbidden(ZIP_BOMB, name)
            total = 0
            for info in infos:
                total += info.file_size
                ratio_limit = MAX_ZIP_ENTRY_RATIO * max(info.compress_size, 1)
                if info.file_size > ZIP_RATIO_FLOOR and info.file_size > ratio_limit:
                    raise _forbidden(ZIP_BOMB, name)
            if total > MAX_ZIP_UNCOMPRESSED:
                raise _forbidden(ZIP_BOMB, name)

            names = [info.filename for info in infos]
            if any(entry.lower().endswith("vbaproject.bin") for entry in names):
                raise _forbidden(MACRO, name)

            if infos and infos[0].filename == "mimetype":
                if infos[0].file_size > MAX_MIMETYPE_ENTRY:
                    raise _forbidden(ARCHIVE, name)
                with archive.open(infos[0]) as entry:
                    media_type = entry.read(MAX_MIMETYPE_ENTRY + 1).decode("ascii").strip()
                if any(entry.startswith(("Basic/", "Scripts/")) for entry in names):
                    raise _forbidden(MACRO, name)
                if media_type in ODF_MEDIA_TYPES:
                    return ODF_MEDIA_TYPES[media_type]
                if media_type.startswith("application/vnd.oasis.opendocument."):
                    raise _unknown(name)  # a spreadsheet or drawing: a document, not accepted
                raise _forbidden(ARCHIVE, name)

            if "[Content_Types].xml" in names:
                found = {
                    file_type
                    for prefix, file_type in OOXML_PARTS.items()
                    if any(entry.startswith(prefix) for entry in names)
                }
                if len(found) == 1:
                    return found.pop()
            raise _forbidden(ARCHIVE, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, UnicodeDecodeError) as error:
        raise _damaged(name) from error
    except (OSError, ValueError, NotImplementedError, RuntimeError) as error:
        raise _damaged(name) from error


# ---------------------------------------------------------------------------------------
# Limits


def _size_limit(file_type: FileType) -> int:
    if file_type.kind == Kind.VIDEO:
        return getattr(settings, "EVIDENCE_MAX_VIDEO_SIZE", DEFAULT_MAX_VIDEO_SIZE)
    return getattr(settings, "EVIDENCE_MAX_FILE_SIZE", DEFAULT_MAX_FILE_SIZE)


def _check_quota(size: int, quota_left: int | None, name: str) -> None:
    if quota_left is not None and size > quota_left:
        raise _rejected(
            "quota",
            _(
                "“%(name)s” (%(size)s) does not fit into your remaining storage space "
                "(%(left)s free)."
            ),
            name,
            size=filesizeformat(size),
            left=filesizeformat(max(quota_left, 0)),
        )


def _file_size(uploaded: File) -> int:
    try:
        uploaded.seek(0, io.SEEK_END)
        return uploaded.tell()
    except (AttributeError, OSError, ValueError):
        return int(uploaded.size or 0)


# ---------------------------------------------------------------------------------------
# Images


def _pixel_budget() -> int:
    return Image.MAX_IMAGE_PIXELS or DEFAULT_PIXEL_BUDGET


def _too_big(name: str) -> UploadRejected:
    return _rejected(
        "image_too_big",
        _("“%(name)s” has too many pixels to be processed safely."),
        name,
    )


def _invalid_image(name: str) -> UploadRejected:
    return _rejected(
        "image_invalid",
        _("“%(name)s” is not a valid image, or it is damaged."),
        name,
    )


def _open_image(uploaded: File, file_type: FileType, name: str) -> Image.Image:
    """Open, verify, and fully decode the image; bombs and broken files are rejected."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            uploaded.seek(0)
            with Image.open(uploaded, formats=[file_type.pillow_format]) as probe:
                _check_pixels(probe, name)
                probe.verify()
            uploaded.seek(0)
            image = Image.open(uploaded, formats=[file_type.pillow_format])
            _check_pixels(image, name)
            image.load()
        except UploadRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_big(name) from error
        except Exception as error:  # Pillow raises many kinds for broken data
            raise _invalid_image(name) from error
    if image.format != file_type.pillow_format:
        raise _invalid_image(name)
    return image


def _check_pixels(image: Image.Image, name: str) -> None:
    width, height = image.size
    if width <= 0 or height <= 0:
        raise _invalid_image(name)
    if width * height > _pixel_budget():
        raise _too_big(name)


def _clean_mode(image: Image.Image, file_type: FileType) -> str:
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if file_type is JPEG:
        return "L" if image.mode in ("1", "L") else "RGB"
    if has_alpha:
        return "RGBA"
    return "L" if image.mode in ("1", "L") and file_type is not WEBP else "RGB"


def _eight_bit(image: Image.Image) -> Image.Image:
    """16-bit greyscale (PNG) scaled to 8 bits; a plain conversion would clip it to white."""
    if image.mode == "I" or image.mode.startswith("I;16"):
        return image.convert("I").point(lambda value: value / 256).convert("L")
    return image


def _without_metadata(image: Image.Image, mode: str) -> Image.Image:
    """A copy holding pixels only: no EXIF, GPS, XMP, ICC profile or comments."""
    clean = image.convert(mode) if image.mode != mode else image.copy()
    clean.info = {}
    return clean


def _encode(image: Image.Image, pillow_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    if pillow_format == "JPEG":
        options.setdefault("quality", JPEG_QUALITY)
        options.setdefault("optimize", True)
    elif pillow_format == "WEBP":
        options.setdefault("quality", WEBP_QUALITY)
    image.save(buffer, pillow_format, **options)
    return buffer.getvalue()


def _fitted(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    copy = image.copy()
    copy.thumbnail(box, Image.Resampling.LANCZOS)
    return copy


@dataclass(frozen=True)
class _ImageResult:
    content: bytes
    display: bytes
    display_extension: str
    thumbnail: bytes
    width: int
    height: int


def _process_image(uploaded: File, file_type: FileType, name: str) -> _ImageResult:
    image = _open_image(uploaded, file_type, name)
    try:
        frame_count = getattr(image, "n_frames", 1)
        width, height = image.size
        animate = (
            file_type is GIF
            and 1 < frame_count <= MAX_ANIMATION_FRAMES
            and frame_count * width * height <= _pixel_budget()
        )
        try:
            if animate:
                loop = image.info.get("loop")
                frames, durations = [], []
                for frame in ImageSequence.Iterator(image):
                    durations.append(frame.info.get("duration", 100))
                    frames.append(_without_metadata(frame, "RGBA"))
                options = {"save_all": True, "append_images": frames[1:], "duration": durations}
                if loop is not None:
                    options["loop"] = loop
                clean = frames[0]
                content = _encode(clean, "GIF", disposal=2, **options)
            else:
                image.seek(0)
                oriented = _eight_bit(ImageOps.exif_transpose(image))
                clean = _without_metadata(oriented, _clean_mode(oriented, file_type))
                content = _encode(clean, file_type.pillow_format)
        except UploadRejected:
            raise
        except Exception as error:
            raise _invalid_image(name) from error
    finally:
        image.close()

    display_format = "PNG" if file_type is GIF else file_type.pillow_format
    display_extension = "png" if file_type is GIF else file_type.extension
    return _ImageResult(
        content=content,
        display=_encode(_fitted(clean, DISPLAY_BOX), display_format),
        display_extension=display_extension,
        thumbnail=_encode(_fitted(clean, THUMBNAIL_BOX), display_format),
        width=clean.width,
        height=clean.height,
    )


# ---------------------------------------------------------------------------------------
# The entry point


# Information Pillow reports for images it wrote itself without metadata.
_PLAIN_IMAGE_INFO = {
    "jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "progressive", "progression",
    "loop", "duration", "background", "transparency", "version", "gamma", "aspect",
    "interlace", "lossless", "extrema",
}  # fmt: skip
_IMAGE_ENDINGS = {"JPEG": b"\xff\xd9", "PNG": b"IEND\xaeB`\x82", "GIF": b";"}


def is_plain_image(data: bytes, file_type: FileType) -> bool:
    """Whether ``data`` is an image as this module stores it: upright, no metadata, no
    comment, nothing after the image's own end. Such bytes can be kept as they are, so a
    portfolio exported and imported again keeps its checksums."""
    if file_type.pillow_format == "JPEG":
        if not data.endswith(b"\xff\xd9"):
            return False
    elif file_type.pillow_format == "PNG":
        if not data.endswith(_IMAGE_ENDINGS["PNG"]) or not _png_chunks_plain(data):
            return False
    else:  # GIF and WebP are always re-encoded on import
        return False
    try:
        with Image.open(io.BytesIO(data)) as image:
            if set(image.info) - _PLAIN_IMAGE_INFO or image.getexif():
                return False
            # JPEG: no application segment but the JFIF header (no EXIF, XMP, ICC, ...).
            applist = getattr(image, "applist", [])
            return all(marker == "APP0" and body.startswith(b"JFIF") for marker, body in applist)
    except Exception:  # noqa: BLE001 - anything unreadable is not plain
        return False


_PLAIN_PNG_CHUNKS = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"pHYs"}


def _png_chunks_plain(data: bytes) -> bool:
    """Only the chunks Pillow writes for pixels; no text, EXIF, ICC or private chunks."""
    position = 8
    while position + 8 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        if data[position + 4 : position + 8] not in _PLAIN_PNG_CHUNKS:
            return False
        position += 12 + length
    return position == len(data)


def prepare_upload(
    uploaded: UploadedFile, *, quota_left: int | None = None, keep_plain_images: bool = False
) -> PreparedFile:
    """Check an uploaded evidence file and prepare what should be stored.

    Raises ``UploadRejected`` for anything that may not be stored. The order of the checks
    puts the cheap ones first: emptiness, the type from the first bytes, the extension, the
    size limits and the quota; then the whole-file checks (hidden archives, image decoding).
    """
    name = clean_display_name(getattr(uploaded, "name", "") or "")
    extension = _extension_of(name)
    size = _file_size(uploaded)
    if size == 0:
        raise _rejected("empty", _("“%(name)s” is empty."), name)

    uploaded.seek(0)
    head = uploaded.read(HEAD_SIZE)
    sniffed = _sniff(head, extension)
    if sniffed.forbidden:
        raise _forbidden(sniffed.forbidden, name)
    if sniffed.is_zip:
        if size > getattr(settings, "EVIDENCE_MAX_FILE_SIZE", DEFAULT_MAX_FILE_SIZE):
            raise _too_large(name, size, DOCX)  # check before reading the directory
        file_type = _office_type(uploaded, size, name)
    else:
        file_type = sniffed.file_type
    if file_type is None:
        raise _unknown(name)

    if not extension:
        raise _rejected(
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
        raise _rejected(
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
        raise _polyglot(name, file_type)
    if file_type is not PDF and b"%pdf-" in window:
        raise _polyglot(name, file_type)
    if not file_type.zip_based and _carries_zip(uploaded, size):
        raise _polyglot(name, file_type)

    digest, size, embedded_archive = _stream(uploaded)
    if embedded_archive:
        raise _polyglot(name, file_type)

    if file_type.kind == Kind.IMAGE:
        original = None
        if keep_plain_images:
            uploaded.seek(0)
            original = uploaded.read()
        result = _process_image(uploaded, file_type, name)
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
    return _rejected(
        "too_large",
        _("“%(name)s” is %(size)s, more than the %(limit)s allowed for this kind of file."),
        name,
        size=filesizeformat(size),
        limit=filesizeformat(_size_limit(file_type)),
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
# Video links


_YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "music.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
}
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
_VIMEO_PATH = re.compile(
    r"/(?:video/|channels/[^/]+/|groups/[^/]+/videos/)?(\d+)(?:/([0-9a-f]+))?/?"
)


def _youtube_url(host: str, path: str, query: str) -> str | None:
    video_id = None
    if host == "youtu.be":
        video_id = path.strip("/").split("/")[0]
    elif host in _YOUTUBE_HOSTS:
        if path.rstrip("/") == "/watch":
            video_id = (parse_qs(query).get("v") or [""])[0]
        else:
            parts = path.strip("/").split("/")
            if len(parts) >= 2 and parts[0] in ("embed", "shorts", "live", "v"):
                video_id = parts[1]
    if video_id and _YOUTUBE_ID.fullmatch(video_id):
        return f"https://www.youtube.com/watch?v={video_id}"
    return None


def _vimeo_url(host: str, path: str, query: str) -> str | None:
    if host not in _VIMEO_HOSTS:
        return None
    match = _VIMEO_PATH.fullmatch(path)
    if not match:
        return None
    video_id, private_hash = match.groups()
    if not private_hash:
        private_hash = (parse_qs(query).get("h") or [""])[0]
        if not re.fullmatch(r"[0-9a-f]+", private_hash):
            private_hash = ""
    return f"https://vimeo.com/{video_id}" + (f"/{private_hash}" if private_hash else "")


def classify_link(url: str) -> str:
    """Validate an external video link and return it normalised.

    Only https links are accepted. YouTube links become ``https://www.youtube.com/watch?v=ID``
    and Vimeo links ``https://vimeo.com/ID`` (with the private hash if any); any other
    https address is returned with its scheme and host lower-cased and the default port
    dropped. Raises ``UploadRejected`` with code 'link'.
    """
    text = (url or "").strip()
    shown = text if len(text) <= 80 else text[:79] + "…"
    invalid = _rejected(
        "link",
        _("“%(name)s” is not a valid link. Please paste the full https:// address of the video."),
        shown,
    )
    if not text or len(text) > MAX_LINK_LENGTH:
        raise invalid
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in text):
        raise invalid
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise invalid from error
    if parts.scheme.lower() != "https":
        raise _rejected(
            "link",
            _("“%(name)s” is not a secure link. Only https:// addresses are accepted."),
            shown,
        )
    try:
        URLValidator(schemes=["https"])(text)
    except ValidationError as error:
        raise invalid from error
    if parts.username is not None or parts.password is not None:
        raise invalid
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise invalid

    for recognise in (_youtube_url, _vimeo_url):
        normalised = recognise(host, parts.path, parts.query)
        if normalised:
            return normalised

    netloc = f"[{host}]" if ":" in host else host
    if port not in (None, 443):
        netloc = f"{netloc}:{port}"
    return urlunsplit(("https", netloc, parts.path or "/", parts.query, parts.fragment))
