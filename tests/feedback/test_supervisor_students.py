"""The supervisor's list of students (feedback:students) and its CSV: the columns, filters,
every sort in both directions, only the supervisor's own students, and a query count that
does not grow with the number of students."""

import csv
import io
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from achievements.models import Achievement, VerificationStatus
from feedback.models import Review
from feedback.selectors.reviews import SORTS, StudentFilters, supervisor_students, supervisor_todo
from portfolios.models import Category, Portfolio
from tests.factories import (
    CohortFactory,
    ProgramFactory,
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    TermFactory,
    default_rubric,
    portfolio_for,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


class TableRows(HTMLParser):
    """The text of each cell of each row of the students table's body."""

    def __init__(self):
        super().__init__()
        self.rows, self._in_body, self._cell = [], False, None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.rows.append([])
        elif self._in_body and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif self._in_body and tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join(" ".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(response):
    parser = TableRows()
    parser.feed(response.content.decode())
    return parser.rows


def names_on(response):
    return [row[0] for row in table_rows(response)]


def csv_rows(response):
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte-order mark Excel needs
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def short_date(moment):
    return formats.date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


def set_derived(student, *, completeness, days_ago):
    """What search/derived.py stores, set directly (the list only reads it)."""
    updated = None if days_ago is None else NOW - timedelta(days=days_ago)
    Portfolio.objects.filter(student=student).update(
        completeness=completeness, content_updated_at=updated
    )


def add_pending(student, count, *, status=VerificationStatus.PENDING):
    portfolio = Portfolio.objects.get(student=student)
    category = Category.objects.filter(is_active=True).first()
    Achievement.objects.bulk_create(
        Achievement(
            portfolio=portfolio,
            category=category,
            title=f"Item {n}",
            verification_status=status,
            verification_requested_at=NOW,
            verified_at=NOW if status == VerificationStatus.VERIFIED else None,
        )
        for n in range(count)
    )


def review(student, supervisor, term, total, *, released=True):
    return Review.objects.create(
        student=student,
        supervisor=supervisor,
        term=term,
        rubric=default_rubric(),
        total=Decimal(total),
        status="released" if released else "draft",
        released_at=NOW if released else None,
    )


def make_student(supervisor, last_name, first_name="Айгерим", **fields):
    student = StudentFactory(last_name=last_name, first_name=first_name, **fields)
    portfolio_for(student)
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    return student


@pytest.fixture
def supervisor():
    return SupervisorFactory(last_name="Токтогулов")


@pytest.fixture
def colleague():
    return SupervisorFactory(last_name="Колдошев")


@pytest.fixture
def term():
    return TermFactory(name_en="2025–26 autumn", is_current=True)


@pytest.fixture
def group(supervisor, colleague, term):
    """Four students whose every column differs, so every sort puts them in its own order.

    ======  =======  ======  ====  =======  =====  ========  =======
    name    program  cohort  %     updated  score  review    pending
    ======  =======  ======  ====  =======  =====  ========  =======
    Alieva  P-B      2023    50    5 d      70     released  2
    Bekova  P-C      2021    90    40 d     85     draft     0
    Chyny   P-A      2022    70    1 d      60     —         1
    Dzhuma  P-C      2024    0     never    —      —         0
    ======  =======  ======  ====  =======  =====  ========  =======
    """
    programs = {code: ProgramFactory(code=code, name_en=code) for code in ("P-A", "P-B", "P-C")}
    cohorts = {year: CohortFactory(entry_year=year) for year in (2021, 2022, 2023, 2024)}
    a = make_student(
        supervisor,
        "Alieva",
        "Айгерим",
        program=programs["P-B"],
        cohort=cohorts[2023],
        username="alieva",
    )
    b = make_student(
        supervisor,
        "Bekova",
        "Бермет",
        program=programs["P-C"],
        cohort=cohorts[2021],
        username="bekova",
    )
    c = make_student(
        supervisor,
        "Chynybaeva",
        "Чолпон",
        program=programs["P-A"],
        cohort=cohorts[2022],
        username="chyny",
    )
    d = make_student(
        supervisor,
        "Dzhumabaeva",
        "Динара",
        program=programs["P-C"],
        cohort=cohorts[2024],
        username="dzhuma",
    )
    for student in (b, c):
        SupervisorAssignmentFactory(supervisor=colleague, student=student)
    add_pending(a, 2)
    add_pending(a, 1, status=VerificationStatus.VERIFIED)  # not waiting: not counted
    add_pending(c, 1)
    add_pending(d, 1, status=VerificationStatus.DECLINED)
    set_derived(a, completeness=50, days_ago=5)
    set_derived(b, completeness=90, days_ago=40)
    set_derived(c, completeness=70, days_ago=1)
    set_derived(d, completeness=0, days_ago=None)
    review(a, supervisor, term, "70")
    review(b, supervisor, term, "10", released=False)  # my draft: not in the score
    review(b, colleague, term, "85")
    review(c, colleague, term, "60")
    values = {
        a: {
            "name": "Alieva",
            "program": "P-B",
            "cohort": 2023,
            "completeness": 50,
            "updated": -5,
            "score": 70,
            "review": "released",
            "pending": 2,
        },
        b: {
            "name": "Bekova",
            "program": "P-C",
            "cohort": 2021,
            "completeness": 90,
            "updated": -40,
            "score": 85,
            "review": "draft",
            "pending": 0,
        },
        c: {
            "name": "Chynybaeva",
            "program": "P-A",
            "cohort": 2022,
            "completeness": 70,
            "updated": -1,
            "score": 60,
            "review": None,
            "pending": 1,
        },
        d: {
            "name": "Dzhumabaeva",
            "program": "P-C",
            "cohort": 2024,
            "completeness": 0,
            "updated": None,
            "score": None,
            "review": None,
            "pending": 0,
        },
    }
    return values


def expected_order(values, key, descending):
    """Sorted by ``key`` (empty values last either way), ties by last name."""
    present = sorted(
        (s for s in values if values[s][key] is not None), key=lambda s: values[s]["name"]
    )
    present.sort(key=lambda s: values[s][key], reverse=descending)  # stable: ties keep names
    missing = sorted((s for s in values if values[s][key] is None), key=lambda s: values[s]["name"])
    return [s.display_name for s in present + missing]


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


def get_list(client, **params):
    return client.get(reverse("feedback:students"), params)


def get_csv(client, **params):
    return client.get(reverse("feedback:students-csv"), params)


# --- Columns ----------------------------------------------------------------------------


def test_the_columns_show_each_students_figures(supervisor_client, group, term):
    a, b, c, d = group

    response = get_list(supervisor_client)

    assert response.status_code == 200
    rows = {row[0]: row for row in table_rows(response)}
    assert rows[a.display_name][1:8] == [
        "P-B",
        "2023",
        "50%",
        f"{short_date(NOW - timedelta(days=5))} 5 days ago",
        "70.0",
        "Released",
        "2",
    ]
    assert rows[b.display_name][1:8] == [
        "P-C",
        "2021",
        "90%",
        f"{short_date(NOW - timedelta(days=40))} 40 days ago",
        "85.0",
        "Draft",
        "0",
    ]
    assert rows[c.display_name][1:8] == [
        "P-A",
        "2022",
        "70%",
        f"{short_date(NOW - timedelta(days=1))} 1 day ago",
        "60.0",
        "—",
        "1",
    ]
    assert rows[d.display_name][1:8] == ["P-C", "2024", "0%", "never", "—", "—", "0"]
    html = response.content.decode()
    assert reverse("feedback:review-edit", args=[a.pk, term.pk]) in html
    assert a.portfolio.get_absolute_url() in html


def test_the_score_is_the_mean_of_released_reviews_for_the_chosen_term(
    supervisor_client, supervisor, colleague, group, term
):
    a, b, _c, _d = group
    review(a, colleague, term, "81")  # (70 + 81) / 2
    spring = TermFactory(name_en="2026 spring")
    review(b, supervisor, spring, "42.5")

    current = {row[0]: row for row in table_rows(get_list(supervisor_client))}
    chosen = {row[0]: row for row in table_rows(get_list(supervisor_client, term=spring.pk))}

    assert current[a.display_name][5] == "75.5"
    assert chosen[a.display_name][5] == "—"
    assert chosen[b.display_name][5:7] == ["42.5", "Released"]
    assert current[b.display_name][5:7] == ["85.0", "Draft"]


def test_without_any_term_the_list_still_works(supervisor_client, group, term):
    Review.objects.all().delete()
    term.delete()

    response = get_list(supervisor_client)

    assert response.status_code == 200
    assert "No academic term is set up yet" in response.content.decode()
    assert len(table_rows(response)) == 4
    assert all(row[5] == "—" for row in table_rows(response))


# --- Only my students -------------------------------------------------------------------


def test_another_supervisors_student_never_appears(supervisor_client, group, colleague):
    theirs = StudentFactory(last_name="Alimova", first_name="Айгуль", username="theirs")
    portfolio_for(theirs)
    SupervisorAssignmentFactory(supervisor=colleague, student=theirs)
    other_program = theirs.program

    for params in ({}, {"q": "Ali"}, {"stale_days": 0}, {"sort": "name", "desc": 1}):
        assert theirs.display_name not in [
            r[0] for r in table_rows(get_list(supervisor_client, **params))
        ]
        assert "theirs" not in [row[0] for row in csv_rows(get_csv(supervisor_client, **params))]
    assert names_on(get_list(supervisor_client, q="Ali")) == ["Айгерим Alieva"]
    html = get_list(supervisor_client).content.decode()
    assert other_program.name_en not in html  # nor their program in the filter


def test_an_inactive_student_is_not_listed(supervisor_client, group):
    a = next(iter(group))
    a.is_active = False
    a.save()

    assert a.display_name not in names_on(get_list(supervisor_client))


def test_staff_see_every_student(client, group, colleague):
    theirs = StudentFactory(last_name="Zholdosheva")
    SupervisorAssignmentFactory(supervisor=colleague, student=theirs)
    client.force_login(StaffFactory())

    names = names_on(get_list(client))

    assert theirs.display_name in names
    assert len(names) == 5


def test_a_supervisor_with_no_students_is_told_so(client):
    client.force_login(SupervisorFactory())

    html = get_list(client).content.decode()

    assert "No students are assigned to you yet." in html


# --- Filters ----------------------------------------------------------------------------


def test_filter_by_program(supervisor_client, group):
    p_c = ProgramFactory(code="P-C")

    assert names_on(get_list(supervisor_client, program=p_c.pk)) == [
        "Бермет Bekova",
        "Динара Dzhumabaeva",
    ]


def test_filter_by_cohort(supervisor_client, group):
    cohort = CohortFactory(entry_year=2022)

    assert names_on(get_list(supervisor_client, cohort=cohort.pk)) == ["Чолпон Chynybaeva"]


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (30, ["Бермет Bekova", "Динара Dzhumabaeva"]),
        (3, ["Айгерим Alieva", "Бермет Bekova", "Динара Dzhumabaeva"]),
        (100, ["Динара Dzhumabaeva"]),  # never updated counts as stale
    ],
)
def test_filter_no_update_in_n_days(supervisor_client, group, days, expected):
    assert names_on(get_list(supervisor_client, stale_days=days)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bek", ["Бермет Bekova"]),
        ("БЕРМЕТ", ["Бермет Bekova"]),
        ("чолпон chyny", ["Чолпон Chynybaeva"]),
        ("dzhuma", ["Динара Dzhumabaeva"]),  # the username
        ("Айгерим Bekova", []),  # every word must match
    ],
)
def test_filter_by_name(supervisor_client, group, query, expected):
    assert names_on(get_list(supervisor_client, q=query)) == expected


