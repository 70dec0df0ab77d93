"""Cards: never one the student already satisfies, ranked by the model when one passed and
by the rules otherwise (a missing or corrupt model file included)."""

import logging
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from analytics.models import ActivityDay
from portfolios.services import portfolio_update
from recommendations import training
from recommendations.models import ModelVersion
from recommendations.selectors import recommendations_for
from tests.factories import (
    StudentFactory,
    achievement_for,
    pdf_bytes,
    portfolio_for,
    post_for,
    section,
)
from tests.recommendations.conftest import build_history

pytestmark = pytest.mark.django_db


def keys(cards):
    return {card.key for card in cards}


def test_a_new_student_gets_rule_cards_with_reasons_and_links():
    student = StudentFactory()
    portfolio = portfolio_for(student)
    item = achievement_for(portfolio, title="Olympiad 2025", section_code="academic")
    cards = recommendations_for(student, mode="rules", limit=10)
    assert f"evidence:{item.pk}" in keys(cards)
    assert any(key.startswith("section:") for key in keys(cards))
    assert "profile:about" in keys(cards)
    assert len([c for c in cards if c.kind == "section"]) == 2  # at most two of a kind
    evidence = next(c for c in cards if c.kind == "evidence")
    assert "Olympiad 2025" in evidence.text and evidence.url.endswith(f"/{item.pk}/edit/")
    assert not any(card.learned for card in cards)
    assert len(recommendations_for(student, mode="rules")) == 5


def test_what_the_student_already_did_is_never_recommended():
    student = StudentFactory()
    portfolio = portfolio_for(student, about="I teach maths.")
    with_file = achievement_for(portfolio, title="Olympiad", section_code="academic",
                                files=[("a.pdf", pdf_bytes())])  # fmt: skip
    portfolio_update(portfolio=portfolio, skills=["Python"])
    post_for(portfolio, title="This week")
    cards = recommendations_for(student, mode="rules", limit=50)
    found = keys(cards)
    assert f"evidence:{with_file.pk}" not in found  # it has a file
    assert "section:academic" not in found  # the section has an item
    assert "profile:about" not in found
    assert not any(k.startswith("journal:") for k in found)  # a post this month
    assert not any(k.startswith("update:") for k in found)  # updated today
    assert f"verify:{with_file.pk}" in found  # a file, nobody asked to verify it yet


def test_a_quiet_student_is_told_how_long_it_has_been():
    student = StudentFactory(date_joined=timezone.now() - timedelta(days=400))
    portfolio_for(student)
    ActivityDay.objects.filter(student=student).delete()
    ActivityDay.objects.create(
        student=student, day=timezone.localdate() - timedelta(days=45), updates=1
    )
    card = next(c for c in recommendations_for(student, mode="rules") if c.kind == "update")
    assert "45 days" in card.text


def test_skills_of_similar_students_are_suggested():
    student = StudentFactory()
    portfolio_update(portfolio=portfolio_for(student), skills=["Python"])
    for _n in range(3):
        peer = StudentFactory(program=student.program)
        portfolio_update(portfolio=portfolio_for(peer), skills=["Python", "SQL"])
    cards = recommendations_for(student, mode="rules", limit=20)
    skill = next(c for c in cards if c.kind == "skill")
    assert "SQL" in skill.text and "100%" in skill.text


def test_the_model_ranks_the_cards_when_one_passed():
    history = build_history(students=240)
    version = training.train()
    assert version.passed
    student = history["students"][0]
    portfolio = portfolio_for(student)
    achievement_for(portfolio, title="Olympiad", section_code="academic")
    cards = recommendations_for(student, mode="model")
    assert cards and all(card.learned for card in cards)
    assert all(isinstance(card.gain, float) for card in cards)
    # The rules mode ignores the model.
    assert not any(card.learned for card in recommendations_for(student, mode="rules"))


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_a_model_file_that_fails_to_load_falls_back_to_the_rules(damage, caplog):
    student = StudentFactory()
    achievement_for(portfolio_for(student), title="Olympiad", section_code="academic")
    name = "models/recommendations/broken.joblib"
    if damage == "corrupt":
        name = default_storage.save(name, ContentFile(b"not a model"))
    ModelVersion.objects.create(passed=True, update_passed=True, file=name, features=["items"])
    with caplog.at_level(logging.ERROR, logger="recommendations.training"):
        cards = recommendations_for(student, mode="model")
    assert cards and not any(card.learned for card in cards)
    assert "failed to load; using the rules" in caplog.text
    caplog.clear()
    recommendations_for(student, mode="model")
    assert "failed to load" not in caplog.text  # logged once per process


def test_a_section_that_is_switched_off_is_not_recommended():
    student = StudentFactory()
    portfolio_for(student)
    sports = section("sports")
    sports.is_active = False
    sports.save()
    assert "section:sports" not in keys(recommendations_for(student, mode="rules", limit=50))


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        recommendations_for(StudentFactory(), mode="magic")


def test_a_students_cards_cost_the_same_statements_however_full_the_portfolio(
    django_assert_max_num_queries,
):
    student = StudentFactory()
    portfolio = portfolio_for(student)
    recommendations_for(student)  # the program's figures into the cache
    for n in range(3):
        achievement_for(portfolio, title=f"Item {n}", section_code="academic")
    # portfolio, sections, features (4), answers, items, the model version, similar skills
    with django_assert_max_num_queries(11):
        few = recommendations_for(student)
    for n in range(30):
        achievement_for(portfolio, title=f"More {n}", section_code="sports")
    with django_assert_max_num_queries(11):
        many = recommendations_for(student)
    assert few and many
