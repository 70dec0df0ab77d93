"""Employers: the search page, the shortlist, feedback on portfolios; students reading it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from feedback.models import EmployerFeedback, ShortlistEntry
from feedback.selectors.employers import employer_feedback_for_portfolio
from feedback.services import employers as services
from portfolios.models import Visibility
from portfolios.services import portfolio_update
from tests.factories import (
    EmployerFactory,
    StudentFactory,
    achievement_for,
    png_bytes,
    portfolio_for,
)
from tests.feedback.test_search import HOSTILE_QUERIES

pytestmark = pytest.mark.django_db

RATINGS = {"presentation": 4, "skills_relevance": 5, "evidence_credibility": 3}


def listed(first_name="Айгерим", last_name="Сыдыкова", *, headline="Future maths teacher",
           skills=("Python",), visibility=Visibility.SIGNED_IN, open_to_work=True):  # fmt: skip
    student = StudentFactory(first_name=first_name, last_name=last_name)
    portfolio = portfolio_for(student)
    portfolio_update(portfolio=portfolio, skills=list(skills), headline=headline,
                     visibility=visibility, open_to_work=open_to_work)  # fmt: skip
    return portfolio


@pytest.fixture
def employer():
    return EmployerFactory(approved=True, employer_profile__organisation="Bilim Tech LLC")


@pytest.fixture
def other_employer():
    return EmployerFactory(approved=True, employer_profile__organisation="Other Org")


@pytest.fixture
def portfolio():
    return listed()


@pytest.fixture
def hidden():
    """A portfolio only the student's supervisors may open."""
    return listed("Скрытый", "Студент", headline="Secret maths teacher",
                  visibility=Visibility.SUPERVISORS)  # fmt: skip


@pytest.fixture
def employer_client(client, employer):
    client.force_login(employer)
    return client


def post(client, name, portfolio, data=None, **extra):
    return client.post(reverse(name, args=[portfolio.slug]), data or {}, **extra)


# --- Search page ---------------------------------------------------------------------


def test_the_search_page_shows_listed_portfolios_as_cards(employer_client, portfolio, hidden):
    achievement = achievement_for(portfolio, title="Olympiad", visibility=Visibility.SIGNED_IN)
    achievement.verification_status = "verified"
    achievement.verified_at = achievement.updated_at
    achievement.save(update_fields=["verification_status", "verified_at"])

    response = employer_client.get(reverse("feedback:search"), {"q": "maths teacher"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Айгерим Сыдыкова" in page and "Future maths teacher" in page
    assert portfolio.student.program.name_en in page
    assert "1 verified achievement" in page
    assert "Python" in page and "Add to shortlist" in page
    assert "Скрытый" not in page and "Secret" not in page
    assert response.context["page"].paginator.count == 1


def test_an_empty_search_lists_every_listed_portfolio(employer_client, portfolio, hidden):
    response = employer_client.get(reverse("feedback:search"))

    assert [p.pk for p in response.context["portfolios"]] == [portfolio.pk]
    assert "most recently updated first" in response.content.decode()


def test_no_match_gives_a_clear_empty_state(employer_client, portfolio):
    response = employer_client.get(reverse("feedback:search"), {"q": "astrophysics"})

    assert response.context["portfolios"] == []
    assert "No portfolio matches your search." in response.content.decode()


def test_no_listed_portfolio_at_all_gives_its_own_empty_state(employer_client, hidden):
    response = employer_client.get(reverse("feedback:search"))

    assert "No student has listed their portfolio" in response.content.decode()


def test_filters_apply_and_pagination_keeps_them(employer_client):
    for number in range(23):
        listed(f"Student{number}", "Teacher", skills=["Python", "Teaching"])
    listed("Only", "Designer", skills=["Figma"])

    params = {"q": "teacher", "skills": "python", "verified_only": ""}
    first = employer_client.get(reverse("feedback:search"), params)
    assert first.context["page"].paginator.count == 23
    assert len(first.context["portfolios"]) == 20
    page = first.content.decode()
    assert "q=teacher&amp;skills=python&amp;verified_only=&amp;page=2" in page

    second = employer_client.get(reverse("feedback:search"), {**params, "page": 2})
    assert len(second.context["portfolios"]) == 3
    assert "page=1" in second.content.decode()


def test_invalid_filters_are_reported_and_the_rest_still_applies(employer_client, portfolio):
    response = employer_client.get(
        reverse("feedback:search"), {"q": "teacher", "program": "nope", "entry_year": "1066"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"program", "entry_year"}
    assert [p.pk for p in response.context["portfolios"]] == [portfolio.pk]


@pytest.mark.parametrize("query", [q for q in HOSTILE_QUERIES if q != "\ud800"])
def test_any_query_gives_a_page(employer_client, portfolio, query):
    response = employer_client.get(reverse("feedback:search"), {"q": query})

    assert response.status_code == 200


def test_bytes_that_are_not_utf_8_give_a_page(employer_client, portfolio):
    url = reverse("feedback:search") + "?q=%ED%A0%80%FF%00teacher&skills=%C3"

    assert employer_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"page": "-1"}, {"page": "abc"}, {"page": "99999"}, {"page": "1e9"},
        {"program": "'; DROP TABLE accounts_program; --"}, {"program": "\x00"},
        {"entry_year": "2025.5"}, {"graduation_year": "🐍"}, {"skills": "x" * 10_000},
        {"skills": ",,,;;"}, {"verified_only": "\x00"}, {"q": ["a", "b"]},
    ],
)  # fmt: skip
def test_any_filter_value_gives_a_page(employer_client, portfolio, params):
    assert employer_client.get(reverse("feedback:search"), params).status_code == 200