def test_filters_combine_with_each_other_and_with_a_sort(supervisor_client, group):
    p_c = ProgramFactory(code="P-C")

    names = names_on(
        get_list(supervisor_client, program=p_c.pk, stale_days=10, sort="completeness", desc=1)
    )

    assert names == ["Бермет Bekova", "Динара Dzhumabaeva"]


def test_a_bad_filter_is_shown_as_an_error(supervisor_client, group):
    response = get_list(supervisor_client, stale_days=-5)

    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert len(table_rows(response)) == 4


def test_no_match_says_so(supervisor_client, group):
    html = get_list(supervisor_client, q="nobody-like-this").content.decode()

    assert "No student matches these filters." in html


# --- Sorting ----------------------------------------------------------------------------


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("key", list(SORTS))
def test_every_sort_in_both_directions(supervisor_client, group, key, descending):
    params = {"sort": key}
    if descending:
        params["desc"] = "1"
    expected = expected_order(group, key, descending)

    response = get_list(supervisor_client, **params)

    assert names_on(response) == expected
    username_of = {student.display_name: student.username for student in group}
    csv_usernames = [row[0] for row in csv_rows(get_csv(supervisor_client, **params))[1:]]
    assert csv_usernames == [username_of[name] for name in expected]


def test_the_sort_orders_differ_from_each_other(group):
    """A guard on the data above: a broken sort cannot pass by luck."""
    orders = {
        (key, desc): tuple(expected_order(group, key, desc)) for key in SORTS for desc in (0, 1)
    }
    for key in SORTS:
        assert orders[(key, 0)] != orders[(key, 1)], key
        if key != "name":
            assert orders[(key, 0)] != orders[("name", 0)], key


