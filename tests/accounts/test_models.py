import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from accounts import services
from accounts.models import Role, SupervisorAssignment, User
from tests.factories import ProgramFactory, StaffFactory, StudentFactory, SupervisorFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_a_student_without_program():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x", role=Role.STUDENT)


def test_database_refuses_a_program_for_non_students():
    program = ProgramFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x", role=Role.SUPERVISOR, program=program)


def test_usernames_and_emails_are_unique_regardless_of_case():
    StudentFactory(username="aibek", email="aibek@example.edu")
    with pytest.raises(IntegrityError), transaction.atomic():
        StudentFactory(username="AIBEK")
    with pytest.raises(IntegrityError), transaction.atomic():
        StudentFactory(email="AIBEK@example.edu")


def test_nobody_supervises_themselves():
    supervisor = SupervisorFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisorAssignment.objects.create(supervisor=supervisor, student=supervisor)


def test_only_supervisors_supervise_and_only_students_are_supervised():
    student = StudentFactory()
    with pytest.raises(ValidationError):
        services.supervisor_assign(supervisor=StaffFactory(), student=student)
    with pytest.raises(ValidationError):
        services.supervisor_assign(supervisor=SupervisorFactory(), student=SupervisorFactory())


def test_assigning_twice_keeps_one_link():
    supervisor, student = SupervisorFactory(), StudentFactory()
    services.supervisor_assign(supervisor=supervisor, student=student)
    services.supervisor_assign(supervisor=supervisor, student=student)
    assert SupervisorAssignment.objects.filter(student=student).count() == 1


def test_a_student_may_have_several_supervisors():
    student = StudentFactory()
    for supervisor in SupervisorFactory.create_batch(2):
        services.supervisor_assign(supervisor=supervisor, student=student)
    assert student.supervisor_links.count() == 2


def test_program_name_follows_the_active_language():
    program = ProgramFactory(name_en="Design", name_ru="Дизайн", name_ky="Дизайн (ky)")
    with translation.override("ru"):
        assert program.name == "Дизайн"
    with translation.override("ky"):
        assert str(program) == "Дизайн (ky)"
    program.name_ky = ""
    with translation.override("ky"):
        assert program.name == "Design"  # falls back to English rather than showing nothing


def test_staff_members_get_admin_access_and_the_staff_group():
    user = services.user_create(username="zamira", email="z@example.edu", role=Role.STAFF)
    assert user.is_staff
    assert user.groups.filter(name=services.STAFF_GROUP_NAME).exists()
    assert user.has_perm("accounts.change_employerprofile")
