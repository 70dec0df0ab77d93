"""The analytics dashboard (/staff/analytics/) and its CSV downloads: who may see what,
the figures for small groups worked out by hand, filters, charts, queries and languages."""

import csv
import datetime
import io
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from scipy import stats

from analytics.selectors import STUDENT_COLUMNS, pseudonym
from analytics.services import activity_record
from feedback.models import Term
from feedback.services.reviews import review_save
from tests.factories import (
    CohortFactory,
    EmployerFactory,
    EmploymentOutcomeFactory,
    ProgramFactory,
    StaffFactory,
    StudentFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    TermFactory,
    default_rubric,
    scores_for,
)

pytestmark = pytest.mark.django_db

DASHBOARD = "/staff/analytics/"


# --- Helpers (test_commands.py uses them too) ------------------------------------------


def local_noon(days_ago: int) -> datetime.datetime:
    """Noon, local time, ``days_ago`` days before today: safely inside one local day."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def current_term(**fields):
    today = timezone.localdate()
    fields.setdefault("starts_on", today - datetime.timedelta(days=90))
    fields.setdefault("ends_on", today + datetime.timedelta(days=30))
    return TermFactory(is_current=True, **fields)


def past_term(**fields):
    today = timezone.localdate()
    fields.setdefault("starts_on", today - datetime.timedelta(days=400))
    fields.setdefault("ends_on", today - datetime.timedelta(days=250))
    return TermFactory(**fields)


def give_score(student, supervisor, term, score):
    """A released review whose total is ``score`` (every criterion the same)."""
    review_save(supervisor=supervisor, student=student, term=term, release=True,
                scores=scores_for(default_rubric(), *[score] * 5))  # fmt: skip


def give_updates(student, count, *, days_ago=1):
    """``count`` portfolio updates, one a day, the last ``days_ago`` days ago."""
    for i in range(count):
        activity_record(student_id=student.pk, kind="achievement_updated",
                        at=local_noon(days_ago + i))  # fmt: skip


def student_of(supervisor, *, term=None, score=None, updates=0, days_ago=1, **fields):
    student = StudentFactory(**fields)
    SupervisorAssignmentFactory(supervisor=supervisor, student=student)
    if score is not None:
        give_score(student, supervisor, term, score)
    give_updates(student, updates, days_ago=days_ago)
    return student


def world():
    """Two supervisors. Mine: four students with scores 40, 60, 80, 95 in the current term
    and 1, 2, 3, 4 updates in it (the one with 1 update made it 45 days ago). The other
    supervisor's: one with a score of 20 and 5 updates, one with no score and no update.

    Programs: A (40, 60 and the other's 20), B (80, 95). Cohorts 2024 (all but 95: 2020).
    """
    term = current_term()
    prog_a = ProgramFactory(code="prog-a", name_en="Alpha")
    prog_b = ProgramFactory(code="prog-b", name_en="Beta")
    c2024 = CohortFactory(entry_year=2024)
    c2020 = CohortFactory(entry_year=2020)
    mine = SupervisorFactory(username="mine", first_name="Mine", last_name="Sup")
    other = SupervisorFactory(username="other", first_name="Other", last_name="Sup")
    mine_students = [
        student_of(mine, term=term, score=40, updates=1, days_ago=45, program=prog_a,
                   cohort=c2024, username="m40", last_name="Mfortyname"),
        student_of(mine, term=term, score=60, updates=2, program=prog_a, cohort=c2024,
                   username="m60", last_name="Msixtyname"),
        student_of(mine, term=term, score=80, updates=3, program=prog_b, cohort=c2024,
                   username="m80", last_name="Meightyname"),
        student_of(mine, term=term, score=95, updates=4, program=prog_b, cohort=c2020,
                   username="m95", last_name="Mninetyfivename"),
    ]  # fmt: skip
    others = [
        student_of(other, term=term, score=20, updates=5, program=prog_a, cohort=c2024,
                   username="o20", last_name="Otwentyname"),
        student_of(other, program=prog_a, cohort=c2024, username="onone",
                   last_name="Ononename"),
    ]  # fmt: skip
    return {
        "term": term, "prog_a": prog_a, "prog_b": prog_b, "c2024": c2024, "c2020": c2020,
        "mine": mine, "other": other, "mine_students": mine_students, "others": others,
        "staff": StaffFactory(username="boss"),
    }  # fmt: skip


def get_csv(client, table, **params):
    response = client.get(reverse("analytics:export", args=[table]), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"analytics-{table}-" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode())))


def figures_of(client, **params):
    response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    return response.context["figures"]


@pytest.fixture
def w():
    return world()


# --- Access -----------------------------------------------------------------------------


def test_anonymous_visitors_go_to_the_login_page(client):
    for url in (DASHBOARD, reverse("analytics:export", args=["students"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("table", ["students", "histogram", "inactive"])
def test_students_and_employers_get_404(client, table):
    for user in (StudentFactory(), EmployerFactory(approved=True), EmployerFactory()):
        client.force_login(user)
        assert client.get(DASHBOARD).status_code == 404, user.role
        assert client.get(reverse("analytics:export", args=[table])).status_code == 404


def test_a_supervisor_sees_only_their_students(client, w):
    client.force_login(w["mine"])
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures["students"], figures["n"], figures["without_score"]) == (4, 4, 0)
    assert figures["summary"]["mean"] == pytest.approx((40 + 60 + 80 + 95) / 4)
    assert figures["correlation"]["n"] == 4
    assert sum(week["updates"] for week in figures["weekly"]) == 1 + 2 + 3 + 4
    html = response.content.decode()
    assert "Your students only" in html
    assert "Mfortyname" in html  # 45 days without an update
    assert "Otwentyname" not in html and "Ononename" not in html

    rows = get_csv(client, "students")
    assert {row[0] for row in rows[1:]} == {pseudonym(s.pk) for s in w["mine_students"]}
    for table in ("inactive", "incomplete"):
        content = " ".join(" ".join(row) for row in get_csv(client, table))
        assert "o20" not in content and "onone" not in content
    inactive = get_csv(client, "inactive")
    assert [row[1] for row in inactive[1:]] == ["m40"]
    incomplete = get_csv(client, "incomplete")  # no portfolio at all: 0 % complete
    assert sorted(row[1] for row in incomplete[1:]) == ["m40", "m60", "m80", "m95"]


def test_the_other_supervisor_sees_only_theirs(client, w):
    client.force_login(w["other"])
    figures = figures_of(client)
    assert (figures["students"], figures["n"], figures["without_score"]) == (2, 1, 1)
    assert figures["summary"]["mean"] == 20
    assert figures["monitoring"] == {"inactive": 1, "incomplete": 2, "active_accounts": 2}


def test_staff_see_everyone(client, w):
    client.force_login(w["staff"])
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures["students"], figures["n"], figures["without_score"]) == (6, 5, 1)
    s = figures["summary"]
    assert s["mean"] == pytest.approx(59.0)  # (40 + 60 + 80 + 95 + 20) / 5
    assert s["median"] == pytest.approx(60.0)
    assert (s["min"], s["max"]) == (20, 95)
    assert s["sd"] == pytest.approx(stats.tstd([40, 60, 80, 95, 20]))
    assert s["skewness"] == pytest.approx(stats.skew([40, 60, 80, 95, 20]))
    assert figures["monitoring"] == {"inactive": 2, "incomplete": 6, "active_accounts": 6}
    assert sum(week["updates"] for week in figures["weekly"]) == 15
    html = response.content.decode()
    assert "All students" in html
    assert "Ononename" in html and "Mfortyname" in html
    assert len(get_csv(client, "students")) == 1 + 6


def test_the_nav_links_to_analytics_for_supervisors_and_staff_only(client, w):
    link = f'href="{DASHBOARD}"'
    employer = EmployerFactory(approved=True)
    cases = [(w["mine"], True), (w["staff"], True), (w["mine_students"][0], False),
             (employer, False)]  # fmt: skip
    for user, shown in cases:
        client.force_login(user)
        html = client.get(reverse("accounts:dashboard")).content.decode()
        assert (link in html) is shown, user.username


# --- Figures worked out by hand ----------------------------------------------------------


def test_histogram_and_program_table_for_my_students(client, w):
    client.force_login(w["mine"])
    figures = figures_of(client)
    counts = {(b["low"], b["high"]): b["n"] for b in figures["histogram"]}
    assert len(counts) == 10
    assert {k: n for k, n in counts.items() if n} == {
        (40, 50): 1,
        (60, 70): 1,
        (80, 90): 1,
        (90, 100): 1,
    }
    s = figures["summary"]
    assert (s["n"], s["mean"], s["median"]) == (4, 68.75, 70)
    programs = {p["code"]: p for p in figures["programs"]}
    assert [p["code"] for p in figures["programs"]] == ["prog-b", "prog-a"]  # highest first
    assert (programs["prog-a"]["n"], programs["prog-a"]["mean"]) == (2, 50)
    assert (programs["prog-b"]["n"], programs["prog-b"]["mean"]) == (2, 87.5)
    assert programs["prog-a"]["sd"] == pytest.approx(stats.tstd([40, 60]))
    low, high = programs["prog-a"]["ci95"]
    assert (low + high) / 2 == pytest.approx(50)


def test_correlation_for_my_students(client, w):
    client.force_login(w["mine"])
    c = figures_of(client)["correlation"]
    updates, scores = [1, 2, 3, 4], [40, 60, 80, 95]
    r, p = stats.pearsonr(updates, scores)
    assert (c["n"], c["too_few"]) == (4, False)
    assert c["r"] == pytest.approx(r)
    assert p < 0.01  # the t approximation; with 4 students the p-values are exact instead:
    # of the 24 pairings, only these scores and their reverse are as far from 0.
    assert c["exact"] and c["p"] == pytest.approx(2 / 24) and c["spearman_p"] == 2 / 24
    assert c["spearman"] == pytest.approx(1.0)
    low, high = c["ci95"]
    assert low < r < high <= 1


def test_students_without_a_score_are_left_out_and_counted(client, w):
    client.force_login(w["staff"])
    html = client.get(DASHBOARD).content.decode()
    assert "1 student has no released review score here" in html


def test_too_few_scored_students_for_a_correlation(client):
    term = current_term()
    supervisor = SupervisorFactory()
    student_of(supervisor, term=term, score=50, updates=1)
    student_of(supervisor, term=term, score=70, updates=3)
    student_of(supervisor, updates=2)  # no score: not counted in n
    client.force_login(supervisor)
    response = client.get(DASHBOARD)
    c = response.context["figures"]["correlation"]
    assert (c["n"], c["too_few"], c["r"], c["p"], c["spearman"]) == (2, True, None, None, None)
    html = response.content.decode()
    assert "Only 2 students with a score: a correlation needs at least 3." in html
    assert "Pearson r" not in html
    assert get_csv(client, "correlation")[1] == ["updates_term", "2", "", "", "", "", "", "", ""]


def test_two_scores_do_not_both_show_an_sd_and_say_too_few_for_one(client):
    term = current_term()
    supervisor = SupervisorFactory()
    student_of(supervisor, term=term, score=50)
    student_of(supervisor, term=term, score=70)
    client.force_login(supervisor)
    response = client.get(DASHBOARD)
    sd = response.context["figures"]["summary"]["sd"]
    assert sd == pytest.approx(stats.tstd([50, 70]))
    assert "Too few scores for a standard deviation" not in response.content.decode()


def test_no_variation_in_the_metric_says_so(client, w):
    client.force_login(w["mine"])  # nobody has a portfolio: completeness is 0 for all
    response = client.get(DASHBOARD, {"metric": "completeness"})
    c = response.context["figures"]["correlation"]
    assert (c["n"], c["no_variation"], c["r"]) == (4, True, None)
    assert "No correlation: the activity measure or the score is the same" in (
        response.content.decode()
    )


def test_employment_rate_by_activity_tertile(client):
    graduated = CohortFactory(entry_year=2015)  # graduated 2019
    supervisor = SupervisorFactory()
    students = [student_of(supervisor, cohort=graduated, updates=n) for n in (0, 3, 6)]
    student_of(supervisor, cohort=CohortFactory(entry_year=2026), updates=9)  # still studying
    EmploymentOutcomeFactory(student=students[2], related_to_field=False)
    client.force_login(supervisor)
    employment = figures_of(client)["employment"]
    assert [(e["tertile"], e["graduates"], e["employed"], e["in_field"]) for e in employment] == [
        (1, 1, 0, 0), (2, 1, 0, 0), (3, 1, 1, 0)
    ]  # fmt: skip
    assert [e["rate"] for e in employment] == [0, 0, 1]
    rows = get_csv(client, "employment")
    assert rows[0] == ["tertile", "activity_min", "activity_max", "graduates", "employed",
                       "rate", "in_field", "in_field_rate"]  # fmt: skip
    assert [row[:6] for row in rows[1:]] == [
        ["1", "0.0", "0.0", "1", "0", "0.0"], ["2", "3.0", "3.0", "1", "0", "0.0"],
        ["3", "6.0", "6.0", "1", "1", "1.0"],
    ]  # fmt: skip


# --- CSV downloads ------------------------------------------------------------------------


def test_histogram_csv(client, w):
    client.force_login(w["mine"])
    rows = get_csv(client, "histogram")
    assert rows[0] == ["from", "to", "students"]
    assert len(rows) == 1 + 10
    assert [row for row in rows[1:] if row[2] != "0"] == [
        ["40", "50", "1"], ["60", "70", "1"], ["80", "90", "1"], ["90", "100", "1"]
    ]  # fmt: skip
    assert len(get_csv(client, "histogram", bins=5)) == 1 + 20


def test_programs_csv(client, w):
    client.force_login(w["mine"])
    rows = get_csv(client, "programs")
    assert rows[0] == ["program", "n", "mean", "sd", "min", "max", "ci95_low", "ci95_high"]
    assert [(row[0], int(row[1]), float(row[2])) for row in rows[1:]] == [
        ("prog-b", 2, 87.5), ("prog-a", 2, 50.0)
    ]  # fmt: skip
    assert float(rows[2][3]) == pytest.approx(stats.tstd([40, 60]))


def test_correlation_csv(client, w):
    client.force_login(w["mine"])
    rows = get_csv(client, "correlation")
    assert rows[0] == ["metric", "n", "r", "p", "ci95_low", "ci95_high", "spearman",
                       "spearman_p", "p_method"]  # fmt: skip
    assert rows[1][:2] == ["updates_term", "4"]
    assert (float(rows[1][3]), rows[1][8]) == (pytest.approx(2 / 24), "exact_permutation")
    assert float(rows[1][2]) == pytest.approx(stats.pearsonr([1, 2, 3, 4], [40, 60, 80, 95])[0])
    assert get_csv(client, "correlation", metric="active_weeks")[1][0] == "active_weeks"


def test_weekly_csv(client, w):
    client.force_login(w["staff"])
    rows = get_csv(client, "weekly")
    assert rows[0] == ["week", "active_students", "updates"]
    weeks = [datetime.date.fromisoformat(row[0]) for row in rows[1:]]
    assert all(week.weekday() == 0 for week in weeks)
    assert weeks == sorted(weeks)
    assert sum(int(row[2]) for row in rows[1:]) == 15
    # The week of 45 days ago: only the student who updated then.
    old_week = local_noon(45).date() - datetime.timedelta(days=local_noon(45).weekday())
    assert [row[1:] for row in rows[1:] if row[0] == old_week.isoformat()] == [["1", "1"]]


@pytest.mark.parametrize("table", ["inactive", "incomplete"])
def test_monitoring_csv(client, w, table):
    client.force_login(w["staff"])
    rows = get_csv(client, table)
    assert rows[0] == ["student", "username", "program", "cohort", "portfolio",
                       "completeness", "last_update", "days_since_update"]  # fmt: skip
    usernames = [row[1] for row in rows[1:]]
    if table == "inactive":
        assert sorted(usernames) == ["m40", "onone"]
        row = next(row for row in rows[1:] if row[1] == "m40")
        assert (row[2], row[3], row[7]) == ("prog-a", "2024", "45")
    else:
        assert sorted(usernames) == ["m40", "m60", "m80", "m95", "o20", "onone"]
    # A threshold changes the list.
    assert [row[1] for row in get_csv(client, "inactive", inactive_days=46)[1:]] == ["onone"]


def test_students_csv_is_pseudonymous(client, w):
    client.force_login(w["staff"])
    response = client.get(reverse("analytics:export", args=["students"]))
    content = response.content.decode()
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == STUDENT_COLUMNS
    assert len(rows) == 1 + 6
    everyone = w["mine_students"] + w["others"]
    assert {row[0] for row in rows[1:]} == {pseudonym(s.pk) for s in everyone}
    for student in everyone:
        for private in (student.username, student.email, student.last_name, student.first_name):
            assert private not in content
    by_pseudonym = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    m95 = by_pseudonym[pseudonym(w["mine_students"][3].pk)]
    assert (m95["program"], m95["cohort"], m95["term"]) == ("prog-b", "2020", w["term"].name_en)
    assert (float(m95["score"]), m95["updates_term"]) == (95.0, "4")
    no_score = by_pseudonym[pseudonym(w["others"][1].pk)]
    assert no_score["score"] == ""


def test_unknown_table_is_404(client, w):
    client.force_login(w["staff"])
    assert client.get(reverse("analytics:export", args=["secrets"])).status_code == 404


# --- Filters ---------------------------------------------------------------------------


def test_program_and_cohort_filters(client, w):
    client.force_login(w["staff"])
    by_program = figures_of(client, program=w["prog_b"].pk)
    assert (by_program["students"], by_program["n"]) == (2, 2)
    assert by_program["summary"]["mean"] == 87.5
    by_cohort = figures_of(client, cohort=w["c2020"].pk)
    assert (by_cohort["students"], by_cohort["summary"]["mean"]) == (1, 95)
    both = figures_of(client, program=w["prog_a"].pk, cohort=w["c2024"].pk)
    assert (both["students"], both["n"], both["summary"]["mean"]) == (4, 3, 40)
    rows = get_csv(client, "students", program=w["prog_b"].pk)
    assert sorted(row[0] for row in rows[1:]) == sorted(
        pseudonym(s.pk) for s in w["mine_students"][2:]
    )


def test_term_filter_and_all_terms(client, w):
    old = past_term()
    m40 = w["mine_students"][0]
    give_score(m40, w["mine"], old, 10)
    client.force_login(w["mine"])
    assert figures_of(client)["summary"]["mean"] == 68.75  # the current term by default
    in_old = figures_of(client, term=old.pk)
    assert (in_old["n"], in_old["summary"]["mean"]) == (1, 10)
    assert in_old["correlation"]["n"] == 1  # no update in that term: metric 0
    every = figures_of(client, term="all")
    # Over all terms a student's score is the mean of their reviews: (10 + 40) / 2 for m40.
    assert every["summary"]["mean"] == pytest.approx((25 + 60 + 80 + 95) / 4)
    rows = get_csv(client, "students", term="all")
    assert {row[3] for row in rows[1:]} == {"all"}


def test_metric_filter_changes_the_correlation(client, w):
    client.force_login(w["staff"])
    default = figures_of(client)
    weeks = figures_of(client, metric="active_weeks")
    assert (default["metric"], weeks["metric"]) == ("updates_term", "active_weeks")
    assert default["correlation"]["r"] == pytest.approx(
        stats.pearsonr([1, 2, 3, 4, 5], [40, 60, 80, 95, 20])[0]
    )
    assert weeks["correlation"]["r"] != pytest.approx(default["correlation"]["r"])
    assert weeks["summary"] == default["summary"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"term": "999"}, "term"), ({"metric": "bogus"}, "metric"),
     ({"inactive_days": "-5"}, "inactive_days"), ({"program": "999999"}, "program"),
     ({"completeness_below": "abc"}, "completeness_below")],
)  # fmt: skip
def test_invalid_filters_show_an_error_and_use_the_defaults(client, w, params, field):
    client.force_login(w["mine"])
    response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html
    assert "is-invalid" in html
    f = response.context["filters"]
    assert (f.term_id, f.metric, f.inactive_days, f.program_id, f.completeness_below) == (
        w["term"].pk, "updates_term", 30, None, 50
    )  # fmt: skip
    assert response.context["figures"]["n"] == 4


def test_all_terms_is_selected_when_there_is_no_current_term(client):
    TermFactory(is_current=False)
    client.force_login(StaffFactory())
    response = client.get(DASHBOARD)
    assert response.context["filters"].term_id is None
    assert '<option value="all" selected>' in response.content.decode()


# --- Charts and the page --------------------------------------------------------------


def test_charts_are_accessible_svg_without_script(client, w):
    client.force_login(w["staff"])
    html = client.get(DASHBOARD).content.decode()
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    # histogram, scatter, two weekly charts, employment (the 2020 cohort has graduated)
    assert len(svgs) == 5
    for svg in svgs:
        opening = svg[: svg.index(">") + 1]
        assert 'role="img"' in opening
        title = re.search(r'<title id="([\w-]+)-title">([^<]+)</title>', svg)
        desc = re.search(r'<desc id="([\w-]+)-desc">([^<]+)</desc>', svg)
        assert title and desc
        assert f'aria-labelledby="{title.group(1)}-title {title.group(1)}-desc"' in opening
        assert "<script" not in svg.lower()
        assert not re.search(r"\son\w+=", svg)  # no event handlers either
    histogram = next(svg for svg in svgs if 'id="chart-histogram-title"' in svg)
    assert "Portfolio scores of 5 students in bins of 10 points" in histogram
    assert len(re.findall(r"<rect ", histogram)) == 10
    scatter = next(svg for svg in svgs if 'id="chart-scatter-title"' in svg)
    assert len(re.findall(r"<circle ", scatter)) == 5
    assert 'class="chart-fit"' in scatter
    # The only scripts on the page are the site's own (Bootstrap, htmx), from /static/.
    sources = re.findall(r'<script src="([^"]+)"[^>]*>', html)
    assert len(re.findall(r"<script", html)) == len(sources) == 2
    assert all(src.startswith("/static/") for src in sources)


def test_the_numbers_are_in_tables(client, w):
    client.force_login(w["mine"])
    html = client.get(DASHBOARD).content.decode()
    assert "Show the numbers" in html
    for low, high, n in ((30, 40, 0), (40, 50, 1), (90, 100, 1)):
        assert f'<tr><td>{low}–{high}</td><td class="text-end">{n}</td></tr>' in html
    assert re.search(r"<th scope=\"row\"[^>]*>Alpha</th><td class=\"text-end\">2</td>", html)
    assert "correlation-figures" in html
    assert "<caption" in html


def test_employment_chart_appears_with_graduates(client):
    supervisor = SupervisorFactory()
    for n in (0, 3, 6):
        student_of(supervisor, cohort=CohortFactory(entry_year=2015), updates=n)
    client.force_login(supervisor)
    html = client.get(DASHBOARD).content.decode()
    assert 'id="chart-employment-title"' in html
    assert "Least active third" in html


@pytest.mark.parametrize("language", ["ru", "ky"])
def test_dashboard_renders_in_russian_and_kyrgyz(client, w, language):
    client.force_login(w["mine"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert html.count('role="img"') == 5


# --- Queries and the cache -------------------------------------------------------------


def _class_of(count):
    term = current_term()
    supervisor = SupervisorFactory()
    programs = [ProgramFactory(code=f"q-{i}") for i in range(3)]
    cohorts = [CohortFactory(entry_year=year) for year in (2015, 2024)]
    for i in range(count):
        student = student_of(supervisor, term=term, score=30 + i % 60, updates=i % 3,
                             program=programs[i % 3], cohort=cohorts[i % 2])  # fmt: skip
        if i % 4 == 0:
            EmploymentOutcomeFactory(student=student)
    return supervisor


def _dashboard_queries(client, django_assert_max_num_queries, user, budget):
    client.force_login(user)
    client.get(DASHBOARD)  # the roll-ups' first build happens once, not per request
    cache.clear()
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    return len(captured)


# Measured: 19 queries with a cold figures cache (session, user, terms for the form, the
# analytics state, the term, a savepoint with SET LOCAL jit = off, the figures, weekly,
# employment, programs, the two monitoring lists, their programs, the program and cohort
# choices), 10 with a warm one;
# the same for a supervisor and for staff, for 5 students and for 40.
DASHBOARD_QUERIES = 20


@pytest.mark.parametrize("staff", [False, True])
def test_query_budget_does_not_grow_with_students(client, django_assert_max_num_queries,
                                                 staff):  # fmt: skip
    supervisor = _class_of(5)
    user = StaffFactory() if staff else supervisor
    few = _dashboard_queries(client, django_assert_max_num_queries, user, DASHBOARD_QUERIES)
    for i in range(35):
        student = student_of(supervisor, updates=1, program=ProgramFactory(code=f"x-{i % 3}"))
        if i % 2:
            give_score(student, supervisor, Term.objects.get(is_current=True), 50 + i)
    many = _dashboard_queries(client, django_assert_max_num_queries, user, DASHBOARD_QUERIES)
    assert many == few


def test_a_cached_second_request_uses_fewer_queries(client, django_assert_max_num_queries):
    supervisor = _class_of(5)
    client.force_login(supervisor)
    client.get(DASHBOARD)
    cache.clear()
    with django_assert_max_num_queries(DASHBOARD_QUERIES) as cold:
        first = client.get(DASHBOARD)
    with django_assert_max_num_queries(DASHBOARD_QUERIES) as warm:
        second = client.get(DASHBOARD)
    assert len(warm) < len(cold)
    assert second.context["figures"]["computed_at"] == first.context["figures"]["computed_at"]
    assert second.context["figures"]["n"] == first.context["figures"]["n"] == 5