def test_the_column_heading_toggles_the_direction(supervisor_client, group):
    html = get_list(supervisor_client, sort="score").content.decode()

    assert 'aria-sort="ascending"' in html
    assert "sort=score&amp;desc=1" in html
    html = get_list(supervisor_client, sort="score", desc=1).content.decode()
    assert 'aria-sort="descending"' in html


def test_an_unknown_sort_key_falls_back_to_names(supervisor):
    rows = supervisor_students(
        supervisor=supervisor, term=None, filters=StudentFilters(sort="password")
    )
    assert list(rows) == []  # no error


# --- CSV --------------------------------------------------------------------------------


def test_the_csv_has_a_header_and_the_same_rows_as_the_page(supervisor_client, group, term):
    a, b, c, d = group

    response = get_csv(supervisor_client)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="students-')
    header, *rows = csv_rows(response)
    assert header == [
        "Username",
        "Last name",
        "First name",
        "E-mail address",
        "Program",
        "Year of entry",
        "Completeness, %",
        "Last update",
        "Days since update",
        "Score (2025–26 autumn)",
        "Your review",
        "Verification requests",
    ]
    assert [row[2] + " " + row[1] for row in rows] == names_on(get_list(supervisor_client))
    by_user = {row[0]: row for row in rows}
    day = timezone.localtime(NOW - timedelta(days=5)).date().isoformat()
    assert by_user["alieva"] == [
        "alieva",
        "Alieva",
        "Айгерим",
        a.email,
        "P-B",
        "2023",
        "50",
        day,
        "5",
        "70.00",
        "Released",
        "2",
    ]
    assert by_user["bekova"][7:] == [
        timezone.localtime(NOW - timedelta(days=40)).date().isoformat(),
        "40",
        "85.00",
        "Draft",
        "0",
    ]
    assert by_user["chyny"][9:] == ["60.00", "", "1"]
    assert by_user["dzhuma"][6:] == ["0", "", "", "", "", "0"]


