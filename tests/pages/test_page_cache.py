"""The public page's body is cached. A change the student makes shows at once, and what one
viewer was shown is never served to a viewer who may see less."""

import re

import pytest
from django.urls import reverse

from achievements.models import Achievement
from portfolios.models import Visibility
from portfolios.services import share_link_create
from tests.factories import (
    StudentFactory,
    SupervisorAssignmentFactory,
    achievement_for,
    pdf_bytes,
    portfolio_for,
    uploaded_file,
)

pytestmark = pytest.mark.django_db

V = Visibility


def titles_on(html):
    return [t.strip() for t in re.findall(r'<h3 id="achievement-\d+"[^>]*>([^<]*)', html)]


@pytest.fixture
def student():
    return StudentFactory(username="aida")


@pytest.fixture
def portfolio(student):
    portfolio = portfolio_for(student, visibility=V.PUBLIC, about="Old about")
    for title in ("First", "Second"):
        achievement_for(
            portfolio,
            title=title,
            visibility=V.PUBLIC,
            section_code="sports",
            files=[(f"{title}.pdf", pdf_bytes(title))],
        )
    achievement_for(portfolio, title="For my supervisor", visibility=V.SUPERVISORS)
    achievement_for(portfolio, title="Only mine", visibility=V.PRIVATE)
    return portfolio


def public_html(client, portfolio):
    client.logout()
    response = client.get(reverse("portfolios:public", args=[portfolio.slug]))
    assert response.status_code == 200
    return response.content.decode()


def as_owner(client, portfolio):
    client.force_login(portfolio.student)
    return client


# --- Changes show at once ----------------------------------------------------------------


def test_an_item_made_private_disappears_at_once(client, portfolio):
    assert "First" in titles_on(public_html(client, portfolio))
    first = Achievement.objects.get(title="First")

    as_owner(client, portfolio).post(
        reverse("achievements:edit", args=[first.pk]),
        {"category": first.category_id, "title": "First", "visibility": V.PRIVATE},
    )

    assert "First" not in titles_on(public_html(client, portfolio))


def test_an_edited_title_shows_at_once(client, portfolio):
    public_html(client, portfolio)
    first = Achievement.objects.get(title="First")

    as_owner(client, portfolio).post(
        reverse("achievements:edit", args=[first.pk]),
        {"category": first.category_id, "title": "First, renamed", "visibility": V.PUBLIC},
    )

    assert "First, renamed" in titles_on(public_html(client, portfolio))


def test_a_deleted_item_disappears_at_once(client, portfolio):
    public_html(client, portfolio)
    first = Achievement.objects.get(title="First")

    as_owner(client, portfolio).post(reverse("achievements:delete", args=[first.pk]))

    assert titles_on(public_html(client, portfolio)) == ["Second"]


def test_a_new_order_shows_at_once(client, portfolio):
    assert titles_on(public_html(client, portfolio)) == ["First", "Second"]
    second = Achievement.objects.get(title="Second")

    as_owner(client, portfolio).post(reverse("achievements:move", args=[second.pk, "up"]))

    assert titles_on(public_html(client, portfolio)) == ["Second", "First"]


def test_evidence_changes_show_at_once(client, portfolio):
    public_html(client, portfolio)
    first = Achievement.objects.get(title="First")
    evidence = first.evidence.get()
    owner = as_owner(client, portfolio)

    owner.post(
        reverse("achievements:evidence-caption", args=[evidence.public_id]),
        {"caption": "Signed by the rector"},
    )
    assert "Signed by the rector" in public_html(client, portfolio)

    as_owner(client, portfolio).post(
        reverse("achievements:evidence-upload", args=[first.pk]),
        {"files": [uploaded_file("programme.pdf", pdf_bytes())]},
    )
    assert "programme.pdf" in public_html(client, portfolio)

    as_owner(client, portfolio).post(
        reverse("achievements:evidence-delete", args=[evidence.public_id])
    )
    assert str(evidence.public_id) not in public_html(client, portfolio)


def test_profile_changes_show_at_once(client, portfolio):
    assert "Old about" in public_html(client, portfolio)

    as_owner(client, portfolio).post(
        reverse("portfolios:profile"),
        {
            "about": "New **about**",
            "slug": portfolio.slug,
            "visibility": V.PUBLIC,
            "default_visibility": V.SUPERVISORS,
            "skills_text": "Robotics",
        },
    )

    html = public_html(client, portfolio)
    assert "New <strong>about</strong>" in html
    assert "Old about" not in html
    assert "Robotics" in html


# --- One viewer's page is never shown to another ------------------------------------------


def test_what_the_owner_saw_is_not_shown_to_the_public(client, portfolio):
    owner_html = as_owner(client, portfolio).get(f"/p/{portfolio.slug}/").content.decode()
    assert "Only mine" in owner_html

    html = public_html(client, portfolio)

    assert titles_on(html) == ["First", "Second"]
    assert "Only me" not in html  # the owner's visibility badges


def test_what_a_supervisor_saw_is_not_shown_to_the_public(client, portfolio):
    client.force_login(SupervisorAssignmentFactory(student=portfolio.student).supervisor)
    assert "For my supervisor" in client.get(f"/p/{portfolio.slug}/").content.decode()

    assert "For my supervisor" not in public_html(client, portfolio)


def test_a_secret_link_never_leaks_into_the_public_page(client, portfolio):
    link = share_link_create(portfolio=portfolio, label="Company X")
    assert link.token in client.get(f"/s/{link.token}/").content.decode()

    assert link.token not in public_html(client, portfolio)


def test_a_russian_page_is_not_served_in_english(client, portfolio):
    english = public_html(client, portfolio)
    assert "Sports" in english

    russian = client.get(
        reverse("portfolios:public", args=[portfolio.slug]), headers={"Accept-Language": "ru"}
    ).content.decode()

    assert "Спорт" in russian
    assert "Sports" not in russian
