"""Demo journals: student1 keeps a real one (public posts, a draft, a scheduled post, one
with a picture made here by code, one for supervisors only); a few other students have a
post or two. Idempotent: a portfolio that already has posts is left as it is."""

from __future__ import annotations

import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from core.files.uploads import prepare_upload
from demo import texts
from demo.portfolios import make_image
from journal.models import Post, Status
from journal.services import post_create
from portfolios.models import Visibility
from portfolios.services import portfolio_get_or_create

V = Visibility

# title, body, tags, visibility, status, days ago (negative: scheduled), with a picture
STUDENT1_POSTS = [
    (
        "My first week of teaching practice",
        "This week I taught **informatics** to 7th grade for the first time.\n\n"
        "- the pupils liked the Scratch exercises\n"
        "- timing was hard: I planned too much for 45 minutes\n\n"
        "Next week I will try [pair programming](https://en.wikipedia.org/wiki/Pair_programming).",
        ["teaching practice", "informatics"],
        V.PUBLIC,
        Status.PUBLISHED,
        40,
        False,
    ),
    (
        "Robotics club: the line follower",
        "Our school robotics club built a line-following robot. Here is the final track.\n\n"
        "The hardest part was tuning the *PID* controller.",
        ["robotics", "school club"],
        V.PUBLIC,
        Status.PUBLISHED,
        25,
        True,
    ),
    (
        "What I learned at the EdTech conference",
        "## Three ideas\n\n1. short feedback loops\n2. open data for schools\n"
        "3. portfolios as a habit, not an exam\n\n"
        "| Talk | Rating |\n|---|---|\n| Learning analytics | 5 |\n| AI tutors | 4 |",
        ["conference", "learning analytics"],
        V.PUBLIC,
        Status.PUBLISHED,
        12,
        False,
    ),
    (
        "A small Django tool for class attendance",
        "I wrote a small web tool that replaces the paper register. Code review from my "
        "supervisor next week.",
        ["python", "django"],
        V.PUBLIC,
        Status.PUBLISHED,
        5,
        False,
    ),
    (
        "Reflection on my lesson observation",
        "Notes for my supervisor: what went well and what I would change in the lesson on loops.",
        ["teaching practice", "reflection"],
        V.SUPERVISORS,
        Status.PUBLISHED,
        3,
        False,
    ),
    (
        "Thesis plan (draft)",
        "Working title: *Activity and outcomes in student web portfolios*.",
        ["thesis"],
        V.SUPERVISORS,
        Status.DRAFT,
        0,
        False,
    ),
    (
        "Summer school announcement",
        "I will be a volunteer tutor at the summer coding school.",
        ["volunteering"],
        V.PUBLIC,
        Status.PUBLISHED,
        -7,
        False,
    ),
]


def _picture(title: str, seed: int):
    content = make_image(title[:28], "Robotics club", seed=seed, size=(900, 600))
    return prepare_upload(SimpleUploadedFile("robot.jpg", content))


def seed_student1(student: User) -> int:
    portfolio = portfolio_get_or_create(student=student)
    if Post.objects.filter(portfolio=portfolio).exists():
        return 0
    now = timezone.now()
    for number, row in enumerate(STUDENT1_POSTS):
        title, body, tags, visibility, status, days_ago, picture = row
        post_create(
            portfolio=portfolio, title=title, body=body, tags=tags, visibility=visibility,
            status=status,
            published_at=now - timedelta(days=days_ago) if status == Status.PUBLISHED else None,
            files=[_picture(title, number)] if picture else [],
        )  # fmt: skip
    return len(STUDENT1_POSTS)


def seed_others(students, *, seed_value: int = 11) -> int:
    rng = random.Random(seed_value)
    created = 0
    for student in students:
        if rng.random() > 0.3:
            continue
        portfolio = portfolio_get_or_create(student=student)
        if Post.objects.filter(portfolio=portfolio).exists():
            continue
        language = texts.writing_language(student)
        for number in range(rng.randint(1, 2)):
            post_create(
                portfolio=portfolio,
                title=rng.choice(texts.POST_TITLES[language]),
                body=texts.POST_BODY[language],
                tags=[rng.choice(texts.POST_TAGS[language])],
                visibility=rng.choice([V.SUPERVISORS, V.SIGNED_IN, V.PUBLIC]),
                status=Status.PUBLISHED,
                published_at=timezone.now() - timedelta(days=rng.randint(1, 200) + number),
            )
            created += 1
    return created


def seed(*, student1: User | None, others) -> int:
    created = seed_student1(student1) if student1 is not None else 0
    return created + seed_others(others)
