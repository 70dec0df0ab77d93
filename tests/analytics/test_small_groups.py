"""The dashboard with small groups, as a reader sees it: figures that could mislead are
worded with care, carry their caveats, keep to the score range, read the same in tables and
captions, and the charts count in whole numbers with labels readable at 100% zoom."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from scipy import stats

from analytics.charts import FONT_SIZE
from tests.analytics.test_dashboard import DASHBOARD, current_term, student_of
from tests.analytics.test_stats import brute_force_p
from tests.factories import CohortFactory, ProgramFactory, SupervisorFactory

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children: list = []

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def classes(self) -> set:
        return set((self.attrs.get("class") or "").split())

    def find_all(self, predicate):
        for child in self.children:
            if isinstance(child, Node):
                if predicate(child):
                    yield child
                yield from child.find_all(predicate)

    def find(self, predicate):
        return next(self.find_all(predicate), None)


class Tree(HTMLParser):
    """The page as a tree (the standard library's parser; no HTML library is installed)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("root", {})
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def page(client, user, **params):
    client.force_login(user)
    response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    html = response.content.decode()
    return response, html, Tree(html).root


def squash(text: str) -> str:
    return " ".join(text.split())


def dd_after(root, label: str) -> str:
    """The text of the <dd> that follows the <dt> reading ``label``."""
    for dl in root.find_all(lambda n: n.tag == "dl"):
        items = [c for c in dl.find_all(lambda n: n.tag in ("dt", "dd"))]
        for dt, dd in zip(items, items[1:], strict=False):
            if dt.tag == "dt" and squash(dt.text) == label and dd.tag == "dd":
                return squash(dd.text)
    raise AssertionError(f"no <dt>{label}</dt>")


def figcaption_of(root, chart_id: str) -> str:
    figure = root.find(
        lambda n: n.tag == "figure" and n.find(lambda m: m.attrs.get("id") == f"{chart_id}-title")
    )
    return squash(figure.find(lambda n: n.tag == "figcaption").text)


def kyrgyz_literature():
    """The program the issue found it with: four students, the more active the lower their
    score (Spearman's rho = −1, Pearson's r = −0.957 with a t-test p of 0.043 while the
    Fisher interval of r includes 0)."""
    term = current_term()
    program = ProgramFactory(code="ky-lit", name_en="Kyrgyz literature")
    supervisor = SupervisorFactory()
    for updates, score in zip((1, 2, 3, 4), (100, 95, 75, 45), strict=True):
        student_of(supervisor, term=term, score=score, updates=updates, program=program)
    return supervisor


def test_four_students_are_described_not_declared_significant(client):
    response, html, root = page(client, kyrgyz_literature())
    c = response.context["figures"]["correlation"]
    t_test = stats.pearsonr([1, 2, 3, 4], [100, 95, 75, 45])
    assert t_test.pvalue < 0.05 and t_test.confidence_interval().high > 0  # the old page
    assert c["spearman"] == pytest.approx(-1.0)
    assert (c["p"], c["spearman_p"]) == pytest.approx(brute_force_p([1, 2, 3, 4],
                                                                    [100, 95, 75, 45]))  # fmt: skip
    assert c["spearman_p"] == pytest.approx(2 / 24)
    section = root.find(lambda n: n.attrs.get("aria-labelledby") == "correlation-heading")
    text = squash(section.text)
    assert "significant" not in text
    assert "Descriptive only: with fewer than 10 students" in text
    assert dd_after(root, "Spearman's rho") == "-1.00 (p 0.083)"
    assert "< 0.001" not in text
    assert dd_after(root, "p-value (two-sided, exact)") == "0.083"
    assert "< 0.001" not in html


@pytest.mark.parametrize("language", ["ru", "ky"])
def test_the_small_group_note_is_translated(client, language):
    supervisor = kyrgyz_literature()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    _response, html, root = page(client, supervisor)
    note = root.find(lambda n: "correlation-verdict" in n.classes())
    assert note is not None and "10" in note.text
    assert "Descriptive only" not in note.text


def test_a_larger_group_is_significant_only_with_p_and_interval_agreeing(client):
    term = current_term()
    supervisor = SupervisorFactory()
    for i in range(12):
        student_of(supervisor, term=term, score=40 + 4 * i + (i % 3), updates=1 + i % 6 + i // 3)
    response, _html, root = page(client, supervisor)
    c = response.context["figures"]["correlation"]
    assert not c["exact"] and c["p"] < 0.05 and c["ci95"][0] > 0
    verdict = squash(root.find(lambda n: "correlation-verdict" in n.classes()).text)
    assert verdict.startswith("More active students tend to score higher")
    assert dd_after(root, "p-value (two-sided)") != ""


def test_employment_shares_of_small_groups_carry_a_caveat(client):
    supervisor = SupervisorFactory()
    graduated = CohortFactory(entry_year=2015)
    for n in (0, 3, 6):
        student_of(supervisor, cohort=graduated, updates=n)
    _response, _html, root = page(client, supervisor)
    caveat = root.find(lambda n: "employment-caveat" in n.classes())
    assert caveat is not None
    assert "fewer than 10 graduates (the smallest: 1)" in squash(caveat.text)


def test_employment_groups_of_ten_need_no_caveat(client):
    supervisor = SupervisorFactory()
    graduated = CohortFactory(entry_year=2015)
    for i in range(30):
        student_of(supervisor, cohort=graduated, updates=i // 10)
    response, html, _root = page(client, supervisor)
    assert [e["graduates"] for e in response.context["figures"]["employment"]] == [10, 10, 10]
    assert "employment-caveat" not in html


def test_mean_intervals_beyond_the_score_range_are_limited_with_a_note(client):
    term = current_term()
    supervisor = SupervisorFactory()
    program = ProgramFactory(code="top", name_en="Top marks")
    for score in (95, 99):
        student_of(supervisor, term=term, score=score, program=program)
    response, html, root = page(client, supervisor)
    low, high = response.context["figures"]["summary"]["ci95"]
    assert high > 100  # t with one degree of freedom: 71.6 to 122.4
    shown = dd_after(root, "95% CI of the mean")
    assert shown == f"{low:.1f}–100.0* (limited to the 0–100 score range)"
    row = root.find(lambda n: n.tag == "tr" and "Top marks" in n.text)
    assert squash(row.find_all(lambda n: n.tag == "td").__next__().text) == "2"
    assert squash(list(row.find_all(lambda n: n.tag == "td"))[-1].text).startswith(
        f"{low:.1f}–100.0*"
    )
    notes = re.findall(r"\* The 95% interval reaches beyond the 0–100 a score can take", html)
    assert len(notes) == 2  # under the summary and under the program table
    assert "122" not in squash(root.find(lambda n: n.tag == "main" or n.tag == "body").text)


def test_a_figure_reads_the_same_in_table_and_caption(client):
    term = current_term()
    supervisor = SupervisorFactory()
    # Mean 53.75 and r 0.577: truncating gave 53.7 and 0.57 in the captions.
    for score, updates in ((50, 0), (55, 0), (55, 1), (55, 1)):
        student_of(supervisor, term=term, score=score, updates=updates)
    response, _html, root = page(client, supervisor)
    figures = response.context["figures"]
    assert figures["summary"]["mean"] == pytest.approx(53.75)
    assert figures["correlation"]["r"] == pytest.approx(0.5773502691896257)
    mean = dd_after(root, "Mean")
    assert mean == "53.8"
    assert f"the mean {mean}." in figcaption_of(root, "chart-histogram")
    r = dd_after(root, "Pearson r")
    assert r == "0.58"
    assert f"Pearson r = {r};" in figcaption_of(root, "chart-scatter")
    scatter_desc = root.find(lambda n: n.attrs.get("id") == "chart-scatter-desc")
    assert f"Pearson r = {r};" in scatter_desc.text


def test_employment_bars_are_titled_as_the_table_writes_the_share(client):
    supervisor = SupervisorFactory()
    graduated = CohortFactory(entry_year=2015)
    from tests.factories import EmploymentOutcomeFactory

    students = [student_of(supervisor, cohort=graduated, updates=i // 3) for i in range(9)]
    EmploymentOutcomeFactory(student=students[8])  # 1 of 3 in the most active third
    _response, _html, root = page(client, supervisor)
    svg = root.find(lambda n: n.tag == "svg" and n.find(
        lambda m: m.attrs.get("id") == "chart-employment-title"))  # fmt: skip
    titles = [squash(t.text) for t in svg.find_all(lambda n: n.tag == "title")][1:]
    assert titles[-1] == "Most active third: 33 %"
    section = root.find(lambda n: n.attrs.get("aria-labelledby") == "employment-heading")
    assert "1 (33 %)" in squash(section.text)


def _charts(root):
    return list(root.find_all(lambda n: n.tag == "svg" and "chart-svg" in n.classes()))


def test_count_axes_have_whole_number_ticks(client):
    term = current_term()
    supervisor = SupervisorFactory()
    for score, updates in ((45, 1), (62, 2), (81, 1)):
        student_of(supervisor, term=term, score=score, updates=updates)
    _response, _html, root = page(client, supervisor)
    counted = {"chart-histogram", "chart-weekly-students", "chart-weekly-updates",
               "chart-scatter"}  # fmt: skip
    seen = set()
    for svg in _charts(root):
        chart_id = svg.attrs["aria-labelledby"].split()[0].removesuffix("-title")
        y_ticks = [squash(t.text) for t in svg.find_all(
            lambda n: n.tag == "text" and n.attrs.get("text-anchor") == "end")]  # fmt: skip
        x_ticks = [squash(t.text) for t in svg.find_all(
            lambda n: n.tag == "text" and "chart-tick" in n.classes()
            and n.attrs.get("text-anchor") == "middle")]  # fmt: skip
        if chart_id in counted:
            seen.add(chart_id)
            assert y_ticks and all(re.fullmatch(r"\d+", t) for t in y_ticks), (chart_id, y_ticks)
        if chart_id == "chart-scatter":  # updates in the term: a count
            assert all(re.fullmatch(r"\d+", t) for t in x_ticks), x_ticks
    assert seen == counted


def _min_width_px() -> float:
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    block = re.search(r"\.chart-svg\s*\{([^}]*)\}", css).group(1)
    assert "font-size" not in block
    return float(re.search(r"min-width:\s*([\d.]+)px", block).group(1))


@pytest.mark.parametrize("language", ["en", "ky"])
def test_chart_labels_are_at_least_12_px_at_100_percent(client, language):
    term = current_term()
    supervisor = SupervisorFactory()
    graduated = CohortFactory(entry_year=2015)
    for i, score in enumerate((45, 62, 81, 90)):
        student_of(supervisor, term=term, score=score, updates=i, cohort=graduated)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    _response, _html, root = page(client, supervisor)
    narrowest = _min_width_px()  # the stylesheet never draws a chart narrower
    charts = _charts(root)
    assert len(charts) == 5
    for svg in charts:
        view_width = float(svg.attrs["viewbox"].split()[2])
        font_size = float(svg.attrs["font-size"])
        texts = list(svg.find_all(lambda n: n.tag in ("text", "tspan")))
        assert texts
        for text in texts:  # nothing smaller inside
            assert float(text.attrs.get("font-size", font_size)) >= font_size
        assert font_size == FONT_SIZE
        assert font_size * narrowest / view_width >= 12