def test_the_csv_follows_the_filters(supervisor_client, group):
    rows = csv_rows(get_csv(supervisor_client, stale_days=30, sort="name", desc=1))

    assert [row[0] for row in rows[1:]] == ["dzhuma", "bekova"]


# --- Query count ------------------------------------------------------------------------


def _students_with_everything(supervisor, colleague, term, count, start=0):
    program, cohort = ProgramFactory(), CohortFactory(entry_year=2024)
    for number in range(start, start + count):
        student = make_student(supervisor, f"Student{number:03}", program=program, cohort=cohort)
        SupervisorAssignmentFactory(supervisor=colleague, student=student)
        add_pending(student, 1 + number % 3)
        set_derived(student, completeness=number % 100, days_ago=number % 50)
        review(student, supervisor, term, str(50 + number % 50), released=number % 2 == 0)
        review(student, colleague, term, "75")


PAGE_BUDGET = 15  # 12 today: session, user, terms, filters, counts, the one list query
CSV_BUDGET = 6  # 4 today


def test_the_list_costs_the_same_queries_for_5_and_60_students(
    supervisor_client, supervisor, colleague, term, django_assert_max_num_queries
):
    _students_with_everything(supervisor, colleague, term, 5)
    with django_assert_max_num_queries(PAGE_BUDGET) as few:
        response = get_list(supervisor_client, term=term.pk)
    assert len(table_rows(response)) == 5

    _students_with_everything(supervisor, colleague, term, 55, start=5)
    with django_assert_max_num_queries(PAGE_BUDGET) as many:
        response = get_list(supervisor_client, term=term.pk)
    assert len(table_rows(response)) == 60

    assert len(many) == len(few), (len(few), len(many))


