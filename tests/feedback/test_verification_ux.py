"""What the supervisor and the student see around verification: a refused decline answers
with a focused error summary at the top; no "Ask to verify" before a supervisor exists."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from achievements.models import VerificationStatus
from feedback.services.verification import verification_request
from portfolios.models import Visibility
from tests.factories import (
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    achievement_for,
    pdf_bytes,
    portfolio_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def student():
    student = StudentFactory()
    portfolio_for(student, visibility=Visibility.PUBLIC)
    return student


@pytest.fixture
def achievement(student):
    return achievement_for(
        student.portfolio, title="Olympiad", visibility=Visibility.PUBLIC,
        files=[("diploma.pdf", pdf_bytes("Diploma"))],
    )  # fmt: skip


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_refused_decline_shows_a_focused_summary_at_the_top_linking_to_the_reason(
    student, achievement
):
    supervisor = SupervisorFactory()
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    verification_request(achievement=achievement, student=student)
    for n in range(3):  # more requests above the refused one push its form below the fold
        other = achievement_for(student.portfolio, title=f"Earlier {n}",
                                visibility=Visibility.PUBLIC)  # fmt: skip
        verification_request(achievement=other, student=student)

    response = _client(supervisor).post(
        reverse("feedback:verification-decide", args=[achievement.pk]),
        {"decision": "decline", "reason": ""},
    )

    assert response.status_code == 400
    page = response.content.decode()
    summary = re.search(r"<div [^>]*data-error-summary[^>]*>", page)
    assert summary is not None
    assert 'tabindex="-1"' in summary.group(0)
    assert 'role="alert"' in summary.group(0)
    assert summary.start() < page.index("<article")  # above every request
    field_id = f"reason-{achievement.pk}-reason"
    assert f'href="#{field_id}"' in page
    assert f'<textarea class="form-control is-invalid" id="{field_id}"' in page
    assert "js/error-summary.js" in page
    assert page.count(f'id="{field_id}"') == 1


def test_the_error_summary_heads_the_sites_long_forms(student):
    client = _client(student)
    response = client.post(reverse("achievements:create"), {"title": ""})
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "data-error-summary" in page
    assert 'href="#id_title"' in page


def test_without_a_supervisor_verification_is_not_offered_and_is_refused(student, achievement):
    client = _client(student)
    editor = client.get(reverse("portfolios:editor")).content.decode()
    edit = client.get(reverse("achievements:edit", args=[achievement.pk])).content.decode()
    for page in (editor, edit):
        assert "Ask to verify" not in page
        assert "Verification needs a supervisor; none is assigned to you yet." in page
    assert "ask your dean’s office" in edit
    client.post(reverse("feedback:verification-request", args=[achievement.pk]),
                {"action": "request"})  # fmt: skip
    achievement.refresh_from_db()
    assert achievement.verification_status == VerificationStatus.NONE

    SupervisorAssignmentFactory(student=student)
    editor = client.get(reverse("portfolios:editor")).content.decode()
    assert "Ask to verify" in editor
    assert "data-no-supervisor" not in editor
