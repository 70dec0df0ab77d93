"""Upload validation for stored files (evidence, attachments, photos): every fixture is made
here, in code."""

import gzip
import hashlib
import io
import struct
import tarfile
import wave
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from PIL import ExifTags, Image

from core.files import images, office, types, uploads
from core.files.uploads import (
    Kind,
    PreparedFile,
    UploadRejected,
    classify_link,
    clean_display_name,
    prepare_upload,
)

# ---------------------------------------------------------------------------------------
# Fixtures made in code


def image_bytes(fmt="PNG", size=(60, 30), color="red", **save_options):
    image = Image.new("RGBA" if fmt in ("PNG", "WEBP") else "RGB", size, color)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save_options)
    return buffer.getvalue()


def png_with_text(key, text):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text(key, text)
    return image_bytes("PNG", pnginfo=info)


def noisy_png(size=(300, 300)):
    buffer = io.BytesIO()
    Image.effect_noise(size, 60).save(buffer, "PNG")
    return buffer.getvalue()


def two_colour_image(size=(60, 30)):
    """Left half red, right half blue: shows which way an image was turned."""
    width, height = size
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (width // 2, 0, width, height))
    return image


def jpeg_with_orientation_and_gps():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # camera held sideways: turn 90° clockwise to view
    exif[ExifTags.Base.Make] = "SpyCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (42.0, 52.0, 30.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (74.0, 35.0, 12.25)
    buffer = io.BytesIO()
    two_colour_image().save(
        buffer,
        "JPEG",
        quality=95,
        exif=exif,
        xmp=b"<x:xmpmeta>private-xmp-note</x:xmpmeta>",
        comment=b"private-comment",
    )
    return buffer.getvalue()


def animated_gif(frames=3):
    images = [Image.new("RGB", (20, 20), colour) for colour in ("red", "green", "blue")[:frames]]
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=80, loop=0)
    return buffer.getvalue()


MINIMAL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
    b"0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n168\n%%EOF\n"
)


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for entry_name, data in entries:
            archive.writestr(entry_name, data)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/"/>'
RELS = b'<?xml version="1.0"?><Relationships/>'


def ooxml(part_prefix, main_part, extra=()):
    return zip_bytes(
        [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", RELS),
            (part_prefix + main_part, b'<?xml version="1.0"?><doc/>'),
            *extra,
        ]
    )


def docx(extra=()):
    return ooxml("word/", "document.xml", extra)


def xlsx():
    return ooxml("xl/", "workbook.xml")


def pptx():
    return ooxml("ppt/", "presentation.xml")


def opendocument(media_type, extra=()):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", media_type, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/manifest.xml",
            b'<?xml version="1.0"?><manifest:manifest/>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
        archive.writestr(
            "content.xml",
            b'<?xml version="1.0"?><office:document-content/>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
        for entry_name, data in extra:
            archive.writestr(entry_name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def odt():
    return opendocument("application/vnd.oasis.opendocument.text")


def odp():
    return opendocument("application/vnd.oasis.opendocument.presentation")


def wav_bytes():
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x01" * 800)
    return buffer.getvalue()


MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 413  # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz
MP3_ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 + MP3_FRAME * 3
MP3_SYNC = MP3_FRAME * 4
OGG = b"OggS\x00\x02" + b"\x00" * 20 + b"\x01vorbis" + b"\x00" * 100


def ftyp(major, *compatible, payload=b"\x00" * 200):
    brands = b"".join(compatible)
    box = struct.pack(">I", 16 + len(brands)) + b"ftyp" + major + b"\x00\x00\x02\x00" + brands
    mdat = struct.pack(">I", 8 + len(payload)) + b"mdat" + payload
    return box + mdat


M4A = ftyp(b"M4A ", b"M4A ", b"mp42", b"isom")
MP4 = ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41")


def ebml(doctype):
    def element(element_id, value):
        return element_id + bytes([0x80 | len(value)]) + value

    body = b"".join(
        [
            element(b"\x42\x86", b"\x01"),
            element(b"\x42\xf7", b"\x01"),
            element(b"\x42\xf2", b"\x04"),
            element(b"\x42\xf3", b"\x08"),
            element(b"\x42\x82", doctype),
            element(b"\x42\x87", b"\x04"),
            element(b"\x42\x85", b"\x02"),
        ]
    )
    header = b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(body)]) + body
    return header + b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff" + b"\x00" * 64


