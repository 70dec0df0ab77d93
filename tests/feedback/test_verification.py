"""Verification of achievements: a student asks, the assigned supervisor verifies or
declines with a reason, the mark shows on the page; changing what was verified removes it
with a warning; every step is kept in the audit trail."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from achievements.models import Achievement, VerificationStatus
from feedback.models import VerificationEvent
from feedback.services.verification import verification_decide, verification_request
from portfolios.models import Portfolio, SearchDocument, Visibility
from tests.factories import (
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    achievement_for,
    pdf_bytes,
    png_bytes,
    portfolio_for,
    section,
    uploaded_file,
)

pytestmark = pytest.mark.django_db

Action = VerificationEvent.Action
LONG_AGO = datetime.datetime(2024, 1, 15, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def supervisor():
    return SupervisorFactory(first_name="Нурлан", last_name="Токтогулов")


@pytest.fixture
def student(client, supervisor):
    student = StudentFactory(username="aida", first_name="Аида", last_name="Бекова")
    portfolio_for(student, visibility=Visibility.PUBLIC)
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    client.force_login(student)
    return student


@pytest.fixture
def achievement(student):
    return achievement_for(
        student.portfolio,
        title="Republican Olympiad in Mathematics",
        section_code="olympiads" if _has_section("olympiads") else "certificates",
        visibility=Visibility.PUBLIC,
        files=[("diploma.pdf", pdf_bytes("Diploma"))],
        description="Solved **five** problems.",
        start_date=datetime.date(2025, 3, 14),
        organisation="Ministry of Education",
        result="1st place",
        level="national",
    )


def _has_section(code):
    from portfolios.models import Category

    return Category.objects.filter(code=code, is_active=True).exists()


@pytest.fixture
def supervisor_client(supervisor):
    client = Client()
    client.force_login(supervisor)
    return client


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def ask(client, achievement, action="request"):
    return client.post(
        reverse("feedback:verification-request", args=[achievement.pk]),
        {"action": action, "next": reverse("portfolios:editor")},
    )


def decide(client, achievement, decision="verify", reason=""):
    return client.post(
        reverse("feedback:verification-decide", args=[achievement.pk]),
        {"decision": decision, "reason": reason},
    )


def verified(achievement, supervisor):
    verification_request(achievement=achievement, student=achievement.portfolio.student)
    return verification_decide(achievement=achievement, supervisor=supervisor, verify=True)


def fresh(achievement):
    return Achievement.objects.get(pk=achievement.pk)


def events(**filters):
    return list(
        VerificationEvent.objects.filter(**filters)
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )


def edit_data(achievement, **changes):
    """What the edit form posts for the achievement as it is, with ``changes``."""
    data = {
        "category": achievement.category_id,
        "title": achievement.title,
        "description": achievement.description,
        "start_date": achievement.start_date.isoformat() if achievement.start_date else "",
        "end_date": achievement.end_date.isoformat() if achievement.end_date else "",
        "organisation": achievement.organisation,
        "level": achievement.level,
        "result": achievement.result,
        "grade": achievement.grade,
        "url": achievement.url,
        "visibility": achievement.visibility,
        "skills_text": "",
        "video_url": "",
    }
    data.update(changes)
    return data


def date_shown(moment):
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


# --- Asking -----------------------------------------------------------------------------


def test_asking_makes_the_item_pending_and_records_it(client, student, achievement):
    response = ask(client, achievement)

    assert response.status_code == 302
    assert response["Location"] == reverse("portfolios:editor")
    assert messages_of(response) == [
        "Verification requested. Your supervisors see it in their list of requests."
    ]
    item = fresh(achievement)
    assert item.verification_status == VerificationStatus.PENDING
    assert item.verification_requested_at is not None
    event = VerificationEvent.objects.get()
    assert (event.action, event.actor, event.student) == (Action.REQUESTED, student, student)
    assert event.achievement == item
    assert event.achievement_title == "Republican Olympiad in Mathematics"
    assert "Waiting for verification" in client.get(reverse("portfolios:editor")).content.decode()


def test_asking_returns_to_the_page_it_came_from_but_never_off_site(client, student, achievement):
    edit_page = reverse("achievements:edit", args=[achievement.pk])
    url = reverse("feedback:verification-request", args=[achievement.pk])

    back = client.post(url, {"action": "withdraw", "next": edit_page})
    away = client.post(url, {"action": "request", "next": "https://evil.example/"})

    assert back["Location"] == edit_page
    assert away["Location"] == reverse("portfolios:editor")


def test_asking_twice_records_one_request(client, student, achievement):
    ask(client, achievement)
    ask(client, achievement)

    assert events() == [Action.REQUESTED]


def test_a_private_item_cannot_be_sent_for_verification(client, student):
    hidden = achievement_for(student.portfolio, title="Diary", visibility=Visibility.PRIVATE)

    response = ask(client, hidden)

    assert messages_of(response) == [
        "Your supervisors cannot see this item: it is visible only to you. "
        "Show it to your supervisors first."
    ]
    assert fresh(hidden).verification_status == VerificationStatus.NONE
    assert not VerificationEvent.objects.exists()


def test_without_a_supervisor_nobody_can_verify(client, student, achievement):
    student.supervisor_links.all().delete()

    response = ask(client, achievement)

    assert messages_of(response) == [
        "You have no supervisor yet, so nobody can verify this. Ask your dean’s office."
    ]
    assert fresh(achievement).verification_status == VerificationStatus.NONE
    assert not VerificationEvent.objects.exists()


def test_a_student_cannot_ask_about_someone_elses_item(client, achievement):
    other = StudentFactory()
    portfolio_for(other)
    client.force_login(other)

    assert ask(client, achievement).status_code == 404
    assert fresh(achievement).verification_status == VerificationStatus.NONE


def test_withdrawing_a_request(client, student, achievement):
    ask(client, achievement)

    response = ask(client, achievement, action="withdraw")

    assert messages_of(response)[-1] == "Your request is withdrawn."
    assert fresh(achievement).verification_status == VerificationStatus.NONE
    assert events() == [Action.REQUESTED, Action.WITHDRAWN]


# --- Deciding ---------------------------------------------------------------------------


def test_the_queue_shows_my_students_requests_with_their_evidence(
    supervisor_client, client, student, achievement
):
    ask(client, achievement)
    stranger = StudentFactory(first_name="Чужой", last_name="Студент")
    strangers_item = achievement_for(
        portfolio_for(stranger), title="Not for you", visibility=Visibility.PUBLIC
    )
    SupervisorAssignmentFactory(student=stranger)
    verification_request(achievement=strangers_item, student=stranger)

    html = supervisor_client.get(reverse("feedback:verification-queue")).content.decode()

    assert "Republican Olympiad in Mathematics" in html
    assert "diploma.pdf" in html
    assert "Аида Бекова" in html
    assert "Not for you" not in html


def test_the_supervisor_verifies_and_the_page_shows_it(
    supervisor_client, client, supervisor, student, achievement
):
    ask(client, achievement)
    anonymous = Client()
    public_url = reverse("portfolios:public", args=[student.portfolio.slug])
    assert "Verified" not in anonymous.get(public_url).content.decode()  # cached now

    response = decide(supervisor_client, achievement)

    assert response.status_code == 302
    assert messages_of(response) == [
        "“Republican Olympiad in Mathematics” by Аида Бекова is verified."
    ]
    item = fresh(achievement)
    assert item.verification_status == VerificationStatus.VERIFIED
    assert item.verified_by == supervisor
    assert item.verified_at is not None
    shown = date_shown(item.verified_at)
    public = anonymous.get(public_url).content.decode()
    assert "verified-badge" in public
    assert f"by Нурлан Токтогулов on {shown}" in public
    editor = client.get(reverse("portfolios:editor")).content.decode()
    assert f"Verified by Нурлан Токтогулов on {shown}" in editor
    edit_page = client.get(reverse("achievements:edit", args=[item.pk])).content.decode()
    assert f"Verified by Нурлан Токтогулов on {shown}." in edit_page
    event = VerificationEvent.objects.filter(action=Action.VERIFIED).get()
    assert (event.actor, event.student, event.achievement) == (supervisor, student, item)


def test_the_mark_stays_when_the_supervisors_account_is_deleted(supervisor, student, achievement):
    item = verified(achievement, supervisor)
    supervisor.delete()

    html = Client().get(reverse("portfolios:public", args=[student.portfolio.slug]))

    assert fresh(item).is_verified
    assert f"by a former supervisor on {date_shown(item.verified_at)}" in html.content.decode()


def test_verified_items_count_in_the_search_document(supervisor, student, achievement):
    verified(achievement, supervisor)

    assert SearchDocument.objects.get(portfolio=student.portfolio).verified_count == 1


def test_declining_needs_a_reason(supervisor_client, client, student, achievement):
    ask(client, achievement)

    response = decide(supervisor_client, achievement, decision="decline", reason="   ")

    assert response.status_code == 400
    assert response.context["failed_form"].errors["reason"] == [
        "Say why, so the student knows what to fix."
    ]
    assert "Say why, so the student knows what to fix." in response.content.decode()
    assert fresh(achievement).verification_status == VerificationStatus.PENDING
    assert events() == [Action.REQUESTED]


def test_the_student_reads_why_it_was_declined(
    supervisor_client, client, supervisor, student, achievement
):
    ask(client, achievement)
    reason = "The diploma has no stamp; attach the stamped copy."

    response = decide(supervisor_client, achievement, decision="decline", reason=reason)

    assert response.status_code == 302
    item = fresh(achievement)
    assert item.verification_status == VerificationStatus.DECLINED
    assert item.verification_note == reason
    assert item.verified_by is None
    edit_page = client.get(reverse("achievements:edit", args=[item.pk])).content.decode()
    assert "Why it was declined:" in edit_page
    assert reason in edit_page
    assert f'title="{reason}"' in client.get(reverse("portfolios:editor")).content.decode()
    event = VerificationEvent.objects.get(action=Action.DECLINED)
    assert (event.actor, event.reason) == (supervisor, reason)
    # The student may ask again after fixing it.
    ask(client, achievement)
    assert fresh(achievement).verification_status == VerificationStatus.PENDING


def test_deciding_for_a_student_who_is_not_yours_is_404(client, student, achievement):
    ask(client, achievement)
    stranger = Client()
    stranger.force_login(SupervisorFactory())

    assert decide(stranger, achievement).status_code == 404
    assert decide(stranger, achievement, decision="decline", reason="No").status_code == 404
    assert fresh(achievement).verification_status == VerificationStatus.PENDING
    assert events() == [Action.REQUESTED]
    html = stranger.get(reverse("feedback:verification-queue")).content.decode()
    assert "Republican Olympiad" not in html


def test_staff_may_decide(client, student, achievement):
    ask(client, achievement)
    staff = Client()
    staff.force_login(StaffFactory())

    decide(staff, achievement)

    assert fresh(achievement).verification_status == VerificationStatus.VERIFIED


@pytest.mark.parametrize("first", ["verify", "decline"])
def test_an_already_decided_request_is_not_decided_again(
    supervisor_client, client, student, achievement, first
):
    ask(client, achievement)
    decide(supervisor_client, achievement, decision=first, reason="Missing stamp")
    before = fresh(achievement)

    response = decide(supervisor_client, achievement, decision="decline", reason="Changed mind")

    assert messages_of(response)[-1] == "This request has already been decided or withdrawn."
    after = fresh(achievement)
    assert after.verification_status == before.verification_status
    assert after.verification_note == before.verification_note
    assert VerificationEvent.objects.count() == 2


def test_a_withdrawn_request_cannot_be_verified(supervisor_client, client, student, achievement):
    ask(client, achievement)
    ask(client, achievement, action="withdraw")

    response = decide(supervisor_client, achievement)

    assert messages_of(response)[-1] == "This request has already been decided or withdrawn."
    assert fresh(achievement).verification_status == VerificationStatus.NONE


# --- Changes that remove the verification ----------------------------------------------


@pytest.mark.parametrize(
    ("change", "label"),
    [
        ({"title": "Republican Olympiad in Physics"}, "title"),
        ({"start_date": "2025-03-15"}, "date"),
        ({"end_date": "2025-03-20"}, "until"),
        ({"organisation": "Another ministry"}, "organisation or issuer"),
        ({"result": "2nd place"}, "result or role"),
    ],
)
def test_changing_what_was_verified_removes_it_with_a_warning(
    client, supervisor, student, achievement, change, label
):
    verified(achievement, supervisor)

    response = client.post(
        reverse("achievements:edit", args=[achievement.pk]),
        edit_data(achievement, **change),
        follow=True,
    )

    reason = f"You changed what was verified ({label})."
    item = fresh(achievement)
    assert item.verification_status == VerificationStatus.NONE
    assert item.verified_by is None and item.verified_at is None
    assert item.verification_note == reason
    warnings = [m for m in response.context["messages"] if m.level_tag == "warning"]
    assert [str(m) for m in warnings] == [
        f"{reason} The verification was removed; ask your supervisor to verify it again."
    ]
    assert "Why the verification was removed:" in response.content.decode()
    reset = VerificationEvent.objects.get(action=Action.RESET)
    assert (reset.actor, reset.reason) == (student, reason)
    public = Client().get(reverse("portfolios:public", args=[student.portfolio.slug]))
    assert "verified-badge" not in public.content.decode()


@pytest.mark.parametrize(
    "change",
    [
        {"description": "Solved **all six** problems."},
        {"visibility": Visibility.SIGNED_IN},
        {"level": "international"},
        {"skills_text": "Mathematics, Olympiads"},
    ],
    ids=["description", "visibility", "level", "skills"],
)
def test_changing_other_things_keeps_the_verification(
    client, supervisor, student, achievement, change
):
    verified(achievement, supervisor)

    response = client.post(
        reverse("achievements:edit", args=[achievement.pk]),
        edit_data(achievement, **change),
        follow=True,
    )

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    item = fresh(achievement)
    assert item.verification_status == VerificationStatus.VERIFIED
    assert item.verified_by == supervisor
    assert not VerificationEvent.objects.filter(action=Action.RESET).exists()


def test_saving_the_form_unchanged_keeps_the_verification(client, supervisor, achievement):
    verified(achievement, supervisor)

    client.post(reverse("achievements:edit", args=[achievement.pk]), edit_data(achievement))

    assert fresh(achievement).verification_status == VerificationStatus.VERIFIED


def test_adding_a_file_removes_the_verification(client, supervisor, student, achievement):
    verified(achievement, supervisor)

    response = client.post(
        reverse("achievements:evidence-upload", args=[achievement.pk]),
        {"files": [uploaded_file("stamp.png", png_bytes())], "video_url": ""},
        follow=True,
    )

    item = fresh(achievement)
    assert item.verification_status == VerificationStatus.NONE
    assert item.verification_note == "You changed the evidence files."
    assert (
        "You changed the evidence files. The verification was removed; ask your "
        "supervisor to verify it again."
    ) in [str(m) for m in response.context["messages"]]
    assert VerificationEvent.objects.filter(action=Action.RESET).count() == 1


def test_adding_a_file_through_the_edit_form_removes_the_verification(
    client, supervisor, achievement
):
    verified(achievement, supervisor)

    client.post(
        reverse("achievements:edit", args=[achievement.pk]),
        edit_data(achievement, files=[uploaded_file("scan.pdf", pdf_bytes("Scan"))]),
    )

    assert fresh(achievement).verification_status == VerificationStatus.NONE
    assert fresh(achievement).evidence.count() == 2


def test_adding_a_video_link_removes_the_verification(client, supervisor, achievement):
    verified(achievement, supervisor)

    client.post(
        reverse("achievements:evidence-upload", args=[achievement.pk]),
        {"video_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"},
    )

    assert fresh(achievement).verification_status == VerificationStatus.NONE


def test_deleting_a_file_removes_the_verification(client, supervisor, achievement):
    verified(achievement, supervisor)
    evidence = achievement.evidence.get()

    response = client.post(
        reverse("achievements:evidence-delete", args=[evidence.public_id]), follow=True
    )

    assert fresh(achievement).verification_status == VerificationStatus.NONE
    assert any("The verification was removed" in str(m) for m in response.context["messages"])
    assert VerificationEvent.objects.get(action=Action.RESET).reason == (
        "You changed the evidence files."
    )


def test_editing_a_pending_item_keeps_it_pending(client, student, achievement):
    ask(client, achievement)

    client.post(
        reverse("achievements:edit", args=[achievement.pk]),
        edit_data(achievement, title="A better title"),
    )

    assert fresh(achievement).verification_status == VerificationStatus.PENDING
    assert events() == [Action.REQUESTED]


# --- The audit trail --------------------------------------------------------------------


def test_every_step_is_recorded_and_survives_deleting_the_item(
    supervisor_client, client, supervisor, student, achievement
):
    ask(client, achievement)
    decide(supervisor_client, achievement, decision="decline", reason="No stamp")
    ask(client, achievement)
    decide(supervisor_client, achievement)
    client.post(
        reverse("achievements:edit", args=[achievement.pk]), edit_data(achievement, result="Winner")
    )

    trail = list(VerificationEvent.objects.order_by("created_at", "pk"))
    assert [(e.action, e.actor) for e in trail] == [
        (Action.REQUESTED, student),
        (Action.DECLINED, supervisor),
        (Action.REQUESTED, student),
        (Action.VERIFIED, supervisor),
        (Action.RESET, student),
    ]
    assert trail[1].reason == "No stamp"

    client.post(reverse("achievements:delete", args=[achievement.pk]))

    assert not Achievement.objects.filter(pk=achievement.pk).exists()
    kept = VerificationEvent.objects.filter(student=student)
    assert kept.count() == 5
    assert set(kept.values_list("achievement", flat=True)) == {None}
    assert set(kept.values_list("achievement_title", flat=True)) == {
        "Republican Olympiad in Mathematics"
    }
    history = supervisor_client.get(reverse("accounts:student-detail", args=[student.pk]))
    html = history.content.decode()
    assert "Republican Olympiad in Mathematics: Declined (Нурлан Токтогулов): No stamp" in html


def test_the_student_sees_the_history_on_the_edit_page(supervisor_client, client, achievement):
    ask(client, achievement)
    decide(supervisor_client, achievement, decision="decline", reason="Blurry scan")

    html = client.get(reverse("achievements:edit", args=[achievement.pk])).content.decode()

    assert "Verification requested (Аида Бекова)" in html
    assert "Declined (Нурлан Токтогулов): Blurry scan" in html


# --- The portfolio's "last update" ------------------------------------------------------


def _age(portfolio):
    Portfolio.objects.filter(pk=portfolio.pk).update(content_updated_at=LONG_AGO)


def _last_update(portfolio):
    return Portfolio.objects.values_list("content_updated_at", flat=True).get(pk=portfolio.pk)


@pytest.mark.parametrize("decision", ["verify", "decline"])
def test_a_supervisors_decision_does_not_move_the_last_update(
    supervisor_client, client, student, achievement, decision
):
    ask(client, achievement)
    _age(student.portfolio)
    completeness = Portfolio.objects.get(pk=student.portfolio.pk).completeness

    decide(supervisor_client, achievement, decision=decision, reason="Missing stamp")

    assert fresh(achievement).verification_status != VerificationStatus.PENDING
    portfolio = Portfolio.objects.get(pk=student.portfolio.pk)
    assert portfolio.content_updated_at == LONG_AGO
    assert portfolio.completeness == completeness


def test_a_students_edit_moves_the_last_update(client, student, achievement):
    _age(student.portfolio)

    client.post(
        reverse("achievements:edit", args=[achievement.pk]),
        edit_data(achievement, description="More detail"),
    )

    assert _last_update(student.portfolio) > LONG_AGO


def test_the_reset_after_a_students_edit_moves_the_last_update(
    client, supervisor, student, achievement
):
    verified(achievement, supervisor)
    _age(student.portfolio)

    client.post(
        reverse("achievements:edit", args=[achievement.pk]),
        edit_data(achievement, title="New title"),
    )

    assert fresh(achievement).verification_status == VerificationStatus.NONE
    assert _last_update(student.portfolio) > LONG_AGO


def test_verification_survives_a_move_between_sections(client, supervisor, achievement):
    """Moving an item to another section is not one of the verified fields."""
    verified(achievement, supervisor)
    other = section("research")

    client.post(
        reverse("achievements:edit", args=[achievement.pk]),
        edit_data(achievement, category=other.pk),
    )

    assert fresh(achievement).category == other
    assert fresh(achievement).verification_status == VerificationStatus.VERIFIED


def test_making_a_pending_item_private_takes_it_out_of_the_queue(
    supervisor_client, client, achievement
):
    ask(client, achievement)
    client.post(
        reverse("achievements:edit", args=[achievement.pk]),
        edit_data(achievement, visibility=Visibility.PRIVATE, description="My private diary"),
    )
    assert fresh(achievement).visibility == Visibility.PRIVATE

    html = supervisor_client.get(reverse("feedback:verification-queue")).content.decode()
    decide(supervisor_client, achievement)

    assert "My private diary" not in html
    assert "Republican Olympiad in Mathematics" not in html
    assert fresh(achievement).verification_status != VerificationStatus.VERIFIED