def test_skill_suggestions_come_from_listed_portfolios(employer_client, portfolio, hidden):
    portfolio_update(portfolio=hidden, skills=["Cobol"])

    page = employer_client.get(reverse("feedback:search")).content.decode()

    assert '<option value="Python">' in page and "Cobol" not in page


def _search_queries(client, django_assert_max_num_queries, params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse("feedback:search"), params)  # warm: the skill list
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("feedback:search"), params)
    assert response.status_code == 200
    return len(captured)


def test_the_search_page_query_count_does_not_grow_with_results(
    employer_client, employer, django_assert_max_num_queries
):
    def seed(count, offset):
        for number in range(offset, offset + count):
            portfolio = listed(f"Student{number}", "Teacher", skills=["Python", "SQL", "Teaching"])
            portfolio_update(portfolio=portfolio, skills=["Python", "SQL"],
                             photo=_photo(), headline="Maths teacher")  # fmt: skip
            achievement_for(portfolio, title="Teaching practice", visibility=Visibility.PUBLIC)
            if number % 2:
                services.shortlist_add(employer=employer, portfolio=portfolio)

    seed(2, 0)
    few = _search_queries(employer_client, django_assert_max_num_queries, {"q": "teacher"})
    seed(20, 2)
    many = _search_queries(employer_client, django_assert_max_num_queries, {"q": "teacher"})

    assert many == few
    # 16: one of them is the unread-notification count on the bell (every signed-in page);
    # the count and the page's ids each set the index-only reading first (search/query.py,
    # ``_through_indexes``, two statements); the page's portfolios (one, by id); the
    # snippets of the page (one).
    with django_assert_max_num_queries(16):
        employer_client.get(reverse("feedback:search"), {"q": "teacher", "skills": "python"})


def _photo():
    from core.files.uploads import prepare_upload
    from tests.factories import uploaded_file

    return prepare_upload(uploaded_file("me.png", png_bytes()))


def test_cards_show_the_photo_thumbnail_and_shortlist_state(employer_client, employer, portfolio):
    portfolio_update(portfolio=portfolio, skills=["Python"], photo=_photo())
    services.shortlist_add(employer=employer, portfolio=portfolio)

    page = employer_client.get(reverse("feedback:search")).content.decode()

    assert reverse("portfolios:photo", args=[portfolio.slug, "thumb"]) in page
    assert "On your shortlist" in page
    assert (
        employer_client.get(reverse("portfolios:photo", args=[portfolio.slug, "thumb"])).status_code
        == 200
    )


