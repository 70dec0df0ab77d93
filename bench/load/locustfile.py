"""The real mix of the site's users, for locust (run by bench/load/run.py, which starts the
servers and seeds the demo data): anonymous visitors read public pages and journals (50%),
employers search and open portfolios (15%), students sign in, edit achievements and upload
evidence (20%), supervisors review and verify (10%), staff read the analytics (5%).

Requests alternate between the app servers in ``LOAD_SERVERS`` (comma-separated base URLs),
as a load balancer without sticky sessions would. The servers run as production does
(DEBUG=0) behind a TLS proxy, played here: every request says ``X-Forwarded-Proto: https``
and the client keeps the (Secure) cookies itself. Names group requests by endpoint.
"""

from __future__ import annotations

import itertools
import os
import random
import re

from locust import HttpUser, between, task

SERVERS = os.environ.get("LOAD_SERVERS", "http://127.0.0.1:8000").split(",")
PASSWORD = os.environ.get("LOAD_PASSWORD", "portfolio-demo-2026")
STUDENTS = int(os.environ.get("LOAD_STUDENTS", "60"))
PUBLIC = [slug for slug in os.environ.get("LOAD_PUBLIC", "student1").split(",") if slug]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ACHIEVEMENT_EDIT = re.compile(r'href="(/portfolio/achievements/(\d+)/edit/)"')
SLUG = re.compile(r'href="/p/([^/"]+)/"')
POST = re.compile(r'href="(/p/[^/"]+/journal/\d+/)"')
STUDENT_DETAIL = re.compile(r'href="(/[^"]*students/\d+/)"')
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5a4d2"
    "6a0000000049454e44ae426082"
)


class SiteUser(HttpUser):
    """A browser behind the TLS proxy: its own cookie jar, the CSRF token of the last form."""

    abstract = True
    wait_time = between(1, 3)
    host = SERVERS[0]

    def on_start(self):
        self.cookies: dict[str, str] = {}
        self.servers = itertools.cycle(random.sample(SERVERS, len(SERVERS)))

    def call(self, method: str, path: str, name: str, **kwargs):
        server = next(self.servers)
        headers = {
            "X-Forwarded-Proto": "https",
            "Accept-Language": "en",
            **kwargs.pop("headers", {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            origin = server.replace("http://", "https://")
            headers.update({"Origin": origin, "Referer": origin + path})
        self.client.cookies.clear()
        with self.client.request(
            method,
            server + path,
            name=name,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        ) as response:
            for cookie in response.cookies:
                self.cookies[cookie.name] = cookie.value
            if response.status_code >= 400:
                response.failure(f"{response.status_code}")
            else:
                response.success()
            return response

    def form_token(self, page) -> str:
        found = CSRF.search(page.text or "")
        return found.group(1) if found else self.cookies.get("csrftoken", "")

    def sign_in(self, username: str) -> bool:
        page = self.call("GET", "/accounts/login/", "sign in (form)")
        response = self.call(
            "POST",
            "/accounts/login/",
            "sign in",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.form_token(page),
            },
        )
        return response.status_code == 302


class Visitor(SiteUser):
    weight = 50

    @task(5)
    def public_page(self):
        self.call("GET", f"/p/{random.choice(PUBLIC)}/", "/p/[slug]/")

    @task(2)
    def journal(self):
        slug = random.choice(PUBLIC[:20])
        listing = self.call("GET", f"/p/{slug}/journal/", "/p/[slug]/journal/")
        posts = POST.findall(listing.text or "")
        if posts:
            self.call("GET", random.choice(posts), "/p/[slug]/journal/[id]/")

    @task(1)
    def home(self):
        self.call("GET", "/", "/")


class Employer(SiteUser):
    weight = 15
    QUERIES = ("python", "teacher", "design", "олимпиада", "research", "mathematics", "")

    def on_start(self):
        super().on_start()
        self.sign_in(random.choice(["employer1", "employer2"]))

    @task(3)
    def search(self):
        query = random.choice(self.QUERIES)
        found = self.call("GET", f"/employers/search/?q={query}", "/employers/search/")
        slugs = SLUG.findall(found.text or "")
        if slugs:
            self.call("GET", f"/p/{random.choice(slugs)}/", "/p/[slug]/ (employer)")

    @task(1)
    def shortlist(self):
        self.call("GET", "/employers/shortlist/", "/employers/shortlist/")


class Student(SiteUser):
    weight = 20

    def on_start(self):
        super().on_start()
        self.sign_in(f"student{random.randint(1, STUDENTS)}")

    @task(3)
    def editor(self):
        self.call("GET", "/portfolio/", "/portfolio/")

    @task(2)
    def edit_achievement(self):
        editor = self.call("GET", "/portfolio/", "/portfolio/")
        items = ACHIEVEMENT_EDIT.findall(editor.text or "")
        if not items:
            return
        path, _pk = random.choice(items)
        page = self.call("GET", path, "/portfolio/achievements/[id]/edit/")
        fields = dict(
            re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', page.text or "")
        )
        title = re.search(r'name="title"[^>]*value="([^"]*)"', page.text or "")
        category = re.search(
            r'name="category"[^>]*>\s*<option value="(\d+)" selected', page.text or ""
        )
        visibility = re.search(
            r'name="visibility"[^>]*>.*?<option value="([a-z_-]+)" selected', page.text or "", re.S
        )
        if not (title and category and visibility):
            return
        self.call(
            "POST",
            path,
            "/portfolio/achievements/[id]/edit/ (save)",
            data={
                "csrfmiddlewaretoken": self.form_token(page),
                "title": title.group(1),
                "category": category.group(1),
                "visibility": visibility.group(1),
                "description": "Updated under load.",
                "version": fields.get("version", ""),
            },
        )

    @task(1)
    def upload_evidence(self):
        editor = self.call("GET", "/portfolio/", "/portfolio/")
        items = ACHIEVEMENT_EDIT.findall(editor.text or "")
        if not items:
            return
        path, pk = random.choice(items)
        page = self.call("GET", path, "/portfolio/achievements/[id]/edit/")
        self.call(
            "POST",
            f"/portfolio/achievements/{pk}/evidence/",
            "evidence upload",
            data={"csrfmiddlewaretoken": self.form_token(page)},
            files={"files": ("scan.png", PNG, "image/png")},
        )


class Supervisor(SiteUser):
    weight = 10

    def on_start(self):
        super().on_start()
        self.sign_in(f"supervisor{random.randint(1, 6)}")

    @task(2)
    def students(self):
        listing = self.call("GET", "/supervise/students/", "/supervise/students/")
        details = STUDENT_DETAIL.findall(listing.text or "")
        if details:
            self.call("GET", random.choice(details), "/supervise/students/[id]/")

    @task(1)
    def verification_queue(self):
        self.call("GET", "/supervise/verification/", "/supervise/verification/")


class Staff(SiteUser):
    weight = 5

    def on_start(self):
        super().on_start()
        self.sign_in("admin")

    @task
    def analytics(self):
        self.call("GET", "/staff/analytics/", "/staff/analytics/")