WEBM = ebml(b"webm")


def upload(name, content):
    return SimpleUploadedFile(name, content)


def rejected(name, content, **kwargs):
    with pytest.raises(UploadRejected) as caught:
        prepare_upload(upload(name, content), **kwargs)
    return caught.value


# ---------------------------------------------------------------------------------------
# Accepted types


NON_IMAGE_CASES = [
    ("report.pdf", MINIMAL_PDF, Kind.PDF, "application/pdf", "pdf"),
    (
        "essay.docx",
        docx(),
        Kind.OFFICE,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    (
        "grades.xlsx",
        xlsx(),
        Kind.OFFICE,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    (
        "talk.pptx",
        pptx(),
        Kind.OFFICE,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    ("notes.odt", odt(), Kind.OFFICE, "application/vnd.oasis.opendocument.text", "odt"),
    ("slides.odp", odp(), Kind.OFFICE, "application/vnd.oasis.opendocument.presentation", "odp"),
    ("song.mp3", MP3_ID3, Kind.AUDIO, "audio/mpeg", "mp3"),
    ("raw.mp3", MP3_SYNC, Kind.AUDIO, "audio/mpeg", "mp3"),
    ("voice.ogg", OGG, Kind.AUDIO, "audio/ogg", "ogg"),
    ("speech.wav", wav_bytes(), Kind.AUDIO, "audio/wav", "wav"),
    ("memo.m4a", M4A, Kind.AUDIO, "audio/mp4", "m4a"),
    ("clip.mp4", MP4, Kind.VIDEO, "video/mp4", "mp4"),
    ("clip.webm", WEBM, Kind.VIDEO, "video/webm", "webm"),
]


@pytest.mark.parametrize(
    ("name", "content", "kind", "content_type", "extension"),
    NON_IMAGE_CASES,
    ids=[case[0] for case in NON_IMAGE_CASES],
)
def test_accepted_non_image_types(name, content, kind, content_type, extension):
    uploaded = upload(name, content)
    prepared = prepare_upload(uploaded)
    assert isinstance(prepared, PreparedFile)
    assert (prepared.kind, prepared.content_type, prepared.extension) == (
        kind,
        content_type,
        extension,
    )
    assert prepared.display_name == name
    assert prepared.size == len(content)
    assert prepared.sha256 == hashlib.sha256(content).hexdigest()
    assert prepared.content is uploaded
    assert prepared.content.read() == content  # handed back rewound
    assert prepared.display is None and prepared.thumbnail is None
    assert prepared.width is None and prepared.height is None


IMAGE_CASES = [
    ("photo.jpg", "JPEG", "image/jpeg", "jpg"),
    ("photo.JPEG", "JPEG", "image/jpeg", "jpg"),
    ("scan.png", "PNG", "image/png", "png"),
    ("shot.webp", "WEBP", "image/webp", "webp"),
    ("badge.gif", "GIF", "image/gif", "gif"),
]


@pytest.mark.parametrize(("name", "fmt", "content_type", "extension"), IMAGE_CASES)
def test_accepted_images_are_re_encoded_in_their_format(name, fmt, content_type, extension):
    original = image_bytes(fmt, size=(2000, 1000))
    prepared = prepare_upload(upload(name, original))

    assert (prepared.kind, prepared.content_type, prepared.extension) == (
        "image",
        content_type,
        extension,
    )
    stored = prepared.content.read()
    assert prepared.size == len(stored)
    assert prepared.sha256 == hashlib.sha256(stored).hexdigest()
    assert (prepared.width, prepared.height) == (2000, 1000)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == fmt
        assert image.size == (2000, 1000)


@pytest.mark.parametrize(
    ("name", "fmt", "display_format"),
    [
        ("a.jpg", "JPEG", "JPEG"),
        ("a.png", "PNG", "PNG"),
        ("a.webp", "WEBP", "WEBP"),
        ("a.gif", "GIF", "PNG"),
    ],
)
def test_images_get_display_and_thumbnail_sizes(name, fmt, display_format):
    prepared = prepare_upload(upload(name, image_bytes(fmt, size=(2000, 1000))))
    with Image.open(io.BytesIO(prepared.display.read())) as display:
        assert display.format == display_format
        assert display.size == (1600, 800)
    with Image.open(io.BytesIO(prepared.thumbnail.read())) as thumbnail:
        assert thumbnail.format == display_format
        assert thumbnail.size == (400, 200)
    assert prepared.display.name.endswith("." + display_format.lower().replace("jpeg", "jpg"))


def test_small_images_are_not_enlarged():
    prepared = prepare_upload(upload("tiny.png", image_bytes("PNG", size=(50, 40))))
    with Image.open(io.BytesIO(prepared.thumbnail.read())) as thumbnail:
        assert thumbnail.size == (50, 40)


def test_exif_orientation_is_applied_and_all_metadata_removed():
    original = jpeg_with_orientation_and_gps()
    assert (
        b"private-xmp-note" in original and b"private-comment" in original
    )  # the fixture has them

    prepared = prepare_upload(upload("IMG_0001.jpg", original))
    stored = prepared.content.read()

    for leftover in (b"Exif", b"SpyCam", b"private-xmp-note", b"private-comment", b"xmpmeta"):
        assert leftover not in stored
        assert leftover not in prepared.display.read()
        prepared.display.seek(0)
    with Image.open(io.BytesIO(stored)) as image:
        exif = image.getexif()
        assert len(exif) == 0
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
        # 60x30 turned a quarter clockwise: 30x60 with the red (left) half now on top
        assert image.size == (30, 60)
        assert (prepared.width, prepared.height) == (30, 60)
        top, bottom = (
            image.convert("RGB").getpixel((15, 5)),
            image.convert("RGB").getpixel((15, 55)),
        )
        assert top[0] > 200 and top[2] < 60
        assert bottom[2] > 200 and bottom[0] < 60


def test_png_text_and_exif_chunks_are_removed():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "private-author")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    original = image_bytes("PNG", pnginfo=info, exif=exif)
    assert b"private-author" in original and b"SpyCam" in original

    stored = prepare_upload(upload("a.png", original)).content.read()
    assert b"private-author" not in stored
    assert b"SpyCam" not in stored
    assert b"eXIf" not in stored and b"tEXt" not in stored


def test_animated_gif_stays_animated_and_display_is_first_frame_png():
    prepared = prepare_upload(upload("dance.gif", animated_gif(3)))
    with Image.open(io.BytesIO(prepared.content.read())) as stored:
        assert stored.format == "GIF"
        assert stored.n_frames == 3
    with Image.open(io.BytesIO(prepared.display.read())) as display:
        assert display.format == "PNG"
        assert display.convert("RGB").getpixel((10, 10))[0] > 200  # the red first frame


def test_sixteen_bit_greyscale_png_keeps_its_tones():
    image = Image.new("I;16", (10, 10), 32768)  # mid grey in 16 bits
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    prepared = prepare_upload(upload("grey.png", buffer.getvalue()))
    with Image.open(io.BytesIO(prepared.content.read())) as stored:
        assert 100 < stored.convert("L").getpixel((5, 5)) < 160


def test_large_files_are_read_in_chunks(settings):
    """A long video is sniffed from its head and hashed chunk by chunk, never read whole."""
    content = ftyp(b"isom", b"isom", b"mp41", payload=b"\x00" * (3 * 1024 * 1024))
    uploaded = upload("long.mp4", content)
    reads = []
    real_read = uploaded.file.read

    def recording_read(size=-1):
        reads.append(size)
        return real_read(size)

    uploaded.file.read = recording_read
    prepared = prepare_upload(uploaded)

    assert prepared.sha256 == hashlib.sha256(content).hexdigest()
    assert reads, "the file was never read"
    assert all(size is not None and 0 <= size <= 128 * 1024 for size in reads), reads


# ---------------------------------------------------------------------------------------
# Rejections


def test_empty_file():
    error = rejected("nothing.pdf", b"")
    assert error.code == "empty"
    assert "nothing.pdf" in error.message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"Just some plain notes.\n"),
        ("random.bin", bytes(range(256)) * 8),
        ("legacy.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
        ("clip.mkv", ebml(b"matroska")),
        ("movie.mov", ftyp(b"qt  ", b"qt  ")),
        ("photo.heic", ftyp(b"heic", b"mif1", b"heic")),
        ("sheet.ods", opendocument("application/vnd.oasis.opendocument.spreadsheet")),
        ("aac.mp3", b"\xff\xf1\x50\x80" + b"\x00" * 200),  # ADTS AAC, not MPEG audio
    ],
)
def test_unknown_types(name, content):
    error = rejected(name, content)
    assert error.code == "type_unknown"
    assert name in error.message


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("photo.jpg", image_bytes("PNG"), ".jpg"),
        ("report.docx", MINIMAL_PDF, ".docx"),
        ("essay.xlsx", docx(), ".xlsx"),
        ("notes.odp", odt(), ".odp"),
        ("song.mp4", M4A, ".mp4"),
        ("clip.mp3", MP4, ".mp3"),
        ("clip.mp4", WEBM, ".mp4"),
        ("voice.wav", OGG, ".wav"),
        ("photo.jpg.exe", image_bytes("JPEG"), ".exe"),
    ],
)
def test_extension_must_agree_with_content(name, content, said):
    error = rejected(name, content)
    assert error.code == "type_mismatch"
    assert name in error.message and said in error.message


