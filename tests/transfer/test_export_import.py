"""Download my portfolio → import it elsewhere: the same portfolio; hostile zips change nothing."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from achievements.models import Achievement, Evidence
from demo import portfolios as demo
from portfolios.services import portfolio_get_or_create
from tests.factories import StudentFactory
from transfer.archive import ImportRefused, export_zip, import_zip

pytestmark = pytest.mark.django_db


def without_times(document: dict) -> dict:
    """The portfolio part: the time of export and the account it came from aside."""
    document = dict(document)
    document.pop("exported_at")
    document.pop("student")
    return document


def exported(portfolio) -> tuple[dict, bytes]:
    buffer = io.BytesIO()
    export_zip(portfolio, buffer)
    data = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("portfolio.json")), data


@pytest.fixture
def full_portfolio():
    student = StudentFactory(username="source", first_name="Айгерим", last_name="Осмонова")
    demo.seed_student1(student)
    return student.portfolio


def twin_student(source):
    return StudentFactory(
        username="twin", first_name=source.student.first_name, last_name=source.student.last_name,
        email=source.student.email.replace("source", "twin"), program=source.student.program,
        cohort=source.student.cohort,
    )  # fmt: skip


def test_export_holds_every_field_item_and_file(full_portfolio):
    document, data = exported(full_portfolio)
    assert document["schema"] == "student-portfolio" and document["version"] == 2
    assert (
        len(document["achievements"])
        == Achievement.objects.filter(portfolio=full_portfolio).count()
    )
    visibilities = {item["visibility"] for item in document["achievements"]}
    assert visibilities == {"private", "supervisors", "signed_in", "public"}
    files = [e for item in document["achievements"] for e in item["evidence"] if "path" in e]
    assert (
        len(files)
        == Evidence.objects.exclude(kind="link")
        .filter(achievement__portfolio=full_portfolio)
        .count()
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        assert "index.html" in names
        for entry in files:
            assert entry["path"] in names
            assert len(archive.read(entry["path"])) == entry["size"]
        index = archive.read("index.html").decode()
    assert "Olympiad in programming" in index
    assert files[0]["path"] in index  # the offline page links the files inside the zip


def test_export_import_export_gives_the_same_document(full_portfolio):
    first, data = exported(full_portfolio)
    twin = twin_student(full_portfolio)
    target = portfolio_get_or_create(student=twin)

    count = import_zip(target, io.BytesIO(data))

    assert count == len(first["achievements"])
    second, _data = exported(target)
    first["portfolio"]["slug"] = second["portfolio"]["slug"]  # the address is taken: kept
    assert without_times(second) == without_times(first)
    assert target.photo


def zip_of(entries: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    buffer.seek(0)
    return buffer


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _with_document(entries, change):
    document = json.loads(entries["portfolio.json"])
    change(document)
    return {**entries, "portfolio.json": json.dumps(document).encode()}


HOSTILE = {
    "not a zip": lambda e: b"just some bytes",
    "path traversal": lambda e: zip_of({**e, "../../etc/passwd": b"x"}),
    "absolute path": lambda e: zip_of({**e, "/etc/passwd": b"x"}),
    "zip bomb": lambda e: zip_of({**e, "files/bomb.txt": b"\0" * (50 * 1024 * 1024)}),
    "no portfolio.json": lambda e: zip_of({k: v for k, v in e.items() if k != "portfolio.json"}),
    "broken json": lambda e: zip_of({**e, "portfolio.json": b"{not json"}),
    "wrong version": lambda e: zip_of(_with_document(e, lambda d: d.update(version=99))),
    "wrong schema": lambda e: zip_of(_with_document(e, lambda d: d.update(schema="other"))),
    "missing file": lambda e: zip_of(
        {k: v for k, v in e.items() if not k.startswith("files/0001")}
    ),
    "changed file": lambda e: zip_of(
        {k: (v + b"x" if k.startswith("files/0001") else v) for k, v in e.items()}
    ),
    "unknown section": lambda e: zip_of(
        _with_document(e, lambda d: d["achievements"][0].update(section="nope"))
    ),
    "unknown visibility": lambda e: zip_of(
        _with_document(e, lambda d: d["achievements"][0].update(visibility="everyone!"))
    ),
    "bad date": lambda e: zip_of(
        _with_document(e, lambda d: d["achievements"][0].update(start_date="31-31-2020"))
    ),
    "order is not a number": lambda e: zip_of(
        _with_document(e, lambda d: d["achievements"][0].update(order="first"))
    ),
    "file without checksum": lambda e: zip_of(_with_document(e, _drop_first_checksum)),
    "damaged data (CRC)": lambda e: _crc_broken(e),
    "executable as evidence": lambda e: zip_of(
        {**_with_document(e, _swap_first_file_for_exe), "files/evil.pdf": b"MZ\x90\x00" * 64}
    ),
}


def _drop_first_checksum(document):
    for item in document["achievements"]:
        for entry in item["evidence"]:
            if "path" in entry:
                del entry["sha256"]
                return


def _crc_broken(entries):
    """Stored (not compressed) so one changed byte reaches zipfile's CRC check."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    data = bytearray(buffer.getvalue())
    pdf = next(content for name, content in entries.items() if name.endswith(".pdf"))
    at = data.index(pdf[40:80])
    data[at] ^= 0xFF
    return io.BytesIO(bytes(data))


