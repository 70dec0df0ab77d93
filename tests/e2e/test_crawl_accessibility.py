"""Every distinct page of every role, in English, Russian and Kyrgyz: axe finds nothing serious
or critical, no page scrolls sideways on a laptop (1280, 1366, 1440 px) and the main pages not
on a phone (375 px), and the whole menu shows, without the hamburger, from 1200 px.

One data set (the demo data, ``seed_demo``) and one live server serve the whole crawl. Each
role's pages are found in English by following the same-site links from its start pages (GET
only: a link never logs out or deletes, that takes a form) and kept one per URL pattern, so a
list of forty achievements costs one visit; the same pages are then opened in Russian and
Kyrgyz. The admin pages are listed rather than crawled: the index, and the change list and a
change form of every model the site registers.
"""

import threading
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import Error as PlaywrightError

from accounts.models import User
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

LANGUAGES = ["en", "ru", "ky"]
LAPTOP_WIDTHS = [1280, 1366, 1440]
PHONE_WIDTH = 375
FULL_MENU_FROM = 1200
PAGES_PER_ROLE = 80  # a safety net: a crawl that finds more has found an endless family of URLs
PROJECT_APPS = {
    "accounts", "portfolios", "achievements", "journal", "search", "feedback", "comments",
    "contacts", "analytics", "notifications",
}  # fmt: skip
# Links the crawl never follows: the admin (listed separately), files, and the language switch.
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/", "/i18n/")


@dataclass
class Role:
    name: str
    username: str | None
    start: list[str]
    pages: dict[str, str] = field(default_factory=dict)  # URL pattern -> the URL opened
    main_pages: list[str] = field(default_factory=list)  # the start page and the menu's links


@pytest.fixture
def demo_data(transactional_db, default_sections, settings):
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off
    call_command("seed_demo", students=8, verbosity=0)
    settings.DEBUG = False
    from portfolios.models import Portfolio, ShareLink

    student1 = Portfolio.objects.get(student__username="student1")
    link = ShareLink.objects.filter(portfolio=student1).order_by("pk").first()
    public = reverse("portfolios:public", args=[student1.slug])
    shared = [reverse("portfolios:shared", args=[link.token])] if link else []
    dashboard = reverse("accounts:dashboard")
    return [
        Role("anonymous", None, ["/", public, *shared]),
        Role("student", "student1", [dashboard]),
        Role("supervisor", "supervisor1", [dashboard]),
        Role("employer", "employer1", [dashboard, public]),
        Role("staff", "staff1", [dashboard]),
    ]


def pattern_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name or match.route


def same_site_path(base_url: str, current: str, href: str) -> str | None:
    url = urlsplit(urljoin(current, href))
    if f"{url.scheme}://{url.netloc}" != base_url:
        return None
    if url.path.startswith(SKIPPED_PREFIXES) or "logout" in url.path:
        return None
    return url.path + (f"?{url.query}" if url.query else "")


class Crawl:
    def __init__(self, browser, base_url, sessions, problems):
        self.browser = browser
        self.base_url = base_url
        self.sessions = sessions  # username -> session key
        self.axe = Axe()
        self.problems = problems  # shared by the languages' threads
        self.host = urlsplit(base_url).hostname

    def context(self, username, language):
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport={"width": 1440, "height": 900},
            reduced_motion="reduce",
        )
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language}]
        if username:
            cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": self.sessions[username]})
        context.add_cookies([{**c, "domain": self.host, "path": "/"} for c in cookies])
        # axe-core comes with every page (parsed once per page, not sent over each time).
        context.add_init_script(self.axe.axe_script)
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(self.base_url) else route.abort()
            ),
        )
        return context

    def report(self, problem):
        self.problems.append(problem)
        print(problem)  # seen at once with -s, while the crawl goes on

    def open(self, page, path, where):
        """Open the page; False for a download or a file that is not a page."""
        try:
            response = page.goto(path, wait_until="load")
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                return False
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            return False
        if response.status >= 500:
            self.report(f"{where}: answers {response.status}")
        return True

    def check(self, page, where, *, widths=LAPTOP_WIDTHS):
        violations = page.evaluate(
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
        )
        for violation in violations:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:3]
                self.report(f"{where}: {violation['id']} ({violation['impact']}) {targets}")
        for width in widths:
            page.set_viewport_size({"width": width, "height": 900})
            scroll_width, inner_width = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            if scroll_width > inner_width:
                self.report(f"{where}: {scroll_width} px wide at {width} px")
        page.set_viewport_size({"width": 1440, "height": 900})

    def links(self, page, current):
        hrefs = page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map(a => a.getAttribute('href'))"
        )
        return [p for p in (same_site_path(self.base_url, current, h) for h in hrefs) if p]

    def discover(self, role: Role):
        """Walk the role's pages in English, one per URL pattern, checking each on the way."""
        context = self.context(role.username, "en")
        page = context.new_page()
        queue = deque(role.start)
        seen_patterns = set()
        while queue and len(role.pages) < PAGES_PER_ROLE:
            path = queue.popleft()
            pattern = pattern_of(urlsplit(path).path)
            if pattern is None or pattern in seen_patterns:
                continue
            seen_patterns.add(pattern)
            if not self.open(page, path, f"{role.name} en {path}"):
                continue
            role.pages[pattern] = path
            if not role.main_pages:
                role.main_pages = [path] + [
                    p for p in self.links_in(page, "#main-menu a.nav-link", page.url) if p != path
                ]
            self.check(page, f"{role.name} en {path}")
            queue.extend(self.links(page, page.url))
        self.check_menu_and_phone(page, role, "en")
        context.close()

    def links_in(self, page, selector, current):
        hrefs = page.eval_on_selector_all(selector, "ls => ls.map(a => a.getAttribute('href'))")
        return [p for p in (same_site_path(self.base_url, current, h) for h in hrefs) if p]

    def revisit(self, role: Role, language: str):
        context = self.context(role.username, language)
        page = context.new_page()
        for path in role.pages.values():
            where = f"{role.name} {language} {path}"
            if self.open(page, path, where):
                assert page.locator("html").get_attribute("lang") == language, where
                self.check(page, where)
        self.check_menu_and_phone(page, role, language)
        context.close()

    def check_admin_pages(self, language: str, paths: list[str]):
        context = self.context("admin", language)
        page = context.new_page()
        for path in paths:
            where = f"admin {language} {path}"
            if self.open(page, path, where):
                self.check(page, where)
        context.close()

    def check_menu_and_phone(self, page, role: Role, language: str):
        for path in role.main_pages:
            where = f"{role.name} {language} {path}"
            page.goto(path)
            page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > PHONE_WIDTH:
                self.report(f"{where}: {scroll_width} px wide on a phone")
        page.set_viewport_size({"width": FULL_MENU_FROM, "height": 900})
        page.goto(role.main_pages[0])
        where = f"{role.name} {language} menu at {FULL_MENU_FROM} px"
        if page.locator(".navbar-toggler").is_visible():
            self.report(f"{where}: the menu is behind the hamburger")
        # One row: every item of the menu sits on the brand's line, and nothing spills over.
        tops = page.eval_on_selector_all(
            ".site-navbar .navbar-brand, #main-menu .nav-item, #main-menu .language-switcher",
            "items => items.map(i => Math.round(i.getBoundingClientRect().top))",
        )
        heights = page.evaluate(
            "(() => { const n = document.querySelector('.site-navbar .container');"
            " return [n.scrollWidth, n.clientWidth]; })()"
        )
        if max(tops) - min(tops) > 16:
            self.report(f"{where}: the menu wraps onto a second line")
        if heights[0] > heights[1]:
            self.report(f"{where}: the menu is {heights[0]} px in {heights[1]} px")
        page.set_viewport_size({"width": 1440, "height": 900})


