import factory
from django.contrib.auth.hashers import make_password

from accounts.models import (
    Cohort,
    EmployerProfile,
    Faculty,
    Program,
    Role,
    SupervisorAssignment,
    User,
)

TEST_PASSWORD = "Correct-Horse-Battery-42"
# Hashed once: hashing per user would make the suite slow.
_PASSWORD_HASH = make_password(TEST_PASSWORD)


class FacultyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Faculty
        django_get_or_create = ("name_en",)

    name_en = factory.Sequence(lambda n: f"Faculty {n}")
    name_ru = factory.Sequence(lambda n: f"Факультет {n}")
    name_ky = factory.Sequence(lambda n: f"Факультет {n} (ky)")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"program-{n}")
    name_en = factory.Sequence(lambda n: f"Program {n}")
    name_ru = factory.Sequence(lambda n: f"Программа {n}")
    name_ky = factory.Sequence(lambda n: f"Программа {n} (ky)")
    faculty = factory.SubFactory(FacultyFactory)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        django_get_or_create = ("entry_year",)

    entry_year = 2025


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.edu")
    first_name = "Айбек"
    last_name = "Осмонов"
    password = _PASSWORD_HASH
    role = Role.EMPLOYER  # the least privileged role that needs no program (never approved)


class StudentFactory(UserFactory):
    username = factory.Sequence(lambda n: f"student{n}")
    role = Role.STUDENT
    program = factory.SubFactory(ProgramFactory)
    cohort = factory.SubFactory(CohortFactory)


class SupervisorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"supervisor{n}")
    role = Role.SUPERVISOR


class StaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    role = Role.STAFF
    is_staff = True


class EmployerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"employer{n}")
    role = Role.EMPLOYER
    employer_profile = factory.RelatedFactory(
        "tests.factories.EmployerProfileFactory", factory_related_name="user"
    )

    class Params:
        approved = factory.Trait(
            employer_profile=factory.RelatedFactory(
                "tests.factories.EmployerProfileFactory",
                factory_related_name="user",
                status=EmployerProfile.Status.APPROVED,
            )
        )


class EmployerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerProfile

    user = factory.SubFactory(UserFactory, role=Role.EMPLOYER)
    organisation = factory.Sequence(lambda n: f"Organisation {n}")
    website = "https://example.com"
    status = EmployerProfile.Status.PENDING


class SupervisorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisorAssignment

    supervisor = factory.SubFactory(SupervisorFactory)
    student = factory.SubFactory(StudentFactory)
