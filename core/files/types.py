"""What uploads may be: the accepted formats (by content, with the extensions that may name
them), the kinds they fall into, the categories of content that is refused outright, and
the one exception every check raises, ``UploadRejected``, with its translated messages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

MB = 1024 * 1024
DEFAULT_MAX_FILE_SIZE = 25 * MB
DEFAULT_MAX_VIDEO_SIZE = 200 * MB
MARKUP_WINDOW = 1024  # browsers and PDF readers look this far for HTML / "%PDF-"


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

# Types a browser shows in the page (image, player, PDF viewer); every other file is
# handed out as a download ("attachment"), wherever it is stored.
INLINE_TYPES = ("image/", "audio/", "video/", "application/pdf")
UNKNOWN_CONTENT_TYPE = "application/octet-stream"
_TYPES_BY_EXTENSION = {
    extension: file_type.content_type
    for file_type in ACCEPTED_TYPES
    for extension in file_type.extensions
}


def content_type_for_name(name: str) -> str:
    """The content type of a stored file by the extension the site gave its name (the
    checked type's, never the browser's Content-Type), ``application/octet-stream`` for
    anything else."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
    return _TYPES_BY_EXTENSION.get(extension, UNKNOWN_CONTENT_TYPE)


def shown_inline(content_type: str) -> bool:
    return content_type.startswith(INLINE_TYPES)


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


def file_sizes(*sizes: int) -> list[str]:
    """Sizes as people read them ("25.0 MB"), each with its exact number of bytes when
    rounding would show two different sizes alike ("25.0 MB (26,214,401 bytes)"), so a
    message comparing them stays true."""
    shown = [filesizeformat(size) for size in sizes]
    if len(set(shown)) == len(set(sizes)):
        return shown
    return [
        _("%(size)s (%(bytes)s)")
        % {
            "size": text,
            "bytes": ngettext("%(count)s byte", "%(count)s bytes", size)
            % {"count": number_format(size, force_grouping=True)},
        }
        for text, size in zip(shown, sizes, strict=True)
    ]


def rejected(code: str, message: str, name: str, **params) -> UploadRejected:
    return UploadRejected(message % {"name": name, **params}, code=code)


def forbidden(category: str, name: str) -> UploadRejected:
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
    return rejected("forbidden_type", messages[category], name)


def unknown(name: str) -> UploadRejected:
    return rejected(
        "type_unknown",
        _(
            "“%(name)s” is not a file type we accept. You can upload images (JPEG, PNG, "
            "WebP, GIF), PDF, office documents (DOCX, PPTX, XLSX, ODT, ODP), audio (MP3, "
            "Ogg, WAV, M4A) and video (MP4, WebM)."
        ),
        name,
    )


def polyglot(name: str, file_type: FileType) -> UploadRejected:
    return rejected(
        "polyglot",
        _(
            "“%(name)s” is %(kind)s, but it also carries another kind of content "
            "hidden inside it, so it cannot be accepted."
        ),
        name,
        kind=file_type.description,
    )
