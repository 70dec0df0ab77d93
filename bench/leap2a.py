"""Leap2A import and export: how long a student waits for a Mahara-sized portfolio.

Creates its own database (``<DATABASE_URL's name>_leap2a``; or ``BENCH_DATABASE_URL``) and
builds, in memory, a Mahara-shaped Leap2A zip of ``--entries`` entries with ``--files``
enclosed files (résumé entries by composite with their organisation siblings, a blog with
posts, file resources attached to them or loose; small PNG scans, 1600×1200 JPEG photos
and PDFs in turn), then:

- runs the import job as the site runs it (``leap2a_import_start``, then the job's run,
  as the task would) into a new student's portfolio, and prints start-to-done (target: a
  500-entry zip with 300 files in at most 60 s) and the job row's progress UPDATEs;
- exports the imported portfolio as Leap2A (``export_leap2a``) and prints its time and size.

    .venv/bin/python bench/leap2a.py [--rounds 1] [--entries 500] [--files 300]
        [--smoke] [--reseed] [--drop]
"""

import argparse
import io
import statistics
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchdb  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--entries", type=int, default=500, help="entries in leap2a.xml")
    parser.add_argument("--files", type=int, default=300, help="files in the zip")
    return benchdb.parse_args(parser, smoke={"rounds": 1, "entries": 30, "files": 10})


ARGS = parse_args()
benchdb.start("leap2a", ARGS)

import seeding  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from transfer import jobs, services  # noqa: E402
from transfer.leap2a.writer import export_leap2a  # noqa: E402
from transfer.models import Status, TransferJob  # noqa: E402

PREFIX = "bench-leap2a-"
NAMESPACES = (
    'xmlns="http://www.w3.org/2005/Atom" '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:leap2="http://terms.leapspecs.org/" '
    'xmlns:categories="http://wiki.leapspecs.org/2A/categories/" '
    'xmlns:mahara="http://wiki.mahara.org/Developer_Area/Import%2F%2FExport/LEAP_Extensions#"'
)
COMPOSITES = [("educationhistory", "activity", "Education"),
              ("employmenthistory", "activity", "Work"), ("certification", "achievement", ""),
              ("membership", "activity", "")]  # fmt: skip


def _entry(entry_id, title, leap_type, body="", plugin=None, extra=""):
    plugin_xml = (f'<mahara:artefactplugin mahara:plugin="{plugin[0]}" mahara:type="{plugin[1]}"/>'
                  if plugin else "")  # fmt: skip
    return (f"<entry><title>{escape(title)}</title><id>{entry_id}</id>"
            f"<updated>2021-03-01T10:00:00Z</updated><content type=\"html\">{escape(body)}"
            f'</content><rdf:type rdf:resource="leap2:{leap_type}"/>{plugin_xml}{extra}'
            "</entry>")  # fmt: skip


