"""The type of a file from its first bytes (magic numbers), never from its name or the
browser's Content-Type: an accepted format, a forbidden category (programs, scripts, web
pages, archives...), a ZIP whose directory says more (office.py), or nothing we know."""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from core.files.types import (
    ARCHIVE,
    EXECUTABLE,
    GIF,
    HTML,
    JPEG,
    M4A,
    MARKUP_WINDOW,
    MP3,
    MP4,
    OGG,
    PDF,
    PNG,
    SCRIPT,
    SVG,
    WAV,
    WEBM,
    WEBP,
    XML,
    FileType,
)

HEAD_SIZE = 64 * 1024  # enough for every signature below (ISO 9660 sits at 32 KiB)

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


@dataclass(frozen=True)
class Sniffed:
    """What the head of a file says: an accepted type, a forbidden category, a ZIP that
    needs its central directory read, or nothing we know."""

    file_type: FileType | None = None
    forbidden: str | None = None
    is_zip: bool = False


def sniff(head: bytes, extension: str) -> Sniffed:
    for prefix, category in FORBIDDEN_PREFIXES:
        if head.startswith(prefix):
            return Sniffed(forbidden=category)
    if head[257:262] == b"ustar":
        return Sniffed(forbidden=ARCHIVE)
    if head[0x8001:0x8006] == b"CD001":  # ISO 9660 disc image
        return Sniffed(forbidden=ARCHIVE)

    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(file_type=JPEG)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(file_type=PNG)
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed(file_type=GIF)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed(file_type=WEBP)
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed(file_type=WAV)
    if re.match(rb"%PDF-[12]\.\d", head):
        return Sniffed(file_type=PDF)
    if head.startswith(b"PK\x03\x04"):
        return Sniffed(is_zip=True)
    if head.startswith(b"OggS\x00"):
        return Sniffed(file_type=OGG)
    if head[4:8] == b"ftyp":
        return Sniffed(file_type=_iso_media_type(head, extension))
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return Sniffed(file_type=WEBM if _ebml_doctype(head) == b"webm" else None)
    if _is_mp3(head):
        return Sniffed(file_type=MP3)

    text = _as_text(head)
    if text is not None:
        return Sniffed(forbidden=_text_category(text, extension))
    return Sniffed()


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