def test_audio_only_mp4_with_a_generic_brand_may_be_named_m4a():
    content = ftyp(b"mp42", b"mp42", b"isom", b"M4A ")
    assert prepare_upload(upload("memo.m4a", content)).kind == Kind.AUDIO
    assert prepare_upload(upload("memo.mp4", content)).kind == Kind.VIDEO


def test_name_without_extension():
    error = rejected("report", MINIMAL_PDF)
    assert error.code == "name"
    assert ".pdf" in error.message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"PE\x00\x00"),
        ("tool.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120),
        ("prog", b"\x7fELF\x02\x01\x01" + b"\x00" * 100),
        ("app.pdf", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 100),
        ("run.mp3", b"#!/bin/sh\nrm -rf ~\n"),
        ("page.pdf", b"<!DOCTYPE html><html><body>Hi</body></html>"),
        ("page.html", b"\xef\xbb\xbf  <html><script>alert(1)</script></html>"),
        ("page.png", "<html>".encode("utf-16")),
        ("logo.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("data.xml", b'<?xml version="1.0"?><data/>'),
        ("hack.php", b"<?php system($_GET['c']); ?>"),
        ("app.js", b"fetch('/steal?c=' + document.cookie)"),
        ("photos.zip", zip_bytes([("a.txt", b"hello"), ("b.txt", b"world")])),
        ("photos.docx", zip_bytes([("a.txt", b"hello")])),
        ("empty.zip", b"PK\x05\x06" + b"\x00" * 18),
        ("book.epub", opendocument("application/epub+zip")),
        ("files.rar", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 100),
        ("files.7z", b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 100),
        ("files.gz", gzip.compress(b"hello")),
    ],
)
def test_forbidden_types(name, content):
    error = rejected(name, content)
    assert error.code == "forbidden_type"
    assert name in error.message