def _swap_first_file_for_exe(document):
    import hashlib

    data = b"MZ\x90\x00" * 64
    for item in document["achievements"]:
        for entry in item["evidence"]:
            if "path" in entry:
                entry.update(path="files/evil.pdf", name="evil.pdf", size=len(data),
                             sha256=hashlib.sha256(data).hexdigest())  # fmt: skip
                return


@pytest.mark.parametrize("attack", sorted(HOSTILE))
def test_hostile_archives_are_refused_and_change_nothing(full_portfolio, attack, tmp_path):
    _document, data = exported(full_portfolio)
    archive = HOSTILE[attack](_entries(data))
    target = portfolio_get_or_create(student=twin_student(full_portfolio))
    media_before = sorted(p.name for p in (tmp_path / "media").rglob("*") if p.is_file())
    headline_before = target.headline

    with pytest.raises(ImportRefused) as refusal:
        import_zip(target, archive if not isinstance(archive, bytes) else io.BytesIO(archive))

    assert refusal.value.message
    assert not Achievement.objects.filter(portfolio=target).exists()
    target.refresh_from_db()
    assert target.headline == headline_before
    assert not target.photo
    media_after = sorted(p.name for p in (tmp_path / "media").rglob("*") if p.is_file())
    assert media_after == media_before


def test_import_only_into_an_empty_portfolio(full_portfolio):
    _document, data = exported(full_portfolio)
    with pytest.raises(ImportRefused, match="empty"):
        import_zip(full_portfolio, io.BytesIO(data))


def test_download_and_import_pages(client, full_portfolio, start_and_open):
    client.force_login(full_portfolio.student)
    page = start_and_open(client, reverse("portfolios:export"))
    download = reverse("portfolios:transfer-download", args=[page.context["job"].public_id])
    assert download in page.content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)

    twin = twin_student(full_portfolio)
    client.force_login(twin)
    upload = io.BytesIO(data)
    upload.name = "portfolio.zip"
    done = start_and_open(client, reverse("portfolios:import"), {"archive": upload})
    assert "Your portfolio has been restored: 22 achievements." in done.content.decode()
    assert Achievement.objects.filter(portfolio__student=twin).count() == 22

    client.force_login(StudentFactory())
    bad = io.BytesIO(b"not a zip")
    bad.name = "portfolio.zip"
    refused = start_and_open(client, reverse("portfolios:import"), {"archive": bad})
    assert refused.status_code == 200
    assert "not a zip archive" in refused.content.decode()


def test_commands_export_and_import(full_portfolio, tmp_path):
    path = tmp_path / "out.zip"
    call_command("export_portfolio", "source", str(path), verbosity=0)
    assert zipfile.is_zipfile(path)
    twin = twin_student(full_portfolio)
    call_command("import_portfolio", "twin", str(path), verbosity=0)
    assert Achievement.objects.filter(portfolio__student=twin).count() == 22
