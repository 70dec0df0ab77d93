"""The PDF CV: only what the chosen audience may see, in the chosen language, a valid A4
PDF with a font for Kyrgyz, no address fetched while rendering, the same 404s as the
page, a query budget; and the owner's own page printing what the public sees."""

import io
import re
import urllib.request
import zlib

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation
from fontTools.ttLib import TTFont
from weasyprint import CSS, HTML
from weasyprint.formatting_structure.boxes import TextBox

from accounts.models import User
from core.files.uploads import prepare_upload
from pages import cv
from portfolios.access import PREVIEW_AUDIENCES, Audience
from portfolios.models import Visibility
from portfolios.services import portfolio_update
from tests.factories import (
    EmployerFactory,
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    achievement_for,
    pdf_bytes,
    png_bytes,
    portfolio_for,
    uploaded_file,
)

pytestmark = pytest.mark.django_db

PUBLIC_URL = "https://portfolio.example.edu/p/aida/"
KYRGYZ_LETTERS = "ңөү"


@pytest.fixture
def student():
    student = StudentFactory(username="aida", first_name="Айгерим", last_name="Сооронбаева")
    portfolio = portfolio_for(student, slug="aida")
    portfolio_update(
        portfolio=portfolio,
        skills=["Python", "Көңүл буруу"],
        photo=prepare_upload(uploaded_file("me.png", png_bytes((300, 300), "navy"))),
        visibility=Visibility.PUBLIC,
        headline="Келечектеги мугалим",
        about="Мен **өңүттү** үйрөнөм.",
        phone="+996 555 123 456",
        show_email=True,
    )
    achievement_for(
        portfolio, title="Public olympiad", visibility=Visibility.PUBLIC,
        files=[("cert.png", png_bytes((900, 600), "teal")), ("letter.pdf", pdf_bytes()),
               ("photo.png", png_bytes((50, 40), "red"))],
    )  # fmt: skip
    achievement_for(portfolio, title="Signed-in hackathon", visibility=Visibility.SIGNED_IN)
    achievement_for(
        portfolio, title="Supervisors-only grade", visibility=Visibility.SUPERVISORS,
        files=[("grade.png", png_bytes((300, 200), "olive"))],
    )  # fmt: skip
    achievement_for(
        portfolio, title="Private draft", visibility=Visibility.PRIVATE,
        files=[("secret.png", png_bytes((300, 200), "black"))],
    )  # fmt: skip
    return student


def html_for(student, audience_code="public", language="en"):
    html, resources = cv.cv_html(
        student.portfolio, PREVIEW_AUDIENCES[audience_code], language=language,
        public_url=PUBLIC_URL,
    )  # fmt: skip
    return html, resources


def document_text(document) -> str:
    """The text WeasyPrint laid out, page by page (what the PDF shows), a space between
    lines."""
    return "\n".join(
        " ".join(box.text for box in page._page_box.descendants() if isinstance(box, TextBox))
        for page in document.pages
    )


# --- Audiences ---------------------------------------------------------------------------


def test_each_audience_gets_only_what_it_may_see(student):
    everyone, _ = html_for(student, "public")
    signed_in, _ = html_for(student, "signed-in")
    supervisors, _ = html_for(student, "supervisor")

    assert "Public olympiad" in everyone
    assert "Signed-in hackathon" not in everyone
    assert "Supervisors-only grade" not in everyone
    assert "Signed-in hackathon" in signed_in
    assert "Supervisors-only grade" not in signed_in
    assert "Supervisors-only grade" in supervisors
    for html in (everyone, signed_in, supervisors):
        assert "Private draft" not in html
        # No visibility badges, no comments, no edit controls.
        for label in Visibility.labels:
            assert str(label) not in html
        assert "Comments" not in html
        assert "/edit/" not in html
        assert "<form" not in html


