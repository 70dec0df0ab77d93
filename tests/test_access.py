"""Walk the URLconf: every page of ours has a declared access rule, and the rule holds for
anonymous visitors, the wrong user and the right user."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import (
    EmployerFactory,
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
)

pytestmark = pytest.mark.django_db

PUBLIC = "public"  # everyone gets 200
ANONYMOUS_ONLY = "anonymous only"  # visitors get 200, signed-in users go to their dashboard
SIGNED_IN = "signed in"  # visitors go to the login page, every signed-in user gets 200
ASSIGNED_SUPERVISOR = "assigned supervisor"  # the student's supervisors and staff only
POST_ONLY = "post only"  # a GET is refused

RULES = {
    "home": ANONYMOUS_ONLY,
    "healthz": PUBLIC,
    "set_language": POST_ONLY,
    "accounts:signup": ANONYMOUS_ONLY,
    "accounts:signup-employer": ANONYMOUS_ONLY,
    "accounts:login": ANONYMOUS_ONLY,
    "accounts:logout": POST_ONLY,
    "accounts:dashboard": SIGNED_IN,
    "accounts:profile": SIGNED_IN,
    "accounts:password-change": SIGNED_IN,
    "accounts:password-reset": PUBLIC,
    "accounts:password-reset-done": PUBLIC,
    "accounts:password-reset-confirm": PUBLIC,
    "accounts:password-reset-complete": PUBLIC,
    "accounts:student-detail": ASSIGNED_SUPERVISOR,
}


def _named_routes(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # Django's admin checks is_staff itself; tested in test_admin.py
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_routes(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_route_has_an_access_rule():
    routes = set(_named_routes())
    assert routes - RULES.keys() == set(), "add the new page to RULES with its access rule"
    assert RULES.keys() - routes == set(), "RULES names pages that no longer exist"


@pytest.fixture
def people():
    supervisor = SupervisorFactory()
    student = StudentFactory()
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    return {
        "student": student,
        "other_student": StudentFactory(),
        "supervisor": supervisor,
        "other_supervisor": SupervisorFactory(),
        "employer": EmployerFactory(approved=True),
        "staff": StaffFactory(),
    }


def _url(name, people):
    if name == "accounts:student-detail":
        return reverse(name, args=[people["student"].pk])
    if name == "accounts:password-reset-confirm":
        return reverse(name, args=["MQ", "set-password"])
    return reverse(name)


@pytest.mark.parametrize("name", sorted(RULES))
def test_access_rule_holds(client, people, name):
    rule = RULES[name]
    url = _url(name, people)
    login_url = reverse("accounts:login")
    anonymous = client.get(url)

    if rule == PUBLIC:
        assert anonymous.status_code in (200, 302)
        for user in people.values():
            client.force_login(user)
            assert client.get(url).status_code in (200, 302)
    elif rule == ANONYMOUS_ONLY:
        assert anonymous.status_code == 200
        for user in people.values():
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == 302
            assert response.url == reverse("accounts:dashboard")
    elif rule == SIGNED_IN:
        assert anonymous.status_code == 302
        assert anonymous.url.startswith(login_url)
        for user in people.values():
            client.force_login(user)
            assert client.get(url).status_code == 200, user.role
    elif rule == ASSIGNED_SUPERVISOR:
        assert anonymous.status_code == 302
        assert anonymous.url.startswith(login_url)
        for key in ("student", "other_student", "other_supervisor", "employer"):
            client.force_login(people[key])
            assert client.get(url).status_code == 404, key
        for key in ("supervisor", "staff"):
            client.force_login(people[key])
            assert client.get(url).status_code == 200, key
    elif rule == POST_ONLY:
        assert anonymous.status_code == 405
    else:  # pragma: no cover
        pytest.fail(f"unknown rule {rule}")


def test_pending_employer_sees_what_a_visitor_sees(people):
    pending = EmployerFactory()
    assert not pending.is_approved_employer
    assert people["employer"].is_approved_employer
