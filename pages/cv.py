"""The PDF CV: a portfolio as one audience sees it, on A4 pages, in a chosen language.

What goes in is decided by the same rules as the page (``portfolios.access.Audience`` and
``achievements.selectors.portfolio_view``): only the items the audience sees, with no
visibility badges, comments or edit controls. WeasyPrint renders it, and it fetches
nothing: every image (the photo, the evidence thumbnails, the QR code) and the stylesheet
are read here — files through the storage API, as the file views read them — and handed
to WeasyPrint by ``EmbeddedResources``, which refuses every other address (no network,
no file system). So a private file cannot slip into a PDF through an address in the
text, and the renderer never sees a URL it could open."""

from __future__ import annotations

import io
import mimetypes
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from accounts.access import is_approved_employer
from accounts.models import Role
from achievements.selectors import portfolio_view
from core.files.delivery import variant_file
from core.files.storage import stored_chunks
from core.limits import Limit
from portfolios.access import PREVIEW_AUDIENCES, Audience
from portfolios.models import Portfolio

STYLESHEET = "css/cv-pdf.css"
SCHEME = "cv-resource"
# Files read from the storage at once (an S3 store answers each in tens of milliseconds).
READ_THREADS = 8

# A PDF takes a web server a second or two: counted per user on every server together.
CV_PDFS_PER_USER = Limit(
    "cv-pdf", maximum=lambda: settings.CV_PDFS_PER_10_MINUTES, window=lambda: 600
)

# The owner's choice of audience: the same three as the page's previews.
AUDIENCES = PREVIEW_AUDIENCES


def may_download_cv(user, audience: Audience) -> bool:
    """Whether a page shows its reader the link to its PDF (``portfolios:public-cv``, whose
    ``role_required`` says the same): supervisors, approved employers and staff reading
    the page themselves. Not through a secret link; the owner has the editor's menu."""
    return bool(
        user.is_authenticated
        and audience.share_link is None
        and not audience.is_owner
        and (user.is_staff_member or user.role == Role.SUPERVISOR or is_approved_employer(user))
    )


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class EmbeddedResources(URLFetcher):
    """WeasyPrint's only way to anything outside the HTML: it answers the addresses
    ``add`` made (``cv-resource:<name>``) with their bytes and refuses every other one
    (``refused`` keeps them, for the tests), so nothing is fetched over the network or
    read from the disk while rendering."""

    def __init__(self):
        super().__init__(allowed_protocols=(SCHEME,), allow_redirects=False)
        self._resources: dict[str, tuple[bytes, str]] = {}
        self.refused: list[str] = []

    def add(self, name: str, content: bytes, mime_type: str) -> str:
        url = f"{SCHEME}:{name}"
        self._resources[url] = (content, mime_type)
        return url

    def fetch(self, url, headers=None):
        resource = self._resources.get(url)
        if resource is None:
            self.refused.append(url)
            raise ValueError(f"not embedded in the CV: {url}")
        content, mime_type = resource
        return URLFetcherResponse(url, content, {"Content-Type": mime_type})

    def open(self, url, data=None, timeout=None):  # no urllib road around ``fetch``
        return self.fetch(getattr(url, "full_url", url))


@dataclass
class CvItem:
    """An achievement in the CV: its image evidence as embedded thumbnails, its other
    files by name and its video links."""

    achievement: object
    images: list[tuple[str, object]] = field(default_factory=list)  # (address, evidence)
    files: list[object] = field(default_factory=list)
    links: list[object] = field(default_factory=list)


@dataclass
class CvSection:
    category: object
    items: list[CvItem]


def _read(field_file) -> bytes:
    return b"".join(stored_chunks(field_file))


def _mime_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def cv_context(
    portfolio: Portfolio, audience: Audience, *, public_url: str, resources: EmbeddedResources
) -> dict:
    """What the CV template shows. Reads the files it embeds into ``resources`` (raises
    ``core.files.storage.StorageUnavailable`` when the store cannot be read)."""
    if audience.is_owner or not audience.may_open(portfolio):
        raise Http404  # the owner's own view (private items) is never a CV
    view = portfolio_view(portfolio, audience)
    to_read = {}  # address name -> stored file
    sections = []
    for section in view.filled_sections:
        items = []
        for achievement in section.achievements:
            item = CvItem(achievement)
            for evidence in achievement.evidence.all():
                if evidence.kind == "link":
                    item.links.append(evidence)
                elif evidence.kind == "image" and evidence.file:
                    stored = variant_file(evidence, "thumb")
                    name = f"evidence/{evidence.public_id}"
                    to_read[name] = stored
                    item.images.append((f"{SCHEME}:{name}", evidence))
                elif evidence.file:
                    item.files.append(evidence)
            items.append(item)
        sections.append(CvSection(section.category, items))
    photo = portfolio.photo_thumbnail or portfolio.photo
    if photo:
        to_read["photo"] = photo
    with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
        contents = dict(zip(to_read, pool.map(_read, to_read.values()), strict=True))
    for name, content in contents.items():
        resources.add(name, content, _mime_type(to_read[name].name))
    qr = io.BytesIO()
    segno.make(public_url, error="m").save(qr, kind="svg", scale=4, border=2, dark="#000")
    student = portfolio.student
    return {
        "portfolio": portfolio,
        "student": student,
        "about_html": portfolio.about_html,
        "skills": view.skills,
        "sections": sections,
        "photo_url": f"{SCHEME}:photo" if photo else "",
        "public_url": public_url,
        "qr_url": resources.add("qr", qr.getvalue(), "image/svg+xml"),
        "stylesheet_url": resources.add("style", _stylesheet(), "text/css"),
        "made_on": timezone.localdate(),
    }


def _stylesheet() -> bytes:
    path = finders.find(STYLESHEET)
    if path is None:  # pragma: no cover - a broken checkout
        raise RuntimeError(f"static/{STYLESHEET} is missing")
    with open(path, "rb") as handle:
        return handle.read()


def cv_html(
    portfolio: Portfolio, audience: Audience, *, language: str, public_url: str
) -> tuple[str, EmbeddedResources]:
    """The CV's HTML in ``language``, and the resources it refers to."""
    resources = EmbeddedResources()
    with translation.override(language):
        context = cv_context(portfolio, audience, public_url=public_url, resources=resources)
        html = render_to_string("pages/cv_pdf.html", {**context, "language": language})
    return html, resources


def cv_document(portfolio: Portfolio, audience: Audience, *, language: str, public_url: str):
    """The laid-out CV (a ``weasyprint.Document``: its pages, then ``write_pdf``)."""
    html, resources = cv_html(portfolio, audience, language=language, public_url=public_url)
    # base_url is the embedded scheme's: a relative address resolves to nothing fetchable.
    return HTML(string=html, url_fetcher=resources, base_url=f"{SCHEME}:/").render()


def cv_pdf(portfolio: Portfolio, audience: Audience, *, language: str, public_url: str) -> bytes:
    """The CV as PDF bytes."""
    document = cv_document(portfolio, audience, language=language, public_url=public_url)
    return document.write_pdf()


def cv_filename(portfolio: Portfolio, language: str) -> str:
    return f"{portfolio.slug}-cv-{language}.pdf"
