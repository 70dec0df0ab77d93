import pytest

from contacts import services
from portfolios.models import Visibility
from tests.factories import EmployerFactory, StudentFactory, portfolio_for


@pytest.fixture
def student():
    student = StudentFactory(username="aida", first_name="Аида", last_name="Бекова",
                             email="aida@example.edu")  # fmt: skip
    portfolio_for(student, visibility=Visibility.SIGNED_IN)
    return student


@pytest.fixture
def portfolio(student):
    return student.portfolio


@pytest.fixture
def employer():
    return EmployerFactory(approved=True, username="emil", first_name="Эмиль",
                           last_name="Касымов", email="emil@example.com")  # fmt: skip


@pytest.fixture
def details(student):
    return services.contact_details_save(
        student=student, email="aida.work@example.edu", phone="+996 555 000 111",
        messenger="@aida", note="",
    )  # fmt: skip


@pytest.fixture
def invite(employer, portfolio):
    def make(*, by=None, to=None, purpose="Junior analyst", message="Hello, let us talk."):
        return services.contact_request_create(
            employer=by or employer, portfolio=to or portfolio, purpose=purpose, message=message
        )

    return make
