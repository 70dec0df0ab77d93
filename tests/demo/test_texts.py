"""The demo is written mostly in Russian and Kyrgyz, some of it in English: each student
writes in one language, and supervisors and employers answer in it."""

import re

import pytest
from django.core.management import call_command

from accounts.models import User
from achievements.models import Achievement
from demo.texts import writing_language
from feedback.models import EmployerFeedback, Review
from journal.models import Post

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile(r"[А-Яа-яЁёҢңӨөҮү]")
KYRGYZ = re.compile(r"[ҢңӨөҮү]")


def language_of(text: str) -> str:
    if KYRGYZ.search(text):
        return "ky"
    return "ru" if CYRILLIC.search(text) else "en"


def test_writing_languages_are_mostly_russian_and_kyrgyz():
    languages = [writing_language(User(username=f"student{n}")) for n in range(1, 101)]
    assert 40 <= languages.count("ru") <= 50
    assert 30 <= languages.count("ky") <= 40
    assert 15 <= languages.count("en") <= 25
    assert writing_language(User(username="student1")) == "en"  # the showcase portfolio


def test_demo_content_comes_in_all_three_languages(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--students", "20", verbosity=0)
    others = Achievement.objects.exclude(portfolio__student__username="student1")
    titles = list(others.values_list("title", flat=True))
    assert titles
    cyrillic_share = sum(bool(CYRILLIC.search(t)) for t in titles) / len(titles)
    assert 0.6 <= cyrillic_share < 1
    assert {language_of(t) for t in titles} == {"ru", "ky", "en"}

    # One language per student, in every piece of their content.
    for student in User.objects.students().exclude(username="student1"):
        language = writing_language(student)
        items = Achievement.objects.filter(portfolio__student=student)
        posts = Post.objects.filter(portfolio__student=student)
        own = [*items.values_list("title", "description"), *posts.values_list("title", "body")]
        for title, body in own:
            assert (CYRILLIC.search(title) is not None) == (language != "en"), title
            assert (CYRILLIC.search(body) is not None) == (language != "en"), body
        for review in Review.objects.filter(student=student):
            feedback = review.feedback.replace(student.first_name, "")  # the name is Cyrillic
            assert (CYRILLIC.search(feedback) is not None) == (language != "en")

    for feedback in EmployerFeedback.objects.select_related("portfolio__student"):
        language = writing_language(feedback.portfolio.student)
        assert (CYRILLIC.search(feedback.comment) is not None) == (language != "en")