# --- Shortlist -----------------------------------------------------------------------


def test_adding_to_the_shortlist_goes_back_to_the_page_it_came_from(employer_client, employer,
                                                                     portfolio):  # fmt: skip
    back = reverse("feedback:search") + "?q=teacher&page=1"
    response = post(employer_client, "feedback:shortlist-add", portfolio, {"next": back})

    assert response.status_code == 302 and response.url == back
    assert ShortlistEntry.objects.filter(employer=employer, portfolio=portfolio).count() == 1


def test_adding_twice_keeps_one_entry_and_unsafe_next_goes_to_the_shortlist(
    employer_client, portfolio
):
    post(employer_client, "feedback:shortlist-add", portfolio)
    response = post(employer_client, "feedback:shortlist-add", portfolio,
                    {"next": "https://evil.example/phish"})  # fmt: skip

    assert response.url == reverse("feedback:shortlist")
    assert ShortlistEntry.objects.count() == 1


def test_portfolios_the_employer_cannot_see_cannot_be_shortlisted(employer_client, hidden):
    response = post(employer_client, "feedback:shortlist-add", hidden)

    assert response.status_code == 404
    assert not ShortlistEntry.objects.exists()


def test_the_service_refuses_a_portfolio_the_employer_cannot_see(employer, hidden):
    with pytest.raises(PermissionDenied):
        services.shortlist_add(employer=employer, portfolio=hidden)
    with pytest.raises(PermissionDenied):
        services.employer_feedback_save(employer=employer, portfolio=hidden, **RATINGS)


def test_pending_employers_cannot_shortlist(client, portfolio):
    client.force_login(EmployerFactory())

    # The "waiting for approval" page (accounts/employer_waiting.html), not a shortlist.
    assert post(client, "feedback:shortlist-add", portfolio).status_code == 403
    assert not ShortlistEntry.objects.exists()


def test_the_shortlist_shows_own_entries_with_their_notes(employer_client, employer,
                                                          other_employer, portfolio):  # fmt: skip
    entry = services.shortlist_add(employer=employer, portfolio=portfolio)
    services.shortlist_note_update(entry=entry, note="Call in May")
    theirs = listed("Их", "Студент")
    services.shortlist_add(employer=other_employer, portfolio=theirs)

    page = employer_client.get(reverse("feedback:shortlist")).content.decode()

    assert "Айгерим Сыдыкова" in page and "Call in May" in page
    assert "Их Студент" not in page
    assert "Leave feedback" in page


def test_saving_a_note(employer_client, employer, portfolio):
    entry = services.shortlist_add(employer=employer, portfolio=portfolio)

    response = post(employer_client, "feedback:shortlist-note", portfolio,
                    {f"entry-{entry.pk}-note": "  Strong maths olympiad record  "})  # fmt: skip

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.note == "Strong maths olympiad record"


def test_a_note_too_long_is_refused_and_kept_in_the_form(employer_client, employer, portfolio):
    entry = services.shortlist_add(employer=employer, portfolio=portfolio)
    services.shortlist_note_update(entry=entry, note="old")

    response = post(employer_client, "feedback:shortlist-note", portfolio,
                    {f"entry-{entry.pk}-note": "y" * 3001})  # fmt: skip

    assert response.status_code == 200
    assert "at most 3000 characters" in response.content.decode()
    assert "y" * 3001 in response.content.decode()
    entry.refresh_from_db()
    assert entry.note == "old"


def test_notes_only_for_entries_on_the_own_shortlist(employer_client, other_employer, portfolio):
    services.shortlist_add(employer=other_employer, portfolio=portfolio)

    response = post(employer_client, "feedback:shortlist-note", portfolio, {"note": "mine?"})

    assert response.status_code == 404
    assert ShortlistEntry.objects.get().note == ""


