"""Portfolio services: one portfolio per student, made with the account, at an address that
is valid, unique and derived from the username."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.services import user_create
from portfolios.models import Portfolio, Skill, slug_validator
from portfolios.services import (
    portfolio_get_or_create,
    share_link_create,
    share_link_record_visit,
    share_link_revoke,
    skills_resolve,
)
from tests.factories import CohortFactory, ProgramFactory, StudentFactory

pytestmark = pytest.mark.django_db


def new_student(username):
    return user_create(
        username=username,
        email=f"{abs(hash(username))}@example.edu",
        role=Role.STUDENT,
        password="Correct-Horse-Battery-42",
        program=ProgramFactory(),
        cohort=CohortFactory(),
    )


def test_a_student_account_comes_with_a_portfolio_at_the_username():
    student = new_student("aida")

    assert student.portfolio.slug == "aida"


def test_other_roles_have_no_portfolio():
    supervisor = user_create(username="teacher", email="t@example.edu", role=Role.SUPERVISOR)

    assert not Portfolio.objects.filter(student=supervisor).exists()


def test_usernames_that_differ_by_case_or_punctuation_get_different_addresses(client):
    usernames = ["Ann.Lee", "ann_lee", "ann-lee", "ANN+LEE2", "ann+lee"]
    students = [new_student(name) for name in usernames]

    slugs = [s.portfolio.slug for s in students]
    assert len(set(slugs)) == len(slugs)
    assert slugs[:3] == ["ann-lee", "ann-lee-2", "ann-lee-3"]
    for student in students:
        slug_validator(student.portfolio.slug)
        student.portfolio.visibility = 30
        student.portfolio.save()
        response = client.get(reverse("portfolios:public", args=[student.portfolio.slug]))
        assert response.context["student"] == student


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("ab", "student-ab"),
        ("admin", "student-admin"),
        ("files", "student-files"),
        ("Айбек", "student"),
        ("--x--", "student-x"),
    ],
)
def test_short_reserved_or_non_latin_usernames_get_a_valid_address(username, expected):
    assert new_student(username).portfolio.slug == expected


def test_two_non_latin_usernames_do_not_collide():
    first, second = new_student("Айбек"), new_student("Нурлан")

    assert {first.portfolio.slug, second.portfolio.slug} == {"student", "student-2"}


def test_a_long_username_gets_a_valid_address():
    slug = new_student("longname" * 18).portfolio.slug

    slug_validator(slug)
    assert slug == ("longname" * 5)[:36]


@pytest.mark.parametrize(
    "username",
    [
        "a" * 35 + ".b",  # the 36-character cut falls right after the dot
        "x" * 35 + "__yz",
        "abcdefghijklmnopqrstuvwxyz012345678.xyz",
    ],
)
def test_a_username_whose_36th_character_is_punctuation_can_sign_up(username):
    student = new_student(username)

    slug_validator(student.portfolio.slug)


def test_get_or_create_makes_one_portfolio_only():
    student = StudentFactory()

    first = portfolio_get_or_create(student=student)
    second = portfolio_get_or_create(student=student)

    assert first.pk == second.pk
    assert Portfolio.objects.filter(student=student).count() == 1


def test_skills_are_shared_across_spellings():
    first = skills_resolve(["Python", " python ", "Public   speaking"])
    second = skills_resolve(["PYTHON"])

    assert [s.name for s in first] == ["Python", "Public speaking"]
    assert second[0].pk == first[0].pk
    assert Skill.objects.count() == 2


def test_revoking_twice_keeps_the_first_time():
    link = share_link_create(portfolio=portfolio_get_or_create(student=StudentFactory()), label="X")
    share_link_revoke(link=link)
    first_time = link.revoked_at

    share_link_revoke(link=link)

    link.refresh_from_db()
    assert link.revoked_at == first_time


def test_a_visit_keeps_at_most_200_characters_of_the_browser_name():
    link = share_link_create(portfolio=portfolio_get_or_create(student=StudentFactory()), label="X")

    visit = share_link_record_visit(link=link, user_agent="A" * 5000)

    assert len(visit.user_agent) == 200


def test_two_sign_ups_racing_for_the_same_address_both_succeed(monkeypatch):
    """Simulates the race: the address was free when checked, taken when saved."""
    from portfolios import services

    new_student("ann.lee")  # the winner has just taken "ann-lee"
    real_free_slug, checks = services._free_slug, []

    def checked_before_the_winner_saved(base):
        checks.append(base)
        return base if len(checks) == 1 else real_free_slug(base)

    monkeypatch.setattr(services, "_free_slug", checked_before_the_winner_saved)
    monkeypatch.setattr(Portfolio, "full_clean", lambda self, *a, **k: None)

    loser = new_student("ann_lee")

    assert loser.portfolio.slug == "ann-lee-2"
