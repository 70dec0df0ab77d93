"""Figures kept on each portfolio (search/derived.py): the stored completeness equals
what the editor computes, the "last update" moves with the student's own changes only,
deleting an account cascades cleanly, and the search document lists only portfolios
meant to be found."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import User
from achievements.models import Achievement, Evidence
from achievements.selectors import portfolio_view
from achievements.services import (
    achievement_delete,
    achievement_update,
    evidence_add_link,
    evidence_attach,
    evidence_delete,
    evidence_update_caption,
)
from core.files.uploads import prepare_upload
from feedback.models import EmploymentOutcome, Review, VerificationEvent
from feedback.services.reviews import review_save
from feedback.services.verification import verification_decide, verification_request
from pages.selectors import completeness
from portfolios.access import OWNER
from portfolios.models import Category, Portfolio, SearchDocument, ShareLink, Visibility
from portfolios.services import portfolio_update, share_link_create
from tests.factories import (
    EmploymentOutcomeFactory,
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    TermFactory,
    achievement_for,
    default_rubric,
    pdf_bytes,
    png_bytes,
    portfolio_for,
    scores_for,
    stored_media_files,
    uploaded_file,
)

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.datetime(2024, 1, 15, 12, 0, tzinfo=datetime.UTC)
PROOF = [("proof.pdf", pdf_bytes())]


def stored(portfolio):
    return Portfolio.objects.get(pk=portfolio.pk)


def python_figure(portfolio):
    return completeness(portfolio_view(stored(portfolio), OWNER, outline=True)).percent


def full_profile(portfolio, **fields):
    portfolio_update(
        portfolio=portfolio,
        skills=["Python", "Teaching"],
        photo=prepare_upload(uploaded_file("me.png", png_bytes())),
        headline="Future maths teacher",
        about="I coach a robotics club.",
        **fields,
    )


def active_sections():
    return list(Category.objects.filter(is_active=True).order_by("order"))


def share(points, part, whole):
    """``points * part / whole`` rounded half up."""
    return (2 * points * part + whole) // (2 * whole)


# --- Completeness: the stored figure equals the editor's -----------------------------


def shape_empty(portfolio):
    return 0


def shape_profile_only(portfolio):
    full_profile(portfolio)
    return 40


def shape_headline_and_skills(portfolio):
    portfolio_update(portfolio=portfolio, skills=["Chess"], headline="Chess player")
    return 20


def shape_items_without_evidence(portfolio):
    first, second = active_sections()[:2]
    achievement_for(portfolio, title="One", section_code=first.code)
    achievement_for(portfolio, title="Two", section_code=first.code)
    achievement_for(portfolio, title="Three", section_code=second.code)
    return share(45, 2, len(active_sections()))


def shape_items_with_and_without_evidence(portfolio):
    first, second, third = active_sections()[:3]
    achievement_for(portfolio, title="One", section_code=first.code, files=PROOF)
    achievement_for(portfolio, title="Two", section_code=second.code)
    achievement_for(
        portfolio, title="Three", section_code=third.code, visibility=Visibility.PRIVATE
    )
    portfolio_update(portfolio=portfolio, skills=[], headline="Hi")
    return 10 + share(45, 3, len(active_sections())) + share(15, 1, 3)


def shape_link_evidence_counts(portfolio):
    item = achievement_for(portfolio, title="Talk", section_code=active_sections()[0].code)
    evidence_add_link(achievement=item, url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    return share(45, 1, len(active_sections())) + 15


def shape_with_an_inactive_section(portfolio):
    first, switched_off = active_sections()[:2]
    Category.objects.filter(pk=switched_off.pk).update(is_active=False)
    achievement_for(portfolio, title="Active", section_code=first.code, files=PROOF)
    achievement_for(portfolio, title="In a section switched off", section_code=switched_off.code)
    # The switched-off section neither counts as a section nor as filled; its item still
    # counts as an item without evidence.
    return share(45, 1, len(active_sections())) + share(15, 1, 2)


def shape_complete(portfolio):
    full_profile(portfolio)
    for category in active_sections():
        achievement_for(
            portfolio, title=f"In {category.code}", section_code=category.code, files=PROOF
        )
    return 100


def shape_complete_but_one_without_evidence(portfolio):
    full_profile(portfolio)
    sections = active_sections()
    for category in sections:
        achievement_for(
            portfolio, title=f"In {category.code}", section_code=category.code, files=PROOF
        )
    achievement_for(portfolio, title="No proof", section_code=sections[0].code)
    return 85 + share(15, len(sections), len(sections) + 1)


SHAPES = [
    shape_empty,
    shape_profile_only,
    shape_headline_and_skills,
    shape_items_without_evidence,
    shape_items_with_and_without_evidence,
    shape_link_evidence_counts,
    shape_with_an_inactive_section,
    shape_complete,
    shape_complete_but_one_without_evidence,
]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda f: f.__name__.removeprefix("shape_"))
def test_the_stored_completeness_equals_the_editors_figure(shape):
    portfolio = portfolio_for(StudentFactory())

    expected = shape(portfolio)

    assert python_figure(portfolio) == expected
    assert stored(portfolio).completeness == expected


def test_the_figure_follows_deleting_items_and_evidence():
    portfolio = portfolio_for(StudentFactory())
    item = achievement_for(portfolio, title="One", files=PROOF)
    other = achievement_for(portfolio, title="Two", section_code="research")
    assert stored(portfolio).completeness == python_figure(portfolio) > 0

    evidence_delete(evidence=item.evidence.get())
    assert stored(portfolio).completeness == python_figure(portfolio)

    achievement_delete(achievement=other)
    achievement_delete(achievement=item)
    assert stored(portfolio).completeness == python_figure(portfolio) == 0


def test_the_figure_follows_changes_made_in_the_admin(client):
    """The admin bypasses the services; the stored figure must still follow."""
    portfolio = portfolio_for(StudentFactory())
    first = achievement_for(portfolio, title="One", files=PROOF)
    achievement_for(portfolio, title="Two", section_code="research")
    client = _staff_client(client)

    client.post(reverse("admin:achievements_achievement_delete", args=[first.pk]), {"post": "yes"})

    assert not Achievement.objects.filter(pk=first.pk).exists()
    assert stored(portfolio).completeness == python_figure(portfolio)


def test_switching_a_section_off_updates_the_stored_figure():
    portfolio = portfolio_for(StudentFactory())
    first, second = active_sections()[:2]
    achievement_for(portfolio, title="One", section_code=first.code, files=PROOF)
    achievement_for(portfolio, title="Two", section_code=second.code, files=PROOF)
    before = stored(portfolio).completeness
    assert before == python_figure(portfolio)

    second.is_active = False
    second.save()

    assert python_figure(portfolio) != before
    assert stored(portfolio).completeness == python_figure(portfolio)


# --- "Last update" ----------------------------------------------------------------------


def _age(portfolio):
    Portfolio.objects.filter(pk=portfolio.pk).update(content_updated_at=LONG_AGO)


def _last_update(portfolio):
    return stored(portfolio).content_updated_at


@pytest.fixture
def portfolio():
    return portfolio_for(StudentFactory())


@pytest.fixture
def item(portfolio):
    return achievement_for(portfolio, title="Olympiad", files=PROOF)


STUDENT_EDITS = {
    "profile": lambda p, a: portfolio_update(portfolio=p, skills=[], headline="New headline"),
    "profile skills": lambda p, a: portfolio_update(portfolio=p, skills=["Chess"]),
    "new item": lambda p, a: achievement_for(p, title="Another"),
    "item edit": lambda p, a: achievement_update(achievement=a, description="More detail"),
    "item skills": lambda p, a: achievement_update(achievement=a, skills=["Maths"]),
    "item delete": lambda p, a: achievement_delete(achievement=a),
    "file added": lambda p, a: evidence_attach(
        achievement=a, files=[prepare_upload(uploaded_file("more.pdf", pdf_bytes()))]
    ),
    "link added": lambda p, a: evidence_add_link(
        achievement=a, url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    ),
    "caption": lambda p, a: evidence_update_caption(evidence=a.evidence.get(), caption="Scan"),
    "file deleted": lambda p, a: evidence_delete(evidence=a.evidence.get()),
}


@pytest.mark.parametrize("edit", list(STUDENT_EDITS))
def test_a_students_edit_moves_the_last_update(portfolio, item, edit):
    _age(portfolio)

    STUDENT_EDITS[edit](stored(portfolio), item)

    assert _last_update(portfolio) > LONG_AGO
    assert stored(portfolio).completeness == python_figure(portfolio)


def test_the_editor_form_moves_the_last_update(client, portfolio, item):
    client.force_login(portfolio.student)
    _age(portfolio)

    response = client.post(
        reverse("portfolios:profile"),
        {
            "slug": portfolio.slug,
            "headline": "Changed through the page",
            "about": "",
            "interests": "",
            "phone": "",
            "website": "",
            "linkedin": "",
            "github": "",
            "telegram": "",
            "visibility": Visibility.SUPERVISORS,
            "default_visibility": Visibility.SUPERVISORS,
            "skills_text": "",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    assert stored(portfolio).headline == "Changed through the page"
    assert _last_update(portfolio) > LONG_AGO


def test_a_supervisors_verification_does_not_move_the_last_update(portfolio, item):
    assignment = SupervisorAssignmentFactory(student=portfolio.student)
    verification_request(achievement=item, student=portfolio.student)
    _age(portfolio)

    verification_decide(achievement=item, supervisor=assignment.supervisor, verify=True)

    assert Achievement.objects.get(pk=item.pk).is_verified
    assert _last_update(portfolio) == LONG_AGO


def test_signing_in_or_a_review_does_not_move_the_last_update(client, portfolio):
    student = portfolio.student
    assignment = SupervisorAssignmentFactory(student=student)
    _age(portfolio)

    client.post(
        reverse("accounts:login"),
        {"username": student.username, "password": "Correct-Horse-Battery-42"},
    )
    review_save(
        supervisor=assignment.supervisor,
        student=student,
        term=TermFactory(),
        scores=scores_for(default_rubric(), 50, 50, 50, 50, 50),
        release=True,
        expected_rubric=default_rubric(),
    )

    assert User.objects.get(pk=student.pk).last_login is not None
    assert _last_update(portfolio) == LONG_AGO


def test_a_name_change_refreshes_search_but_not_the_last_update(portfolio):
    student = portfolio.student
    _age(portfolio)

    student.last_name = "Жумабаева"
    student.save()

    assert _last_update(portfolio) == LONG_AGO
    assert "жумабаева" in _lexemes(portfolio)


# --- Deleting an account ----------------------------------------------------------------


@pytest.fixture
def rich_student():
    """A student with everything that hangs off an account."""
    student = StudentFactory()
    portfolio = portfolio_for(student, visibility=Visibility.PUBLIC, open_to_work=True)
    full_profile(portfolio)
    assignment = SupervisorAssignmentFactory(student=student)
    item = achievement_for(portfolio, title="Olympiad", files=PROOF, visibility=Visibility.PUBLIC)
    achievement_update(achievement=item, skills=["Maths"])
    evidence_add_link(achievement=item, url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    achievement_for(
        portfolio, title="Second", section_code="research", files=[("photo.png", png_bytes())]
    )
    verification_request(achievement=item, student=student)
    verification_decide(achievement=item, supervisor=assignment.supervisor, verify=True)
    rubric = default_rubric()
    review_save(
        supervisor=assignment.supervisor,
        student=student,
        term=TermFactory(),
        scores=scores_for(rubric, 60, 70, 80, 90, 100),
        release=True,
        expected_rubric=rubric,
    )
    share_link_create(portfolio=portfolio, label="For an employer")
    EmploymentOutcomeFactory(student=student)
    assert SearchDocument.objects.filter(portfolio=portfolio).exists()
    return student


def _gone(student_pk, portfolio_pk):
    assert not User.objects.filter(pk=student_pk).exists()
    assert not Portfolio.objects.filter(pk=portfolio_pk).exists()
    assert not SearchDocument.objects.filter(portfolio_id=portfolio_pk).exists()
    assert not Achievement.objects.filter(portfolio_id=portfolio_pk).exists()
    assert not Evidence.objects.exists()
    assert not Review.objects.exists()
    assert not VerificationEvent.objects.exists()
    assert not EmploymentOutcome.objects.exists()
    assert not ShareLink.objects.exists()


def test_deleting_the_owners_account_deletes_everything(
    rich_student, django_capture_on_commit_callbacks
):
    portfolio_pk = rich_student.portfolio.pk
    assert stored_media_files()

    with django_capture_on_commit_callbacks(execute=True):
        rich_student.delete()

    _gone(rich_student.pk, portfolio_pk)
    assert stored_media_files() == []


def test_deleting_accounts_in_bulk(rich_student):
    portfolio_pk = rich_student.portfolio.pk

    User.objects.filter(pk=rich_student.pk).delete()

    _gone(rich_student.pk, portfolio_pk)


def _staff_client(client):
    from accounts.services import staff_group_ensure

    staff = StaffFactory()
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    return client


def test_staff_delete_an_account_in_the_admin(client):
    student = StudentFactory()
    portfolio = portfolio_for(student, visibility=Visibility.PUBLIC, open_to_work=True)
    full_profile(portfolio)
    achievement_for(portfolio, title="Olympiad", files=PROOF, visibility=Visibility.PUBLIC)

    response = _staff_client(client).post(
        reverse("admin:accounts_user_delete", args=[student.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    _gone(student.pk, portfolio.pk)


def test_staff_delete_an_account_with_a_verification_history_in_the_admin(client, rich_student):
    portfolio_pk = rich_student.portfolio.pk

    response = _staff_client(client).post(
        reverse("admin:accounts_user_delete", args=[rich_student.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    _gone(rich_student.pk, portfolio_pk)


def test_deleting_a_portfolio_alone(rich_student):
    portfolio = rich_student.portfolio

    portfolio.delete()

    assert not SearchDocument.objects.filter(portfolio_id=portfolio.pk).exists()
    assert User.objects.filter(pk=rich_student.pk).exists()
    assert VerificationEvent.objects.filter(student=rich_student, achievement=None).exists()


def test_a_supervisor_with_reviews_is_deactivated_not_deleted(rich_student):
    """Released scores are part of students' records: the account cannot be deleted while
    it has reviews; deactivated, its verifications and reviews stay."""
    from django.db.models import ProtectedError

    supervisor = rich_student.supervisor_links.get().supervisor
    item = Achievement.objects.get(title="Olympiad")

    with pytest.raises(ProtectedError):
        supervisor.delete()
    supervisor.is_active = False
    supervisor.save()

    item.refresh_from_db()
    assert item.is_verified and item.verified_by == supervisor
    assert Review.objects.filter(supervisor=supervisor).exists()


def test_deleting_a_supervisor_without_reviews_keeps_the_verified_item(rich_student):
    supervisor = rich_student.supervisor_links.get().supervisor
    item = Achievement.objects.get(title="Olympiad")
    Review.objects.filter(supervisor=supervisor).delete()

    supervisor.delete()

    item.refresh_from_db()
    assert item.verified_by is None
    assert item.is_verified


# --- The search document ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("visibility", "open_to_work", "active", "listed"),
    [
        (Visibility.PRIVATE, True, True, False),
        (Visibility.SUPERVISORS, True, True, False),  # unlisted: only supervisors see it
        (Visibility.SIGNED_IN, True, True, True),
        (Visibility.PUBLIC, True, True, True),
        (Visibility.PUBLIC, False, True, True),  # "open to work" is a filter employers choose
        (Visibility.PUBLIC, True, False, False),
    ],
)
def test_only_portfolios_meant_to_be_found_are_listed(visibility, open_to_work, active, listed):
    student = StudentFactory()
    portfolio = portfolio_for(student, visibility=visibility, open_to_work=open_to_work)
    if not active:
        student.is_active = False
        student.save(update_fields=["is_active"])

    assert SearchDocument.objects.get(portfolio=portfolio).is_listed is listed


def test_making_a_listed_portfolio_private_unlists_it():
    portfolio = portfolio_for(StudentFactory(), visibility=Visibility.PUBLIC, open_to_work=True)
    assert SearchDocument.objects.get(portfolio=portfolio).is_listed

    portfolio_update(portfolio=stored(portfolio), skills=[], visibility=Visibility.PRIVATE)

    assert not SearchDocument.objects.get(portfolio=portfolio).is_listed


def test_the_search_document_holds_only_what_signed_in_users_may_see():
    portfolio = portfolio_for(StudentFactory(), visibility=Visibility.PUBLIC, open_to_work=True)
    achievement_for(portfolio, title="Hackathon winner", visibility=Visibility.SIGNED_IN)
    achievement_for(portfolio, title="Secretdiary entry", visibility=Visibility.PRIVATE)
    achievement_for(portfolio, title="Supervisorsonly draft", visibility=Visibility.SUPERVISORS)

    words = _lexemes(portfolio)

    assert "hackathon" in words
    assert "secretdiary" not in words
    assert "supervisorsonly" not in words


def _lexemes(portfolio) -> set[str]:
    """The words of the portfolio's search document (its simple reading)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(document) FROM portfolios_searchdocument "
            "WHERE portfolio_id = %s",
            [portfolio.pk],
        )
        return set(cursor.fetchone()[0])
