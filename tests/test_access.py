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
STUDENT_ONLY = "student only"  # visitors go to the login page, students 200, everyone else 404
OWNER_ONLY = "owner only"  # visitors go to the login page, the owning student 200, others 404
VISIBLE = "visible"  # public page and its files: 200 for everyone once marked public
SECRET_LINK = "secret link"  # anyone holding the token: 200
# visitors go to the login page, approved employers and staff 200, everyone else 404
APPROVED_EMPLOYER = "approved employer"
EMPLOYER_ONLY = "employer only"  # approved employers 200; everyone else, staff too, 404
SUPERVISOR_ROLE = "supervisor role"  # visitors go to the login page, supervisors and staff 200
CONTACT_PARTIES = "contact parties"  # the request's student and employer 200; others 404
STAFF_ONLY = "staff only"  # visitors go to the login page, staff 200, everyone else 404
# visitors go to the login page; supervisors, approved employers and staff 200 on a page
# they may open; students (the owner too) and pending employers 404
READER = "supervisor, employer or staff"

RULES = {
    "home": ANONYMOUS_ONLY,
    "healthz": PUBLIC,
    "livez": PUBLIC,
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
    "accounts:unassigned-students": STAFF_ONLY,
    "portfolios:editor": STUDENT_ONLY,
    "portfolios:profile": STUDENT_ONLY,
    "portfolios:preview": STUDENT_ONLY,
    "portfolios:cv": STUDENT_ONLY,
    "portfolios:public-cv": READER,
    "portfolios:share-links": STUDENT_ONLY,
    "portfolios:export": STUDENT_ONLY,
    "portfolios:import": STUDENT_ONLY,
    "portfolios:import-leap2a": STUDENT_ONLY,
    "portfolios:transfer-job": OWNER_ONLY,  # staff see jobs in the admin
    "portfolios:transfer-download": OWNER_ONLY,
    "portfolios:share-link-visits": OWNER_ONLY,
    "portfolios:share-link-revoke": POST_ONLY,
    "portfolios:public": VISIBLE,
    "portfolios:photo": VISIBLE,
    "portfolios:follow": POST_ONLY,
    "portfolios:unfollow": POST_ONLY,
    "portfolios:following": SIGNED_IN,
    "portfolios:shared": SECRET_LINK,
    "portfolios:shared-photo": SECRET_LINK,
    "achievements:create": STUDENT_ONLY,
    "achievements:edit": OWNER_ONLY,
    "achievements:delete": OWNER_ONLY,
    "achievements:move": POST_ONLY,
    "achievements:evidence-upload": POST_ONLY,
    "achievements:evidence-caption": POST_ONLY,
    "achievements:evidence-delete": POST_ONLY,
    "achievements:file": VISIBLE,
    "achievements:shared-file": SECRET_LINK,
    "feedback:search": APPROVED_EMPLOYER,
    "feedback:shortlist": APPROVED_EMPLOYER,
    "feedback:shortlist-add": POST_ONLY,
    "feedback:shortlist-note": POST_ONLY,
    "feedback:shortlist-remove": POST_ONLY,
    "feedback:employer-feedback": EMPLOYER_ONLY,
    "feedback:employer-feedback-delete": POST_ONLY,
    "feedback:received": STUDENT_ONLY,
    "feedback:students": SUPERVISOR_ROLE,
    "feedback:students-csv": SUPERVISOR_ROLE,
    "feedback:review-edit": ASSIGNED_SUPERVISOR,
    "feedback:review-release": POST_ONLY,
    "feedback:review-delete": POST_ONLY,
    "feedback:reviews-release-all": POST_ONLY,
    "feedback:verification-queue": SUPERVISOR_ROLE,
    "feedback:verification-decide": POST_ONLY,
    "feedback:my-reviews": STUDENT_ONLY,
    "feedback:verification-request": POST_ONLY,
    "feedback:outcomes": STUDENT_ONLY,
    "feedback:outcome-edit": OWNER_ONLY,
    "feedback:outcome-delete": POST_ONLY,
    "journal:manage": STUDENT_ONLY,
    "journal:create": STUDENT_ONLY,
    "journal:edit": OWNER_ONLY,
    "journal:delete": OWNER_ONLY,
    "journal:publish": POST_ONLY,
    "journal:attachment-delete": POST_ONLY,
    "journal:list": VISIBLE,
    "journal:detail": VISIBLE,
    "journal:feed": VISIBLE,
    "journal:file": VISIBLE,
    "journal:shared-list": SECRET_LINK,
    "journal:shared-detail": SECRET_LINK,
    "journal:shared-file": SECRET_LINK,
    "comments:portfolio": VISIBLE,
    "comments:achievement": VISIBLE,
    "comments:post": VISIBLE,
    "comments:reply": POST_ONLY,
    "comments:edit": OWNER_ONLY,  # the comment's author (here the student, on their page)
    "comments:delete": OWNER_ONLY,  # the author or the page's owner (both the student here)
    "comments:hide": POST_ONLY,
    "comments:unhide": POST_ONLY,
    "comments:report": SIGNED_IN,  # any signed-in reader but the author
    "analytics:dashboard": SUPERVISOR_ROLE,
    "analytics:export": SUPERVISOR_ROLE,
    "analytics:portfolio-views": STUDENT_ONLY,
    "experiments:list": STAFF_ONLY,
    "experiments:create": STAFF_ONLY,
    "experiments:detail": STAFF_ONLY,
    "experiments:edit": STAFF_ONLY,
    "experiments:start": POST_ONLY,
    "experiments:finish": POST_ONLY,
    "experiments:csv": STAFF_ONLY,
    "notifications:list": SIGNED_IN,
    "notifications:unread": SIGNED_IN,
    "notifications:settings": SIGNED_IN,
    "notifications:mark-all-read": POST_ONLY,
    "notifications:open": POST_ONLY,
    "recommendations:respond": POST_ONLY,
    "contacts:new": EMPLOYER_ONLY,
    "contacts:sent": EMPLOYER_ONLY,
    "contacts:inbox": STUDENT_ONLY,
    "contacts:settings": STUDENT_ONLY,
    "contacts:detail": CONTACT_PARTIES,
    "contacts:answer": POST_ONLY,
    "contacts:message": POST_ONLY,
    "contacts:block": POST_ONLY,
    "contacts:report": OWNER_ONLY,  # the student who received the invitation
    "contacts:unblock": POST_ONLY,
    # Public with a signed token from a notification e-mail (GET asks; POST stops e-mails).
    "notifications:unsubscribe": SECRET_LINK,
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
    _public_portfolio_with_evidence(student)
    return {
        "student": student,
        "other_student": StudentFactory(),
        "supervisor": supervisor,
        "other_supervisor": SupervisorFactory(),
        "employer": EmployerFactory(approved=True),
        "pending_employer": EmployerFactory(),
        "staff": StaffFactory(),
    }


def _public_portfolio_with_evidence(student):
    """A public page with a public achievement, an image, a photo and a share link."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from achievements.services import achievement_create
    from core.files.uploads import prepare_upload
    from demo.portfolios import make_image
    from portfolios.models import Category, Visibility
    from portfolios.services import portfolio_get_or_create, portfolio_update, share_link_create

    def image():
        return prepare_upload(SimpleUploadedFile("a.jpg", make_image("A", "B", seed=1)))

    portfolio = portfolio_get_or_create(student=student)
    portfolio_update(portfolio=portfolio, skills=[], photo=image(), visibility=Visibility.PUBLIC)
    achievement_create(
        portfolio=portfolio, category=Category.objects.get(code="sports"), title="Cup",
        visibility=Visibility.PUBLIC, files=[image()],
    )  # fmt: skip
    share_link_create(portfolio=portfolio, label="For X")
    _journal_post(portfolio, image())
    _finished_export(portfolio)
    _feedback_objects(student)
    _comments(student)


def _comments(student):
    """The student's own comment on their page, and a visitor's comment to report."""
    from comments.services import comment_create
    from tests.factories import UserFactory

    comment_create(author=student, body="Mine", portfolio=student.portfolio)
    comment_create(author=UserFactory(), body="A visitor's", portfolio=student.portfolio)


def _finished_export(portfolio):
    """A finished export, for its page and its download."""
    from transfer import jobs, services

    job = services.export_start(owner=portfolio.student, portfolio=portfolio, language="en")
    jobs.export_run(job.pk)


def _journal_post(portfolio, attachment):
    """A public, published journal post with an image, for the journal pages."""
    from journal.services import post_create
    from portfolios.models import Visibility

    post_create(portfolio=portfolio, title="Practice", status="published",
                visibility=Visibility.PUBLIC, files=[attachment])  # fmt: skip


def _feedback_objects(student):
    """A term, a draft review and an employment record, for the feedback pages."""
    import datetime

    from feedback.models import Term
    from feedback.services.outcomes import outcome_save

    Term.objects.create(
        name_en="2026–27 autumn", starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 1, 25), is_current=True,
    )  # fmt: skip
    outcome_save(student=student, recorded_by=student, employer_name="Acme", position="Tester",
                 start_date=datetime.date(2026, 1, 1), related_to_field=True)  # fmt: skip


def _url(name, people):
    student = people["student"]
    portfolio = student.portfolio
    achievement = portfolio.achievements.get()
    evidence = achievement.evidence.get()
    token = portfolio.share_links.get().token
    from feedback.models import Review, Term

    term = Term.objects.get()
    review = Review.objects.first()
    args = {
        "feedback:review-edit": [student.pk, term.pk],
        "feedback:review-release": [review.pk if review else 1],
        "feedback:review-delete": [review.pk if review else 1],
        "feedback:verification-decide": [achievement.pk],
        "feedback:verification-request": [achievement.pk],
        "feedback:outcome-edit": [student.employment_outcomes.get().pk],
        "feedback:outcome-delete": [student.employment_outcomes.get().pk],
        "feedback:shortlist-add": [portfolio.slug],
        "feedback:shortlist-note": [portfolio.slug],
        "feedback:shortlist-remove": [portfolio.slug],
        "feedback:employer-feedback": [portfolio.slug],
        "feedback:employer-feedback-delete": [portfolio.slug],
        "accounts:student-detail": [student.pk],
        "analytics:export": ["histogram"],
        "notifications:open": [1],
        "recommendations:respond": ["profile:about"],
        "notifications:unsubscribe": [_unsubscribe_token(student)],
        "accounts:password-reset-confirm": ["MQ", "set-password"],
        "portfolios:preview": ["public"],
        "portfolios:share-link-visits": [portfolio.share_links.get().pk],
        "portfolios:transfer-job": [student.transfer_jobs.get().public_id],
        "portfolios:transfer-download": [student.transfer_jobs.get().public_id],
        "portfolios:share-link-revoke": [portfolio.share_links.get().pk],
        "portfolios:public": [portfolio.slug],
        "portfolios:public-cv": [portfolio.slug],
        "portfolios:photo": [portfolio.slug, "thumb"],
        "portfolios:follow": [portfolio.slug],
        "portfolios:unfollow": [portfolio.slug],
        "portfolios:shared": [token],
        "portfolios:shared-photo": [token, "thumb"],
        "achievements:edit": [achievement.pk],
        "achievements:delete": [achievement.pk],
        "achievements:move": [achievement.pk, "up"],
        "achievements:evidence-upload": [achievement.pk],
        "achievements:evidence-caption": [evidence.public_id],
        "achievements:evidence-delete": [evidence.public_id],
        "achievements:file": [evidence.public_id, "thumb"],
        "achievements:shared-file": [token, evidence.public_id, "thumb"],
        **_journal_args(portfolio, token),
        **_comment_args(portfolio),
        **_experiment_args(name, term),
        **_contact_args(name, people),
    }
    return reverse(name, args=args.get(name, []))


def _experiment_args(name, term):
    if not name.startswith("experiments:") or name in ("experiments:list", "experiments:create"):
        return {}
    from experiments.models import Experiment
    from experiments.services import experiment_create

    # One experiment for every experiments page of a walk (names are unique).
    experiment = Experiment.objects.filter(name="Access").first() or experiment_create(
        name="Access", hypothesis="-", term=term, primary_metric="updates_per_week"
    )
    return {name: [experiment.pk]}


def _contact_args(name, people):
    if not name.startswith("contacts:"):
        return {}
    from contacts import services as contact_services

    student = people["student"]
    if name == "contacts:new":
        return {name: [student.portfolio.slug]}
    from contacts.models import ContactRequest, EmployerBlock

    # Made once per test: pages that walk every name (the CSP test) ask again.
    made = ContactRequest.objects.filter(student=student).first()
    if made is None:
        made = contact_services.contact_request_create(
            employer=people["employer"], portfolio=student.portfolio, purpose="Role", message="Hi"
        )
    block = EmployerBlock.objects.filter(student=student).first()
    if block is None:
        block = contact_services.employer_block(student=student, employer=StaffFactory())
    if name in ("contacts:sent", "contacts:inbox", "contacts:settings"):
        return {}  # lists: the request and the block are on them
    return {name: [block.pk if name == "contacts:unblock" else made.pk]}


def _unsubscribe_token(user):
    from notifications.access import unsubscribe_token

    return unsubscribe_token(user_id=user.pk, kind="comment")


def _comment_args(portfolio):
    own = portfolio.comments.get(author=portfolio.student)
    visitors = portfolio.comments.exclude(author=portfolio.student).get()
    post = portfolio.posts.get()
    return {
        "comments:portfolio": [portfolio.slug],
        "comments:achievement": [portfolio.slug, portfolio.achievements.get().pk],
        "comments:post": [portfolio.slug, post.pk],
        "comments:reply": [own.pk],
        "comments:edit": [own.pk],
        "comments:delete": [own.pk],
        "comments:hide": [visitors.pk],
        "comments:unhide": [visitors.pk],
        "comments:report": [visitors.pk],
    }


def _journal_args(portfolio, token):
    post = portfolio.posts.get()
    attachment = post.attachments.get()
    return {
        "journal:edit": [post.pk],
        "journal:delete": [post.pk],
        "journal:publish": [post.pk],
        "journal:attachment-delete": [attachment.public_id],
        "journal:list": [portfolio.slug],
        "journal:detail": [portfolio.slug, post.pk],
        "journal:feed": [portfolio.slug],
        "journal:file": [attachment.public_id, "thumb"],
        "journal:shared-list": [token],
        "journal:shared-detail": [token, post.pk],
        "journal:shared-file": [token, attachment.public_id, "thumb"],
    }


def _assert_waiting_page(client, people, url):
    """An employer staff have not approved yet is told so on every page for employers."""
    client.force_login(people["pending_employer"])
    response = client.get(url)
    assert response.status_code == 403
    assert b"waiting for approval" in response.content


@pytest.mark.parametrize("name", sorted(RULES))
def test_access_rule_holds(client, people, name):
    rule = RULES[name]
    url = _url(name, people)
    login_url = reverse("accounts:login")
    anonymous = client.get(url)

    if rule == PUBLIC:
        assert anonymous.status_code == 200
        for user in people.values():
            client.force_login(user)
            assert client.get(url).status_code == 200
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
        for key in ("student", "other_student", "other_supervisor", "employer",
                    "pending_employer"):  # fmt: skip
            client.force_login(people[key])
            assert client.get(url).status_code == 404, key
        for key in ("supervisor", "staff"):
            client.force_login(people[key])
            assert client.get(url).status_code == 200, key
    elif rule == SUPERVISOR_ROLE:
        assert anonymous.status_code == 302
        assert anonymous.url.startswith(login_url)
        for key in ("student", "other_student", "employer", "pending_employer"):
            client.force_login(people[key])
            assert client.get(url).status_code == 404, key
        for key in ("supervisor", "other_supervisor", "staff"):
            client.force_login(people[key])
            assert client.get(url).status_code == 200, key
    elif rule == READER:
        assert anonymous.status_code == 302
        assert anonymous.url.startswith(login_url)
        for key in ("student", "other_student"):
            client.force_login(people[key])
            assert client.get(url).status_code == 404, key
        _assert_waiting_page(client, people, url)
        for key in ("supervisor", "other_supervisor", "employer", "staff"):
            client.force_login(people[key])
            assert client.get(url).status_code == 200, key
    elif rule == STAFF_ONLY:
        assert anonymous.status_code == 302
        assert anonymous.url.startswith(login_url)
        for key in people:
            client.force_login(people[key])
            assert client.get(url).status_code == (200 if key == "staff" else 404), key
    elif rule == APPROVED_EMPLOYER:
        assert anonymous.status_code == 302
        assert anonymous.url.startswith(login_url)
        for key in ("student", "other_student", "supervisor", "other_supervisor"):
            client.force_login(people[key])
            assert client.get(url).status_code == 404, key
        _assert_waiting_page(client, people, url)
        for key in ("employer", "staff"):
            client.force_login(people[key])
            assert client.get(url).status_code == 200, key
    elif rule == EMPLOYER_ONLY:
        assert anonymous.status_code == 302
        assert anonymous.url.startswith(login_url)
        for key in ("student", "other_student", "supervisor", "other_supervisor", "staff"):
            client.force_login(people[key])
            assert client.get(url).status_code == 404, key
        _assert_waiting_page(client, people, url)
        client.force_login(people["employer"])
        assert client.get(url).status_code == 200
    elif rule == CONTACT_PARTIES:
        assert anonymous.status_code == 302
        assert anonymous.url.startswith(login_url)
        for key in people:
            client.force_login(people[key])
            expected = 200 if key in ("student", "employer") else 404
            assert client.get(url).status_code == expected, key
    elif rule == POST_ONLY:
        assert anonymous.status_code == 405
    elif rule in (STUDENT_ONLY, OWNER_ONLY):
        assert anonymous.status_code == 302
        assert anonymous.url.startswith(login_url)
        client.force_login(people["student"])
        assert client.get(url).status_code == 200
        others = [key for key in people if key != "student"]
        if rule == STUDENT_ONLY:
            others.remove("other_student")
            client.force_login(people["other_student"])
            assert client.get(url).status_code == 200
        for key in others:
            client.force_login(people[key])
            assert client.get(url).status_code == 404, key
    elif rule in (VISIBLE, SECRET_LINK):
        assert anonymous.status_code == 200
        for user in people.values():
            client.force_login(user)
            assert client.get(url).status_code == 200
    else:  # pragma: no cover
        pytest.fail(f"unknown rule {rule}")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("accounts:login", {"username": "x", "password": "y"}),
        ("accounts:logout", {}),
        ("set_language", {"language": "ru"}),
        ("accounts:signup", {}),
        ("accounts:password-reset", {"email": "a@example.edu"}),
    ],
)
def test_forms_refuse_posts_without_csrf_token(people, name, data):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    if name == "accounts:logout":
        client.force_login(people["student"])
    assert client.post(reverse(name), data).status_code == 403


def test_employer_pages_tell_pending_employers_they_wait(rf, people):
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404, HttpResponse

    from accounts.access import role_required
    from accounts.models import Role

    view = role_required(Role.EMPLOYER)(lambda request: HttpResponse("employers only"))

    def call(user):
        request = rf.get("/employers-only/")
        request.user = user
        return view(request)

    assert call(people["employer"]).status_code == 200
    assert call(people["staff"]).status_code == 200
    assert call(AnonymousUser()).status_code == 302
    waiting = call(people["pending_employer"])
    waiting.render()
    assert waiting.status_code == 403
    assert b"Your account is waiting for approval" in waiting.content
    assert b"Edit my profile" in waiting.content
    for key in ("student", "supervisor"):
        with pytest.raises(Http404):
            call(people[key])


def test_rejected_employers_are_told_they_were_not_approved(rf, people):
    from django.http import HttpResponse

    from accounts.access import role_required
    from accounts.models import EmployerProfile, Role

    employer = people["pending_employer"]
    EmployerProfile.objects.filter(user=employer).update(status=EmployerProfile.Status.REJECTED)
    employer.refresh_from_db()
    view = role_required(Role.EMPLOYER)(lambda request: HttpResponse("employers only"))
    request = rf.get("/employers-only/")
    request.user = employer
    response = view(request)
    response.render()
    assert response.status_code == 403
    assert b"Your account was not approved" in response.content
    assert b"waiting for approval" not in response.content
