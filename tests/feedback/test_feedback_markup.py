"""The hostile Markdown corpus is harmless in every text field the feedback pages show:
a review's written feedback (Markdown), an employer's comment and a decline reason (text)."""

import re

import pytest
from django.urls import reverse

from feedback.services.employers import employer_feedback_save
from feedback.services.reviews import review_save
from feedback.services.verification import verification_decide, verification_request
from portfolios.models import Visibility
from tests.factories import (
    EmployerFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    TermFactory,
    achievement_for,
    default_rubric,
    portfolio_for,
    scores_for,
)
from tests.portfolios.test_markdown import (
    HOSTILE,
    PAGE_FORBIDDEN_TAGS,
    assert_harmless,
    strip_site_scripts,
    tags_in,
)

pytestmark = pytest.mark.django_db
HOSTILE_TEXT = "\n\n".join(HOSTILE)


def only_site_script(html):
    scripts = [attrs for tag, attrs in tags_in(html) if tag == "script"]
    assert [s.get("src", "").startswith("/static/") for s in scripts] == [True, True]


def test_hostile_review_feedback_renders_harmless_for_the_student(client):
    student = StudentFactory()
    supervisor = SupervisorAssignmentFactory(student=student).supervisor
    review = review_save(
        supervisor=supervisor, student=student, term=TermFactory(is_current=True),
        scores=scores_for(default_rubric(), 60, 60, 60, 60, 60), release=True,
        feedback="Keep **going**.\n\n" + HOSTILE_TEXT,
    )  # fmt: skip
    assert_harmless(review.feedback_html)

    client.force_login(student)
    html = client.get(reverse("feedback:my-reviews")).content.decode()
    only_site_script(html)
    blocks = re.findall(r'<div class="user-content">(.*?)</div>', html, flags=re.S)
    assert len(blocks) == 1
    assert_harmless(blocks[0])
    assert "<strong>going</strong>" in blocks[0]


def test_hostile_employer_comment_and_decline_reason_stay_text(client):
    student = StudentFactory()
    supervisor = SupervisorAssignmentFactory(student=student).supervisor
    portfolio = portfolio_for(student, visibility=Visibility.PUBLIC, open_to_work=True)
    item = achievement_for(portfolio, title="Cup", visibility=Visibility.PUBLIC)
    verification_request(achievement=item, student=student)
    verification_decide(achievement=item, supervisor=supervisor, verify=False,
                        reason='<script>alert("reason")</script>')  # fmt: skip
    employer_feedback_save(
        employer=EmployerFactory(approved=True), portfolio=portfolio, presentation=3,
        skills_relevance=3, evidence_credibility=3, comment=HOSTILE_TEXT[:3000],
    )  # fmt: skip

    client.force_login(student)
    for url in (reverse("feedback:received"), reverse("achievements:edit", args=[item.pk])):
        html = client.get(url).content.decode()
        only_site_script(html)
        # Tags and attributes, not text: an escaped "onerror=" is harmless words.
        assert_harmless(strip_site_scripts(html), forbidden_tags=PAGE_FORBIDDEN_TAGS)
        assert "&lt;iframe" in html or "&lt;script" in html
    client.force_login(supervisor)
    html = client.get(reverse("accounts:student-detail", args=[student.pk])).content.decode()
    only_site_script(html)
    assert "&lt;script&gt;alert(&quot;reason&quot;)&lt;/script&gt;" in html
