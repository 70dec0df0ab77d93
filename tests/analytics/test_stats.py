"""The statistics of small groups (analytics/stats.py): exact p-values checked against a
brute-force enumeration, the wording rule, intervals limited to the score range, and the
one rounding of every figure (analytics/formatting.py)."""

import itertools
import math
import random

import numpy as np
import pytest
from django.utils import translation
from scipy import stats as scipy_stats

from analytics import formatting
from analytics.charts import bar_chart, count_ticks, scatter_chart
from analytics.stats import (
    EXACT_BELOW,
    correlation_verdict,
    exact_p_values,
    fisher_ci95,
    interval_excludes_zero,
    pearson_p,
    within_score_range,
)


def brute_force_p(x, y) -> tuple[float, float]:
    """Two-sided permutation p-values of Pearson's r and Spearman's rho, the slow obvious
    way: every ordering of y from itertools, the full correlation of each, and the share at
    least as far from 0 as the observed one."""

    def share(a, b):
        a, b = np.asarray(a, float), np.asarray(b, float)
        orderings = np.array(list(itertools.permutations(b)))
        ac = a - a.mean()
        bc = orderings - orderings.mean(axis=1, keepdims=True)
        r = (bc @ ac) / (np.sqrt((bc**2).sum(axis=1)) * np.sqrt((ac**2).sum()))
        observed = abs(scipy_stats.pearsonr(a, b).statistic)
        return np.count_nonzero(np.abs(r) >= observed - 1e-12) / math.factorial(len(a))

    return (
        share(x, y),
        share(scipy_stats.rankdata(x), scipy_stats.rankdata(y)),
    )


def test_spearman_minus_one_with_four_students_is_p_two_in_24():
    # The Kyrgyz-literature program: 4 students, a perfect inverse order. The t
    # approximation said p < 0.001; only 2 of the 24 pairings are as extreme.
    pairs = [[1, 90], [2, 80], [3, 75], [4, 40]]
    pearson, spearman = exact_p_values(pairs)
    assert spearman == pytest.approx(2 / 24) == 0.08333333333333333
    assert scipy_stats.spearmanr([1, 2, 3, 4], [90, 80, 75, 40]).pvalue < 0.001
    assert pearson == pytest.approx(brute_force_p([1, 2, 3, 4], [90, 80, 75, 40])[0])
    assert pearson >= 2 / 24  # four students can never reach 5%


@pytest.mark.parametrize("n", range(3, EXACT_BELOW))
@pytest.mark.parametrize("seed", [1, 2])
def test_exact_p_values_equal_a_brute_force_enumeration(n, seed):
    rng = random.Random(n * 100 + seed)
    x = [rng.randint(0, 6) for _ in range(n)]  # counts: ties are common
    y = [round(rng.uniform(30, 100), 2) for _ in range(n)]
    if seed == 2:
        y[0] = y[-1]  # a tie in the scores too
    if len(set(x)) == 1:
        x[0] += 1
    pearson, spearman = exact_p_values(list(zip(x, y, strict=True)))
    expected = brute_force_p(x, y)
    assert pearson == pytest.approx(expected[0], abs=1e-12)
    assert spearman == pytest.approx(expected[1], abs=1e-12)


def test_exact_p_values_refuse_groups_outside_their_range():
    with pytest.raises(ValueError):
        exact_p_values([[1, 2], [2, 3]])
    with pytest.raises(ValueError):
        exact_p_values([[i, i * i] for i in range(EXACT_BELOW)])


def _correlation(r, n, p=None):
    return {"r": r, "n": n, "p": pearson_p(r, n) if p is None else p, "ci95": fisher_ci95(r, n)}


