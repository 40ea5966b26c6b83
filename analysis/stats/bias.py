"""Small-study effects: Egger's regression (classic and metafor's regtest), Begg's rank test, Peters' test.

References: Egger M, Davey Smith G, Schneider M, Minder C (1997), Bias in meta-analysis detected by a simple,
graphical test, BMJ 315:629-634; Begg CB, Mazumdar M (1994), Operating characteristics of a rank correlation
test for publication bias, Biometrics 50:1088-1101; Peters JL, Sutton AJ, Jones DR, Abrams KR, Rushton L
(2006), Comparison of two methods to detect publication bias in meta-analysis, JAMA 295:676-680;
Sterne JAC, Egger M (2005), Regression methods to detect publication and other bias in meta-analysis
(metafor ``regtest``).
"""

from __future__ import annotations

import numpy as np

from .distributions import t_two_sided_p
from .effect_sizes import Counts
from .errors import MetaAnalysisInputError
from .linalg import FloatArray, wls
from .metareg import fit_regression
from .results import RankTest, RegressionTest


def _need(k: int, minimum: int, name: str) -> None:
    if k < minimum:
        raise MetaAnalysisInputError(f"{name} needs at least {minimum} studies (k = {k})")


def _weighted_lm(y: FloatArray, x: FloatArray, w: FloatArray) -> tuple[FloatArray, FloatArray, int]:
    """WLS of y on [1, x] with the residual variance estimated: coefficients, their SEs, df."""
    k = len(y)
    _need_spread(x)
    fit = wls(y, w, np.column_stack([np.ones(k), x]))
    s2 = fit.rss / (k - 2)
    return fit.beta, np.sqrt(np.diag(fit.vb) * s2), k - 2


def _need_spread(x: FloatArray) -> None:
    if float(np.ptp(x)) <= 1e-12 * max(1.0, float(np.max(np.abs(x)))):
        raise MetaAnalysisInputError(
            "the regression test needs studies of different size or precision (its predictor is the same in all)"
        )


def _t_test(name: str, coefficient: str, beta: FloatArray, se: FloatArray, df: int, j: int) -> RegressionTest:
    t = float(beta[j] / se[j])
    return RegressionTest(name, coefficient, float(beta[j]), float(se[j]), t, "t", df, t_two_sided_p(t, df))


def egger_classic(yi: FloatArray, vi: FloatArray) -> RegressionTest:
    """Egger (1997): OLS of yi/sei on 1/sei; the intercept is the bias coefficient (t, df = k-2)."""
    _need(len(yi), 3, "Egger's test")
    sei = np.sqrt(vi)
    beta, se, df = _weighted_lm(yi / sei, 1 / sei, np.ones(len(yi)))
    test = _t_test("egger_classic", "intercept", beta, se, df, 0)
    return RegressionTest(
        **{
            **test.__dict__,
            "intercept": float(beta[0]),
            "intercept_se": float(se[0]),
            "slope": float(beta[1]),
        }
    )


def egger_regtest(yi: FloatArray, vi: FloatArray, method: str, tau2_scale: float = 1.0) -> RegressionTest:
    """metafor ``regtest()``: the case's model (tau² ``method`` or FE) with sei as moderator; z test.

    ``tau2_scale``: the unit of tau² relative to the unscaled data (``scale_multiplier`` squared)."""
    _need(len(yi), 3, "the regression test")
    _need_spread(np.sqrt(vi))
    X = np.column_stack([np.ones(len(yi)), np.sqrt(vi)])
    res = fit_regression(yi, vi, X, ["intrcpt", "sei"], method, False, 0.95, tau2_scale)
    c = res.coefficient("sei")
    return RegressionTest(
        "egger_regtest",
        "sei",
        c.estimate,
        c.se,
        c.statistic,
        "z",
        None,
        c.p,
        intercept=res.coefficients[0].estimate,
    )


def egger_lm_sqrtninv(yi: FloatArray, vi: FloatArray, n_total: FloatArray) -> RegressionTest:
    """metafor ``regtest(model="lm", predictor="sqrtninv")``: WLS (weights 1/vi) of yi on 1/sqrt(n)."""
    _need(len(yi), 3, "the regression test")
    if not np.all(np.isfinite(n_total) & (n_total > 0)):
        raise MetaAnalysisInputError("egger_regtest_lm_sqrtninv needs the sample size of every study")
    beta, se, df = _weighted_lm(yi, 1 / np.sqrt(n_total), 1 / vi)
    return _t_test("egger_regtest_lm_sqrtninv", "sqrtninv", beta, se, df, 1)


def peters(yi: FloatArray, counts: Counts) -> RegressionTest:
    """Peters (2006): WLS of the log OR on 1/N with weights 1/(1/(a+c) + 1/(b+d)); t test of the slope."""
    _need(len(yi), 3, "Peters' test")
    n = counts.ai + counts.bi + counts.ci + counts.di
    events, non_events = counts.ai + counts.ci, counts.bi + counts.di
    w = 1 / (1 / events + 1 / non_events)
    beta, se, df = _weighted_lm(yi, 1 / n, w)
    return _t_test("peters", "ninv", beta, se, df, 1)


def begg(yi: FloatArray, vi: FloatArray) -> RankTest:
    """Begg & Mazumdar (metafor ``ranktest``): Kendall's tau of standardised deviates against vi.

    p is exact for k < 50 without ties, otherwise from the normal approximation (as R ``cor.test``).
    """
    _need(len(yi), 3, "Begg's test")
    w = 1 / vi
    theta = float(np.sum(w * yi) / np.sum(w))
    deviates = (yi - theta) / np.sqrt(vi - 1 / np.sum(w))
    ties = len(np.unique(deviates)) < len(yi) or len(np.unique(vi)) < len(yi)
    exact = len(yi) < 50 and not ties
    from scipy.stats import kendalltau  # imported here: scipy.stats takes seconds to import

    res = kendalltau(deviates, vi, method="exact" if exact else "asymptotic")
    return RankTest(float(res.statistic), float(res.pvalue), exact)
