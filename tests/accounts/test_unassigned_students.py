"""Staff see the students nobody supervises, assign many at once, and every person picker
tells namesakes apart (program · cohort · username)."""

import pytest
from django.urls import reverse

from accounts.models import SupervisorAssignment
from tests.factories import (
    CohortFactory,
    EmployerFactory,
    ProgramFactory,
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("accounts:unassigned-students")


def _names(response):
    return [student.username for student in response.context["page"].object_list]


def test_staff_dashboard_links_to_the_list_of_unassigned_students(client):
    StudentFactory()
    client.force_login(StaffFactory())
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert f'href="{URL}"' in page
    assert "supervisorassignment/add" not in page


def test_lists_only_unassigned_students_by_name_in_constant_queries(
    client, django_assert_max_num_queries
):
    SupervisorAssignmentFactory(student=StudentFactory(username="taken", last_name="Абаев"))
    StudentFactory(username="zed", last_name="Юсупов", first_name="Бакыт")
    StudentFactory(username="amy", last_name="Асанова", first_name="Айгуль")
    client.force_login(StaffFactory())
    with django_assert_max_num_queries(12):
        small = client.get(URL)
    assert _names(small) == ["amy", "zed"]
    for _ in range(30):
        StudentFactory()
    with django_assert_max_num_queries(12):
        large = client.get(URL)
    assert large.context["page"].paginator.count == 32
    assert "taken" not in large.content.decode()


def test_filters_by_program_and_cohort_and_paginates(client):
    informatics, law = ProgramFactory(name_en="Informatics"), ProgramFactory(name_en="Law")
    old, new = CohortFactory(entry_year=2022), CohortFactory(entry_year=2024)
    StudentFactory(username="inf22", program=informatics, cohort=old)
    StudentFactory(username="inf24", program=informatics, cohort=new)
    StudentFactory(username="law22", program=law, cohort=old)
    client.force_login(StaffFactory())
    assert _names(client.get(URL, {"program": informatics.pk})) == ["inf22", "inf24"]
    assert _names(client.get(URL, {"program": informatics.pk, "cohort": old.pk})) == ["inf22"]
    assert len(_names(client.get(URL, {"program": "not-a-number"}))) == 3  # ignored
    assert _names(client.get(URL, {"program": "x", "cohort": new.pk})) == ["inf24"]
    for n in range(55):
        StudentFactory(username=f"many{n:02}", program=law, cohort=new)
    first = client.get(URL, {"program": law.pk})
    second = client.get(URL, {"program": law.pk, "page": 2})
    assert len(_names(first)) == 50
    assert len(_names(second)) == 6
    assert f"program={law.pk}" in second.content.decode()  # page links keep the filter


def test_bulk_assignment_links_every_ticked_student_and_says_how_many(client):
    supervisor = SupervisorFactory(first_name="Гульнара", last_name="Мамбетова")
    ticked = [StudentFactory(), StudentFactory(), StudentFactory()]
    untouched = StudentFactory()
    client.force_login(StaffFactory())
    response = client.post(
        URL, {"supervisor": supervisor.pk, "students": [s.pk for s in ticked]}, follow=True
    )
    assert response.status_code == 200
    assert set(
        SupervisorAssignment.objects.filter(supervisor=supervisor).values_list(
            "student_id", flat=True
        )
    ) == {s.pk for s in ticked}
    page = response.content.decode()
    assert "3 students assigned to Гульнара Мамбетова." in page
    assert _names(response) == [untouched.username]


def test_bulk_assignment_without_students_or_supervisor_is_refused_with_a_summary(client):
    student = StudentFactory()
    client.force_login(StaffFactory())
    response = client.post(URL, {"students": [student.pk]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "data-error-summary" in page
    assert 'href="#id_supervisor"' in page
    assert f'value="{student.pk}" id="id_students" checked' in page  # the ticks are kept
    assert not SupervisorAssignment.objects.exists()
    response = client.post(URL, {"supervisor": SupervisorFactory().pk})
    assert response.status_code == 400
    assert "Tick at least one student." in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_staff_reach_the_page(client, method):
    student = StudentFactory()
    supervisor = SupervisorFactory()
    data = {"supervisor": supervisor.pk, "students": [student.pk]} if method == "post" else {}
    anonymous = getattr(client, method)(URL, data)
    assert anonymous.status_code == 302
    for user in (student, supervisor, EmployerFactory(approved=True)):
        client.force_login(user)
        assert getattr(client, method)(URL, data).status_code == 404
    assert not SupervisorAssignment.objects.exists()


def test_person_pickers_tell_namesakes_apart(client):
    informatics, law = ProgramFactory(name_en="Informatics"), ProgramFactory(name_en="Law")
    one = StudentFactory(username="aisakov", first_name="Азамат", last_name="Исаков",
                         program=informatics, cohort=CohortFactory(entry_year=2022))  # fmt: skip
    two = StudentFactory(username="aisakov2", first_name="Азамат", last_name="Исаков",
                         program=law, cohort=CohortFactory(entry_year=2024))  # fmt: skip
    SupervisorFactory(username="gmambetova", first_name="Гульнара", last_name="Мамбетова")
    assert one.person_label == "Азамат Исаков · Informatics · Cohort 2022 · aisakov"
    assert two.person_label == "Азамат Исаков · Law · Cohort 2024 · aisakov2"
    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)
    # The site's bulk assignment: the supervisor select.
    assert "Гульнара Мамбетова · gmambetova" in client.get(URL).content.decode()
    # The admin's autocomplete and the value an existing assignment shows.
    results = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "supervisorassignment",
         "field_name": "student", "term": "Исаков"},
    ).json()["results"]  # fmt: skip
    assert sorted(r["text"] for r in results) == [one.person_label, two.person_label]
    link = SupervisorAssignmentFactory(student=two)
    change = client.get(reverse("admin:accounts_supervisorassignment_change", args=[link.pk]))
    assert two.person_label in change.content.decode()
