"""A strict Content-Security-Policy on every HTML page, and markup that passes it: no inline
<script>, no <style> blocks, no style="" and no on*= attributes (the browser check of the same
pages is tests/e2e/test_content_security_policy.py)."""

import re

import pytest
from django.urls import reverse

from tests import test_access
from tests.test_access import POST_ONLY, RULES, _url

# The users and objects of the URLconf walk (a fixture, shared with the browser test).
people = test_access.people

pytestmark = pytest.mark.django_db

EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
ROLES = ["anonymous", "student", "supervisor", "employer", "staff"]
# What the policy refuses in markup: inline scripts, style blocks and attributes, handlers.
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "<style> block": re.compile(r"<style[\s>]", re.IGNORECASE),
    'style="" attribute': re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE),
    "on*= handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
}
ADMIN_PAGES = [
    "admin:index",
    "admin:accounts_user_changelist",
    "admin:accounts_user_add",
    "admin:portfolios_portfolio_changelist",
    "admin:achievements_achievement_changelist",
    "admin:feedback_review_changelist",
    "admin:comments_comment_changelist",
]


def policy_of(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: value.strip()
        for name, _, value in (part.strip().partition(" ") for part in header.split(";"))
    }


def role_pages(people, role: str) -> list[str]:
    """Every page a role may open with a GET (the URLconf walk of tests/test_access.py),
    and for staff the admin pages too."""
    names = [name for name, rule in RULES.items() if rule != POST_ONLY]
    urls = [_url(name, people) for name in sorted(names)]
    if role == "staff":
        student = people["student"]
        urls += [reverse(name) for name in ADMIN_PAGES]
        urls += [
            reverse("admin:accounts_user_change", args=[student.pk]),
            reverse("admin:portfolios_portfolio_change", args=[student.portfolio.pk]),
            reverse(
                "admin:achievements_achievement_change",
                args=[student.portfolio.achievements.get().pk],
            ),
        ]
    return urls


def staff_with_admin_rights(people):
    from accounts.services import staff_group_ensure

    people["staff"].groups.add(staff_group_ensure())
    return people["staff"]


def test_html_pages_carry_the_strict_policy(client):
    response = client.get(reverse("accounts:login"))
    assert response["Content-Type"].startswith("text/html")
    policy = policy_of(response)
    for directive, value in EXPECTED_POLICY.items():
        assert policy[directive] == value, directive
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]


def test_uploaded_files_keep_their_own_stricter_policy(client, people):
    client.force_login(people["student"])
    evidence = people["student"].portfolio.achievements.get().evidence.get()
    response = client.get(reverse("achievements:file", args=[evidence.public_id, "thumb"]))
    assert response.status_code == 200
    assert "sandbox" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role_has_the_policy_and_no_inline_code(client, people, role):
    if role == "staff":
        client.force_login(staff_with_admin_rights(people))
    elif role != "anonymous":
        client.force_login(people[role])
    checked = 0
    problems = []
    for url in role_pages(people, role):
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        checked += 1
        if "Content-Security-Policy" not in response.headers:
            problems.append(f"{url}: no Content-Security-Policy header")
            continue
        body = response.content.decode()
        for what, pattern in INLINE.items():
            match = pattern.search(body)
            if match:
                problems.append(f"{url}: {what}: {match.group(0)[:120]}")
    assert checked >= 5
    assert problems == []


def test_a_failed_csrf_check_shows_the_site_page_under_the_policy():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "Content-Security-Policy" in response.headers
    body = response.content.decode()
    assert "The form has expired" in body
    assert not any(pattern.search(body) for pattern in INLINE.values())
