"""Synthetic history for the recommendation models: four terms (three finished long enough
ago, the current one), students whose daily updates and review scores are written straight
into analytics' roll-ups, either following each student's diligence (a real signal) or
drawn at random (noise)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.models import ActivityDay, StudentActivity, StudentTermActivity
from feedback.models import Term
from recommendations import training
from tests.factories import ProgramFactory, StudentFactory


@pytest.fixture(autouse=True)
def _no_model_kept_between_tests():
    training.forget_loaded()
    yield
    training.forget_loaded()


def make_terms(today=None) -> list[Term]:
    today = today or timezone.localdate()
    spans = [(-600, -450), (-420, -270), (-240, -90), (-60, 60)]
    terms = []
    for i, (start, end) in enumerate(spans):
        terms.append(
            Term.objects.create(
                name_en=f"Synthetic term {i + 1}",
                starts_on=today + timedelta(days=start),
                ends_on=today + timedelta(days=end),
                is_current=(i == len(spans) - 1),
            )
        )
    return terms


def build_history(*, students: int = 240, signal: bool = True, seed: int = 7) -> dict:
    """Students in two programs with updates and scores per term. With ``signal`` a
    student's diligence in a term drives how often they update before its end, whether
    they update in the 30 days after, and next term's score; without it those outcomes are
    coin tosses and random scores."""
    rng = random.Random(seed)
    terms = make_terms()
    programs = [ProgramFactory(), ProgramFactory()]
    joined = timezone.now() - timedelta(days=3 * 365)
    people = [StudentFactory(program=programs[i % 2], date_joined=joined) for i in range(students)]
    days, term_rows = [], []
    for student in people:
        base = rng.random()
        diligence = [min(1.0, max(0.0, base + rng.gauss(0, 0.1))) for _t in terms]
        active_days: set = set()
        for k, term in enumerate(terms):
            d = diligence[k]
            # Updates within the 90 days before the term's end: as many as diligence says.
            for _n in range(int(rng.random() * 2 + 25 * d) if signal else rng.randint(0, 8)):
                active_days.add(term.ends_on - timedelta(days=rng.randint(0, 89)))
            updates_after = rng.random() < (0.02 + 0.96 * d if signal else 0.5)
            if updates_after and k < len(terms) - 1:
                active_days.add(term.ends_on + timedelta(days=rng.randint(3, 28)))
            score = 35 + 55 * d + rng.gauss(0, 8) if signal else rng.uniform(30, 95)
            term_rows.append(
                StudentTermActivity(
                    student=student,
                    term=term,
                    updates=0,
                    active_weeks=0,
                    score_sum=round(max(0, min(100, score)), 2),
                    review_count=1,
                )  # fmt: skip
            )
        today = timezone.localdate()
        days += [
            ActivityDay(student=student, day=day, updates=1 + rng.randint(0, 2))
            for day in sorted(active_days)
            if day <= today
        ]
    ActivityDay.objects.bulk_create(days, batch_size=5000)
    StudentTermActivity.objects.bulk_create(term_rows, batch_size=5000)
    StudentActivity.objects.bulk_create(
        [StudentActivity(student=s, program=s.program, cohort=s.cohort) for s in people],
        ignore_conflicts=True,
    )
    return {"terms": terms, "students": people, "programs": programs}
