"""Answering a card: stored, the card goes away, the signals carry it; only one's own."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Exposure, Response
from recommendations.selectors import recommendations_for
from recommendations.services import recommendation_respond, recommendations_mark_shown
from recommendations.signals import recommendation_acted, recommendations_shown
from tests.factories import StudentFactory, SupervisorFactory, achievement_for, portfolio_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def student_with_item():
    student = StudentFactory()
    item = achievement_for(portfolio_for(student), title="Olympiad", section_code="academic")
    return student, item


@pytest.fixture
def received():
    calls = []

    def shown(sender, **kwargs):
        calls.append(("shown", kwargs))

    def acted(sender, **kwargs):
        calls.append(("acted", kwargs))

    recommendations_shown.connect(shown)
    recommendation_acted.connect(acted)
    yield calls
    recommendations_shown.disconnect(shown)
    recommendation_acted.disconnect(acted)


def test_showing_records_exposure_once_per_key_and_sends_the_signal(student_with_item, received):
    student, _item = student_with_item
    cards = recommendations_for(student, mode="rules")
    recommendations_mark_shown(student=student, recommendations=cards, mode="rules")
    recommendations_mark_shown(student=student, recommendations=cards, mode="model")
    assert Exposure.objects.filter(student=student).count() == len(cards)
    assert set(Exposure.objects.values_list("mode", flat=True)) == {"model"}
    assert received[0] == ("shown", {"student": student, "keys": [c.key for c in cards],
                                     "mode": "rules", "signal": recommendations_shown})  # fmt: skip


def test_done_and_not_useful_hide_the_card_for_good(student_with_item, received):
    student, item = student_with_item
    key = f"evidence:{item.pk}"
    recommendation_respond(student=student, key=key, choice="done")
    assert key not in {c.key for c in recommendations_for(student, mode="rules", limit=50)}
    assert received[-1][1]["choice"] == "done" and received[-1][1]["key"] == key
    recommendation_respond(student=student, key="profile:about", choice="not_useful")
    assert "profile:about" not in {c.key for c in recommendations_for(student, limit=50)}
    assert Response.objects.get(student=student, key=key).hidden_until is None


def test_not_now_hides_the_card_for_some_days(student_with_item):
    student, item = student_with_item
    key = f"evidence:{item.pk}"
    response = recommendation_respond(student=student, key=key, choice="later")
    assert key not in {c.key for c in recommendations_for(student, mode="rules", limit=50)}
    Response.objects.filter(pk=response.pk).update(
        hidden_until=timezone.now() - timedelta(minutes=1)
    )
    assert key in {c.key for c in recommendations_for(student, mode="rules", limit=50)}


def test_the_buttons_post_and_come_back(client, student_with_item):
    student, item = student_with_item
    client.force_login(student)
    url = reverse("recommendations:respond", args=[f"evidence:{item.pk}"])
    response = client.post(url, {"choice": "done", "next": reverse("portfolios:editor")})
    assert response.status_code == 302 and response.url == reverse("portfolios:editor")
    assert Response.objects.get(student=student).choice == "done"
    # A foreign "next" is ignored.
    response = client.post(url, {"choice": "later", "next": "https://evil.example/"})
    assert response.url == reverse("accounts:dashboard")


def test_with_htmx_the_answer_is_empty_so_the_card_is_swapped_out(client, student_with_item):
    student, item = student_with_item
    client.force_login(student)
    url = reverse("recommendations:respond", args=[f"evidence:{item.pk}"])
    response = client.post(url, {"choice": "not_useful"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content == b""
    assert Response.objects.get(student=student).choice == "not_useful"


def test_a_wrong_answer_stores_nothing_and_says_why(client, student_with_item):
    student, item = student_with_item
    client.force_login(student)
    url = reverse("recommendations:respond", args=[f"evidence:{item.pk}"])
    response = client.post(url, {"choice": "maybe"}, follow=True)
    assert "Choose done, not now or not useful." in response.content.decode()
    assert not Response.objects.exists()


def test_a_student_answers_only_their_own_cards(client, student_with_item):
    _student, item = student_with_item
    other = StudentFactory()
    portfolio_for(other)
    client.force_login(other)
    for key in [f"evidence:{item.pk}", f"verify:{item.pk}", "evidence:999999", "bogus:1",
                "section:nope", "update:soon"]:  # fmt: skip
        response = client.post(reverse("recommendations:respond", args=[key]), {"choice": "done"})
        assert response.status_code == 404, key
    client.force_login(SupervisorFactory())
    response = client.post(
        reverse("recommendations:respond", args=["profile:about"]), {"choice": "done"}
    )
    assert response.status_code == 404
    assert not Response.objects.exists()


def test_visitors_are_sent_to_sign_in_and_a_get_is_refused(client):
    url = reverse("recommendations:respond", args=["profile:about"])
    assert client.get(url).status_code == 405
    response = client.post(url, {"choice": "done"})
    assert response.status_code == 302 and reverse("accounts:login") in response.url