def test_the_csv_costs_the_same_queries_for_5_and_60_students(
    supervisor_client, supervisor, colleague, term, django_assert_max_num_queries
):
    _students_with_everything(supervisor, colleague, term, 5)
    with django_assert_max_num_queries(CSV_BUDGET) as few:
        assert len(csv_rows(get_csv(supervisor_client))) == 6

    _students_with_everything(supervisor, colleague, term, 55, start=5)
    with django_assert_max_num_queries(CSV_BUDGET) as many:
        assert len(csv_rows(get_csv(supervisor_client))) == 61

    assert len(many) == len(few), (len(few), len(many))


# --- The supervisor's dashboard and to-do counts ---------------------------------------


def test_todo_counts(supervisor, group, term):
    todo = supervisor_todo(supervisor=supervisor, term=term)

    assert todo == {"pending_verifications": 3, "students": 4, "drafts": 1, "unreviewed": 2}


def test_the_dashboard_shows_the_counts_and_the_quiet_students(supervisor_client, group, term):
    html = supervisor_client.get(reverse("accounts:dashboard")).content.decode()

    assert "students assigned to you" in html
    assert "achievements waiting for verification" in html
    assert "students without your review in 2025–26 autumn" in html
    quiet = html.split('id="quiet-title"')[1]
    assert "Бермет Bekova" in quiet and "Динара Dzhumabaeva" in quiet
    assert "Айгерим Alieva" not in quiet and "Чолпон Chynybaeva" not in quiet


def test_a_student_without_a_portfolio_is_listed_with_nothing_yet(supervisor_client, supervisor):
    student = StudentFactory(last_name="Newcomer")
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    assert not Portfolio.objects.filter(student=student).exists()

    rows = table_rows(get_list(supervisor_client))

    assert [row[:8] for row in rows] == [
        [student.display_name, student.program.name_en, "2025", "0%", "never", "—", "—", "0"]
    ]


def test_the_csv_does_not_let_a_name_become_a_spreadsheet_formula(supervisor_client, supervisor):
    student = StudentFactory(
        first_name='=HYPERLINK("https://evil.example","Open")', last_name="+SUM(1;1)"
    )
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)

    header, row = csv_rows(get_csv(supervisor_client))

    assert "HYPERLINK" in row[2] and "SUM" in row[1]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
