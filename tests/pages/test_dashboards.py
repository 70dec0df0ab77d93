"""Dashboards show what exists, in a number of queries that does not grow with the rows."""

import pytest
from django.urls import reverse

from tests.factories import (
    EmployerFactory,
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
)

pytestmark = pytest.mark.django_db


def test_supervisor_dashboard_counts_their_students_in_constant_queries(
    client, django_assert_max_num_queries
):
    supervisor = SupervisorFactory()
    for _ in range(3):
        SupervisorAssignmentFactory(supervisor=supervisor)
    other = StudentFactory(first_name="Чужой")
    client.force_login(supervisor)
    # 9, plus 6 for "needs attention": the assignments, the students' features (four
    # statements for all of them) and the model in use.
    with django_assert_max_num_queries(15):
        small = client.get(reverse("accounts:dashboard"))
    for _ in range(30):
        SupervisorAssignmentFactory(supervisor=supervisor)
    with django_assert_max_num_queries(15):
        large = client.get(reverse("accounts:dashboard"))
    assert small.context["todo"]["students"] == 3
    assert large.context["todo"]["students"] == 33
    # Nobody has updated a portfolio in 30 days? New ones were just created: none listed.
    assert other.first_name not in large.content.decode()


def test_staff_dashboard_in_constant_queries(client, django_assert_max_num_queries):
    for _ in range(20):
        StudentFactory()
    EmployerFactory()
    client.force_login(StaffFactory())
    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:dashboard"))
    assert response.context["pending_employer_count"] == 1
    assert response.context["unassigned_students"] == 20


def test_student_dashboard_lists_supervisors_and_next_steps(client, django_assert_max_num_queries):
    student = StudentFactory(preferred_language="")
    supervisor = SupervisorFactory(first_name="Гульнара", last_name="Мамбетова")
    SupervisorAssignmentFactory(student=student, supervisor=supervisor)
    client.force_login(student)
    # The first visit creates the portfolio, with its completeness and search document
    # (23: one is the unread-notification count on the bell, on every signed-in page;
    # 24: one is the feed of followed portfolios, which finds none here; 25: the new
    # portfolio's content version moves once, as every write's does; 26–42: the suggested
    # next steps on a cold cache — the student's features, their answers and items, the
    # program's figures and similar students' skills, the cards recorded as shown; 43:
    # whether any controlled experiment runs, cached afterwards; 44: the invitations
    # waiting for the student's answer; 45: the new document's words join the search
    # vocabulary).
    with django_assert_max_num_queries(45):
        response = client.get(reverse("accounts:dashboard"))
    html = response.content.decode()
    assert "Гульнара Мамбетова" in html
    steps = {str(step.title): step.done for step in response.context["steps"]}
    assert steps["Choose your language"] is False
    assert steps["Meet your supervisor"] is True
