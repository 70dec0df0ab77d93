"""The student's dashboard: a completeness meter, guidance for every empty section, and the
ways to see the page as others do."""

import re

import pytest
from django.urls import reverse

from core.files.uploads import prepare_upload
from portfolios.models import Category
from portfolios.services import portfolio_update
from tests.factories import (
    StudentFactory,
    achievement_for,
    pdf_bytes,
    png_bytes,
    portfolio_for,
    uploaded_file,
)

pytestmark = pytest.mark.django_db

ACADEMIC_GUIDANCE = "Grades and transcripts, coursework, participation in research."


@pytest.fixture
def student(client):
    student = StudentFactory(username="aida")
    portfolio_for(student)
    client.force_login(student)
    return student


def completeness_on(html):
    return int(re.search(r'aria-label="Completeness" aria-valuenow="(\d+)"', html).group(1))


def test_an_empty_portfolio_says_what_to_add_in_every_section(client, student):
    html = client.get(reverse("portfolios:editor")).content.decode()

    assert completeness_on(html) == 0
    assert "To complete it, add: a headline, a few lines about you, a photo, your skills" in html
    assert ACADEMIC_GUIDANCE in html
    for category in Category.objects.filter(is_active=True):
        assert f'id="section-{category.code}"' in html
        assert category.guidance_en[:40] in html


def test_a_section_with_items_shows_them_instead_of_guidance(client, student):
    achievement_for(student.portfolio, title="Exam: 5", section_code="academic")

    html = client.get(reverse("portfolios:editor")).content.decode()

    assert "Exam: 5" in html
    assert ACADEMIC_GUIDANCE not in html
    assert completeness_on(html) > 0


def test_a_complete_portfolio_reaches_100_percent(client, student):
    portfolio = student.portfolio
    portfolio_update(
        portfolio=portfolio,
        skills=["Python"],
        photo=prepare_upload(uploaded_file("me.png", png_bytes())),
        headline="Future teacher",
        about="Hello",
    )
    for category in Category.objects.filter(is_active=True):
        achievement_for(
            portfolio,
            title=f"In {category.code}",
            section_code=category.code,
            files=[("proof.pdf", pdf_bytes())],
        )

    html = client.get(reverse("portfolios:editor")).content.decode()

    assert completeness_on(html) == 100
    assert "Your portfolio is complete." in html


def test_items_without_evidence_keep_the_meter_below_100(client, student):
    portfolio = student.portfolio
    portfolio_update(
        portfolio=portfolio,
        skills=["Python"],
        photo=prepare_upload(uploaded_file("me.png", png_bytes())),
        headline="Future teacher",
        about="Hello",
    )
    for category in Category.objects.filter(is_active=True):
        achievement_for(portfolio, title=f"In {category.code}", section_code=category.code)

    html = client.get(reverse("portfolios:editor")).content.decode()

    assert completeness_on(html) == 85
    assert "evidence for every achievement" in html


def test_the_editor_links_to_the_three_previews(client, student):
    html = client.get(reverse("portfolios:editor")).content.decode()

    for audience in ("public", "signed-in", "supervisor"):
        url = reverse("portfolios:preview", args=[audience])
        assert url in html
        assert client.get(url).status_code == 200


def test_the_editor_needs_a_signed_in_student(client, student):
    client.logout()

    response = client.get(reverse("portfolios:editor"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_empty_portfolio_is_not_told_to_add_evidence_to_every_achievement(client, student):
    """With no achievement, "evidence for every achievement" made no sense."""
    editor = client.get(reverse("portfolios:editor")).content.decode()
    assert "evidence for every achievement" not in editor
    assert "your first achievement, with a file that proves it" in editor
    dashboard = client.get(reverse("accounts:dashboard"))
    steps = {str(step.title): step for step in dashboard.context["steps"]}
    assert "Add your first achievement with evidence" in steps
    assert steps["Add your first achievement with evidence"].url_name == "achievements:create"


def test_achievements_without_evidence_are_asked_for_evidence_not_a_first_achievement(
    client, student
):
    achievement_for(student.portfolio, title="Chess cup")
    editor = client.get(reverse("portfolios:editor")).content.decode()
    assert "evidence for every achievement" in editor
    assert "your first achievement" not in editor
    steps = {str(s.title): s for s in client.get(reverse("accounts:dashboard")).context["steps"]}
    assert "Add your first achievement with evidence" not in steps
    step = steps["Attach evidence to one of your achievements"]
    assert (step.done, step.url_name) == (False, "portfolios:editor")
