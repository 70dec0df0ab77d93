"""The statistics of an experiment, on plain arrays (no database here): the sample size to
plan for, the sample-ratio-mismatch check, Welch's comparison of two arms, the
covariate-adjusted (CUPED / ANCOVA) estimate, the power achieved and the verdict.

One rule for every conclusion: an arm differs from the control only when the experiment
has at least its planned students per arm, the p-value is below the level and the interval
excludes 0 (the two agree for Welch's test); before that the answer is "not enough data
yet", whatever the p-value says — looking early and stopping at the first p < 0.05 is how
experiments find effects that are not there. tests/experiments/test_simulation.py checks
the numbers: a planted +20% is recovered, A/A experiments are "significant" 5% of the time.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats
from statsmodels.stats.power import TTestIndPower

# A split this unlikely (chi-square against the planned shares) is a broken assignment or
# logging, not chance: the usual threshold in online experiments.
SRM_ALPHA = 0.001
MIN_PER_ARM = 2  # fewer students in an arm: no spread, no interval


def required_n_per_arm(
    *, mean: float | None, sd: float | None, mde: float, alpha: float, power: float
) -> int | None:
    """Students per arm for a two-sided Welch test to find a relative change of ``mde``
    of the baseline ``mean`` (standard deviation ``sd``) with ``power`` at ``alpha``, equal
    arms. None when the baseline cannot give one (no spread, a mean of 0)."""
    if mean is None or sd is None or not math.isfinite(sd) or sd <= 0 or mean == 0:
        return None
    effect = abs(mde * mean) / sd
    n = TTestIndPower().solve_power(
        effect_size=effect, alpha=alpha, power=power, ratio=1.0, alternative="two-sided"
    )
    return max(MIN_PER_ARM, math.ceil(float(n)))


def baseline(values: np.ndarray) -> dict:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    n = len(values)
    return {
        "n": n,
        "mean": float(values.mean()) if n else None,
        "sd": float(values.std(ddof=1)) if n >= MIN_PER_ARM else None,
    }


def sample_ratio(counts: list[int], shares: list[float]) -> dict:
    """Chi-square goodness of fit of the arms' sizes against the planned shares."""
    total = sum(counts)
    if total == 0 or len(counts) < 2:
        return {"chi2": None, "p": None, "mismatch": False}
    expected = [total * share for share in shares]
    chi2, p = stats.chisquare(counts, f_exp=expected)
    return {"chi2": float(chi2), "p": float(p), "mismatch": bool(p < SRM_ALPHA)}


def describe(values: np.ndarray) -> dict:
    n = len(values)
    return {
        "n": n,
        "mean": float(values.mean()) if n else None,
        "sd": float(values.std(ddof=1)) if n >= MIN_PER_ARM else None,
    }


def mean_interval(figures: dict, *, level: float = 0.95) -> tuple[float, float] | None:
    """Student's t interval of an arm's mean, from ``describe``'s figures."""
    n, sd = figures["n"], figures["sd"]
    if n < MIN_PER_ARM or sd is None:
        return None
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return (figures["mean"] - half, figures["mean"] + half)


def welch(control: np.ndarray, treated: np.ndarray, *, level: float = 0.95) -> dict | None:
    """Treated minus control: the difference, its Welch interval at ``level`` and
    two-sided p-value; the relative difference (of the control's mean) with a delta-method
    interval. None with fewer than MIN_PER_ARM students in an arm."""
    nc, nt = len(control), len(treated)
    if nc < MIN_PER_ARM or nt < MIN_PER_ARM:
        return None
    mc, mt = float(control.mean()), float(treated.mean())
    vc, vt = float(control.var(ddof=1)), float(treated.var(ddof=1))
    se = math.sqrt(vc / nc + vt / nt)
    diff = mt - mc
    if se == 0:
        return {"diff": diff, "se": 0.0, "df": None, "p": None, "ci": None,
                "relative": diff / mc if mc else None, "relative_ci": None}  # fmt: skip
    df = (vc / nc + vt / nt) ** 2 / ((vc / nc) ** 2 / (nc - 1) + (vt / nt) ** 2 / (nt - 1))
    t = diff / se
    p = float(2 * stats.t.sf(abs(t), df))
    half = float(stats.t.ppf(0.5 + level / 2, df)) * se
    relative = relative_ci = None
    if mc != 0:
        relative = diff / mc
        # Var(mt / mc) by the delta method; the interval of mt / mc - 1.
        rel_se = math.sqrt(vt / nt / mc**2 + mt**2 * vc / nc / mc**4)
        z = float(stats.norm.ppf(0.5 + level / 2))
        relative_ci = (relative - z * rel_se, relative + z * rel_se)
    return {"diff": diff, "se": se, "df": df, "p": p, "ci": (diff - half, diff + half),
            "relative": relative, "relative_ci": relative_ci}  # fmt: skip


