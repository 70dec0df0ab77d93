"""The hand-written pieces of experiments/stats.py against the libraries' own answers."""

import numpy as np
import statsmodels.api as sm
from scipy import stats as scipy_stats

from experiments import stats


def test_the_adjusted_estimate_is_statsmodels_ols_with_hc1_errors():
    rng = np.random.default_rng(3)
    pre = rng.gamma(4, 5, 600)
    arm = rng.permutation(np.repeat([0.0, 1.0], 300))
    y = rng.poisson(pre * (1 + 0.2 * arm)).astype(float)
    pre[rng.choice(600, 40, replace=False)] = np.nan  # students without a previous value
    result = stats.adjusted(y[arm == 0], y[arm == 1], pre[arm == 0], pre[arm == 1])

    missing = np.isnan(pre)
    filled = np.where(missing, np.nanmean(pre), pre)
    order = np.argsort(arm, kind="stable")  # control first, as adjusted() stacks them
    x = np.column_stack([np.ones(600), arm, filled - filled.mean(), missing.astype(float)])
    fit = sm.OLS(y[order], x[order]).fit(cov_type="HC1")
    assert np.isclose(result["diff"], fit.params[1])
    assert np.isclose(result["se"], fit.bse[1])
    assert np.allclose(result["ci"], fit.conf_int(alpha=0.05)[1])
    assert np.isclose(result["p"], fit.pvalues[1])


def test_welch_is_scipys():
    rng = np.random.default_rng(4)
    control, treated = rng.normal(10, 2, 80), rng.normal(11, 4, 120)
    result = stats.welch(control, treated)
    expected = scipy_stats.ttest_ind(treated, control, equal_var=False)
    assert np.isclose(result["p"], expected.pvalue)
    low, high = expected.confidence_interval(0.95)
    assert np.allclose(result["ci"], (low, high))
