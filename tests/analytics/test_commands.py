"""analytics_report, analytics_export and analytics_refresh: the same figures and rows as the
dashboard, the same filters, clear errors."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from scipy import stats

from analytics.models import StudentActivity, StudentTermActivity, WeeklyActivity
from analytics.selectors import STUDENT_COLUMNS, Filters, analytics_figures, pseudonym
from tests.analytics.test_dashboard import DASHBOARD, give_score, past_term, world
from tests.analytics.test_stats import brute_force_p
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def report(*args):
    out = io.StringIO()
    call_command("analytics_report", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def export(path, *args):
    out = io.StringIO()
    call_command("analytics_export", "--csv", str(path), *args, stdout=out)
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.reader(stream)), out.getvalue()


@pytest.fixture
def w():
    return world()


# --- analytics_report ------------------------------------------------------------------


def test_report_is_json_with_the_figures(w):
    data = report()
    assert {"n", "histogram", "programs", "correlation", "students", "without_score",
            "summary", "weekly", "monitoring", "employment", "filters"} <= data.keys()  # fmt: skip
    assert {"r", "p", "n", "ci95", "spearman"} <= data["correlation"].keys()
    assert (data["students"], data["n"], data["without_score"]) == (6, 5, 1)
    assert data["filters"]["term"] == w["term"].name_en  # the current term by default
    assert data["summary"]["mean"] == pytest.approx(59.0)
    assert data["summary"]["median"] == pytest.approx(60.0)
    assert data["summary"]["sd"] == pytest.approx(stats.tstd([40, 60, 80, 95, 20]))
    assert data["summary"]["skewness"] == pytest.approx(stats.skew([40, 60, 80, 95, 20]))
    assert [b["n"] for b in data["histogram"]] == [0, 0, 1, 0, 1, 0, 1, 0, 1, 1]
    assert [(p["code"], p["n"], p["mean"]) for p in data["programs"]] == [
        ("prog-b", 2, 87.5), ("prog-a", 3, 40)
    ]  # fmt: skip
    r, p = stats.pearsonr([1, 2, 3, 4, 5], [40, 60, 80, 95, 20])
    c = data["correlation"]
    assert (c["n"], c["metric"]) == (5, "updates_term")
    assert c["r"] == pytest.approx(r)
    # Five students: exact p-values (every pairing counted), not scipy's t approximation.
    assert (c["p"], c["spearman_p"]) == pytest.approx(
        brute_force_p([1, 2, 3, 4, 5], [40, 60, 80, 95, 20])
    )
    assert c["p_method"] == "exact_permutation"
    assert c["spearman"] == pytest.approx(stats.spearmanr([1, 2, 3, 4, 5],
                                                          [40, 60, 80, 95, 20])[0])  # fmt: skip
    assert len(c["ci95"]) == 2 and c["ci95"][0] < r < c["ci95"][1]


def test_report_filters_by_program_code_and_cohort_year(w):
    by_program = report("--program", "prog-b")
    assert (by_program["students"], by_program["n"]) == (2, 2)
    assert by_program["summary"]["mean"] == 87.5
    assert by_program["correlation"]["too_few"] is True
    assert by_program["correlation"]["r"] is None
    by_cohort = report("--cohort", "2020")
    assert (by_cohort["students"], by_cohort["summary"]["mean"]) == (1, 95)
    both = report("--program", "prog-a", "--cohort", "2024")
    assert (both["students"], both["n"], both["summary"]["mean"]) == (4, 3, 40)


def test_report_filters_by_term_id_name_and_all(w):
    old = past_term(name_en="Old spring")
    give_score(w["mine_students"][0], w["mine"], old, 10)
    in_old = report("--term", str(old.pk))
    assert in_old["filters"]["term"] == old.name_en
    assert (in_old["n"], in_old["summary"]["mean"]) == (1, 10)
    assert report("--term", "Old spring")["summary"] == in_old["summary"]
    every = report("--term", "all")
    assert every["filters"]["term"] == "all"
    assert every["summary"]["mean"] == pytest.approx((25 + 60 + 80 + 95 + 20) / 5)


def test_report_metric(w):
    weeks = report("--metric", "active_weeks")
    assert weeks["correlation"]["metric"] == "active_weeks"
    assert weeks["correlation"]["r"] != pytest.approx(report()["correlation"]["r"])
    flat = report("--metric", "completeness")  # no portfolios: 0 % for everyone
    assert flat["correlation"]["no_variation"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--program", "nope"], "No program 'nope'. Programs: "),
     (["--cohort", "1999"], "No cohort entered in 1999."),
     (["--term", "999"], "No term '999'."),
     (["--term", "No such term"], "No term 'No such term'."),
     (["--metric", "bogus"], "invalid choice: 'bogus'")],
)  # fmt: skip
def test_report_refuses_unknown_filters(w, args, message):
    with pytest.raises(CommandError) as error:
        report(*args)
    assert message in str(error.value)
    if args[0] == "--program":
        assert "prog-a" in str(error.value) and "prog-b" in str(error.value)


def test_report_needs_json(w):
    with pytest.raises(CommandError, match="--json"):
        call_command("analytics_report", stdout=io.StringIO())


def _same(report_part, figures_part):
    """JSON turned tuples into lists and dates into strings; compare as JSON."""
    return json.loads(json.dumps(figures_part, default=str)) == report_part


@pytest.mark.parametrize(
    ("args", "params"),
    [([], {}), (["--program", "prog-a"], {"program": "prog_a"}),
     (["--cohort", "2024", "--metric", "active_weeks"], {"cohort": "c2024",
                                                          "metric": "active_weeks"}),
     (["--term", "all", "--bins", "5"], {"term": "all", "bins": 5}),
     (["--inactive-days", "40", "--completeness-below", "10"],
      {"inactive_days": 40, "completeness_below": 10})],
)  # fmt: skip
def test_report_equals_the_dashboard(client, w, args, params):
    data = report(*args)
    get = {k: (w[v].pk if v in w else v) if isinstance(v, str) else v for k, v in params.items()}
    client.force_login(StaffFactory())
    response = client.get(DASHBOARD, get)
    assert response.status_code == 200
    assert not response.context["form"].errors
    dashboard = response.context["figures"]
    f = response.context["filters"]
    selectors = analytics_figures(
        Filters(program_id=f.program_id, cohort_id=f.cohort_id, term_id=f.term_id,
                metric=f.metric, bin_width=f.bin_width, inactive_days=f.inactive_days,
                completeness_below=f.completeness_below),
        fresh=True,
    )  # fmt: skip
    for figures in (dashboard, selectors):
        assert (data["students"], data["n"], data["without_score"]) == (
            figures["students"], figures["n"], figures["without_score"]
        )  # fmt: skip
        assert _same(data["summary"], figures["summary"])
        assert data["histogram"] == figures["histogram"]
        assert data["programs"] == [
            {k: row[k] for k in ("code", "n", "mean", "sd", "min", "max")}
            | {"ci95": list(row["ci95"]) if row["ci95"] else None}
            for row in figures["programs"]
        ]
        c = figures["correlation"]
        for key in ("n", "r", "p", "spearman", "spearman_p", "too_few", "no_variation"):
            assert data["correlation"][key] == c[key], key
        assert data["correlation"]["ci95"] == (list(c["ci95"]) if c["ci95"] else None)
        assert data["monitoring"] == figures["monitoring"]
        assert _same(data["weekly"], figures["weekly"])
        assert data["employment"] == figures["employment"]


# --- analytics_export -------------------------------------------------------------------


def test_export_writes_one_row_per_student(w, tmp_path):
    rows, out = export(tmp_path / "students.csv")
    assert "Wrote" in out
    assert rows[0] == STUDENT_COLUMNS
    everyone = w["mine_students"] + w["others"]
    assert sorted(row[0] for row in rows[1:]) == sorted(pseudonym(s.pk) for s in everyone)
    content = (tmp_path / "students.csv").read_text(encoding="utf-8")
    for student in everyone:
        for private in (student.username, student.email, student.last_name):
            assert private not in content
    by_pseudonym = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    m60 = by_pseudonym[pseudonym(w["mine_students"][1].pk)]
    assert (m60["program"], m60["cohort"], m60["term"], float(m60["score"])) == (
        "prog-a", "2024", w["term"].name_en, 60.0
    )  # fmt: skip
    assert m60["updates_term"] == "2"
    assert m60["active_weeks"] in ("1", "2")  # yesterday and the day before: one or two weeks


def test_export_uses_the_report_filters(w, tmp_path):
    rows, _ = export(tmp_path / "b.csv", "--program", "prog-b")
    assert sorted(row[0] for row in rows[1:]) == sorted(
        pseudonym(s.pk) for s in w["mine_students"][2:]
    )
    rows, _ = export(tmp_path / "c.csv", "--cohort", "2020", "--term", "all")
    assert [(row[0], row[3]) for row in rows[1:]] == [(pseudonym(w["mine_students"][3].pk), "all")]
    with pytest.raises(CommandError, match="No program 'nope'"):
        export(tmp_path / "x.csv", "--program", "nope")


def test_export_matches_the_dashboard_download(client, w, tmp_path):
    rows, _ = export(tmp_path / "s.csv", "--program", "prog-a")
    client.force_login(StaffFactory())
    response = client.get("/staff/analytics/students.csv", {"program": w["prog_a"].pk})
    assert list(csv.reader(io.StringIO(response.content.decode()))) == rows


def test_export_to_an_unwritable_path_is_a_command_error(w, tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        export(tmp_path / "missing" / "s.csv")


# --- analytics_refresh --------------------------------------------------------------------


def _stable(data):
    """The report without its time, floats to 9 places: PostgreSQL may sum in another
    order (parallel workers), which moves the last digits, not the figures."""

    def rounded(value):
        if isinstance(value, float):
            return round(value, 9)
        if isinstance(value, dict):
            return {k: rounded(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [rounded(v) for v in value]
        return value

    return {k: rounded(v) for k, v in data.items() if k not in ("computed_at",)}


def _rollups():
    return (
        sorted(StudentActivity.objects.values_list(
            "student_id", "updates_total", "active_weeks_total", "logins_total",
            "first_update_at", "last_update_at", "updates_30d", "updates_90d", "score_sum",
            "review_count")),
        sorted(StudentTermActivity.objects.values_list(
            "student_id", "term_id", "updates", "active_weeks", "score_sum", "review_count")),
        sorted(WeeklyActivity.objects.values_list(
            "week", "program_id", "cohort_id", "updates", "active_students")),
    )  # fmt: skip


@pytest.mark.parametrize("args", [[], ["--term", "all"], ["--metric", "updates_30d"]])
def test_refresh_and_rebuild_leave_the_same_figures(w, args):
    before = _stable(report(*args))
    rollups = _rollups()
    out = io.StringIO()
    call_command("analytics_refresh", stdout=out)
    assert "Windows now end on" in out.getvalue()
    assert _stable(report(*args)) == before
    out = io.StringIO()
    call_command("analytics_refresh", "--rebuild", stdout=out)
    assert "Roll-ups rebuilt from the log" in out.getvalue()
    assert _rollups() == rollups
    assert _stable(report(*args)) == before
