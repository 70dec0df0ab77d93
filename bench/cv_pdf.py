"""The PDF CV (pages/cv.py): how long a large portfolio's PDF takes, target 3 s.

Creates its own database (``<DATABASE_URL's name>_cv_pdf``; or ``BENCH_DATABASE_URL``),
migrates it and seeds, through the services, a public portfolio with a photo and
``--items`` achievements × ``--files`` certificate pictures (every file an image, the
worst case: each is embedded as a thumbnail). Then it makes the PDF ``--rounds`` times for
everyone, as the download does (``cv_pdf``), and prints p50 and the slowest time of the
whole, and of its parts (the context with the files read from storage, the HTML, the
layout, the PDF), the pages and the size. Target: whole p50 ≤ 3 s for 100 × 3.

    .venv/bin/python bench/cv_pdf.py [--rounds 3] [--items 100] [--files 3] [--language ky]
        [--smoke] [--reseed] [--drop]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchdb  # noqa: E402

TARGET_SECONDS = 3.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--items", type=int, default=100, help="achievements")
    parser.add_argument("--files", type=int, default=3, help="pictures per achievement")
    parser.add_argument("--language", default="ky", choices=["en", "ru", "ky"])
    return benchdb.parse_args(parser, smoke={"rounds": 1, "items": 3, "files": 2})


ARGS = parse_args()
benchdb.start("cv_pdf", ARGS)

import seeding  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.utils import translation  # noqa: E402
from weasyprint import HTML  # noqa: E402

from core.files.uploads import prepare_upload  # noqa: E402
from pages import cv  # noqa: E402
from portfolios.access import PREVIEW_AUDIENCES  # noqa: E402
from portfolios.models import Portfolio  # noqa: E402

PREFIX = "bench-cv-"
PUBLIC_URL = "https://portfolio.example.edu/p/bench-cv/"


def seed() -> Portfolio:
    seeding.delete_users(PREFIX)
    owner = seeding.student(f"{PREFIX}student", first_name="Айгерим", last_name="Өмүрова")
    photo = prepare_upload(SimpleUploadedFile("me.jpg", seeding.image_bytes(7, size=(600, 600))))
    portfolio = seeding.public_portfolio(
        owner, photo=photo, headline="Келечектеги мугалим", phone="+996 555 000 000"
    )
    seeding.portfolio_items(portfolio, ARGS.items, ARGS.files)
    return Portfolio.objects.select_related("student__program__faculty", "student__cohort").get(
        pk=portfolio.pk
    )


def once(portfolio: Portfolio) -> dict:
    """One PDF, as ``cv.cv_pdf`` makes it, with each part timed."""
    audience = PREVIEW_AUDIENCES["public"]
    times = {}
    started = time.perf_counter()
    resources = cv.EmbeddedResources()
    with translation.override(ARGS.language):
        context = cv.cv_context(portfolio, audience, public_url=PUBLIC_URL, resources=resources)
        times["context and files"] = time.perf_counter()
        from django.template.loader import render_to_string

        html = render_to_string("pages/cv_pdf.html", {**context, "language": ARGS.language})
    times["HTML"] = time.perf_counter()
    document = HTML(string=html, url_fetcher=resources, base_url=f"{cv.SCHEME}:/").render()
    times["layout"] = time.perf_counter()
    pdf = document.write_pdf()
    times["PDF"] = time.perf_counter()
    parts, previous = {}, started
    for name, moment in times.items():
        parts[name] = moment - previous
        previous = moment
    parts["whole"] = previous - started
    assert pdf.startswith(b"%PDF-") and not resources.refused, resources.refused
    return {"parts": parts, "pages": len(document.pages), "size": len(pdf)}


def main() -> None:
    portfolio = seed()
    # The download's own path once (the figures below time its parts).
    whole = time.perf_counter()
    cv.cv_pdf(portfolio, PREVIEW_AUDIENCES["public"], language=ARGS.language,
              public_url=PUBLIC_URL)  # fmt: skip
    first = time.perf_counter() - whole
    runs = [once(portfolio) for _ in range(ARGS.rounds)]
    print(
        f"\nPDF CV, {ARGS.items} achievements x {ARGS.files} pictures, language {ARGS.language}: "
        f"{runs[-1]['pages']} pages, {runs[-1]['size'] / 1024:,.0f} KB, {ARGS.rounds} rounds "
        f"(first, cold: {first:.2f} s)"
    )
    for name in runs[0]["parts"]:
        values = [run["parts"][name] for run in runs]
        print(f"  {name:<18} p50 {statistics.median(values):6.2f} s   max {max(values):6.2f} s")
    p50 = statistics.median(run["parts"]["whole"] for run in runs)
    verdict = "within" if p50 <= TARGET_SECONDS else "OVER"
    print(f"  target: whole p50 <= {TARGET_SECONDS:.0f} s: {verdict}", flush=True)
    seeding.delete_users(PREFIX)


if __name__ == "__main__":
    main()
