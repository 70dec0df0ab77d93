"""The statistics behind the dashboard's figures, apart from the SQL that gathers them:
intervals, p-values and how a result may be worded.

Small groups are where figures mislead. Below ``EXACT_BELOW`` students the p-values of
Pearson's r and Spearman's rho are exact — every ordering of the scores against the
activity measure is counted (9! = 362,880 at most) — instead of the t approximations, which
promise far too much there (Spearman's rho = −1 with four students is p = 2/24, not
p < 0.001); and the page calls the figures descriptive only. Whatever the size, a result is
worded as significant only when the p-value and the 95% interval agree.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import stats

# Groups smaller than these show "too few" instead of a figure.
MIN_SPREAD = 2  # standard deviation, confidence interval of a mean
MIN_SKEW = 3
MIN_CORRELATION = 3  # r, rho and their p-values
MIN_FISHER = 4  # the Fisher z interval needs n - 3 > 0
EXACT_BELOW = 10  # exact permutation p-values, and the figures are descriptive only
MIN_GROUP_FOR_RATES = 10  # fewer graduates in an employment group: a caveat
ALPHA = 0.05
SCORE_RANGE = (0.0, 100.0)


def mean_ci95(n: int, mean: float, sd: float | None) -> tuple[float, float] | None:
    """Student's t interval of a mean (unbounded: the exports give it as computed)."""
    if n < MIN_SPREAD or sd is None:
        return None
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    return (mean - half, mean + half)


def within_score_range(ci: tuple[float, float] | None) -> tuple[float, float, bool] | None:
    """A mean's interval as the page shows it: limited to the 0–100 a score can take, and
    whether it had to be."""
    if ci is None:
        return None
    low, high = SCORE_RANGE
    shown = (min(max(ci[0], low), high), min(max(ci[1], low), high))
    return (shown[0], shown[1], shown != (ci[0], ci[1]))


def pearson_p(r: float, n: int) -> float:
    """Two-sided p-value of Pearson's r, as scipy.stats.pearsonr computes it."""
    if abs(r) >= 1.0:
        return 0.0
    ab = n / 2 - 1
    return float(2 * stats.beta(ab, ab, loc=-1, scale=2).sf(abs(r)))


def fisher_ci95(r: float, n: int) -> tuple[float, float] | None:
    """The 95% interval of r by Fisher's z, as scipy's ``confidence_interval()``."""
    if n < MIN_FISHER:
        return None
    if abs(r) >= 1.0:
        return (r, r)
    z = math.atanh(r)
    half = stats.norm.ppf(0.975) / math.sqrt(n - 3)
    return (math.tanh(z - half), math.tanh(z + half))


def spearman_p(rho: float, n: int) -> float:
    """Two-sided p-value of Spearman's rho (the t approximation scipy.stats.spearmanr uses)."""
    if abs(rho) >= 1.0:
        return 0.0
    t = rho * math.sqrt((n - 2) / ((rho + 1.0) * (1.0 - rho)))
    return float(2 * stats.t.sf(abs(t), n - 2))


@lru_cache(maxsize=EXACT_BELOW)
def _orderings(n: int) -> np.ndarray:
    """Every permutation of ``range(n)`` as rows (n! × n, lexicographic), each entry
    offset by ``n × its column`` so that it indexes a flattened n × n table."""
    perms = np.zeros((1, 0), dtype=np.int16)
    for size in range(1, n + 1):
        # Permutations of range(size): each first element, then those of the rest.
        blocks = []
        for first in range(size):
            rest = np.array([k for k in range(size) if k != first], dtype=np.int16)
            blocks.append(np.hstack([np.full((len(perms), 1), first, np.int16), rest[perms]]))
        perms = np.vstack(blocks)
    flat = perms + np.arange(n, dtype=np.int16) * n
    flat.setflags(write=False)
    return flat


def _exact_p(x: np.ndarray, y: np.ndarray) -> float:
    """Two-sided permutation p-value of the correlation of x and y: the share of all n!
    pairings whose correlation is at least as far from 0 as the observed one. The
    denominators do not change with the pairing, so the sums of products decide."""
    n = len(x)
    xc, yc = x - x.mean(), y - y.mean()
    products = np.outer(xc, yc).ravel()
    sums = products[_orderings(n)].sum(axis=1)
    observed = abs(float(xc @ yc))
    # Pairings equal to the observed one up to rounding count as equal.
    tolerance = 1e-9 * float(np.abs(products).sum())
    return float(np.count_nonzero(np.abs(sums) >= observed - tolerance)) / len(sums)


def exact_p_values(pairs: list) -> tuple[float, float]:
    """Exact two-sided p-values of Pearson's r and Spearman's rho (mid-ranks for ties) of
    ``pairs`` ([x, y] each), for fewer than EXACT_BELOW pairs."""
    n = len(pairs)
    if not MIN_CORRELATION <= n < EXACT_BELOW:
        raise ValueError(f"exact p-values are for {MIN_CORRELATION}–{EXACT_BELOW - 1} pairs")
    data = np.asarray(pairs, dtype=float)
    x, y = data[:, 0], data[:, 1]
    pearson = _exact_p(x, y)
    spearman = _exact_p(stats.rankdata(x), stats.rankdata(y))
    return pearson, spearman


def interval_excludes_zero(ci: tuple[float, float] | None) -> bool:
    return ci is not None and (ci[0] > 0 or ci[1] < 0)


def correlation_verdict(c: dict) -> str | None:
    """How the page words the relation, from one rule for every size of group:

    * ``"descriptive"``: fewer than EXACT_BELOW students — no conclusion either way;
    * ``"higher"`` / ``"lower"``: significant at 5%, which needs both p < 0.05 and a 95%
      interval of r that excludes 0;
    * ``"interval_includes_zero"``: p < 0.05 but the interval includes 0 — not significant;
    * ``"not_significant"``: p ≥ 0.05.

    None where there is no correlation to word (too few students, no variation)."""
    if c["r"] is None or c["p"] is None:
        return None
    if c["n"] < EXACT_BELOW:
        return "descriptive"
    if c["p"] >= ALPHA:
        return "not_significant"
    if not interval_excludes_zero(c["ci95"]):
        return "interval_includes_zero"
    return "higher" if c["r"] > 0 else "lower"