def test_only_the_audiences_images_are_embedded_as_thumbnails(student):
    portfolio = student.portfolio
    _html, resources = html_for(student, "public")
    shown = portfolio.achievements.get(title="Public olympiad").evidence.order_by("order")
    hidden = portfolio.achievements.exclude(visibility=Visibility.PUBLIC)
    embedded = set(resources._resources)

    certificate = shown.get(original_name="cert.png")
    assert f"cv-resource:evidence/{certificate.public_id}" in embedded
    content, mime_type = resources._resources[f"cv-resource:evidence/{certificate.public_id}"]
    with certificate.thumbnail_file.open("rb") as thumbnail:
        assert content == thumbnail.read()  # the thumbnail, not the 900 px original
    assert f"cv-resource:evidence/{shown.get(original_name='letter.pdf').public_id}" not in embedded
    for evidence in (e for item in hidden for e in item.evidence.all()):
        assert f"cv-resource:evidence/{evidence.public_id}" not in embedded
    assert "cv-resource:photo" in embedded


def test_the_owner_view_and_an_audience_that_cannot_open_the_page_are_refused(student):
    from django.http import Http404

    portfolio = student.portfolio
    with pytest.raises(Http404):
        cv.cv_html(portfolio, Audience(level=0, is_owner=True), language="en",
                   public_url=PUBLIC_URL)  # fmt: skip
    portfolio.visibility = Visibility.SUPERVISORS
    portfolio.save()
    with pytest.raises(Http404):
        html_for(student, "public")


# --- Language ----------------------------------------------------------------------------


def test_the_cv_is_in_the_chosen_language_whatever_the_request_is_in(student):
    translation.activate("en")
    html, _ = html_for(student, "public", language="ky")
    assert 'lang="ky"' in html
    assert "Мен жөнүндө" in html  # "About me"
    assert "Сертификаттар жана сыйлыктар" in html  # the section's Kyrgyz name
    assert "Certificates and awards" not in html
    assert translation.get_language() == "en"

    russian, _ = html_for(student, "public", language="ru")
    assert "Обо мне" in russian and "Сертификаты и награды" in russian


# --- The PDF -----------------------------------------------------------------------------


def test_the_pdf_is_valid_with_the_pages_text_numbers_and_address(student):
    document = cv.cv_document(
        student.portfolio, PREVIEW_AUDIENCES["public"], language="ky", public_url=PUBLIC_URL
    )
    assert len(document.pages) >= 1
    text = document_text(document)
    assert "Айгерим Сооронбаева" in text
    assert "Public olympiad" in text
    assert "Supervisors-only grade" not in text
    assert PUBLIC_URL in text.replace(" ", "")  # the address, broken over lines
    assert f"1 / {len(document.pages)}" in text  # the page numbers (@page counters)
    assert document.pages[0].width == pytest.approx(210 / 25.4 * 96, abs=1)  # A4
    links = [link for page in document.pages for link in page.links]
    assert any(target == PUBLIC_URL for _kind, target, *_rest in links)
    assert document.write_pdf().startswith(b"%PDF-")


def test_many_achievements_run_onto_numbered_pages(student):
    for number in range(40):
        achievement_for(student.portfolio, title=f"Item {number}", visibility=Visibility.PUBLIC,
                        description="A line of text. " * 20)  # fmt: skip
    document = cv.cv_document(
        student.portfolio, PREVIEW_AUDIENCES["public"], language="en", public_url=PUBLIC_URL
    )
    pages = len(document.pages)
    assert pages > 2
    assert f"{pages} / {pages}" in document_text(document)


def _font_programs(pdf: bytes):
    """The font files embedded in a PDF (its Flate streams that fontTools can read)."""
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            data = zlib.decompressobj().decompress(pdf[match.end() : match.end() + 5_000_000])
            yield TTFont(io.BytesIO(data))
        except Exception:  # noqa: BLE001, S112 - not a font, or not compressed
            continue