def test_removing_from_the_shortlist(employer_client, employer, other_employer, portfolio):
    services.shortlist_add(employer=employer, portfolio=portfolio)
    services.shortlist_add(employer=other_employer, portfolio=portfolio)

    response = post(employer_client, "feedback:shortlist-remove", portfolio)

    assert response.status_code == 302
    assert list(ShortlistEntry.objects.values_list("employer", flat=True)) == [other_employer.pk]
    assert post(employer_client, "feedback:shortlist-remove", portfolio).status_code == 404


def test_a_hidden_portfolio_stays_removable_but_shows_nothing(employer_client, employer,
                                                              portfolio):  # fmt: skip
    entry = services.shortlist_add(employer=employer, portfolio=portfolio)
    services.shortlist_note_update(entry=entry, note="Keep in mind")
    portfolio_update(portfolio=portfolio, skills=[], visibility=Visibility.PRIVATE,
                     headline="Now private headline")  # fmt: skip

    page = employer_client.get(reverse("feedback:shortlist")).content.decode()
    assert "no longer shared with you" in page and "Keep in mind" in page
    assert "Now private headline" not in page and "Айгерим" not in page

    assert post(employer_client, "feedback:shortlist-remove", portfolio).status_code == 302
    assert not ShortlistEntry.objects.exists()


def test_the_shortlist_query_count_does_not_grow(employer_client, employer,
                                                 django_assert_max_num_queries):  # fmt: skip
    for number in range(15):
        services.shortlist_add(employer=employer, portfolio=listed(f"S{number}", "T"))
    with django_assert_max_num_queries(9):
        response = employer_client.get(reverse("feedback:shortlist"))
    assert len(response.context["entries"]) == 15


# --- Feedback ------------------------------------------------------------------------


def feedback_data(**overrides):
    data = {**RATINGS, "comment": "Clear and convincing.", "would_interview": "on"}
    data.update(overrides)
    return data


def test_the_feedback_form_has_labelled_radio_groups(employer_client, portfolio):
    response = employer_client.get(reverse("feedback:employer-feedback", args=[portfolio.slug]))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<fieldset") >= 4 and "<legend" in page
    assert '<input type="radio" name="presentation" value="5" class="form-check-input"' in page
    assert '<label class="form-check-label" for="id_presentation_4">5 – excellent</label>' in page
    assert "<legend" in page and "Relevance of skills" in page
    assert 'name="comment"' in page and 'name="would_interview"' in page


def test_leaving_feedback_then_changing_it(employer_client, employer, portfolio):
    url = reverse("feedback:employer-feedback", args=[portfolio.slug])

    response = employer_client.post(url, feedback_data())
    assert response.status_code == 302 and response.url == portfolio.get_absolute_url()
    feedback = EmployerFeedback.objects.get()
    assert (feedback.employer, feedback.portfolio) == (employer, portfolio)
    assert (feedback.presentation, feedback.skills_relevance, feedback.evidence_credibility) == (
        4, 5, 3)  # fmt: skip
    assert feedback.would_interview and feedback.comment == "Clear and convincing."

    edit = employer_client.get(url).content.decode()
    assert "Save changes" in edit and "Delete my feedback" in edit
    assert 'value="4" class="form-check-input" id="id_presentation_3" required checked' in edit

    employer_client.post(url, feedback_data(presentation=2, would_interview=""))
    feedback = EmployerFeedback.objects.get()
    assert feedback.presentation == 2 and not feedback.would_interview


def test_a_double_submit_leaves_one_feedback(employer_client, portfolio):
    url = reverse("feedback:employer-feedback", args=[portfolio.slug])
    employer_client.post(url, feedback_data())
    employer_client.post(url, feedback_data(comment="Second click"))

    assert EmployerFeedback.objects.get().comment == "Second click"


