import pytest
from django.urls import reverse

from accounts.models import EmployerProfile, Role, User
from tests.factories import CohortFactory, ProgramFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signup_data(password):
    program = ProgramFactory(code="programming", name_en="Programming")
    cohort = CohortFactory(entry_year=2025)
    return {
        "first_name": "Айгерим",
        "last_name": "Осмонова",
        "email": "aigerim@example.edu",
        "program": program.pk,
        "cohort": cohort.pk,
        "username": "aigerim",
        "password1": password,
        "password2": password,
    }


def test_student_signs_up_and_is_signed_in(client, signup_data):
    client.cookies["portfolio_language"] = "ky"
    response = client.post(reverse("accounts:signup"), signup_data)

    assert response.status_code == 302
    assert response.url == reverse("accounts:dashboard")
    user = User.objects.get(username="aigerim")
    assert user.role == Role.STUDENT
    assert user.program.code == "programming"
    assert user.cohort.entry_year == 2025
    assert user.preferred_language == "ky"  # the language they signed up in
    assert client.get(reverse("accounts:dashboard")).context["user"] == user


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"username": "TAKEN"}, "username"),
        ({"email": "Taken@Example.edu"}, "email"),
        ({"password1": "12345678", "password2": "12345678"}, "password2"),
        ({"password1": "qwerty", "password2": "qwerty"}, "password2"),
        ({"password2": "Something-Else-99"}, "password2"),
        ({"email": "not-an-address"}, "email"),
        ({"program": ""}, "program"),
        ({"username": "taken@example.edu"}, "username"),  # never a username like an e-mail
    ],
)
def test_bad_sign_up_shows_field_errors_and_creates_nothing(client, signup_data, change, field):
    StudentFactory(username="taken", email="taken@example.edu", program__code="other")
    before = User.objects.count()

    response = client.post(reverse("accounts:signup"), {**signup_data, **change})

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert User.objects.count() == before
    # What the user typed is kept (passwords excepted).
    assert response.context["form"]["first_name"].value() == "Айгерим"


def test_sign_up_errors_are_in_the_users_language(client, signup_data):
    StudentFactory(username="aigerim", program__code="other")
    response = client.post(
        reverse("accounts:signup"),
        {**signup_data, "password2": "Different-123"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    errors = response.context["form"].errors
    username_error = " ".join(errors["username"])
    password_error = " ".join(errors["password2"])
    assert "уже существует" in username_error
    assert "не совпадают" in password_error


def test_student_email_domain_can_be_limited(client, signup_data, settings):
    settings.STUDENT_EMAIL_DOMAINS = ["university.kg"]
    response = client.post(reverse("accounts:signup"), signup_data)
    assert "@university.kg" in " ".join(response.context["form"].errors["email"])
    assert not User.objects.filter(username="aigerim").exists()

    response = client.post(
        reverse("accounts:signup"), {**signup_data, "email": "aigerim@University.kg"}
    )
    assert response.status_code == 302


def test_closed_programs_are_not_offered(client, signup_data):
    ProgramFactory(code="closed", name_en="Closed Program", is_active=False)
    response = client.get(reverse("accounts:signup"))
    assert b"Closed Program" not in response.content
    assert b"Programming" in response.content


def test_employer_signs_up_and_waits_for_approval(client, password):
    response = client.post(
        reverse("accounts:signup-employer"),
        {
            "first_name": "Эмиль",
            "last_name": "Касымов",
            "email": "hr@alatoo.example",
            "position": "HR",
            "organisation": "Ала-Тоо Софт",
            "website": "alatoo.example",
            "username": "alatoo",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="alatoo")
    assert user.role == Role.EMPLOYER
    assert user.employer_profile.status == EmployerProfile.Status.PENDING
    assert user.employer_profile.website == "https://alatoo.example"
    assert not user.is_approved_employer

    dashboard = client.get(reverse("accounts:dashboard"))
    assert "waiting for approval" in dashboard.content.decode()


def test_signed_in_users_are_sent_from_sign_up_to_their_dashboard(client):
    client.force_login(StudentFactory())
    for name in ("accounts:signup", "accounts:signup-employer", "accounts:login"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url == reverse("accounts:dashboard")