def adjusted(
    control: np.ndarray, treated: np.ndarray, pre_control: np.ndarray, pre_treated: np.ndarray,
    *, level: float = 0.95,
) -> dict | None:  # fmt: skip
    """ANCOVA (CUPED's regression form): metric ~ 1 + treated + (pre − mean pre) by OLS
    with heteroscedasticity-robust (HC1) errors and normal intervals, as statsmodels. A
    missing previous value is the mean, with an indicator, so no student is left out. The
    estimate of ``treated``, its interval and p-value, and how much narrower the interval
    is than without the covariate."""
    nc, nt = len(control), len(treated)
    if nc < MIN_PER_ARM or nt < MIN_PER_ARM:
        return None
    y = np.concatenate([control, treated])
    arm = np.concatenate([np.zeros(nc), np.ones(nt)])
    pre = np.concatenate([pre_control, pre_treated]).astype(float)
    missing = ~np.isfinite(pre)
    if missing.all():
        return None
    pre = np.where(missing, np.nanmean(pre), pre)
    columns = [np.ones_like(y), arm, pre - pre.mean()]
    if missing.any():
        columns.append(missing.astype(float))
    if float(pre.std()) == 0:
        return None  # a constant covariate adjusts nothing
    x = np.column_stack(columns)
    beta, se = ols_hc1(y, x)
    z = float(stats.norm.ppf(0.5 + level / 2))
    diff, error = float(beta[1]), float(se[1])
    # Without the covariate the robust error of the difference is Welch's, up to n/(n−2).
    plain = math.sqrt(control.var(ddof=1) / nc + treated.var(ddof=1) / nt)
    return {"diff": diff, "ci": (diff - z * error, diff + z * error),
            "p": float(2 * stats.norm.sf(abs(diff / error))) if error else None, "se": error,
            "narrower": 1 - error / plain if plain else None}  # fmt: skip


def ols_hc1(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least squares with heteroscedasticity-robust (HC1) standard errors: what
    ``statsmodels.OLS(y, x).fit(cov_type="HC1")`` gives (tests/experiments/test_stats.py
    holds the two equal), by the normal equations of the few columns here — a twentieth of
    statsmodels' time on 100,000 rows (bench/experiments.py)."""
    n, k = x.shape
    bread = np.linalg.inv(x.T @ x)
    beta = bread @ (x.T @ y)
    weighted = x * (y - x @ beta)[:, None]
    cov = bread @ (weighted.T @ weighted) @ bread * n / (n - k)
    return beta, np.sqrt(np.diag(cov))


def achieved_power(
    *, n_control: int, n_treated: int, sd: float | None, effect: float, alpha: float
) -> float | None:
    """The power the arms as they are have to find an absolute difference of ``effect``
    (the planned minimum detectable effect), given the spread seen — not the "observed
    power" of the observed difference, which only restates the p-value."""
    if n_control < MIN_PER_ARM or n_treated < MIN_PER_ARM or not sd or not effect:
        return None
    return float(
        TTestIndPower().power(
            effect_size=abs(effect) / sd, nobs1=n_control, ratio=n_treated / n_control,
            alpha=alpha, alternative="two-sided",
        )
    )  # fmt: skip


def pooled_sd(control: np.ndarray, treated: np.ndarray) -> float | None:
    nc, nt = len(control), len(treated)
    if nc < MIN_PER_ARM or nt < MIN_PER_ARM:
        return None
    pooled = ((nc - 1) * control.var(ddof=1) + (nt - 1) * treated.var(ddof=1)) / (nc + nt - 2)
    return float(math.sqrt(pooled))


def verdict(
    comparison: dict | None, *, n_control: int, n_treated: int, planned_n: int | None,
    effect: float | None, alpha: float,
) -> str:  # fmt: skip
    """One of:

    * ``not_enough_data``: an arm has fewer than the planned students, or there is no
      interval, or the interval is wider than the minimum detectable effect either side
      (the data cannot tell that effect from none);
    * ``better`` / ``worse``: p < alpha and the interval excludes 0;
    * ``no_effect``: not significant, and the interval rules out an effect as large as the
      minimum detectable one;
    * ``inconclusive``: not significant, and the interval still includes such an effect."""
    if comparison is None or comparison["ci"] is None or comparison["p"] is None:
        return "not_enough_data"
    if planned_n is not None and min(n_control, n_treated) < planned_n:
        return "not_enough_data"
    low, high = comparison["ci"]
    if effect and (high - low) / 2 > abs(effect):
        return "not_enough_data"
    if comparison["p"] < alpha and (low > 0 or high < 0):
        return "better" if comparison["diff"] > 0 else "worse"
    if effect and -abs(effect) < low and high < abs(effect):
        return "no_effect"
    return "inconclusive"


def compare(
    control: np.ndarray, treated: np.ndarray, *, pre_control: np.ndarray | None = None,
    pre_treated: np.ndarray | None = None, alpha: float = 0.05, mde: float = 0.2,
    planned_n: int | None = None, baseline_mean: float | None = None,
) -> dict:  # fmt: skip
    """Everything the report says about one treatment arm against the control. Values
    that are NaN (a student without a review score) are left out, with their previous
    values. The minimum detectable effect is ``mde`` of ``baseline_mean`` (the previous
    term's), or of the control's mean when there was no baseline."""
    control, treated = np.asarray(control, float), np.asarray(treated, float)
    keep_c, keep_t = np.isfinite(control), np.isfinite(treated)
    control, treated = control[keep_c], treated[keep_t]
    level = 1 - alpha
    result = welch(control, treated, level=level)
    # The effect looked for is relative: of the control's mean now (the metric's level
    # moves between terms), of the baseline's before there is a control.
    reference = float(control.mean()) if len(control) else (baseline_mean or 0.0)
    effect = mde * reference
    cuped = None
    if pre_control is not None and pre_treated is not None:
        cuped = adjusted(
            control, treated, np.asarray(pre_control, float)[keep_c],
            np.asarray(pre_treated, float)[keep_t], level=level,
        )  # fmt: skip
    nc, nt = len(control), len(treated)
    return {
        "control": describe(control),
        "treated": describe(treated),
        "level": level,
        "welch": result,
        "adjusted": cuped,
        "mde_absolute": effect,
        "power": achieved_power(
            n_control=nc, n_treated=nt, sd=pooled_sd(control, treated), effect=effect, alpha=alpha
        ),  # fmt: skip
        "verdict": verdict(
            result, n_control=nc, n_treated=nt, planned_n=planned_n, effect=effect, alpha=alpha
        ),  # fmt: skip
    }
