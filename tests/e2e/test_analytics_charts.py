"""The analytics charts as a browser draws them: every label at least 12 CSS pixels at 100%
zoom on a laptop and on a phone (where a chart too wide scrolls in its own focusable
region), and the page passes axe."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.services import supervisor_assign, user_create
from analytics.models import ActivityKind
from analytics.services import activity_record
from feedback.models import Review, Term
from tests.e2e.test_review_journey import PASSWORD, assert_accessible, default_rubric, log_in
from tests.factories import CohortFactory, ProgramFactory

__all__ = ["default_rubric"]  # a fixture used below

# Each chart's text: its computed font size times the scale the browser draws the SVG at.
RENDERED_SIZES = """() => Array.from(document.querySelectorAll("svg.chart-svg")).flatMap(svg => {
  const scale = svg.getScreenCTM().a;
  return Array.from(svg.querySelectorAll("text")).filter(t => t.textContent.trim()).map(t => ({
    chart: svg.getAttribute("aria-labelledby").split(" ")[0],
    text: t.textContent.trim(),
    px: parseFloat(getComputedStyle(t).fontSize) * scale,
  }));
})"""


def _small_group(default_rubric):
    from feedback.models import Rubric

    today = timezone.localdate()
    term = Term.objects.create(
        name_en="This term", starts_on=today - datetime.timedelta(days=70),
        ends_on=today + datetime.timedelta(days=50), is_current=True,
    )  # fmt: skip
    supervisor = user_create(
        username="aizada", email="aizada@example.edu", role=Role.SUPERVISOR,
        password=PASSWORD, first_name="Айзада", last_name="Токтосунова",
    )  # fmt: skip
    program = ProgramFactory(code="ky-lit", name_en="Kyrgyz literature")
    cohorts = [CohortFactory(entry_year=2015), CohortFactory(entry_year=2024)]
    rubric = Rubric.objects.get(program__isnull=True)
    for i, score in enumerate((100, 95, 75, 45)):
        student = user_create(
            username=f"lit{i}", email=f"lit{i}@example.edu", role=Role.STUDENT,
            password=PASSWORD, first_name=f"Студент{i}", last_name="Тест", program=program,
            cohort=cohorts[i % 2],
        )  # fmt: skip
        supervisor_assign(supervisor=supervisor, student=student)
        for day in range(i + 1):
            at = datetime.datetime.combine(today - datetime.timedelta(days=day + 1),
                                           datetime.time(12))  # fmt: skip
            activity_record(student_id=student.pk, kind=ActivityKind.ACHIEVEMENT_UPDATED,
                            at=timezone.make_aware(at))  # fmt: skip
        Review.objects.create(
            student=student, supervisor=supervisor, term=term, rubric=rubric, total=score,
            status="released", released_at=timezone.now(),
        )  # fmt: skip


@pytest.mark.parametrize("language", ["en", "ky"])
def test_chart_labels_are_readable_on_a_laptop_and_a_phone(new_page, default_rubric, language):
    _small_group(default_rubric)
    page = new_page()
    log_in(page, "aizada")
    host = page.url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [{"name": "portfolio_language", "value": language, "domain": host, "path": "/"}]
    )
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/staff/analytics/")
        assert page.locator("html").get_attribute("lang") == language
        sizes = page.evaluate(RENDERED_SIZES)
        charts = {s["chart"] for s in sizes}
        assert len(charts) == 5, charts  # histogram, scatter, two weekly, employment
        small = [s for s in sizes if s["px"] < 12]
        assert small == [], (width, small[:5])
        regions = page.locator(".chart-scroll")
        assert regions.count() == 5
        for i in range(regions.count()):
            assert regions.nth(i).get_attribute("tabindex") == "0"
        if width == 390:  # too narrow: the chart scrolls in its region, the page does not
            assert page.evaluate(
                "() => [...document.querySelectorAll('.chart-scroll')]"
                ".every(r => r.scrollWidth > r.clientWidth)"
            )
        else:
            assert page.evaluate(
                "() => [...document.querySelectorAll('.chart-scroll')]"
                ".every(r => r.scrollWidth <= r.clientWidth)"
            )
            assert_accessible(page)
    # The small group is described, never declared significant.
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/staff/analytics/")
    section = page.locator("section[aria-labelledby=correlation-heading]").inner_text()
    assert "0,083" in section or "0.083" in section
    if language == "en":
        assert "Descriptive only" in section and "significant" not in section
