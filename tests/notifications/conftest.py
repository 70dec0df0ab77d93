import pytest

from portfolios.models import Visibility
from tests.factories import (
    EmployerFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    TermFactory,
    portfolio_for,
)


@pytest.fixture
def student():
    student = StudentFactory(username="aida", first_name="Аида", last_name="Бекова")
    portfolio_for(student, visibility=Visibility.PUBLIC, open_to_work=True)
    return student


@pytest.fixture
def supervisor(student):
    supervisor = SupervisorFactory(first_name="Нурлан", last_name="Токтогулов")
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    return supervisor


@pytest.fixture
def employer():
    return EmployerFactory(approved=True, first_name="Эмиль", last_name="Касымов")


@pytest.fixture
def term():
    return TermFactory(name_en="2026–27 autumn", name_ru="2026–27, осень", name_ky="2026–27, күз")
