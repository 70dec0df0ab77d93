import pytest

from portfolios.models import Visibility
from tests.factories import (
    EmployerFactory,
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    portfolio_for,
)


@pytest.fixture
def student():
    student = StudentFactory(username="aida")
    portfolio_for(student, visibility=Visibility.PUBLIC, default_visibility=Visibility.SIGNED_IN)
    return student


@pytest.fixture
def portfolio(student):
    return student.portfolio


@pytest.fixture
def owner_client(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def people(student):
    supervisor = SupervisorFactory()
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    other = StudentFactory()
    portfolio_for(other)
    return {
        "anonymous": None,
        "owner": student,
        "supervisor": supervisor,
        "other_supervisor": SupervisorFactory(),
        "other_student": other,
        "employer": EmployerFactory(approved=True),
        "pending_employer": EmployerFactory(),
        "staff": StaffFactory(),
    }
