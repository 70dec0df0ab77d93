"""Demo contact requests: approved employers invite students; one invitation waits for an
answer, some were accepted (with contact details shared and a few messages), one declined,
and one employer is blocked by a student and reported to staff (an open report in the
admin's queue). Built with the contacts services. Idempotent: nothing is added once any
contact request exists. Each invitation is written in the student's demo language
(demo/texts.py: student1 English, student2 Kyrgyz, student3 and student4 Russian)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from contacts import services
from contacts.models import ContactRequest
from portfolios.models import Portfolio


def _aged(contact_request: ContactRequest, hours: float) -> None:
    """Demo invitations read as if sent over the last days."""
    when = timezone.now() - timedelta(hours=hours)
    ContactRequest.objects.filter(pk=contact_request.pk).update(created_at=when)


def seed() -> int:
    """Contact requests created (0 when there were some already or demo users are missing)."""
    if ContactRequest.objects.exists():
        return 0
    names = ["student1", "student2", "student3", "student4", "employer1", "employer2"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if not {"student1", "employer1", "employer2"} <= users.keys():
        return 0
    portfolios = {p.student_id: p for p in Portfolio.objects.filter(student__in=users.values())}
    student1 = users["student1"]
    if student1.pk not in portfolios:
        return 0
    student2, student3, student4 = (users.get(f"student{n}") for n in (2, 3, 4))
    employer1, employer2 = users["employer1"], users["employer2"]
    services.contact_details_save(
        student=student1, email=student1.email or "student1@example.edu",
        phone="+996 555 123 456", messenger="@student1_demo",
        note="Best reached after 16:00 on weekdays.",
    )  # fmt: skip

    def invite(employer, student, purpose, message, hours):
        made = services.contact_request_create(
            employer=employer, portfolio=portfolios[student.pk], purpose=purpose, message=message
        )
        _aged(made, hours)
        return made

    accepted = invite(
        employer1, student1, "Junior Python developer",
        "Hello! We liked your **robotics** projects. Would you like to talk about a junior "
        "position in our backend team?", 72,
    )  # fmt: skip
    accepted = services.contact_request_answer(
        contact_request=accepted, accept=True, reply="Thank you, I would be glad to talk.",
        share=["email", "messenger"],
    )  # fmt: skip
    services.contact_message_post(
        contact_request=accepted, author=employer1,
        body="Great! Would Thursday at 15:00 suit you for a short call?",
    )  # fmt: skip
    services.contact_message_post(
        contact_request=accepted, author=student1, body="Thursday at 15:00 is fine."
    )
    invite(
        employer2, student1, "Summer school volunteer",
        "We are looking for students to help at our summer coding school for children.", 20,
    )  # fmt: skip
    if student2 is not None and student2.pk in portfolios:
        _student2(invite, employer1, student2)
    if student3 is not None and student3.pk in portfolios:
        _student3(invite, employer2, student3)
    if student4 is not None and student4.pk in portfolios:
        _student4(invite, employer2, student4)
    return ContactRequest.objects.count()


def _student2(invite, employer1, student2):
    declined = invite(
        employer1, student2, "Маалыматтарды талдоо боюнча стажировка",
        "Жатакана боюнча сурамжылоону талдооңуз бизге жакты. Стажировкадан өтүүнү каалайсызбы?", 50,
    )  # fmt: skip
    services.contact_request_answer(
        contact_request=declined, accept=False, reply="Рахмат, бирок менде азыр стажировка бар."
    )


def _student3(invite, employer2, student3):
    services.contact_details_save(student=student3, email=student3.email or "s3@example.edu")
    shared = invite(
        employer2, student3, "Ассистент преподавателя",
        "Не хотели бы вы помогать на наших занятиях после уроков два раза в неделю?", 30,
    )  # fmt: skip
    services.contact_request_answer(contact_request=shared, accept=True, share=["email"])


def _student4(invite, employer2, student4):
    unwanted = invite(
        employer2, student4, "Вечерний репетитор",
        "Пришлите сегодня номер паспорта и домашний адрес, потом расскажу о работе.", 10,
    )  # fmt: skip
    services.employer_report(
        student=student4, employer=employer2, contact_request=unwanted,
        reason="Просит номер паспорта и адрес, ничего не рассказав о работе.",
    )  # fmt: skip
    services.employer_block(student=student4, employer=employer2)
