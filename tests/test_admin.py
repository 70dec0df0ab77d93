import pytest
from django.contrib import admin
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import EmployerProfile, Role, User
from tests.factories import (
    EmployerFactory,
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
)

pytestmark = pytest.mark.django_db

OUR_APPS = {
    "accounts", "portfolios", "achievements", "feedback", "analytics", "journal", "notifications",
    "comments", "outbox", "transfer", "experiments", "recommendations",
}  # fmt: skip


@pytest.fixture
def staff_client(client):
    from accounts.services import staff_group_ensure

    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    return client


def our_models():
    return [m for m in admin.site._registry if m._meta.app_label in OUR_APPS]


def test_every_model_of_ours_is_registered_usefully():
    from django.apps import apps

    ours = [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]
    assert set(ours) <= set(admin.site._registry)
    for model in ours:
        model_admin = admin.site._registry[model]
        assert model_admin.list_display != ("__str__",), model
        assert model_admin.search_fields, model


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m._meta.label)
def test_staff_member_uses_every_changelist(staff_client, model):
    SupervisorAssignmentFactory()
    EmployerFactory()
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    url = reverse(f"{prefix}_changelist")
    assert staff_client.get(url).status_code == 200
    assert staff_client.get(url, {"q": "a"}).status_code == 200
    request = RequestFactory().get("/")
    request.user = User.objects.get(pk=staff_client.session["_auth_user_id"])
    can_add = admin.site._registry[model].has_add_permission(request)
    assert staff_client.get(reverse(f"{prefix}_add")).status_code == (200 if can_add else 403)


def test_non_staff_cannot_open_admin(client):
    client.force_login(StudentFactory())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_approve_employers_action(staff_client, django_capture_on_commit_callbacks):
    first = EmployerFactory(preferred_language="ru")
    second = EmployerFactory()
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        response = staff_client.post(
            reverse("admin:accounts_employerprofile_changelist"),
            {
                "action": "approve",
                "_selected_action": [first.employer_profile.pk, second.employer_profile.pk],
            },
            follow=True,
        )
    assert response.status_code == 200
    first.employer_profile.refresh_from_db()
    assert first.employer_profile.status == EmployerProfile.Status.APPROVED
    assert first.employer_profile.decided_by.role == Role.STAFF
    assert User.objects.get(pk=first.pk).is_approved_employer
    assert len(mail.outbox) == 2
    russian = next(m for m in mail.outbox if m.to == [first.email])
    assert "approved" not in russian.subject  # written in the employer's language


def test_staff_creates_a_supervisor_in_admin(staff_client):
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newsupervisor",
            "email": "new@example.edu",
            "first_name": "Нурлан",
            "last_name": "Токтогулов",
            "role": Role.SUPERVISOR,
            "usable_password": "true",
            "password1": "Another-Strong-Pass-77",
            "password2": "Another-Strong-Pass-77",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(username="newsupervisor").role == Role.SUPERVISOR


def test_admin_refuses_a_student_without_program(staff_client):
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "lost",
            "email": "lost@example.edu",
            "role": Role.STUDENT,
            "usable_password": "true",
            "password1": "Another-Strong-Pass-77",
            "password2": "Another-Strong-Pass-77",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="lost").exists()


def test_staff_cannot_make_anyone_superuser_or_touch_superusers(staff_client):
    from accounts.services import user_create

    boss = user_create(username="boss", email="boss@example.edu", role=Role.STAFF,
                       is_superuser=True)  # fmt: skip
    me = User.objects.get(pk=staff_client.session["_auth_user_id"])
    change_me = reverse("admin:accounts_user_change", args=[me.pk])
    page = staff_client.get(change_me).content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page
    staff_client.post(
        change_me,
        {"username": me.username, "email": me.email, "role": Role.STAFF, "is_superuser": "on",
         "is_active": "on", "last_login_0": "", "date_joined_0": "2026-01-01",
         "date_joined_1": "10:00:00"},
    )  # fmt: skip
    me.refresh_from_db()
    assert not me.is_superuser
    assert (
        staff_client.get(reverse("admin:accounts_user_change", args=[boss.pk])).status_code == 302
    )
    changelist = staff_client.get(reverse("admin:accounts_user_changelist"), {"q": "boss"})
    assert "boss@example.edu" not in changelist.content.decode()


def test_admin_access_follows_the_role(client):
    from accounts.services import STAFF_GROUP_NAME, user_create

    superuser = user_create(username="root", email="root@example.edu", role=Role.STAFF,
                            is_superuser=True)  # fmt: skip
    client.force_login(superuser)
    former = user_create(username="former", email="former@example.edu", role=Role.STAFF)
    assert former.is_staff
    response = client.post(
        reverse("admin:accounts_user_change", args=[former.pk]),
        {"username": "former", "email": "former@example.edu", "role": Role.SUPERVISOR,
         "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00",
         "groups": [], "supervised_links-TOTAL_FORMS": "0",
         "supervised_links-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    former.refresh_from_db()
    assert former.role == Role.SUPERVISOR
    assert not former.is_staff
    assert not former.groups.filter(name=STAFF_GROUP_NAME).exists()