def _drawn(font: TTFont, glyph_id: int) -> bool:
    """Whether the glyph has an outline (a subset keeps the ids of the glyphs it drops,
    empty)."""
    order = font.getGlyphOrder()
    return glyph_id < len(order) and font["glyf"][order[glyph_id]].numberOfContours != 0


def test_the_pdf_embeds_the_named_font_with_the_kyrgyz_letters(student):
    pdf = cv.cv_pdf(
        student.portfolio, PREVIEW_AUDIENCES["public"], language="ky", public_url=PUBLIC_URL
    )
    fonts = [(font["name"].getDebugName(1), font) for font in _font_programs(pdf)]
    families = sorted({family for family, _font in fonts})
    # Only the font the stylesheet names: no fallback font drew a letter it lacks.
    assert families == ["DejaVu Sans"], families

    # The letters ң ө ү (in the headline, the about text and the skills) are drawn in
    # it: the subsets keep DejaVu Sans' glyph ids, and these glyphs have outlines.
    regular = next(font for _family, font in fonts if font["name"].getDebugName(2) == "Book")
    source = TTFont(subprocess_font_file("DejaVu Sans"))
    for letter in KYRGYZ_LETTERS:
        glyph_id = source.getGlyphID(source.getBestCmap()[ord(letter)])
        assert _drawn(regular, glyph_id), letter
    unused = source.getGlyphID(source.getBestCmap()[ord("Ѣ")])  # a letter the CV lacks
    assert not _drawn(regular, unused)


def subprocess_font_file(family: str) -> str:
    """The file fontconfig gives for ``family`` (what Pango uses)."""
    import subprocess

    return subprocess.run(
        ["fc-match", "--format=%{file}", family], check=True, capture_output=True, text=True
    ).stdout


# --- Nothing is fetched ------------------------------------------------------------------


def test_no_address_is_fetched_while_rendering(student, monkeypatch):
    portfolio = student.portfolio
    # Markup a broken sanitiser might let through: images and a stylesheet elsewhere.
    type(portfolio).objects.filter(pk=portfolio.pk).update(
        about_html='<p>Hi</p><img src="http://127.0.0.1:9/tracker.png">'
        '<img src="file:///etc/passwd"><link rel="stylesheet" href="https://example.com/x.css">'
        '<img src="/media/evidence/aa/secret.png">'
    )
    portfolio.refresh_from_db()

    def no_network(*args, **kwargs):  # pragma: no cover - the test fails if it runs
        raise AssertionError(f"fetched over urllib: {args}")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)

    html, resources = html_for(student, "public")
    HTML(string=html, url_fetcher=resources, base_url="cv-resource:/").render()

    assert "http://127.0.0.1:9/tracker.png" in resources.refused
    assert "file:///etc/passwd" in resources.refused
    assert all(not url.startswith("cv-resource:") for url in resources.refused)


def test_the_fetcher_answers_only_what_was_added():
    resources = cv.EmbeddedResources()
    url = resources.add("qr", b"<svg/>", "image/svg+xml")
    assert resources.fetch(url).read() == b"<svg/>"
    for address in ("http://example.com/", "file:///etc/passwd", "cv-resource:photo",
                    "data:text/plain,hi"):  # fmt: skip
        with pytest.raises(ValueError):
            resources.fetch(address)
        with pytest.raises(ValueError):
            resources.open(urllib.request.Request(address))
    assert len(resources.refused) == 8


# --- The owner's download ----------------------------------------------------------------