def test_never_significant_when_the_interval_includes_zero():
    # Every r in steps of 0.005 for 4 to 60 students, with the p-value each way.
    for n in range(4, 61):
        for r in np.arange(-0.995, 1.0, 0.005):
            c = _correlation(float(r), n)
            verdict = correlation_verdict(c)
            if verdict in ("higher", "lower"):
                assert c["p"] < 0.05 and interval_excludes_zero(c["ci95"]), (n, r)
                assert n >= EXACT_BELOW
            if n < EXACT_BELOW:
                assert verdict == "descriptive"
    # The case: p < 0.05 while the interval includes 0.
    n4 = _correlation(-0.955, 4)
    assert n4["p"] < 0.05 and not interval_excludes_zero(n4["ci95"])
    assert correlation_verdict(n4) == "descriptive"
    c = _correlation(0.3, 40, p=0.04)  # CI of r = 0.3 with 40 students includes 0
    assert not interval_excludes_zero(c["ci95"])
    assert correlation_verdict(c) == "interval_includes_zero"
    assert correlation_verdict(_correlation(0.6, 40)) == "higher"
    assert correlation_verdict(_correlation(-0.6, 40)) == "lower"
    assert correlation_verdict(_correlation(0.1, 40)) == "not_significant"
    assert correlation_verdict({"r": None, "n": 2, "p": None, "ci95": None}) is None


def test_a_perfect_correlation_is_worded_significant_from_ten_students():
    # The interval of r = ±1 is the point itself, as scipy's confidence_interval() gives.
    assert fisher_ci95(1.0, 6) == (1.0, 1.0) and fisher_ci95(-1.0, 12) == (-1.0, -1.0)
    assert correlation_verdict({"r": -1.0, "n": 12, "p": 0.0, "ci95": (-1.0, -1.0)}) == "lower"


def test_mean_intervals_are_limited_to_the_score_range():
    assert within_score_range((71.6, 122.4)) == (71.6, 100.0, True)
    assert within_score_range((-8.5, 30.0)) == (0.0, 30.0, True)
    assert within_score_range((40.0, 60.0)) == (40.0, 60.0, False)
    assert within_score_range(None) is None


@pytest.mark.parametrize(
    ("value", "kind", "en", "ru"),
    [(53.75, formatting.score, "53.8", "53,8"), (0.665, formatting.coefficient, "0.67", "0,67"),
     (0.6678, formatting.coefficient, "0.67", "0,67"), (-0.004, formatting.coefficient,
     "0.00", "0,00"), (-0.955, formatting.coefficient, "-0.96", "-0,96"),
     (2 / 24, formatting.p_value, "0.083", "0,083"), (0.0004, formatting.p_value, "< 0.001",
     None), (1 / 3, formatting.percent, "33 %", "33 %"), (None, formatting.score, "—", "—")],
)  # fmt: skip
def test_one_rounding_for_every_kind_of_figure(value, kind, en, ru):
    with translation.override("en"):
        assert kind(value) == en
    if ru is not None:
        with translation.override("ru"):
            assert kind(value) == ru


@pytest.mark.parametrize("maximum", [0, 1, 2, 3, 4, 7, 9, 13, 26, 99, 101, 1234, 98765])
def test_count_axes_have_whole_ticks(maximum):
    ticks = count_ticks(maximum)
    assert all(isinstance(t, int) for t in ticks)
    assert ticks[0] == 0 and ticks[-1] >= maximum and 2 <= len(ticks) <= 6
    assert len({b - a for a, b in itertools.pairwise(ticks)}) == 1


def test_bar_and_scatter_charts_tick_whole_numbers_for_counts():
    chart = bar_chart(id="c", title="t", description="d", labels=list("abc"), values=[1, 2, 1],
                      x_label="x", y_label="y")  # fmt: skip
    assert [t["label"] for t in chart.y_ticks] == ["0", "1", "2"]
    scatter = scatter_chart(
        id="s", title="t", description="d", points=[[0, 50], [2, 70]], grid=[], grid_size=20,
        x_range=(0, 2), slope=None, intercept=None, x_label="x", y_label="y", x_counts=True,
    )  # fmt: skip
    assert [t["lines"][0] for t in scatter.x_ticks] == ["0", "1", "2"]


@pytest.mark.parametrize(("bins", "shown"), [(10, list(range(0, 101, 20))),
                                             (20, list(range(0, 101, 20)))])  # fmt: skip
def test_histogram_ticks_label_bin_edges_from_0_to_100(bins, shown):
    width = 100 // bins
    chart = bar_chart(
        id="h", title="t", description="d", values=[1] * bins, x_label="x", y_label="y",
        labels=[f"{i * width}–{(i + 1) * width}" for i in range(bins)],
        edges=[i * width for i in range(bins + 1)],
    )  # fmt: skip
    assert [int(t["lines"][0]) for t in chart.x_ticks] == shown
