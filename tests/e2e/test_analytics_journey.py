"""A supervisor opens the analytics, narrows it to a program and another activity measure,
reads the correlation and downloads the per-student rows; the page passes axe."""

import datetime
import random
from pathlib import Path

from django.utils import timezone

from accounts.models import Role
from accounts.services import supervisor_assign, user_create
from analytics.models import ActivityKind
from analytics.services import activity_record
from feedback.models import Review, Term
from tests.e2e.test_review_journey import PASSWORD, assert_accessible, default_rubric, log_in
from tests.factories import CohortFactory, ProgramFactory

__all__ = ["default_rubric"]  # a fixture used below


def test_supervisor_reads_and_exports_the_analytics(new_page, default_rubric):
    from feedback.models import Rubric

    rng = random.Random(5)
    today = timezone.localdate()
    term = Term.objects.create(
        name_en="This term", starts_on=today - datetime.timedelta(days=70),
        ends_on=today + datetime.timedelta(days=50), is_current=True,
    )  # fmt: skip
    supervisor = user_create(
        username="gulnara", email="gulnara@example.edu", role=Role.SUPERVISOR,
        password=PASSWORD, first_name="Гульнара", last_name="Мамбетова",
    )  # fmt: skip
    programming = ProgramFactory(code="programming", name_en="Programming")
    design = ProgramFactory(code="design", name_en="Design")
    cohort = CohortFactory(entry_year=2024)
    rubric = Rubric.objects.get(program__isnull=True)
    for i in range(12):
        student = user_create(
            username=f"student{i}", email=f"s{i}@example.edu", role=Role.STUDENT,
            password=PASSWORD, first_name=f"Студент{i}", last_name="Тест",
            program=programming if i % 2 else design, cohort=cohort,
        )  # fmt: skip
        supervisor_assign(supervisor=supervisor, student=student)
        for _ in range(i * 2):
            day = today - datetime.timedelta(days=rng.randint(0, 60))
            activity_record(
                student_id=student.pk, kind=ActivityKind.ACHIEVEMENT_UPDATED,
                at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))),
            )  # fmt: skip
        Review.objects.create(
            student=student, supervisor=supervisor, term=term, rubric=rubric,
            total=50 + 3 * i + rng.randint(-4, 4), status="released", released_at=timezone.now(),
        )  # fmt: skip

    page = new_page()
    log_in(page, "gulnara")
    page.get_by_role("link", name="Analytics").click()
    page.wait_for_url("**/staff/analytics/")
    assert page.get_by_role("heading", name="Analytics").is_visible()
    assert page.get_by_role("img", name="Portfolio scores").is_visible()
    assert page.locator(".correlation-figures").is_visible()
    assert_accessible(page)

    page.get_by_label("Program", exact=True).select_option(label="Programming")
    page.get_by_label("Activity measure", exact=True).select_option(label="Active weeks")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**program=**")
    assert (
        "Active weeks" in page.locator("section[aria-labelledby=correlation-heading]").inner_text()
    )
    summary = page.locator(".analytics-summary").inner_text()
    assert "6" in summary  # six programming students, all with a score

    with page.expect_download() as download:
        page.get_by_role("link", name="Download per-student rows (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    lines = text.strip().splitlines()
    assert lines[0].startswith("pseudonym,program,cohort,term,score")
    assert len(lines) == 1 + 6
    assert "Студент" not in text and "student1" not in text
