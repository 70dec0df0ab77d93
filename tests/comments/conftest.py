import pytest

from portfolios.models import Visibility
from tests.factories import (
    EmployerFactory,
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    achievement_for,
    portfolio_for,
    post_for,
)


@pytest.fixture
def student():
    student = StudentFactory(username="aida", first_name="Аида", last_name="Бекова")
    portfolio_for(student, visibility=Visibility.PUBLIC)
    return student


@pytest.fixture
def portfolio(student):
    return student.portfolio


@pytest.fixture
def achievement(portfolio):
    return achievement_for(portfolio, title="Chess cup", visibility=Visibility.PUBLIC)


@pytest.fixture
def post(portfolio):
    return post_for(portfolio, title="My practice", body="Text")


@pytest.fixture
def people(student):
    supervisor = SupervisorFactory(username="gulnara")
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    other = StudentFactory(username="bolot")
    portfolio_for(other)
    return {
        "owner": student,
        "supervisor": supervisor,
        "other_supervisor": SupervisorFactory(),
        "other_student": other,
        "employer": EmployerFactory(approved=True),
        "pending_employer": EmployerFactory(),
        "staff": StaffFactory(),
    }