def build_zip(entries: int, files: int) -> bytes:
    """A Mahara-shaped export: ``entries`` entries in all, ``files`` of them files."""
    png = seeding.image_bytes(3, size=(320, 240), image_format="PNG")
    photo = seeding.image_bytes(5, size=(1600, 1200))  # a phone photo's size, as JPEG
    pdf = seeding.pdf_bytes(["Certificate of participation", "Benchmark"])
    kinds = [("scan{}.png", png), ("photo{}.jpg", photo), ("certificate{}.pdf", pdf)]
    parts = [_entry("portfolio:artefactinternal", "Bench Student", "person",
                    "<p>About <b>me</b>.</p>", ("internal", "person")),
             _entry("portfolio:blog", "Study blog", "selection", "", ("blog", "blog"),
                    '<category term="Blog" scheme="categories:selection_type#"/>')]  # fmt: skip
    others = max(entries - files - 2, 2)
    posts = others // 5
    organisations = (others - posts) // 3
    items = others - posts - organisations
    owners = [f"portfolio:item{n}" for n in range(items)] + [f"portfolio:post{n}"
                                                            for n in range(posts)]  # fmt: skip
    attached: dict[str, list[str]] = {}
    payload = {}
    for number in range(files):
        pattern, data = kinds[number % len(kinds)]
        name = pattern.format(number)
        path = f"files/{number}-{name}"
        payload[path] = data
        file_id = f"portfolio:file{number}"
        if number < len(owners) * 3 and number % 6 != 5:  # every sixth file left loose
            attached.setdefault(owners[number % len(owners)], []).append(file_id)
        parts.append(_entry(file_id, name, "resource", "", ("file", "file"),
                            f'<link rel="enclosure" href="{path}"/>'))  # fmt: skip
    for number in range(items):
        kind, leap_type, life_area = COMPOSITES[number % len(COMPOSITES)]
        links = "".join(f'<link rel="related" href="{f}"/>'
                        for f in attached.get(f"portfolio:item{number}", []))  # fmt: skip
        organisation = ""
        if number < organisations:
            organisation = f'<link rel="leap2:is_supported_by" href="portfolio:org{number}"/>'
            parts.append(_entry(f"portfolio:org{number}", f"Organisation {number}",
                                "organization", "", ("resume", f"pseudo:{kind}")))  # fmt: skip
        area = (f'<category term="{life_area}" scheme="categories:life_area#"/>'
                if life_area else "")  # fmt: skip
        parts.append(_entry(
            f"portfolio:item{number}", f"Résumé entry {number}", leap_type,
            f"<p>What I did in entry {number}, with <em>details</em>.</p>",
            ("resume", f"pseudo:{kind}"),
            f'<link rel="leap2:is_part_of" href="portfolio:composite-{kind}"/>{organisation}'
            f"{links}{area}"
            f'<leap2:date leap2:point="start" leap2:label="Sep 20{number % 20:02d}"/>'
            '<category term="Teamwork"/>',
        ))  # fmt: skip
    for number in range(posts):
        links = "".join(f'<link rel="related" href="{f}"/>'
                        for f in attached.get(f"portfolio:post{number}", []))  # fmt: skip
        parts.append(_entry(
            f"portfolio:post{number}", f"Week {number}", "entry",
            f"<p>Post {number}: <b>progress</b> and plans.</p>", ("blog", "blogpost"),
            f'<link rel="leap2:is_part_of" href="portfolio:blog"/>{links}'
            "<published>2022-02-01T09:00:00Z</published><category term=\"study\"/>",
        ))  # fmt: skip
    xml = (f'<?xml version="1.0" encoding="utf-8"?>\n<feed {NAMESPACES}>'
           "<id>urn:bench</id><title>Bench export</title><updated>2024-01-01T00:00:00Z</updated>"
           + "".join(parts) + "</feed>").encode()  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("leap2a.xml", xml)
        for path, data in payload.items():
            archive.writestr(path, data)
    return buffer.getvalue(), len(parts)


def progress_updates(captured) -> int:
    return sum(
        1
        for query in captured.captured_queries
        if query["sql"].startswith('UPDATE "transfer_transferjob"')
        and "progress_done" in query["sql"]
    )


def import_once(data: bytes, number: int):
    portfolio = seeding.student(f"{PREFIX}{number}").portfolio
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        job = services.leap2a_import_start(
            owner=portfolio.student, portfolio=portfolio, language="en",
            upload=SimpleUploadedFile("mahara.zip", data, "application/zip"),
        )  # fmt: skip
        jobs.import_run(job.pk)
        elapsed = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == Status.DONE, job.error
    return elapsed, job, progress_updates(captured), portfolio


def export_once(portfolio):
    buffer = io.BytesIO()
    started = time.perf_counter()
    export_leap2a(portfolio, buffer)
    return time.perf_counter() - started, len(buffer.getvalue())


def main() -> None:
    services.enqueue = lambda *args, **kwargs: None  # the bench runs each job itself
    seeding.delete_users(PREFIX)
    data, entries = build_zip(ARGS.entries, ARGS.files)
    print(f"\nLeap2A zip: {entries} entries, {ARGS.files} files, {len(data) / 1024:,.0f} KB",
          flush=True)  # fmt: skip
    imports = [import_once(data, number) for number in range(ARGS.rounds)]
    job = imports[-1][1]
    summary = {k: job.summary[k] for k in ("achievements", "posts", "files")}
    print(
        f"  import job, start to done   p50 {statistics.median(i[0] for i in imports):8.2f} s"
        f"   (target <= 60 s; {summary}, skipped {len(job.summary['skipped'])};"
        f" job UPDATEs {imports[-1][2]})",
        flush=True,
    )
    exports = [export_once(imports[-1][3]) for _ in range(ARGS.rounds)]
    print(
        f"  export (Leap2A zip)         p50 {statistics.median(e[0] for e in exports):8.2f} s"
        f"   zip {exports[-1][1] / 1024:,.0f} KB",
        flush=True,
    )
    TransferJob.objects.filter(owner__username__startswith=PREFIX).delete()
    seeding.delete_users(PREFIX)


if __name__ == "__main__":
    main()
