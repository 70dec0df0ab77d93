"""Demo terms, reviews, verification decisions and employment outcomes.

Scores come from a model, not from a table: each program has its own level, more complete
and more active portfolios tend to score higher, and every score carries noise. Built with
the same services the site uses. Idempotent: each part is skipped when it already exists.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import SupervisorAssignment, User
from achievements.models import Achievement
from demo import analytics as analytics_demo
from demo import texts
from feedback.models import EmploymentOutcome, Review, ReviewRevision, Term, VerificationEvent
from feedback.services.outcomes import outcome_save
from feedback.services.reviews import review_save, rubric_for, term_make_current
from feedback.services.verification import verification_decide, verification_request
from portfolios.models import Portfolio, Visibility

# Where a program's scores sit before activity and noise (the paper: Programming about
# 72, Design about 63).
PROGRAM_LEVEL = {
    "programming": 71, "design": 62, "mathematics": 67, "english": 69,
    "kyrgyz-philology": 65, "primary-education": 68, "psychology": 64,
}  # fmt: skip


def _terms() -> tuple[Term, Term, Term]:
    """Last year's two terms and this year's autumn, the current one."""
    today = timezone.localdate()
    year = today.year if today.month >= 8 else today.year - 1

    def term(start_year: int, season: str) -> Term:
        if season == "autumn":
            names = (f"{start_year}–{start_year + 1 - 2000:02d} autumn",
                     f"{start_year}–{start_year + 1 - 2000:02d}, осенний семестр",
                     f"{start_year}–{start_year + 1 - 2000:02d}, күзгү семестр")  # fmt: skip
            starts, ends = date(start_year, 9, 1), date(start_year + 1, 1, 25)
        else:
            names = (f"{start_year}–{start_year + 1 - 2000:02d} spring",
                     f"{start_year}–{start_year + 1 - 2000:02d}, весенний семестр",
                     f"{start_year}–{start_year + 1 - 2000:02d}, жазгы семестр")  # fmt: skip
            starts, ends = date(start_year + 1, 2, 1), date(start_year + 1, 6, 30)
        found, _created = Term.objects.get_or_create(
            name_en=names[0],
            defaults={"name_ru": names[1], "name_ky": names[2], "starts_on": starts,
                      "ends_on": ends},
        )  # fmt: skip
        return found

    autumn_before, spring, current = (
        term(year - 1, "autumn"), term(year - 1, "spring"), term(year, "autumn"),
    )  # fmt: skip
    if not Term.objects.filter(is_current=True).exists():
        term_make_current(term=current)
    return autumn_before, spring, current


def _activity(students) -> dict[int, float]:
    """A 0–1 activity figure per student: completeness and the number of items."""
    portfolios = {
        p.student_id: p
        for p in Portfolio.objects.filter(student__in=students).annotate(
            items=Count("achievements")
        )
    }
    activity = {}
    for student in students:
        portfolio = portfolios.get(student.pk)
        if portfolio is None:
            activity[student.pk] = 0.0
            continue
        activity[student.pk] = (
            0.6 * portfolio.completeness / 100 + 0.4 * min(portfolio.items, 12) / 12
        )
    return activity


def _scores_for(rubric, target: float, rng: random.Random) -> dict[int, int]:
    return {
        criterion.pk: max(0, min(100, round(rng.gauss(target, 6))))
        for criterion in rubric.criteria.all()
    }


def _feedback_text(total: float, name: str, language: str) -> str:
    """The supervisor writes in the student's writing language."""
    if total >= 80:
        return texts.REVIEW_STRONG[language].format(name=name)
    if total >= 65:
        return texts.REVIEW_GOOD[language]
    return texts.REVIEW_WEAK[language]


