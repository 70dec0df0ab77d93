"""Query budgets: the public page, the shared page and the editor cost a fixed number of
queries, however many achievements and files a portfolio has."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from achievements.models import Achievement, Evidence
from core.files.uploads import Kind
from portfolios.models import Category, Skill, Visibility
from portfolios.services import share_link_create
from tests.factories import (
    StudentFactory,
    SupervisorAssignmentFactory,
    portfolio_for,
)

pytestmark = pytest.mark.django_db

BUDGET = 12
# The editor also shows the suggested next steps (pages/recommending.py): the portfolio, the
# sections, the student's features (4), their answers and items, and the cards recorded as
# shown (a savepoint, an INSERT, its release). The program's figures are cached: each editor
# test visits once first, as a student who comes back does.
EDITOR_BUDGET = BUDGET + 12


def fill(portfolio, count):
    """``count`` public achievements spread over every section, each with an image, a PDF
    and a video link, and two skills. Rows only: these pages never read the files."""
    categories = list(Category.objects.filter(is_active=True))
    python, _ = Skill.objects.get_or_create(key="python", defaults={"name": "Python"})
    teaching, _ = Skill.objects.get_or_create(key="teaching", defaults={"name": "Teaching"})
    start = Achievement.objects.filter(portfolio=portfolio).count()
    achievements = Achievement.objects.bulk_create(
        Achievement(
            portfolio=portfolio,
            category=categories[number % len(categories)],
            title=f"Achievement number {number}",
            description=f"Did **thing {number}**.",
            visibility=Visibility.PUBLIC,
            order=number,
        )
        for number in range(start, start + count)
    )
    evidence = []
    for achievement in achievements:
        hex_id = f"{achievement.pk:032x}"
        evidence += [
            Evidence(
                achievement=achievement, kind=Kind.IMAGE, file=f"evidence/00/{hex_id}.png",
                display_file=f"evidence/01/{hex_id}.png",
                thumbnail_file=f"evidence/02/{hex_id}.png",
                original_name="certificate.png", content_type="image/png", size=1000,
                width=800, height=600, order=1,
            ),
            Evidence(
                achievement=achievement, kind=Kind.PDF, file=f"evidence/03/{hex_id}.pdf",
                original_name="report.pdf", content_type="application/pdf", size=2000, order=2,
            ),
            Evidence(
                achievement=achievement, kind=Kind.LINK,
                external_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ", order=3,
            ),
        ]  # fmt: skip
    Evidence.objects.bulk_create(evidence)
    for achievement in achievements:
        achievement.skills.add(python, teaching)


@pytest.fixture
def student():
    student = StudentFactory(username="aida")
    portfolio = portfolio_for(
        student, visibility=Visibility.PUBLIC, headline="Future teacher", about="**Hi**",
        photo="photos/00/0123456789abcdef0123456789abcdef.png",
    )  # fmt: skip
    portfolio.skills.add(Skill.objects.create(name="Chess", key="chess"))
    return student


def queries_for(client, url, *, expect_items, marker='<h3 id="achievement-'):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count(marker) == expect_items
    return len(captured)


@pytest.mark.parametrize("viewer", ["anonymous", "supervisor"])
def test_public_page_stays_within_budget_and_does_not_grow(client, student, viewer):
    if viewer == "supervisor":
        client.force_login(SupervisorAssignmentFactory(student=student).supervisor)
    url = reverse("portfolios:public", args=[student.portfolio.slug])

    fill(student.portfolio, 5)
    small = queries_for(client, url, expect_items=5)
    fill(student.portfolio, 25)
    large = queries_for(client, url, expect_items=30)

    assert large == small
    assert large <= BUDGET


def test_public_page_budget_with_the_pytest_django_assertion(
    client, student, django_assert_max_num_queries
):
    fill(student.portfolio, 30)

    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("portfolios:public", args=[student.portfolio.slug]))

    assert response.content.decode().count('class="evidence-item') == 90


def test_shared_page_stays_within_budget_and_does_not_grow(client, student):
    link = share_link_create(portfolio=student.portfolio, label="Company X")
    url = reverse("portfolios:shared", args=[link.token])

    # Each measure is a first visit (a new visitor): a visit counts once per session.
    fill(student.portfolio, 5)
    small = queries_for(Client(), url, expect_items=5)
    fill(student.portfolio, 25)
    large = queries_for(Client(), url, expect_items=30)

    assert large == small
    assert large <= BUDGET


def test_editor_stays_within_budget_and_does_not_grow(client, student):
    client.force_login(student)
    url = reverse("portfolios:editor")
    client.get(url)

    fill(student.portfolio, 5)
    small = queries_for(client, url, expect_items=5, marker='class="fw-semibold"')
    fill(student.portfolio, 25)
    large = queries_for(client, url, expect_items=30, marker='class="fw-semibold"')

    assert large == small
    assert large <= EDITOR_BUDGET


def test_editor_budget_with_the_pytest_django_assertion(
    client, student, django_assert_max_num_queries
):
    fill(student.portfolio, 30)
    client.force_login(student)
    client.get(reverse("portfolios:editor"))

    with django_assert_max_num_queries(EDITOR_BUDGET):
        response = client.get(reverse("portfolios:editor"))

    assert response.content.decode().count("3 files") == 30
