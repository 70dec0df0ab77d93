"""Who sees what: the public page /p/<slug>/, evidence downloads and the photo, for every
kind of viewer, every item visibility and every page visibility. A viewer who may not
see something gets a 404, never a 403 that would confirm it exists."""

import re

import pytest
from django.urls import reverse

from portfolios.models import Visibility
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
)

pytestmark = pytest.mark.django_db

V = Visibility

# The lowest item visibility each viewer sees (None: the owner and staff see everything).
VIEWER_LEVELS = {
    "owner": V.PRIVATE,
    "assigned supervisor": V.SUPERVISORS,
    "other supervisor": V.SIGNED_IN,
    "approved employer": V.SIGNED_IN,
    "pending employer": V.PUBLIC,
    "other student": V.SIGNED_IN,
    "staff": V.PRIVATE,
    "anonymous": V.PUBLIC,
}

TITLES = {
    V.PRIVATE: "Private draft of my thesis",
    V.SUPERVISORS: "Transcript for my supervisor",
    V.SIGNED_IN: "Internship at Ala-Too Soft",
    V.PUBLIC: "Volleyball cup, 1st place",
}


def make_viewer(name, student):
    if name == "owner":
        return student
    if name == "assigned supervisor":
        return SupervisorAssignmentFactory(student=student).supervisor
    if name == "other supervisor":
        SupervisorAssignmentFactory(student=StudentFactory())  # someone else's supervisor
        return SupervisorFactory()
    if name == "approved employer":
        return EmployerFactory(approved=True)
    if name == "pending employer":
        return EmployerFactory()
    if name == "other student":
        other = StudentFactory()
        portfolio_for(other)
        return other
    if name == "staff":
        return StaffFactory()
    assert name == "anonymous"
    return None


def titles_on(response):
    html = response.content.decode()
    return {t.strip() for t in re.findall(r'<h3 id="achievement-\d+"[^>]*>([^<]*)', html)}


@pytest.fixture
def student():
    return StudentFactory(username="aida", first_name="Aida", last_name="Bekova")


@pytest.fixture
def items(student):
    """One achievement at each visibility, each with a PDF; the page itself is public."""
    portfolio = portfolio_for(student, visibility=V.PUBLIC)
    return {
        visibility: achievement_for(
            portfolio,
            title=title,
            visibility=visibility,
            files=[(f"proof-{visibility}.pdf", pdf_bytes(title))],
        )
        for visibility, title in TITLES.items()
    }


def client_for(client, viewer):
    if viewer is not None:
        client.force_login(viewer)
    return client


@pytest.mark.parametrize("page_visibility", list(V), ids=lambda v: v.name)
@pytest.mark.parametrize("viewer_name", list(VIEWER_LEVELS))
def test_public_page_shows_exactly_what_the_viewer_may_see(
    client, student, items, viewer_name, page_visibility
):
    portfolio = portfolio_for(student, visibility=page_visibility)
    viewer = make_viewer(viewer_name, student)
    level = VIEWER_LEVELS[viewer_name]

    response = client_for(client, viewer).get(reverse("portfolios:public", args=[portfolio.slug]))

    if level > page_visibility:
        assert response.status_code == 404
        assert "Internship at Ala-Too Soft" not in response.content.decode()
    else:
        assert response.status_code == 200
        expected = {title for visibility, title in TITLES.items() if visibility >= level}
        assert titles_on(response) == expected


@pytest.mark.parametrize("item_visibility", list(V), ids=lambda v: v.name)
@pytest.mark.parametrize("viewer_name", list(VIEWER_LEVELS))
def test_evidence_download_follows_the_item_visibility(
    client, student, items, viewer_name, item_visibility
):
    evidence = items[item_visibility].evidence.get()
    viewer = make_viewer(viewer_name, student)
    url = reverse("achievements:file", args=[evidence.public_id, "original"])

    response = client_for(client, viewer).get(url)

    if VIEWER_LEVELS[viewer_name] <= item_visibility:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == evidence.file.open("rb").read()
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("viewer_name", ["anonymous", "approved employer", "other student"])
def test_a_public_item_on_a_page_for_supervisors_only_cannot_be_downloaded(
    client, student, items, viewer_name
):
    """The page setting wins: an item cannot be more visible than the page it is on."""
    portfolio_for(student, visibility=V.SUPERVISORS)
    evidence = items[V.PUBLIC].evidence.get()
    viewer = make_viewer(viewer_name, student)

    response = client_for(client, viewer).get(
        reverse("achievements:file", args=[evidence.public_id, "original"])
    )

    assert response.status_code == 404


def test_the_assigned_supervisor_downloads_from_a_page_for_supervisors(client, student, items):
    portfolio_for(student, visibility=V.SUPERVISORS)
    evidence = items[V.SUPERVISORS].evidence.get()
    client.force_login(make_viewer("assigned supervisor", student))

    response = client.get(reverse("achievements:file", args=[evidence.public_id, "original"]))

    assert response.status_code == 200


