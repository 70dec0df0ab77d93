"""A population with two terms of roll-ups, fast: students from the factory (no portfolio
needed) and their per-term activity written straight into analytics' roll-up table, as
analytics' rollups keep it from the activity log."""

import datetime

import numpy as np
import pytest

from analytics.models import StudentTermActivity
from tests.factories import CohortFactory, ProgramFactory, StudentFactory, TermFactory


@pytest.fixture
def terms():
    before = TermFactory(name_en="2025–26 spring", starts_on=datetime.date(2026, 2, 1),
                         ends_on=datetime.date(2026, 6, 30))  # fmt: skip
    current = TermFactory(name_en="2026–27 autumn", starts_on=datetime.date(2026, 9, 1),
                          ends_on=datetime.date(2027, 1, 25), is_current=True)  # fmt: skip
    return before, current


@pytest.fixture
def programs():
    # Fixed ids: the assignment hashes the program too (each stratum's first arm).
    return [ProgramFactory(id=900_000 + i, code=f"p{i}", name_en=f"Program {i}") for i in range(3)]


def make_students(count, programs, *, cohort=None, prefix="s", first_id=None):
    """``count`` students spread over ``programs``; ``first_id`` fixes their ids (the
    assignment hashes the id), so a simulation assigns the same way every run."""
    cohort = cohort or CohortFactory(entry_year=2025)
    ids = {} if first_id is None else {"id": first_id}
    students = []
    for i in range(count):
        if first_id is not None:
            ids["id"] = first_id + i
        students.append(
            StudentFactory(
                username=f"{prefix}{i}", program=programs[i % len(programs)], cohort=cohort, **ids
            )
        )
    return students


def plant(students, term, *, updates, scores=None):
    """Each student's updates (and review score) in ``term``, as the roll-ups hold them."""
    rows = []
    for i, student in enumerate(students):
        score = None if scores is None else scores[i]
        rows.append(StudentTermActivity(
            student=student, term=term, updates=int(updates[i]),
            active_weeks=min(int(updates[i]), 10),
            score_sum=0 if score is None or np.isnan(score) else round(float(score), 2),
            review_count=0 if score is None or np.isnan(score) else 1,
        ))  # fmt: skip
    StudentTermActivity.objects.filter(term=term, student__in=students).delete()
    StudentTermActivity.objects.bulk_create(rows)