def test_tar_archive_is_forbidden():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        data = b"hello"
        info = tarfile.TarInfo("hello.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    error = rejected("backup.pdf", buffer.getvalue())
    assert error.code == "forbidden_type"
    assert "archive" in error.message


def test_forbidden_messages_say_why():
    assert "program" in rejected("x.exe", b"MZ" + b"\x00" * 64).message
    assert "SVG" in rejected("x.svg", b"<svg/>").message
    assert "web page" in rejected("x.pdf", b"<html></html>").message
    assert "archive" in rejected("x.zip", zip_bytes([("a.txt", b"a")])).message


def test_zip_bomb_by_compression_ratio():
    bomb = docx(extra=[("word/media/zeros.bin", b"\x00" * (4 * 1024 * 1024))])
    error = rejected("essay.docx", bomb)
    assert error.code == "forbidden_type"
    assert "unreasonable" in error.message


def test_zip_bomb_by_entry_count(monkeypatch):
    monkeypatch.setattr(office, "MAX_ZIP_ENTRIES", 10)
    many = docx(extra=[(f"word/part{number}.xml", b"<p/>") for number in range(20)])
    error = rejected("essay.docx", many)
    assert error.code == "forbidden_type"


def test_office_documents_with_macros_are_forbidden():
    error = rejected("essay.docx", docx(extra=[("word/vbaProject.bin", b"\x00" * 64)]))
    assert error.code == "forbidden_type"
    assert "macros" in error.message
    error = rejected(
        "notes.odt",
        opendocument("application/vnd.oasis.opendocument.text", [("Basic/Module1.xml", b"x")]),
    )
    assert error.code == "forbidden_type"


def test_damaged_office_document():
    content = docx()
    broken = content[:-30]  # the end of the central directory is gone
    error = rejected("essay.docx", broken)
    assert error.code == "type_unknown"
    assert "damaged" in error.message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", image_bytes("JPEG") + zip_bytes([("secret.html", b"<html></html>")])),
        ("scan.png", image_bytes("PNG") + zip_bytes([("a.txt", b"a")], zipfile.ZIP_STORED)),
        ("report.pdf", MINIMAL_PDF + zip_bytes([("evil.js", b"alert(1)")])),
        ("song.mp3", MP3_ID3 + zip_bytes([("a.txt", b"a")])),
        ("clip.mp4", MP4 + zip_bytes([("a.txt", b"a")])),
        ("report.pdf", MINIMAL_PDF.replace(b"\n", b"\n<script>alert(1)</script>\n", 1)),
        ("scan.png", png_with_text("Comment", "<html><body>hi</body></html>")),
        ("photo.jpg", image_bytes("JPEG", comment=b"<?php system($_GET[1]); ?>")),
        ("photo.jpg", image_bytes("JPEG", comment=b"%PDF-1.4 1 0 obj")),
        ("voice.ogg", OGG + b"Rar!\x1a\x07\x00" + b"\x00" * 50),
        ("clip.webm", WEBM + b"\x00" * 70_000 + b"7z\xbc\xaf\x27\x1c" + b"\x00" * 10),
    ],
)
def test_polyglots(name, content):
    error = rejected(name, content)
    assert error.code == "polyglot"
    assert name in error.message