@pytest.mark.parametrize("page_visibility", list(V), ids=lambda v: v.name)
@pytest.mark.parametrize("viewer_name", list(VIEWER_LEVELS))
def test_photo_is_shown_to_whoever_may_open_the_page(client, student, viewer_name, page_visibility):
    from core.files.uploads import prepare_upload
    from portfolios.services import portfolio_update
    from tests.factories import uploaded_file

    portfolio = portfolio_for(student)
    portfolio_update(
        portfolio=portfolio,
        skills=[],
        photo=prepare_upload(uploaded_file("me.png", png_bytes((80, 80)))),
        visibility=page_visibility,
    )
    viewer = make_viewer(viewer_name, student)
    client = client_for(client, viewer)

    for variant in ("display", "thumb"):
        response = client.get(reverse("portfolios:photo", args=[portfolio.slug, variant]))
        if VIEWER_LEVELS[viewer_name] <= page_visibility:
            assert response.status_code == 200
            assert response["Content-Type"] == "image/png"
        else:
            assert response.status_code == 404


def test_page_without_a_photo_has_no_photo_address(client, student):
    portfolio = portfolio_for(student, visibility=V.PUBLIC)

    response = client.get(reverse("portfolios:photo", args=[portfolio.slug, "display"]))

    assert response.status_code == 404


def test_unknown_address_is_a_404(client, db):
    assert client.get("/p/nobody-here/").status_code == 404


def test_address_is_case_insensitive(client, student):
    portfolio = portfolio_for(student, visibility=V.PUBLIC)

    response = client.get(f"/p/{portfolio.slug.upper()}/")

    assert response.status_code == 200


def test_a_deactivated_students_page_and_files_are_gone(client, student, items):
    portfolio_for(student, visibility=V.PUBLIC)
    evidence = items[V.PUBLIC].evidence.get()
    student.is_active = False
    student.save()
    client.force_login(StaffFactory())

    assert client.get(f"/p/{student.portfolio.slug}/").status_code == 404
    url = reverse("achievements:file", args=[evidence.public_id, "original"])
    assert client.get(url).status_code == 404


def test_unknown_file_variant_is_a_404(client, student, items):
    evidence = items[V.PUBLIC].evidence.get()

    response = client.get(reverse("achievements:file", args=[evidence.public_id, "huge"]))

    assert response.status_code == 404


def test_owner_sees_a_banner_and_visibility_badges_others_do_not(client, student, items):
    portfolio = portfolio_for(student, visibility=V.PUBLIC)
    url = reverse("portfolios:public", args=[portfolio.slug])

    anonymous_html = client.get(url).content.decode()
    client.force_login(student)
    owner_html = client.get(url).content.decode()

    assert "private items included" in owner_html
    assert "Only me" in owner_html
    assert "private items included" not in anonymous_html
    assert "Only me" not in anonymous_html


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ("public", {V.PUBLIC}),
        ("signed-in", {V.SIGNED_IN, V.PUBLIC}),
        ("supervisor", {V.SUPERVISORS, V.SIGNED_IN, V.PUBLIC}),
    ],
)
def test_owner_previews_the_page_as_others_see_it(client, student, items, audience, expected):
    client.force_login(student)

    response = client.get(reverse("portfolios:preview", args=[audience]))

    assert response.status_code == 200
    assert titles_on(response) == {TITLES[v] for v in expected}
    assert response["Cache-Control"] == "private, no-store"


def test_preview_of_an_unknown_audience_is_a_404(client, student, items):
    client.force_login(student)

    assert client.get(reverse("portfolios:preview", args=["staff"])).status_code == 404


@pytest.mark.parametrize("viewer_name", ["assigned supervisor", "approved employer", "staff"])
def test_only_students_have_an_editor(client, student, viewer_name):
    client.force_login(make_viewer(viewer_name, student))

    assert client.get(reverse("portfolios:editor")).status_code == 404
    assert client.get(reverse("portfolios:profile")).status_code == 404
    assert client.get(reverse("portfolios:preview", args=["public"])).status_code == 404


def test_an_email_is_shown_only_if_the_student_opts_in(client, student):
    portfolio = portfolio_for(student, visibility=V.PUBLIC)
    url = reverse("portfolios:public", args=[portfolio.slug])

    assert student.email not in client.get(url).content.decode()
    portfolio_for(student, show_email=True)
    assert f"mailto:{student.email}" in client.get(url).content.decode()


def test_search_engines_are_asked_not_to_index_unless_the_page_is_public_and_allowed(
    client, student
):
    portfolio = portfolio_for(student, visibility=V.PUBLIC)
    url = reverse("portfolios:public", args=[portfolio.slug])
    robots = '<meta name="robots" content="noindex, nofollow">'

    public_html = client.get(url).content.decode()
    assert robots not in public_html
    assert 'property="og:title"' in public_html

    portfolio_for(student, noindex=True)
    assert robots in client.get(url).content.decode()

    portfolio_for(student, noindex=False, visibility=V.SIGNED_IN)
    client.force_login(EmployerFactory(approved=True))
    signed_in_html = client.get(url).content.decode()
    assert robots in signed_in_html
    assert 'property="og:title"' not in signed_in_html


@pytest.mark.parametrize("viewer_name", ["owner", "assigned supervisor", "approved employer"])
def test_a_page_showing_more_than_the_public_sees_is_not_kept_by_shared_caches(
    client, student, items, viewer_name
):
    portfolio = portfolio_for(student, visibility=V.PUBLIC)
    client = client_for(client, make_viewer(viewer_name, student))

    response = client.get(reverse("portfolios:public", args=[portfolio.slug]))

    assert "private" in response["Cache-Control"]
