"""Demo notifications: student1 has read and unread ones of every kind that reaches a
student, supervisor1 and employer1 a few replies, employer1 the answers to their
invitations (from the demo's contact requests, demo/contacts.py). Built from the demo
data that is there (student1's achievements, links, reviews) where it exists. Idempotent:
skipped once student1 has notifications."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from contacts.models import ContactRequest
from notifications.models import Kind, Notification


def _term_names(student) -> dict:
    from feedback.models import Review

    review = Review.objects.filter(student=student).select_related("term").first()
    if review is None:
        return {"en": "autumn term", "ru": "осенний семестр", "ky": "күзгү семестр"}
    term = review.term
    return {
        "en": term.name_en,
        "ru": term.name_ru or term.name_en,
        "ky": term.name_ky or term.name_en,
    }


def _student1_rows(student, supervisor, employer, now) -> list[Notification]:
    portfolio = getattr(student, "portfolio", None)
    public_url = reverse("portfolios:public", args=[portfolio.slug]) if portfolio else ""
    achievements = list(portfolio.achievements.order_by("pk")[:2]) if portfolio else []
    titles = [a.title for a in achievements] + ["Олимпиада по программированию", "Сертификат"]
    edit_urls = [reverse("achievements:edit", args=[a.pk]) for a in achievements] + [""] * 2
    link = portfolio.share_links.order_by("pk").first() if portfolio else None
    organisation = getattr(getattr(employer, "employer_profile", None), "organisation", "")
    rows = [
        # (kind, actor, params, url, age, read, count)
        (Kind.REVIEW_RELEASED, supervisor, {"term": _term_names(student)},
         reverse("feedback:my-reviews"), timedelta(hours=2), False, 1),
        (Kind.VERIFICATION_DECIDED, supervisor, {"achievement": titles[0], "verified": True},
         edit_urls[0], timedelta(hours=5), False, 1),
        (Kind.VERIFICATION_DECIDED, supervisor,
         {"achievement": titles[1], "verified": False,
          "reason": "Прикрепите, пожалуйста, сам сертификат, а не только фото с мероприятия."},
         edit_urls[1], timedelta(days=3), True, 1),
        (Kind.EMPLOYER_FEEDBACK, employer, {"organisation": organisation, "changed": False},
         reverse("feedback:received"), timedelta(hours=20), False, 1),
        (Kind.EMPLOYER_FEEDBACK, employer, {"organisation": organisation, "changed": True},
         reverse("feedback:received"), timedelta(days=6), True, 1),
        (Kind.COMMENT, supervisor, {"target_kind": "achievement", "target": titles[0]},
         public_url, timedelta(minutes=40), False, 1),
        (Kind.COMMENT, employer, {"target_kind": "portfolio", "target": student.display_name},
         public_url, timedelta(days=2), True, 1),
        (Kind.REPLY, supervisor, {"target_kind": "achievement", "target": titles[0]},
         public_url, timedelta(days=1, hours=3), True, 1),
        (Kind.SHARE_LINK_OPENED, None,
         {"link_id": link.pk if link else 0, "label": link.label if link else "Для работодателя"},
         reverse("portfolios:share-link-visits", args=[link.pk]) if link else "",
         timedelta(minutes=15), False, 3),
        (Kind.SHARE_LINK_OPENED, None,
         {"link_id": link.pk if link else 0, "label": link.label if link else "Для работодателя"},
         reverse("portfolios:share-link-visits", args=[link.pk]) if link else "",
         timedelta(days=4), True, 1),
    ]  # fmt: skip
    return [
        Notification(
            recipient=student,
            kind=kind,
            actor=actor,
            params=params,
            url=url,
            count=count,
            created_at=now - age,
            read_at=(now - age + timedelta(minutes=30)) if read else None,
        )  # fmt: skip
        for kind, actor, params, url, age, read, count in rows
    ]


def _reply_rows(user, replier, target, url, now) -> list[Notification]:
    return [
        Notification(
            recipient=user,
            kind=Kind.REPLY,
            actor=replier,
            url=url,
            params={"target_kind": "achievement", "target": target},
            created_at=now - timedelta(hours=hours),
            read_at=read_at,
        )  # fmt: skip
        for hours, read_at in ((3, None), (30, now - timedelta(hours=29)))
    ]


def _contact_rows(student, employer, now) -> list[Notification]:
    """An invitation for student1 for each the demo sent them (the open one unread), and
    employer1's news of each answer to theirs."""
    rows = []
    requests = ContactRequest.objects.select_related("employer__employer_profile", "student")
    for hours, made in enumerate(requests.filter(student=student), start=1):
        profile = getattr(made.employer, "employer_profile", None)
        rows.append(Notification(
            recipient=student, kind=Kind.CONTACT_REQUESTED, actor=made.employer,
            url=reverse("contacts:detail", args=[made.pk]),
            params={"contact_request_id": made.pk, "purpose": made.purpose,
                    "organisation": getattr(profile, "organisation", "")},
            created_at=now - timedelta(hours=hours),
            read_at=None if made.is_open else now - timedelta(minutes=hours),
        ))  # fmt: skip
    if employer is None:
        return rows
    answered = requests.filter(employer=employer).exclude(answered_at=None).exclude(status="closed")
    for hours, made in enumerate(answered, start=1):
        rows.append(Notification(
            recipient=employer, kind=Kind.CONTACT_ANSWERED, actor=made.student,
            url=reverse("contacts:detail", args=[made.pk]),
            params={"contact_request_id": made.pk, "purpose": made.purpose,
                    "accepted": made.is_accepted, "reply": made.reply},
            created_at=now - timedelta(hours=hours), read_at=None,
        ))  # fmt: skip
    return rows


def seed() -> int:
    """Create the demo notifications; how many were created."""
    demo_users = User.objects.filter(username__in=["student1", "supervisor1", "employer1"])
    users = {u.username: u for u in demo_users.select_related("portfolio")}
    student = users.get("student1")
    if student is None or Notification.objects.filter(recipient=student).exists():
        return 0
    supervisor, employer = users.get("supervisor1"), users.get("employer1")
    now = timezone.now()
    rows = _student1_rows(student, supervisor, employer, now)
    portfolio = getattr(student, "portfolio", None)
    public_url = reverse("portfolios:public", args=[portfolio.slug]) if portfolio else ""
    target = rows[1].params["achievement"]
    if supervisor is not None:
        rows += _reply_rows(supervisor, student, target, public_url, now)
    if employer is not None:
        rows += _reply_rows(employer, student, target, public_url, now)[:1]
    rows += _contact_rows(student, employer, now)
    return len(Notification.objects.bulk_create(rows))