def test_stray_zip_signature_without_a_directory_is_not_a_polyglot():
    """Only a central directory that an unzip tool would find counts, not four stray bytes."""
    fake_end_record = b"PK\x05\x06" + struct.pack("<4H2LH", 0, 0, 3, 3, 100, 50, 0)
    content = MP4 + fake_end_record
    assert prepare_upload(upload("clip.mp4", content)).kind == Kind.VIDEO
    real_zip = zip_bytes([("a.txt", b"a")], zipfile.ZIP_STORED)
    assert rejected("clip.mp4", MP4 + real_zip).code == "polyglot"


def test_uploads_spooled_to_disk_work_the_same(tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    for name, content in [("report.pdf", MINIMAL_PDF), ("photo.jpg", image_bytes("JPEG"))]:
        uploaded = TemporaryUploadedFile(name, "application/octet-stream", len(content), None)
        uploaded.write(content)
        uploaded.seek(0)
        prepared = prepare_upload(uploaded)
        assert prepared.display_name == name
        assert prepared.content.read()[:4] == content[:4]
        uploaded.close()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20),
        ("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50),
        ("broken.gif", b"GIF89a" + b"\xff" * 20),
        ("broken.webp", b"RIFF\x20\x00\x00\x00WEBPVP8 " + b"\x00" * 30),
        ("cut.png", noisy_png()[:-2000]),
    ],
)
def test_invalid_images(name, content):
    error = rejected(name, content)
    assert error.code == "image_invalid"
    assert name in error.message