def seed_reviews(rng: random.Random) -> int:
    if Review.objects.exists():
        return 0
    _autumn, spring, current = _terms()
    links = list(
        SupervisorAssignment.objects.select_related("student__program", "supervisor")
        .order_by("student_id", "supervisor_id")
    )  # fmt: skip
    students = sorted({link.student for link in links}, key=lambda s: s.pk)
    activity = _activity(students)
    engagement = {term.pk: analytics_demo.term_engagement(term) for term in (spring, current)}
    created = 0
    for link in links:
        student, supervisor = link.student, link.supervisor
        rubric = rubric_for(student=student)
        if rubric is None:
            continue
        level = PROGRAM_LEVEL.get(student.program.code, 66)
        # Students who were active in more of the term's weeks tend to score higher (the
        # history in demo/analytics.py); the noise keeps it a tendency.
        ability = level + 4 * (activity[student.pk] - 0.4) + rng.gauss(0, 7)
        for term, shift, released_share, reviewed_share in (
            (spring, -3, 1.0, 0.95),
            (current, 0, 0.75, 0.7),
        ):
            if rng.random() > reviewed_share and student.username != "student1":
                continue
            active = engagement[term.pk].get(student.pk, 0.0)
            target = max(30, min(98, ability + shift + 15 * (active - 0.35) + rng.gauss(0, 5)))
            review = review_save(
                supervisor=supervisor, student=student, term=term,
                scores=_scores_for(rubric, target, rng),
                feedback=_feedback_text(
                    target, student.first_name, texts.writing_language(student)
                ),
                release=rng.random() < released_share or student.username == "student1",
            )  # fmt: skip
            created += 1
            if term == spring and review.is_released and rng.random() < 0.1:
                # A supervisor corrected a released review: its history keeps the first one.
                scores = {s.criterion_id: min(100, s.score + 4) for s in review.scores.all()}
                review_save(
                    supervisor=supervisor, student=student, term=term, scores=scores,
                    feedback=review.feedback
                    + "\n\n"
                    + texts.pick(texts.REVIEW_UPDATED, texts.writing_language(student), 0),
                )  # fmt: skip
    _backdate_reviews(spring)
    return created


def _backdate_reviews(term: Term) -> None:
    """Reviews of a past term were written and released at its end, not today."""
    from datetime import datetime, time

    written = timezone.make_aware(datetime.combine(term.ends_on - timedelta(days=10), time(15)))
    released = written + timedelta(days=7)
    Review.objects.filter(term=term).update(created_at=written, updated_at=released)
    Review.objects.filter(term=term, status=Review.Status.RELEASED).update(released_at=released)
    ReviewRevision.objects.filter(review__term=term).update(
        released_at=released, replaced_at=released + timedelta(days=2)
    )
    Review.objects.filter(term=term, revisions__isnull=False).update(
        updated_at=released + timedelta(days=2)
    )


def seed_verification(rng: random.Random) -> int:
    if VerificationEvent.objects.exists():
        return 0
    first_supervisor = {}
    for link in SupervisorAssignment.objects.select_related("supervisor").order_by("pk"):
        first_supervisor.setdefault(link.student_id, link.supervisor)
    items = (
        Achievement.objects.filter(
            visibility__gte=Visibility.SUPERVISORS,
            portfolio__student_id__in=list(first_supervisor),
        )
        .select_related("portfolio__student")
        .annotate(files=Count("evidence"))
        .order_by("pk")
    )
    decided = 0
    for item in items:
        student = item.portfolio.student
        roll = rng.random()
        if student.username == "student1":
            roll = [0.1, 0.1, 0.1, 0.1, 0.5, 0.7, 0.95][item.pk % 7]
        if roll > 0.75 or (not item.files and roll < 0.45):
            continue
        verification_request(achievement=item, student=student)
        decided += 1
        if roll < 0.45:
            verification_decide(achievement=item, supervisor=first_supervisor[student.pk],
                                verify=True)  # fmt: skip
        elif roll < 0.55:
            verification_decide(achievement=item, supervisor=first_supervisor[student.pk],
                                verify=False,
                                reason=rng.choice(texts.DECLINE_REASONS[
                                    texts.writing_language(student)]))  # fmt: skip
        # the rest stay pending: the supervisors' queue has work in it
    return decided


JOBS = {
    "programming": [("Ала-Тоо Софт", "Junior Python developer"),
                    ("Tunduk Analytics", "Data analyst"), ("Школа №61", "Informatics teacher")],
    "design": [("Ош Дизайн Студио", "Graphic designer"), ("Kaktus Media", "Layout designer")],
    "mathematics": [("Школа-гимназия №5", "Mathematics teacher"), ("Бишкек Банк", "Analyst")],
    "english": [("Школа-гимназия №5", "English teacher"), ("Silk Road Travel", "Tour guide")],
    "kyrgyz-philology": [("Кыргыз Туусу", "Editor"), ("Школа №28", "Kyrgyz language teacher")],
    "primary-education": [("Школа №12", "Primary school teacher"), ("Детский сад «Балажан»",
                                                                     "Educator")],
    "psychology": [("Центр «Ишеним»", "School psychologist"), ("HR Pro", "HR assistant")],
}  # fmt: skip
UNRELATED_JOBS = [
    ("Globus", "Sales assistant"),
    ("Yandex Go", "Courier"),
    ("Кафе «Навват»", "Waiter"),
]


