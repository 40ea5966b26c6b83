"""Estimators of the between-study variance tau² (intercept-only or with moderators).

Each estimator follows metafor's ``rma.uni`` (Viechtbauer 2010) and is truncated at 0.  ``se_tau2``
is metafor's ``se.tau2``.  References:

* DL: DerSimonian R, Laird N (1986). Meta-analysis in clinical trials. Control Clin Trials 7:177-188.
* HE: Hedges LV (1983). A random effects model for effect sizes. Psychol Bull 93:388-395.
* HS: Hunter JE, Schmidt FL (2004). Methods of Meta-Analysis, 2nd ed. Sage.
* SJ: Sidik K, Jonkman JN (2005). Simple heterogeneity variance estimation for meta-analysis.
  J R Stat Soc C 54:367-384.
* ML / REML: Viechtbauer W (2005). Bias and efficiency of meta-analytic variance estimators in the
  random-effects model. J Educ Behav Stat 30:261-293 (Fisher scoring with step halving).
* PM: Paule RC, Mandel J (1982). Consensus values and weighting factors. J Res Natl Bur Stand 87:377-385;
  solved by Newton steps from 0, which converge monotonically (DerSimonian & Kacker 2007).
* EB: Morris CN (1983). Parametric empirical Bayes inference. JASA 78:47-55.  For any design its
  estimating equation Σw e² = k - p is the Paule-Mandel equation (Viechtbauer et al. 2015, Res Synth
  Methods 6:281-302), so both share one solver.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .errors import ConvergenceError, MetaAnalysisInputError
from .linalg import FloatArray, intercept, wls

TAU2_METHODS = ("DL", "REML", "ML", "PM", "EB", "HE", "HS", "SJ")
ITERATIVE_METHODS = ("REML", "ML", "PM", "EB")
MAX_ITER = 500
REL_TOL = 1e-10


@dataclass(frozen=True)
class Tau2Estimate:
    """A tau² estimate with its standard error and, for iterative estimators, the iteration count."""

    method: str
    tau2: float
    se_tau2: float
    iterations: int = 0
    converged: bool = True


def estimate_tau2(
    yi: FloatArray,
    vi: FloatArray,
    method: str = "DL",
    X: FloatArray | None = None,
    q_override: float | None = None,
) -> Tau2Estimate:
    """Estimate tau² for the model yi = X beta + u_i + e_i, u ~ N(0, tau²), e ~ N(0, vi).

    ``q_override`` replaces the inverse-variance Q in the DL estimator (RevMan's MH-centred Q).
    With k <= p there is no information on tau²: the estimate is 0 with an undefined SE.
    """
    if method not in TAU2_METHODS:
        raise MetaAnalysisInputError(f"unknown tau2_method {method!r}; accepted: {', '.join(TAU2_METHODS)}")
    design = intercept(len(yi)) if X is None else X
    k, p = design.shape
    if k <= p:
        return Tau2Estimate(method, 0.0, float("nan"))
    if method == "DL":
        return _dl(yi, vi, design, q_override)
    return _ESTIMATORS[method](yi, vi, design)


def _dl(yi: FloatArray, vi: FloatArray, X: FloatArray, q_override: float | None) -> Tau2Estimate:
    k, p = X.shape
    fit = wls(yi, 1.0 / vi, X)
    ones = np.ones(k)
    tr_p = fit.tr_pd(ones)
    q = fit.rss if q_override is None else q_override
    tau2 = max(0.0, (q - (k - p)) / tr_p)
    var = (2 * (k - p) + 4 * tau2 * tr_p + 2 * tau2**2 * fit.tr_pdpe(ones, ones)) / tr_p**2
    return Tau2Estimate("DL", tau2, float(np.sqrt(var)))


def _he(yi: FloatArray, vi: FloatArray, X: FloatArray) -> Tau2Estimate:
    k, p = X.shape
    fit = wls(yi, np.ones(k), X)
    tr_pv = fit.tr_pd(vi)
    tau2 = max(0.0, (fit.rss - tr_pv) / (k - p))
    var = (2 * fit.tr_pdpe(vi, vi) + 4 * tau2 * tr_pv + 2 * tau2**2 * (k - p)) / (k - p) ** 2
    return Tau2Estimate("HE", tau2, float(np.sqrt(var)))


def _hs(yi: FloatArray, vi: FloatArray, X: FloatArray) -> Tau2Estimate:
    k, p = X.shape
    fit = wls(yi, 1.0 / vi, X)
    ones = np.ones(k)
    tau2 = max(0.0, (fit.rss - k) / float(np.sum(fit.w)))
    var = (2 * (k - p) + 4 * tau2 * fit.tr_pd(ones) + 2 * tau2**2 * fit.tr_pdpe(ones, ones)) / float(
        np.sum(fit.w)
    ) ** 2
    return Tau2Estimate("HS", tau2, float(np.sqrt(var)))


def _sj(yi: FloatArray, vi: FloatArray, X: FloatArray) -> Tau2Estimate:
    k, p = X.shape
    tau2_0 = float(np.mean((yi - np.mean(yi)) ** 2))
    fit = wls(yi, 1.0 / (vi + tau2_0), X)
    ones = np.ones(k)
    tau2 = max(0.0, tau2_0 * fit.rss / (k - p))
    var = (
        tau2_0**2
        / (k - p) ** 2
        * (2 * fit.tr_pdpe(vi, vi) + 4 * tau2 * fit.tr_pdpe(vi, ones) + 2 * tau2**2 * fit.tr_pdpe(ones, ones))
    )
    return Tau2Estimate("SJ", tau2, float(np.sqrt(var)))


def _fisher_scoring(yi: FloatArray, vi: FloatArray, X: FloatArray, reml: bool) -> Tau2Estimate:
    method = "REML" if reml else "ML"
    k = len(yi)
    ones = np.ones(k)
    tau2 = _he(yi, vi, X).tau2
    for iteration in range(1, MAX_ITER + 1):
        fit = wls(yi, 1.0 / (vi + tau2), X)
        ypppy = float(np.sum((fit.w * fit.resid) ** 2))
        if reml:
            adj = (ypppy - fit.tr_pd(ones)) / fit.tr_pdpe(ones, ones)
        else:
            adj = (ypppy - float(np.sum(fit.w))) / float(np.sum(fit.w**2))
        if tau2 == 0.0 and adj < 0:
            adj = 0.0  # the likelihood is maximised at the boundary
        while tau2 + adj < 0:
            adj /= 2  # step halving keeps tau2 >= 0
        tau2 += adj
        if abs(adj) <= REL_TOL * max(1.0, tau2):
            fit = wls(yi, 1.0 / (vi + tau2), X)
            info = fit.tr_pdpe(ones, ones) if reml else float(np.sum(fit.w**2))
            return Tau2Estimate(method, tau2, float(np.sqrt(2.0 / info)), iteration, True)
    raise ConvergenceError(
        f"the Fisher scoring algorithm for the {method} estimate of tau2 did not converge in {MAX_ITER} "
        "iterations; choose another tau2_method (e.g. DL or PM)"
    )


def _pm_root(yi: FloatArray, vi: FloatArray, X: FloatArray, method: str) -> Tau2Estimate:
    k, p = X.shape
    target = k - p
    fit = wls(yi, 1.0 / vi, X)
    tau2 = 0.0
    iteration = 0
    if fit.rss > target:
        tau2, iteration = _pm_newton(yi, vi, X, target)
        if tau2 is None:
            tau2, iteration = _pm_bracketed(yi, vi, X, target, method)
    se = float(np.sqrt(2 * k**2 / (k - p) / float(np.sum(1.0 / (vi + tau2))) ** 2))
    return Tau2Estimate(method, tau2, se, iteration, True)


def _pm_newton(yi: FloatArray, vi: FloatArray, X: FloatArray, target: float) -> tuple[float | None, int]:
    """Newton steps on Q(tau2) = k - p from tau2 = 0; None if they leave [0, inf) or do not settle."""
    tau2 = 0.0
    fit = wls(yi, 1.0 / vi, X)
    for iteration in range(1, 101):
        slope = float(np.sum((fit.w * fit.resid) ** 2))  # -dQ/dtau2 (envelope theorem)
        step = (fit.rss - target) / slope
        tau2 += step
        if not np.isfinite(tau2) or tau2 < 0:
            return None, iteration
        fit = wls(yi, 1.0 / (vi + tau2), X)
        if abs(step) <= REL_TOL * max(1.0, tau2):
            return tau2, iteration
    return None, 100


def _pm_bracketed(yi: FloatArray, vi: FloatArray, X: FloatArray, target: float, method: str) -> tuple[float, int]:
    """Brent's method on Q(tau2) - (k - p), after doubling an upper bound until the sign changes."""

    def excess(t: float) -> float:
        return wls(yi, 1.0 / (vi + t), X).rss - target

    upper = max(float(np.var(yi)), float(np.max(vi)), 1e-8)
    for _ in range(200):
        if excess(upper) < 0:
            break
        upper *= 2
    else:
        raise ConvergenceError(f"no {method} estimate of tau2 found; choose another tau2_method (e.g. DL)")
    root, info = brentq(excess, 0.0, upper, xtol=1e-14, rtol=1e-13, full_output=True)
    if not info.converged:
        raise ConvergenceError(f"the {method} root search for tau2 did not converge; choose another tau2_method")
    return float(root), int(info.iterations)


_ESTIMATORS: dict[str, Callable[[FloatArray, FloatArray, FloatArray], Tau2Estimate]] = {
    "HE": _he,
    "HS": _hs,
    "SJ": _sj,
    "REML": lambda y, v, X: _fisher_scoring(y, v, X, reml=True),
    "ML": lambda y, v, X: _fisher_scoring(y, v, X, reml=False),
    "PM": lambda y, v, X: _pm_root(y, v, X, "PM"),
    "EB": lambda y, v, X: _pm_root(y, v, X, "EB"),
}