def test_png_with_damaged_pixel_data_is_invalid():
    content = bytearray(image_bytes("PNG", size=(40, 40), color="green"))
    idat = content.index(b"IDAT")
    content[idat + 6] ^= 0xFF  # change compressed pixels
    assert rejected("tampered.png", bytes(content)).code == "image_invalid"


def test_png_with_a_bad_checksum_fails_verification():
    """Pillow decodes this one without complaint; only verify() notices the checksum."""
    content = bytearray(image_bytes("PNG", size=(40, 40), color="green"))
    idat = content.index(b"IDAT")
    (length,) = struct.unpack(">I", content[idat - 4 : idat])
    content[idat + 4 + length] ^= 0xFF  # the IDAT chunk's CRC, pixels untouched
    error = rejected("tampered.png", bytes(content))
    assert error.code == "image_invalid"


@pytest.mark.parametrize("pixels", [(100, 100), (40, 40)], ids=["error", "warning"])
def test_decompression_bomb(monkeypatch, pixels):
    """Over twice the limit Pillow raises; between one and two times it only warns."""
    content = image_bytes("PNG", size=pixels)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    error = rejected("huge.png", content)
    assert error.code == "image_too_big"
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)
    assert prepare_upload(upload("huge.png", content)).width == pixels[0]


def test_decompression_bomb_warning_is_an_error_even_without_our_own_check(monkeypatch):
    monkeypatch.setattr(images, "_check_pixels", lambda image, name: None)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    error = rejected("huge.png", image_bytes("PNG", size=(40, 40)))
    assert error.code == "image_too_big"


# ---------------------------------------------------------------------------------------
# Size limits and quota


def test_file_size_limit_from_settings(settings):
    settings.EVIDENCE_MAX_FILE_SIZE = len(MINIMAL_PDF)
    assert prepare_upload(upload("report.pdf", MINIMAL_PDF)).size == len(MINIMAL_PDF)
    settings.EVIDENCE_MAX_FILE_SIZE = len(MINIMAL_PDF) - 1
    error = rejected("report.pdf", MINIMAL_PDF)
    assert error.code == "too_large"
    assert "report.pdf" in error.message


def test_office_documents_obey_the_file_limit(settings):
    settings.EVIDENCE_MAX_FILE_SIZE = 100
    assert rejected("essay.docx", docx()).code == "too_large"


def test_video_has_its_own_larger_limit(settings):
    settings.EVIDENCE_MAX_FILE_SIZE = 100
    settings.EVIDENCE_MAX_VIDEO_SIZE = len(MP4)
    assert prepare_upload(upload("clip.mp4", MP4)).kind == Kind.VIDEO
    assert rejected("song.m4a", M4A).code == "too_large"  # audio is not video
    settings.EVIDENCE_MAX_VIDEO_SIZE = len(MP4) - 1
    assert rejected("clip.mp4", MP4).code == "too_large"


def test_default_limits_without_settings(settings):
    del settings.EVIDENCE_MAX_FILE_SIZE  # the defaults apply when the settings are absent
    del settings.EVIDENCE_MAX_VIDEO_SIZE
    assert uploads._size_limit(types.PDF) == 25 * 1024 * 1024
    assert uploads._size_limit(types.MP4) == 200 * 1024 * 1024


def test_quota():
    assert prepare_upload(upload("report.pdf", MINIMAL_PDF), quota_left=len(MINIMAL_PDF))
    error = rejected("report.pdf", MINIMAL_PDF, quota_left=len(MINIMAL_PDF) - 1)
    assert error.code == "quota"
    assert "report.pdf" in error.message
    assert rejected("report.pdf", MINIMAL_PDF, quota_left=0).code == "quota"
    assert prepare_upload(upload("report.pdf", MINIMAL_PDF), quota_left=None)