def test_a_racing_insert_updates_the_row_the_other_request_made(employer, portfolio,
                                                                 monkeypatch):  # fmt: skip
    """Two requests both found no feedback; the second insert meets the unique constraint
    and updates the first one's row instead."""
    services.employer_feedback_save(employer=employer, portfolio=portfolio, **RATINGS)
    real = services._locked_feedback
    calls = []

    def not_there_yet(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(services, "_locked_feedback", not_there_yet)
    services.employer_feedback_save(employer=employer, portfolio=portfolio,
                                    **{**RATINGS, "presentation": 1}, comment="raced")  # fmt: skip

    assert len(calls) == 2
    feedback = EmployerFeedback.objects.get()
    assert feedback.presentation == 1 and feedback.comment == "raced"


@pytest.mark.parametrize(
    ("field", "value"),
    [("presentation", 0), ("presentation", 6), ("skills_relevance", ""),
     ("evidence_credibility", "five"), ("skills_relevance", -1)],
)  # fmt: skip
def test_ratings_outside_1_to_5_are_field_errors_and_nothing_is_saved(
    employer_client, portfolio, field, value
):
    url = reverse("feedback:employer-feedback", args=[portfolio.slug])
    response = employer_client.post(url, feedback_data(**{field: value}, comment="Keep me"))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert set(response.context["form"].errors) == {field}
    page = response.content.decode()
    assert "Nothing has been saved yet" in page and "Keep me" in page
    assert f'id="id_{field}_error" class="invalid-feedback d-block"' in page
    kept = 'value="3" class="form-check-input" id="id_evidence_credibility_2" required checked'
    if field != "evidence_credibility":  # the other ratings keep their choice
        assert kept in page
    assert not EmployerFeedback.objects.exists()


def test_errors_are_translated(employer_client, portfolio):
    url = reverse("feedback:employer-feedback", args=[portfolio.slug])
    response = employer_client.post(url, feedback_data(presentation=6),
                                    HTTP_ACCEPT_LANGUAGE="ru")  # fmt: skip

    assert response.context["form"].errors["presentation"] == [
        "Выберите корректный вариант. 6 нет среди допустимых значений."
    ]


def test_a_comment_too_long_is_refused(employer, portfolio):
    with pytest.raises(ValidationError) as error:
        services.employer_feedback_save(employer=employer, portfolio=portfolio, **RATINGS,
                                        comment="z" * 3001)  # fmt: skip
    assert "comment" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.employer_feedback_save(employer=employer, portfolio=portfolio,
                                        **{**RATINGS, "presentation": 6})  # fmt: skip
    assert not EmployerFeedback.objects.exists()


def test_no_feedback_on_portfolios_the_employer_cannot_see(employer_client, hidden):
    url = reverse("feedback:employer-feedback", args=[hidden.slug])

    assert employer_client.get(url).status_code == 404
    assert employer_client.post(url, feedback_data()).status_code == 404
    assert not EmployerFeedback.objects.exists()


def test_employers_delete_their_own_feedback_only(employer_client, employer, other_employer,
                                                  portfolio):  # fmt: skip
    services.employer_feedback_save(employer=other_employer, portfolio=portfolio, **RATINGS)

    assert post(employer_client, "feedback:employer-feedback-delete", portfolio).status_code == 404
    assert EmployerFeedback.objects.filter(employer=other_employer).exists()
    edit = employer_client.get(reverse("feedback:employer-feedback", args=[portfolio.slug]))
    assert edit.context["feedback"] is None  # the other employer's is not theirs to edit

    services.employer_feedback_save(employer=employer, portfolio=portfolio, **RATINGS)
    response = post(employer_client, "feedback:employer-feedback-delete", portfolio,
                    {"next": portfolio.get_absolute_url()})  # fmt: skip
    assert response.status_code == 302 and response.url == portfolio.get_absolute_url()
    assert list(EmployerFeedback.objects.values_list("employer", flat=True)) == [other_employer.pk]


# --- The portfolio page --------------------------------------------------------------


def test_approved_employers_see_their_actions_on_the_portfolio_page(employer_client, employer,
                                                                    portfolio):  # fmt: skip
    url = portfolio.get_absolute_url()

    page = employer_client.get(url).content.decode()
    assert "Add to shortlist" in page and "Leave feedback" in page and "no-print" in page

    services.shortlist_add(employer=employer, portfolio=portfolio)
    services.employer_feedback_save(employer=employer, portfolio=portfolio, **RATINGS)
    page = employer_client.get(url).content.decode()
    assert "On your shortlist" in page and "Edit your feedback" in page
    assert "Add to shortlist" not in page


@pytest.mark.parametrize("who", ["anonymous", "student", "pending employer", "owner"])
def test_nobody_else_sees_employer_actions(client, portfolio, who):
    portfolio_update(portfolio=portfolio, skills=[], visibility=Visibility.PUBLIC)
    users = {"student": StudentFactory(), "pending employer": EmployerFactory(),
             "owner": portfolio.student}  # fmt: skip
    if who in users:
        client.force_login(users[who])

    page = client.get(portfolio.get_absolute_url()).content.decode()

    assert "Add to shortlist" not in page and "Leave feedback" not in page


def test_employer_actions_cost_the_page_at_most_two_queries(employer_client, portfolio,
                                                            monkeypatch):  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pages import views

    url = portfolio.get_absolute_url()
    employer_client.get(url)  # the page body is cached from here on
    with CaptureQueriesContext(connection) as with_actions:
        employer_client.get(url)
    monkeypatch.setattr(views, "_employer_state", lambda *args: None)
    with CaptureQueriesContext(connection) as without_actions:
        employer_client.get(url)

    assert len(with_actions) - len(without_actions) <= 2


def test_navigation_and_dashboard_lead_approved_employers_to_search(employer_client, client):
    page = employer_client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("feedback:search") in page and reverse("feedback:shortlist") in page

    client.force_login(EmployerFactory())
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("feedback:search") not in page


# --- Students read it ----------------------------------------------------------------


def test_students_read_employer_feedback_on_their_portfolio(client, employer, other_employer,
                                                            portfolio):  # fmt: skip
    services.employer_feedback_save(employer=employer, portfolio=portfolio, **RATINGS,
                                    comment="Add your lesson plans.\nGreat start!",
                                    would_interview=True)  # fmt: skip
    low = {"presentation": 2, "skills_relevance": 2, "evidence_credibility": 1}
    services.employer_feedback_save(employer=other_employer, portfolio=portfolio, **low)
    client.force_login(portfolio.student)

    response = client.get(reverse("feedback:received"))

    page = response.content.decode()
    assert "Bilim Tech LLC" in page and "Other Org" in page
    assert "Add your lesson plans.<br>Great start!" in page
    assert "Would invite you to an interview" in page
    assert "4 of 5" in page and "5 of 5" in page and "1 of 5" in page
    assert reverse("feedback:received") in page  # the navigation link


def test_students_see_only_feedback_on_their_own_portfolio(client, employer, portfolio):
    services.employer_feedback_save(employer=employer, portfolio=portfolio, **RATINGS,
                                    comment="For Aigerim only")  # fmt: skip
    client.force_login(StudentFactory())

    page = client.get(reverse("feedback:received")).content.decode()

    assert "For Aigerim only" not in page and "Bilim Tech LLC" not in page
    assert "No employer has left feedback yet." in page
    assert "visible to signed-in users" in page  # a hint how employers find them


def test_the_feedback_page_query_count_does_not_grow(client, portfolio,
                                                     django_assert_max_num_queries):  # fmt: skip
    for _number in range(12):
        services.employer_feedback_save(employer=EmployerFactory(approved=True),
                                        portfolio=portfolio, **RATINGS)  # fmt: skip
    client.force_login(portfolio.student)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("feedback:received"))
    assert len(response.context["feedback_list"]) == 12


def test_the_selector_for_supervisors_brings_the_organisation_in_one_query(
    employer, portfolio, django_assert_num_queries
):
    services.employer_feedback_save(employer=employer, portfolio=portfolio, **RATINGS)

    with django_assert_num_queries(1):
        organisations = [
            f.employer.employer_profile.organisation
            for f in employer_feedback_for_portfolio(portfolio)
        ]
    assert organisations == ["Bilim Tech LLC"]
