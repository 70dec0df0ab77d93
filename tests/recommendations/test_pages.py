"""The cards on the student's dashboard and editor, and "needs attention" on the
supervisor's dashboard, in a number of queries that does not grow with the rows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.models import ActivityDay
from recommendations import training
from recommendations.models import Exposure
from tests.factories import (
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    achievement_for,
    portfolio_for,
)
from tests.recommendations.conftest import build_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def student(client):
    student = StudentFactory()
    achievement_for(portfolio_for(student), title="Olympiad 2025", section_code="academic")
    client.force_login(student)
    client.get(reverse("accounts:dashboard"))  # the portfolio's first visit and warm caches
    return student


@pytest.mark.parametrize("page", ["accounts:dashboard", "portfolios:editor"])
def test_cards_show_with_their_buttons(client, student, page, django_assert_max_num_queries):
    for n in range(10):
        achievement_for(student.portfolio, title=f"Item {n}", section_code="academic")
    with django_assert_max_num_queries(40):
        response = client.get(reverse(page))
    html = response.content.decode()
    assert "Suggested for you" in html
    assert "Chosen by simple rules" in html
    cards = response.context["recommendations"]
    assert 0 < len(cards) <= 5
    assert cards[0].text in html.replace("&ldquo;", "“") or "Olympiad" in html
    assert html.count('name="choice" value="done"') == len(cards)
    assert Exposure.objects.filter(student=student).count() >= len(cards)


def test_answering_without_javascript_removes_the_card(client, student):
    cards = client.get(reverse("accounts:dashboard")).context["recommendations"]
    first = cards[0]
    response = client.post(
        reverse("recommendations:respond", args=[first.key]),
        {"choice": "done", "next": reverse("accounts:dashboard")},
        follow=True,
    )
    assert "Well done!" in response.content.decode()
    assert first.key not in {c.key for c in response.context["recommendations"]}


def test_no_cards_when_the_mode_says_none(client, student, monkeypatch):
    from pages import recommending

    monkeypatch.setattr(recommending, "recommendation_mode", lambda student: None)
    Exposure.objects.all().delete()
    for page in ("accounts:dashboard", "portfolios:editor"):
        html = client.get(reverse(page)).content.decode()
        assert "Suggested for you" not in html
    assert not Exposure.objects.exists()


def test_supervisor_sees_quiet_students_first_by_the_rules(client, django_assert_max_num_queries):
    supervisor = SupervisorFactory()
    quiet = StudentFactory(first_name="Тихий", date_joined=timezone.now() - timedelta(days=400))
    busy = StudentFactory(first_name="Активный")
    for s in (quiet, busy):
        SupervisorAssignmentFactory(supervisor=supervisor, student=s)
        portfolio_for(s)
    achievement_for(busy.portfolio, title="Fresh", section_code="academic")
    ActivityDay.objects.filter(student=quiet).delete()
    ActivityDay.objects.create(
        student=quiet, day=timezone.localdate() - timedelta(days=80), updates=1
    )
    client.force_login(supervisor)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("accounts:dashboard"))
    html = response.content.decode()
    assert "Needs attention" in html
    attention = response.context["attention"]
    assert attention[0].student == quiet and not attention[0].learned
    assert "No update in 80 days" in attention[0].reasons
    assert busy not in [item.student for item in attention]


def test_supervisor_list_uses_the_model_when_one_passed(client):
    history = build_history(students=240)
    assert training.train().update_passed
    supervisor = SupervisorFactory()
    for s in history["students"][:30]:
        SupervisorAssignmentFactory(supervisor=supervisor, student=s)
    client.force_login(supervisor)
    response = client.get(reverse("accounts:dashboard"))
    attention = response.context["attention"]
    assert attention and all(item.learned for item in attention)
    risks = [item.risk for item in attention]
    assert risks == sorted(risks, reverse=True)
    assert "learned from your institution" in response.content.decode()
