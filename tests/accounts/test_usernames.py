"""Usernames that could pass for someone else's are refused everywhere a name is chosen:
sign-up, admin, createsuperuser, the services. Cyrillic-only names stay welcome."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from accounts.services import user_create
from accounts.usernames import username_skeleton
from tests.factories import CohortFactory, ProgramFactory, StaffFactory, StudentFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Long-enough-pass-42"
CYRILLIC_S = "\u0455"  # ѕ, looks like a Latin s


def signup(client, username):
    program, cohort = ProgramFactory(), CohortFactory()
    return client.post(
        reverse("accounts:signup"),
        {"first_name": "Азамат", "last_name": "Исаков", "email": f"{len(username)}x@example.edu",
         "username": username, "password1": PASSWORD, "password2": PASSWORD,
         "program": program.pk, "cohort": cohort.pk},
    )  # fmt: skip


def test_skeleton_maps_look_alikes_to_latin():
    assert username_skeleton(f"{CYRILLIC_S}tudent1") == "student1"
    assert username_skeleton("ѕтиԁеnт1".upper()) == username_skeleton("ЅТИԀЕNТ1")
    assert username_skeleton("Ｓtudent") == "student"  # NFKC: full-width letters


@pytest.mark.parametrize("username", [f"{CYRILLIC_S}tudent1", "studеnt2", "aйгүл", "αlex", "user١"])
def test_signup_refuses_mixed_or_foreign_alphabets(client, username):
    response = signup(client, username)
    assert response.status_code == 200
    assert response.context["form"].errors["username"]


def test_signup_refuses_a_cyrillic_copy_of_an_existing_latin_name(client):
    StudentFactory(username="coca")
    response = signup(client, "соса")  # all Cyrillic, looks like "coca"
    assert response.status_code == 200
    assert "looks the same" in str(response.context["form"].errors["username"])


def test_cyrillic_only_usernames_are_welcome(client):
    response = signup(client, "айгүл.асанова")
    assert response.status_code == 302, response.context["form"].errors
    StudentFactory(username="бакыт", email="bakyt@example.edu")
    # An existing Cyrillic user keeps working: their other fields can be changed.
    user = StudentFactory(username="нурлан_97", email="nurlan@example.edu")
    user.first_name = "Нурлан"
    user.full_clean(exclude=["password"])


def test_the_message_is_translated():
    with translation.override("ky"):
        with pytest.raises(ValidationError) as refused:
            user_create(username=f"{CYRILLIC_S}tudent", email="s@example.edu", role=Role.SUPERVISOR)
        message = " ".join(refused.value.message_dict["username"])
    assert "Latin" not in message
    assert "латын" in message.lower()


def test_services_refuse_a_look_alike_of_an_existing_user():
    StudentFactory(username="cocoa")
    with pytest.raises(ValidationError) as refused:
        # All Cyrillic, so one alphabet, but it reads as "cocoa".
        user_create(username="сосоа", email="x@example.edu", role=Role.SUPERVISOR)
    assert [e.code for e in refused.value.error_dict["username"]] == ["confusable"]


def test_admin_refuses_a_mixed_alphabet_username(client):
    from accounts.services import staff_group_ensure

    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"username": f"{CYRILLIC_S}upervisor", "email": "s@example.edu", "role": "supervisor",
         "password1": "Long-enough-pass-42", "password2": "Long-enough-pass-42",
         "usable_password": "true"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["username"]


def test_admin_refuses_renaming_to_a_look_alike(client):
    from accounts.services import staff_group_ensure

    StudentFactory(username="coca")
    other = StudentFactory(username="other")
    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    page = client.get(reverse("admin:accounts_user_change", args=[other.pk]))
    data = {
        key: value for key, value in page.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, list | tuple)
    }  # fmt: skip
    form = page.context["adminform"].form.__class__(
        data={**data, "username": "соса", "program": other.program_id, "cohort": other.cohort_id},
        instance=other,
    )
    assert not form.is_valid()
    assert "username" in form.errors


def test_createsuperuser_refuses_a_look_alike(monkeypatch):
    StudentFactory(username="admin")
    StudentFactory(username="coca")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Long-enough-pass-42")
    with pytest.raises(CommandError, match="one alphabet"):
        call_command(
            "createsuperuser", interactive=False, username="аdmin", email="a@example.edu",
            verbosity=0,
        )  # fmt: skip
    with pytest.raises(CommandError, match="looks the same"):
        call_command(
            "createsuperuser", interactive=False, username="СОСА", email="b@example.edu",
            verbosity=0,
        )  # fmt: skip