def seed_outcomes(rng: random.Random) -> int:
    """Graduates (and a few students with part-time jobs): more active portfolios more
    often lead to a job in the field."""
    if EmploymentOutcome.objects.exists():
        return 0
    staff = User.objects.filter(username="admin").first()
    students = list(User.objects.students().select_related("program", "cohort").order_by("pk"))
    activity = _activity(students)
    created = 0
    today = timezone.localdate()
    for student in students:
        graduated = student.cohort.has_graduated
        if student.username == "student1":
            outcome_save(student=student, recorded_by=student, employer_name="Ала-Тоо Софт",
                         position="Junior Django developer (part-time)",
                         start_date=today - timedelta(days=75), related_to_field=True)  # fmt: skip
            created += 1
            continue
        if not graduated:
            continue
        chance = 0.35 + 0.5 * activity[student.pk]
        if rng.random() > chance:
            continue
        related = rng.random() < 0.4 + 0.5 * activity[student.pk]
        employer, position = rng.choice(
            JOBS.get(student.program.code, UNRELATED_JOBS) if related else UNRELATED_JOBS
        )
        outcome_save(
            student=student, recorded_by=staff or student, employer_name=employer,
            position=position, start_date=date(student.cohort.graduation_year, 8, 1)
            + timedelta(days=rng.randint(0, 90)), related_to_field=related,
        )  # fmt: skip
        created += 1
    return created


EMPLOYER_VIEWS = {
    # employer: programs they hire from (what they write: demo/texts.py, in the student's
    # writing language)
    "employer1": {"programming", "mathematics"},
    "employer2": {"primary-education", "english", "mathematics", "kyrgyz-philology"},
}


def seed_employer_feedback(rng: random.Random) -> int:
    """Approved employers shortlist and rate portfolios they may see, with notes."""
    from feedback.models import EmployerFeedback
    from feedback.services.employers import (
        employer_feedback_save,
        shortlist_add,
        shortlist_note_update,
    )

    if EmployerFeedback.objects.exists():
        return 0
    listed = list(
        Portfolio.objects.filter(
            visibility__gte=Visibility.SIGNED_IN, open_to_work=True, student__is_active=True
        )
        .select_related("student__program")
        .order_by("pk")
    )
    created = 0
    for username, programs in EMPLOYER_VIEWS.items():
        employer = User.objects.filter(username=username).first()
        if employer is None or not employer.is_approved_employer:
            continue
        chosen = [p for p in listed if p.student.program.code in programs][:4]
        for number, portfolio in enumerate(chosen):
            entry = shortlist_add(employer=employer, portfolio=portfolio)
            if number % 2 == 0:
                shortlist_note_update(
                    entry=entry, note="Позвонить в январе." if number else "Сильный кандидат."
                )
            if number == 3:
                continue  # shortlisted, not rated yet
            strong = portfolio.completeness >= 60
            employer_feedback_save(
                employer=employer, portfolio=portfolio,
                presentation=rng.randint(4, 5) if strong else rng.randint(2, 4),
                skills_relevance=rng.randint(3, 5),
                evidence_credibility=rng.randint(4, 5) if strong else rng.randint(2, 3),
                comment=texts.pick(
                    texts.EMPLOYER_COMMENTS[username],
                    texts.writing_language(portfolio.student),
                    number,
                ),
                would_interview=strong,
            )  # fmt: skip
            created += 1
    return created


@transaction.atomic
def seed(*, seed_value: int = 11) -> dict[str, int]:
    rng = random.Random(seed_value)
    terms = _terms()
    if not Review.objects.exists():
        students = list(User.objects.students().order_by("pk"))
        analytics_demo.seed_history(rng, terms=terms, diligence_of=_activity(students))
    reviews = seed_reviews(rng)
    decided = seed_verification(rng)
    outcomes = seed_outcomes(rng)
    rated = seed_employer_feedback(rng)
    return {
        "reviews": reviews, "verifications": decided, "outcomes": outcomes,
        "employer_feedback": rated,
    }  # fmt: skip