def customisation(model_admin) -> int:
    """How much the site changed the admin's own markup for this model."""
    return (
        3 * bool(model_admin.list_editable)
        + 3 * bool(model_admin.change_list_template or model_admin.change_form_template)
        + 2 * len(model_admin.inlines)
        + bool(model_admin.formfield_overrides)
        + bool(model_admin.actions)
        + bool(model_admin.readonly_fields)
    )


def admin_pages():
    """The admin index, and for each of the site's apps the change list of its most customised
    model and a change form of its most customised model that has a row."""
    by_app = {}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in PROJECT_APPS:
            by_app.setdefault(model._meta.app_label, []).append((model, model_admin))
    pages = [reverse("admin:index")]
    for models in by_app.values():
        models.sort(key=lambda pair: -customisation(pair[1]))
        meta = models[0][0]._meta
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        for model, _model_admin in models:
            row = model.objects.order_by("pk").first()
            if row is not None:
                meta = model._meta
                pages.append(
                    reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
                )
                break
    return pages


def session_for(username: str) -> str:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def other_language(language, base_url, sessions, problems, roles, discovered, admin):
    """Russian or Kyrgyz in a thread of its own, with its own browser (Playwright's objects
    belong to the thread that made them): each role's pages as soon as English found them."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        crawl = Crawl(browser, base_url, sessions, problems)
        try:
            for role in roles:
                if not discovered[role.name].wait(timeout=600):
                    return
                crawl.revisit(role, language)
            crawl.check_admin_pages(language, admin)
        except Exception as error:  # reported by the test, not lost in the thread
            problems.append(f"{language}: the crawl stopped: {error!r}")
        finally:
            browser.close()


def test_every_page_of_every_role_is_accessible_and_fits(browser, live_server, demo_data):
    roles = demo_data
    # Each user's own language would win over the language cookie; without it Russian and
    # Kyrgyz can be crawled at the same time by the same accounts.
    usernames = [role.username for role in roles if role.username] + ["admin"]
    User.objects.filter(username__in=usernames).update(preferred_language="")
    sessions = {username: session_for(username) for username in usernames}
    admin = admin_pages()
    problems: list[str] = []
    discovered = {role.name: threading.Event() for role in roles}
    threads = [
        threading.Thread(
            target=other_language,
            args=(language, live_server.url, sessions, problems, roles, discovered, admin),
        )
        for language in LANGUAGES[1:]
    ]
    for thread in threads:
        thread.start()
    crawl = Crawl(browser, live_server.url, sessions, problems)
    try:
        for role in roles:
            crawl.discover(role)
            discovered[role.name].set()
        crawl.check_admin_pages("en", admin)
    finally:
        for event in discovered.values():
            event.set()  # a failure here must not leave the other threads waiting
        for thread in threads:
            thread.join()

    visited = sum(len(role.pages) for role in roles)
    assert visited > 40, "the crawl found too few pages: is it logged in?"
    assert problems == [], "\n" + "\n".join(problems)