def test_the_owner_downloads_a_pdf_for_the_chosen_audience_and_language(client, student, rendered):
    client.force_login(student)
    response = client.get(reverse("portfolios:cv"), {"audience": "supervisor", "language": "ru"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="aida-cv-ru.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF-")
    assert "Supervisors-only grade" in rendered[0]
    assert "Private draft" not in rendered[0]
    assert "Обо мне" in rendered[0]
    assert "http://testserver/p/aida/" in rendered[0]


def test_without_a_choice_the_owner_sees_the_form(client, student):
    client.force_login(student)
    response = client.get(reverse("portfolios:cv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert 'name="audience"' in response.content.decode()


def test_an_audience_that_cannot_open_the_page_is_a_form_error_with_the_choice_kept(
    client, student
):
    portfolio = student.portfolio
    portfolio.visibility = Visibility.SIGNED_IN
    portfolio.save()
    client.force_login(student)
    response = client.get(reverse("portfolios:cv"), {"audience": "public", "language": "ky"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "would show nothing" in html
    assert re.search(r'<option value="public"[^>]*selected', html)
    assert re.search(r'<option value="ky"[^>]*selected', html)


def test_an_unknown_audience_or_language_is_a_form_error(client, student):
    client.force_login(student)
    for query in (
        {"audience": "owner", "language": "en"},
        {"audience": "public", "language": "de"},
    ):
        response = client.get(reverse("portfolios:cv"), query)
        assert response["Content-Type"].startswith("text/html")
        assert "Select a valid choice" in response.content.decode()


def test_too_many_pdfs_are_refused_with_a_message(client, student, settings):
    settings.CV_PDFS_PER_10_MINUTES = 1
    client.force_login(student)
    query = {"audience": "public", "language": "en"}
    assert client.get(reverse("portfolios:cv"), query)["Content-Type"] == "application/pdf"
    again = client.get(reverse("portfolios:cv"), query)
    assert again["Content-Type"].startswith("text/html")
    assert "Please try again later" in again.content.decode()


def test_the_owners_pdf_keeps_to_a_query_budget(client, student, django_assert_max_num_queries):
    for number in range(10):
        achievement_for(student.portfolio, title=f"Item {number}", visibility=Visibility.PUBLIC,
                        files=[("a.png", png_bytes()), ("b.pdf", pdf_bytes())])  # fmt: skip
    client.force_login(student)
    # Session, user, portfolio (twice: the student's, then with programme and cohort),
    # achievements, their evidence, their skills, the sections, the portfolio's skills.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("portfolios:cv"), {"audience": "public", "language": "en"})
    assert response["Content-Type"] == "application/pdf"


def test_the_editor_offers_the_pdf_menu(client, student):
    client.force_login(student)
    html = client.get(reverse("portfolios:editor")).content.decode()
    assert f'action="{reverse("portfolios:cv")}"' in html
    assert "Download as PDF" in html
    assert re.search(r'<option value="public"[^>]*selected', html)  # the page is public


# --- A reader's download -----------------------------------------------------------------


@pytest.fixture
def rendered(monkeypatch):
    """The HTML of each CV rendered during the test."""
    pages = []
    real_cv_html = cv.cv_html

    def recording(*args, **kwargs):
        html, resources = real_cv_html(*args, **kwargs)
        pages.append(html)
        return html, resources

    monkeypatch.setattr(cv, "cv_html", recording)
    return pages


def _reader_pdf(client, user, slug="aida", **query):
    client.force_login(user)
    return client.get(reverse("portfolios:public-cv", args=[slug]), query)


def test_an_approved_employer_gets_what_signed_in_users_see(
    client, student, rendered, django_assert_max_num_queries
):
    employer = EmployerFactory(approved=True)
    client.force_login(employer)
    # Session, user, the employer's profile (approved?), the page (with programme and
    # cohort), sections, achievements, evidence, skills, the portfolio's skills.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("portfolios:public-cv", args=["aida"]), {"language": "ru"})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="aida-cv-ru.pdf"'
    assert "Signed-in hackathon" in rendered[0]
    assert "Supervisors-only grade" not in rendered[0]
    assert "Обо мне" in rendered[0]


def test_the_students_supervisor_gets_the_supervisors_items(client, student, rendered):
    supervisor = SupervisorFactory()
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    assert _reader_pdf(client, supervisor)["Content-Type"] == "application/pdf"
    assert "Supervisors-only grade" in rendered[0]
    assert "Private draft" not in rendered[0]
    # Another supervisor reads the page as a signed-in user.
    assert _reader_pdf(client, SupervisorFactory())["Content-Type"] == "application/pdf"
    assert "Supervisors-only grade" not in rendered[1]
    assert "Signed-in hackathon" in rendered[1]


def test_readers_who_may_not_have_it_get_404_or_the_login_page(client, student, rendered):
    url = reverse("portfolios:public-cv", args=["aida"])
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("accounts:login"))
    for user in (StudentFactory(), student):  # another student, the owner
        assert _reader_pdf(client, user).status_code == 404
    # An employer staff have not approved yet is told so (accounts/employer_waiting.html).
    assert _reader_pdf(client, EmployerFactory()).status_code == 403
    assert _reader_pdf(client, EmployerFactory(approved=True), slug="nobody").status_code == 404

    portfolio = student.portfolio
    portfolio.visibility = Visibility.SUPERVISORS
    portfolio.save()
    assert _reader_pdf(client, EmployerFactory(approved=True)).status_code == 404
    assert _reader_pdf(client, SupervisorFactory()).status_code == 404
    assert rendered == []


def test_staff_read_it_as_they_read_the_page(client, student, rendered):
    assert _reader_pdf(client, StaffFactory())["Content-Type"] == "application/pdf"
    assert "Private draft" in rendered[0]  # staff see every item on the page too


def test_the_page_links_to_the_pdf_for_readers_who_may_have_it(client, student):
    url = reverse("portfolios:public", args=["aida"])
    link = reverse("portfolios:public-cv", args=["aida"])
    assert link not in client.get(url).content.decode()
    readers = {
        "employer": EmployerFactory(approved=True),
        "supervisor": SupervisorFactory(),
        "student": StudentFactory(),
        "pending employer": EmployerFactory(),
        "owner": student,
    }
    for name, user in readers.items():
        client.force_login(user)
        shown = link in client.get(url).content.decode()
        assert shown == (name in {"employer", "supervisor"}), name


# --- The owner's page, printed -----------------------------------------------------------


def test_the_owners_page_prints_what_the_public_sees(client, student):
    from comments.services import comment_create

    comment_create(
        author=User.objects.get(username="aida"), body="Thanks all", portfolio=student.portfolio
    )
    client.force_login(student)
    page = client.get(reverse("portfolios:public", args=["aida"])).content.decode()
    assert "Private draft" in page and "Supervisors-only grade" in page  # on screen

    printed = HTML(string=page, url_fetcher=cv.EmbeddedResources(), base_url="cv-resource:/")
    stylesheet = CSS(filename=finders.find("css/portfolio-print.css"))
    text = document_text(printed.render(stylesheets=[stylesheet]))
    assert "Public olympiad" in text
    for hidden in ("Private draft", "Supervisors-only grade", "Signed-in hackathon",
                   "Only me", "Everyone", "Thanks all", "Edit my portfolio"):  # fmt: skip
        assert hidden not in text, hidden


def test_a_reader_over_the_limit_goes_back_to_the_page_with_a_message(client, student, settings):
    settings.CV_PDFS_PER_10_MINUTES = 0
    response = _reader_pdf(client, EmployerFactory(approved=True))
    assert response.status_code == 302
    assert response.url == reverse("portfolios:public", args=["aida"])
    page = client.get(response.url).content.decode()
    assert "Please try again later" in page


def test_without_the_limits_store_no_pdf_is_made(client, student, unreachable_redis):
    client.force_login(student)
    response = client.get(reverse("portfolios:cv"), {"audience": "public", "language": "en"})
    assert response["Content-Type"].startswith("text/html")
    assert "PDFs cannot be made for a moment" in response.content.decode()


def test_the_address_is_on_site_url_when_it_is_set(client, student, rendered, settings):
    settings.SITE_URL = "https://portfolio.example.edu"
    client.force_login(student)
    client.get(reverse("portfolios:cv"), {"audience": "public", "language": "en"})
    assert 'href="https://portfolio.example.edu/p/aida/"' in rendered[0]
