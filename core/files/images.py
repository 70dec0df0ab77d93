"""Images: decoded and checked (pixel budget, decompression bombs), re-encoded without
metadata (EXIF, GPS, ICC...), turned upright, and given a display copy and a thumbnail."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.files.base import File
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence

from core.files.types import GIF, JPEG, WEBP, FileType, UploadRejected, rejected

# Images.
DISPLAY_BOX = (1600, 1600)
THUMBNAIL_BOX = (400, 400)
JPEG_QUALITY = 90
WEBP_QUALITY = 90
MAX_ANIMATION_FRAMES = 500
DEFAULT_PIXEL_BUDGET = 89_478_485  # Pillow's default MAX_IMAGE_PIXELS, used if it is disabled


def _pixel_budget() -> int:
    return Image.MAX_IMAGE_PIXELS or DEFAULT_PIXEL_BUDGET


def _too_big(name: str) -> UploadRejected:
    return rejected(
        "image_too_big",
        _("“%(name)s” has too many pixels to be processed safely."),
        name,
    )


def _invalid_image(name: str) -> UploadRejected:
    return rejected(
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
class ImageResult:
    content: bytes
    display: bytes
    display_extension: str
    thumbnail: bytes
    width: int
    height: int


def process_image(uploaded: File, file_type: FileType, name: str) -> ImageResult:
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
    return ImageResult(
        content=content,
        display=_encode(_fitted(clean, DISPLAY_BOX), display_format),
        display_extension=display_extension,
        thumbnail=_encode(_fitted(clean, THUMBNAIL_BOX), display_format),
        width=clean.width,
        height=clean.height,
    )


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