def test_quota_counts_the_re_encoded_image():
    """A heavily compressed JPEG grows when re-encoded; the stored size is what counts."""
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 80).convert("RGB").save(buffer, "JPEG", quality=5)
    original = buffer.getvalue()
    stored_size = prepare_upload(upload("a.jpg", original)).size
    assert stored_size > len(original)
    error = rejected("a.jpg", original, quota_left=stored_size - 1)
    assert error.code == "quota"


# ---------------------------------------------------------------------------------------
# Names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Сертификат 2025.pdf", "Сертификат 2025.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("C:\\Users\\Aida\\Desktop\\diploma.pdf", "diploma.pdf"),
        ("re\x00port\n\t2025.pdf", "report 2025.pdf"),
        ("  my   report  .pdf ", "my report.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("a\u200bb\u2066c.png", "abc.png"),
        ("Й".encode().decode() + "\u0438\u0306.pdf", "Йй.pdf"),  # decomposed й is composed
        ("", "file"),
        ("..", "file"),
        ("/", "file"),
        (".pdf", "file.pdf"),
        ("\x01\x02.pdf", "file.pdf"),
        ("version 1.0 final", "version 1.0 final"),
        ("photo.JPG", "photo.JPG"),
    ],
)
def test_clean_display_name(raw, expected):
    assert clean_display_name(raw) == expected


def test_long_names_keep_their_extension():
    cleaned = clean_display_name("a" * 500 + ".pdf")
    assert len(cleaned) == 120
    assert cleaned == "a" * 116 + ".pdf"
    cyrillic = clean_display_name("Сертификат " * 50 + ".docx")
    assert len(cyrillic) <= 120 and cyrillic.endswith(".docx")
    assert not cyrillic.endswith(" .docx")


def test_upload_uses_the_cleaned_name():
    prepared = prepare_upload(upload("../../Сертификат\u202e 2025.pdf", MINIMAL_PDF))
    assert prepared.display_name == "Сертификат 2025.pdf"
    error = rejected("../x/\u202eevil.pdf", b"MZ" + b"\x00" * 64)
    assert "“evil.pdf”" in error.message


# ---------------------------------------------------------------------------------------
# Video links


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ?si=abc", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        (
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        ("https://vimeo.com/76979871", "https://vimeo.com/76979871"),
        (
            "https://player.vimeo.com/video/76979871?h=8272103f6e",
            "https://vimeo.com/76979871/8272103f6e",
        ),
        ("https://vimeo.com/76979871/8272103f6e", "https://vimeo.com/76979871/8272103f6e"),
        ("  HTTPS://Example.COM:443/talks/1?x=1  ", "https://example.com/talks/1?x=1"),
        ("https://example.com:8443/v", "https://example.com:8443/v"),
        ("https://www.youtube.com/@channel", "https://www.youtube.com/@channel"),
    ],
)
def test_classify_link_normalises(url, expected):
    assert classify_link(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)",
        "ftp://example.com/video.mp4",
        "https://",
        "not a url",
        "",
        "https://user:secret@example.com/video",
        "https://exa mple.com/video",
        "https://example.com/\x00video",
        "https://example.com/" + "a" * 2100,
        "//example.com/video",
    ],
)
def test_classify_link_rejects(url):
    with pytest.raises(UploadRejected) as caught:
        classify_link(url)
    assert caught.value.code == "link"
    assert caught.value.message


def test_messages_are_translated_strings(monkeypatch):
    """Rejections go through gettext at the moment they are raised."""
    seen = []

    def fake_gettext(message):
        seen.append(message)
        return "[T] " + message

    monkeypatch.setattr(uploads, "_", fake_gettext)
    error = rejected("nothing.pdf", b"")
    assert error.message == "[T] “nothing.pdf” is empty."
    assert seen == ["“%(name)s” is empty."]
