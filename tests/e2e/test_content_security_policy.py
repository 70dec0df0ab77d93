"""Chromium opens the pages of every role under the site's Content-Security-Policy and
reports no violation: the site's own scripts and styles (Bootstrap, htmx, site.css) pass it."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from tests import test_content_security_policy as csp

people = csp.people  # a fixture

# Runs before any script of the page: every violation the browser reports is kept.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${where})`
  );
});
"""


def sign_in(page, user, live_server):
    """The browser takes the session of a test client signed in as ``user``."""
    client = Client()
    client.force_login(user)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )


@pytest.mark.parametrize("role", csp.ROLES)
def test_no_page_of_a_role_breaks_the_content_security_policy(new_page, live_server, people, role):
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    if role == "staff":
        sign_in(page, csp.staff_with_admin_rights(people), live_server)
    elif role != "anonymous":
        sign_in(page, people[role], live_server)

    problems = []
    visited = 0
    for url in csp.role_pages(people, role):
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # an export or CSV: a download, not a page
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or response.status != 200:
            continue
        if not (response.headers.get("content-type") or "").startswith("text/html"):
            continue
        visited += 1
        assert response.headers.get("content-security-policy"), url
        page.wait_for_load_state("load")
        # Let deferred scripts (Bootstrap, htmx) run and report.
        page.wait_for_function("document.readyState === 'complete'")
        for violation in page.evaluate("window.__cspViolations"):
            problems.append(f"{url}: {violation}")
        problems += [f"{url}: {text}" for text in console]
        console.clear()
    assert visited >= 5
    assert problems == []


def test_a_violation_would_be_caught(new_page, live_server):
    """The check above can fail: an inline style added to a page is reported."""
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto("/accounts/login/")
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<div style=\"color: red\">x</div>')"
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert any("style-src" in violation for violation in page.evaluate("window.__cspViolations"))
