"""Language quality in Russian and Kyrgyz: the default rubric's names, criterion names in
the viewer's language, CLDR's number and date formats, the glossary, the admin's own
strings, and translated form validation instead of the browser's English tooltips."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.template.loader import render_to_string
from django.utils import translation

from feedback.models import Review, RubricCriterion
from feedback.services.reviews import review_save
from tests.factories import (
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    TermFactory,
    default_rubric,
    portfolio_for,
    scores_for,
)

CRITERION_MIGRATION = "feedback.migrations.0004_criterion_name_fixes_and_translated_history"


# --- The default rubric ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_default_rubric_names_its_criteria_correctly():
    names = list(default_rubric().criteria.values_list("name_en", "name_ru", "name_ky"))
    assert names[0] == ("Completeness", "Полнота", "Толуктук")
    assert (
        "Professional relevance",
        "Профессиональная значимость",
        "Кесиптик маанилүүлүк",
    ) in names


@pytest.mark.django_db
def test_the_migration_fixes_only_rows_that_still_hold_the_typo():
    migration = importlib.import_module(CRITERION_MIGRATION)
    rubric = default_rubric()
    typo = rubric.criteria.get(name_en="Completeness")
    RubricCriterion.objects.filter(pk=typo.pk).update(name_ru="Толнота", name_ky="Толуктугу")
    edited = rubric.criteria.get(name_en="Reflection")
    RubricCriterion.objects.filter(pk=edited.pk).update(name_ru="Толнота и глубина")

    migration.fix_names(django_apps, None)

    typo.refresh_from_db()
    edited.refresh_from_db()
    assert (typo.name_ru, typo.name_ky) == ("Полнота", "Толуктук")
    assert edited.name_ru == "Толнота и глубина"


# --- Criterion names in the viewer's language -----------------------------------------


@pytest.fixture
def changed_review():
    """A released review its supervisor then changed: one earlier version in its history."""
    supervisor = SupervisorFactory()
    student = StudentFactory()
    portfolio_for(student)
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    term = TermFactory(is_current=True)
    rubric = default_rubric()
    review_save(
        supervisor=supervisor, student=student, term=term,
        scores=scores_for(rubric, 81, 77, 64, 93, 58), feedback="First", release=True,
    )  # fmt: skip
    review = review_save(
        supervisor=supervisor, student=student, term=term,
        scores=scores_for(rubric, 90, 77, 64, 93, 58), feedback="Second", release=True,
    )  # fmt: skip
    assert review.revisions.count() == 1
    return review


def _history(review) -> str:
    html = render_to_string("feedback/_review_card.html", {"review": review, "show_history": True})
    return html.split("<details", 1)[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "name"), [("en", "Completeness"), ("ru", "Полнота"), ("ky", "Толуктук")]
)
def test_review_history_names_criteria_in_the_viewers_language(changed_review, language, name):
    with translation.override(language):
        history = _history(Review.objects.get(pk=changed_review.pk))
    assert f"{name} 81" in history
    if language != "en":
        assert "Completeness" not in history


@pytest.mark.django_db
def test_the_migration_gives_old_history_its_translated_names(changed_review):
    migration = importlib.import_module(CRITERION_MIGRATION)
    revision = changed_review.revisions.get()
    revision.scores = [
        {"criterion": entry["criterion"], "weight": entry["weight"], "score": entry["score"]}
        for entry in revision.scores
    ]
    revision.save()

    migration.translate_revision_names(django_apps, None)

    with translation.override("ky"):
        history = _history(Review.objects.get(pk=changed_review.pk))
    assert "Толуктук 81" in history
    assert "Completeness" not in history
