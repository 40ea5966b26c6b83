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
  Methods 6:281-302); its SE and its fallback (when metafor's iteration fails) are those of PM.

ML, REML and EB report the value of metafor's own iteration (``_metafor_path``): from the HE estimate,
tau² += adj with step halving at 0, stopped once tau² changes by at most 1e-5 (metafor ``control``
``threshold``, ``maxiter`` 100).  That value can differ from the exact optimum (which is located first; failing
to find it is an error) by up to ~1e-3 relative when the iteration converges slowly, e.g. REML on
dat.raudenbush1985 (0.018826 against 0.018818), and on a boundary optimum it is a small positive number
(CLASP ML: tau = 0.0023, as DerSimonian & Kacker 2007 and metafor's tests print).  The case schema's
expected values come from metafor, so its value is the one reported.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .errors import ConvergenceError, MetaAnalysisInputError, MetaAnalysisWarning
from .linalg import FloatArray, WlsFit, design_shape, vdot, wls
from .serialise import Serialisable

TAU2_METHODS = ("DL", "REML", "ML", "PM", "EB", "HE", "HS", "SJ")
ITERATIVE_METHODS = ("REML", "ML", "PM", "EB")
MAX_ITER = 500
SCORING_ITER = 100
LL0_THRESHOLD = 1e-5  # metafor control threshold
LL0_TOLERANCE = np.finfo(float).eps ** 0.25  # metafor control tol
REL_TOL = 1e-10
METAFOR_THRESHOLD = 1e-5  # metafor control threshold: stop when tau2 changes by at most this
METAFOR_MAXITER = 100  # metafor control maxiter


@dataclass(frozen=True)
class Tau2Estimate(Serialisable):
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
    iv_fit: WlsFit | None = None,
    scale: float = 1.0,
) -> Tau2Estimate:
    """Estimate tau² for the model yi = X beta + u_i + e_i, u ~ N(0, tau²), e ~ N(0, vi).

    ``q_override`` replaces the inverse-variance Q in the DL estimator (RevMan's MH-centred Q);
    ``iv_fit`` is the weighted fit with w = 1/vi when the caller already has it (saves a pass).
    ``scale`` is the unit of tau² relative to the data as entered (m² for ``scale_multiplier`` m): metafor's
    absolute stopping threshold of ML, REML and EB applies on the unscaled data, so results scale exactly.
    With k <= p there is no information on tau²: the estimate is 0 with an undefined SE.
    """
    if method not in TAU2_METHODS:
        raise MetaAnalysisInputError(f"unknown tau2_method {method!r}; accepted: {', '.join(TAU2_METHODS)}")
    k, p = design_shape(len(yi), X)
    if k <= p:
        return Tau2Estimate(method, 0.0, float("nan"))
    if method == "DL":
        return _dl(yi, vi, X, q_override, iv_fit)
    if method in ITERATIVE_PATHS:
        return ITERATIVE_PATHS[method](yi, vi, X, METAFOR_THRESHOLD * scale)
    return _ESTIMATORS[method](yi, vi, X)


def _dl(
    yi: FloatArray, vi: FloatArray, X: FloatArray | None, q_override: float | None, iv_fit: WlsFit | None
) -> Tau2Estimate:
    k, p = design_shape(len(yi), X)
    fit = iv_fit if iv_fit is not None else wls(yi, 1.0 / vi, X)
    tr_p = fit.tr_p()
    q = fit.rss if q_override is None else q_override
    tau2 = max(0.0, (q - (k - p)) / tr_p)
    var = (2 * (k - p) + 4 * tau2 * tr_p + 2 * tau2**2 * fit.tr_pp()) / tr_p**2
    return Tau2Estimate("DL", tau2, float(np.sqrt(var)))


def _he(yi: FloatArray, vi: FloatArray, X: FloatArray | None) -> Tau2Estimate:
    k, p = design_shape(len(yi), X)
    fit = wls(yi, np.ones(k), X)
    tr_pv = fit.tr_pd(vi)
    tau2 = max(0.0, (fit.rss - tr_pv) / (k - p))
    var = (2 * fit.tr_pdpe(vi, vi) + 4 * tau2 * tr_pv + 2 * tau2**2 * (k - p)) / (k - p) ** 2
    return Tau2Estimate("HE", tau2, float(np.sqrt(var)))


def _hs(yi: FloatArray, vi: FloatArray, X: FloatArray | None) -> Tau2Estimate:
    k, p = design_shape(len(yi), X)
    fit = wls(yi, 1.0 / vi, X)
    tau2 = max(0.0, (fit.rss - k) / float(np.sum(fit.w)))
    var = (2 * (k - p) + 4 * tau2 * fit.tr_p() + 2 * tau2**2 * fit.tr_pp()) / float(np.sum(fit.w)) ** 2
    return Tau2Estimate("HS", tau2, float(np.sqrt(var)))


def _sj(yi: FloatArray, vi: FloatArray, X: FloatArray | None) -> Tau2Estimate:
    k, p = design_shape(len(yi), X)
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


def _scoring_step(yi: FloatArray, vi: FloatArray, X: FloatArray | None, tau2: float, reml: bool) -> float:
    """The Fisher scoring step at tau2 (metafor ``rma.uni``): score over expected information."""
    fit = wls(yi, 1.0 / (vi + tau2), X)
    we = fit.w * fit.resid
    if reml:
        return (vdot(we, we) - fit.tr_p()) / fit.tr_pp()
    return (vdot(we, we) - float(fit.w.sum())) / vdot(fit.w, fit.w)


def _information(yi: FloatArray, vi: FloatArray, X: FloatArray | None, tau2: float, reml: bool) -> float:
    fit = wls(yi, 1.0 / (vi + tau2), X)
    return fit.tr_pp() if reml else vdot(fit.w, fit.w)


def _fisher_scoring(
    yi: FloatArray, vi: FloatArray, X: FloatArray | None, reml: bool, threshold: float = METAFOR_THRESHOLD
) -> Tau2Estimate:
    """ML or REML by Fisher scoring from the HE estimate, with step halving at the boundary.

    The exact optimum is located first (``_exact_ml``; failing to find it raises ``ConvergenceError``).  The
    value reported is that of metafor's iteration (``_metafor_path``, stopped at a change <= ``threshold``),
    which is what metafor prints: on a boundary optimum a small positive tau² instead of exactly 0, and in
    slow cases a value up to ~1e-3 relative from the exact optimum.  Without a converged metafor path the exact
    optimum is reported.  metafor's ll0 check (tau² = 0 if the likelihood is higher there) is then applied.
    """
    exact = _exact_ml(yi, vi, X, reml)
    start = _he(yi, vi, X).tau2
    path = _metafor_path(lambda t: _scoring_step(yi, vi, X, t, reml), start, threshold)
    tau2, iterations = path if path is not None else exact
    return _ml_estimate(yi, vi, X, tau2, reml, iterations, threshold)


def _exact_ml(yi: FloatArray, vi: FloatArray, X: FloatArray | None, reml: bool) -> tuple[float, int]:
    """The exact optimum (score root, or 0) by Fisher scoring to REL_TOL, with a bracketed root search as fallback.

    When a step would leave [0, inf) and the likelihood already decreases at tau2 = 0, the optimum is 0.  Fisher
    scoring can creep or oscillate slowly towards the optimum; after ``SCORING_ITER`` steps the root of the
    score next to the last iterate is bracketed and found by Brent's method.
    """
    method = "REML" if reml else "ML"
    tau2 = _he(yi, vi, X).tau2
    adj = 0.0
    for iteration in range(1, SCORING_ITER + 1):
        adj = _scoring_step(yi, vi, X, tau2, reml)
        if tau2 + adj < 0:
            if tau2 == 0.0 or _scoring_step(yi, vi, X, 0.0, reml) <= 0:
                tau2, adj = 0.0, 0.0
            while tau2 + adj < 0:
                adj /= 2
        tau2 += adj
        if abs(adj) <= REL_TOL * max(1.0, tau2):
            return tau2, iteration
    root = _score_root(lambda t: _scoring_step(yi, vi, X, t, reml), tau2, adj)
    if root is None:
        raise ConvergenceError(
            f"the Fisher scoring algorithm for the {method} estimate of tau2 did not converge in {SCORING_ITER} "
            "iterations; choose another tau2_method (e.g. DL or PM)"
        )
    return root[0], SCORING_ITER + root[1]


def _metafor_path(
    step: Callable[[float], float], start: float, threshold: float = METAFOR_THRESHOLD
) -> tuple[float, int] | None:
    """metafor ``rma.uni``'s iteration for ML, REML and EB: from max(0, start), tau2 += adj, where adj is halved
    while tau2 + adj < 0, until tau2 changes by at most ``threshold``; None after ``METAFOR_MAXITER``.

    At tau2 = 0 a negative step halves down to -0.0, so the iteration stays at 0 (as in R).
    """
    tau2 = max(0.0, start)
    for iteration in range(1, METAFOR_MAXITER + 1):
        adj = step(tau2)
        if not np.isfinite(adj):
            return None
        while tau2 + adj < 0:
            adj /= 2
        new = tau2 + adj
        change = abs(new - tau2)
        tau2 = new
        if change <= threshold:
            return max(0.0, tau2), iteration
    return None


def _score_root(step: Callable[[float], float], tau2: float, adj: float) -> tuple[float, int] | None:
    """The root of the scoring step next to ``tau2``, searched in the direction of ``adj``; None if none."""
    here = step(tau2)
    if here == 0.0:
        return tau2, 0
    width = abs(adj) if adj != 0.0 else 1e-8 * max(1.0, tau2)
    for _ in range(80):
        other = max(0.0, tau2 + width * np.sign(here))
        there = step(other)
        if np.sign(there) != np.sign(here):
            lo, hi = sorted((tau2, other))
            root, info = brentq(step, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, full_output=True)
            return (float(root), int(info.iterations)) if info.converged else None
        if other == 0.0:
            return (0.0, 0) if here < 0 else None
        width *= 2
    return None


def log_likelihood(yi: FloatArray, vi: FloatArray, X: FloatArray | None, tau2: float, reml: bool) -> float:
    """ML or restricted log-likelihood at tau2 (without metafor's constant 1/2 log|X'X| for REML)."""
    fit = wls(yi, 1.0 / (vi + tau2), X)
    k, p = design_shape(len(yi), X)
    ll = -0.5 * float(np.sum(np.log(vi + tau2))) - 0.5 * fit.rss
    if not reml:
        return float(ll - 0.5 * k * np.log(2 * np.pi))
    logdet = float(np.linalg.slogdet(np.linalg.inv(fit.vb))[1])
    return float(ll - 0.5 * (k - p) * np.log(2 * np.pi) - 0.5 * logdet)


def _ml_estimate(
    yi: FloatArray,
    vi: FloatArray,
    X: FloatArray | None,
    tau2: float,
    reml: bool,
    it: int,
    threshold: float = LL0_THRESHOLD,
) -> Tau2Estimate:
    """The estimate with its SE; tau2 = 0 instead when the likelihood is higher there (metafor's ll0check,
    done only for tau2 above metafor's threshold, in the units of the unscaled data)."""
    gap = log_likelihood(yi, vi, X, 0.0, reml) - log_likelihood(yi, vi, X, tau2, reml)
    if tau2 > threshold and gap > LL0_TOLERANCE:
        warnings.warn(
            "Fisher scoring may have stopped at a local maximum of the likelihood; tau2 is set to 0, "
            "where the likelihood is higher (as metafor)",
            MetaAnalysisWarning,
            stacklevel=4,
        )
        tau2 = 0.0
    info = _information(yi, vi, X, tau2, reml)
    return Tau2Estimate("REML" if reml else "ML", tau2, float(np.sqrt(2.0 / info)), it, True)


def _pm_root(yi: FloatArray, vi: FloatArray, X: FloatArray | None, method: str) -> Tau2Estimate:
    k, p = design_shape(len(yi), X)
    target = k - p
    fit = wls(yi, 1.0 / vi, X)
    tau2 = 0.0
    iteration = 0
    if fit.rss > target:
        newton, iteration = _pm_newton(yi, vi, X, target)
        if newton is None:
            newton, iteration = _pm_bracketed(yi, vi, X, target, method)
        tau2 = newton
    se = float(np.sqrt(2 * k**2 / (k - p) / float(np.sum(1.0 / (vi + tau2))) ** 2))
    return Tau2Estimate(method, tau2, se, iteration, True)


def _eb_step(yi: FloatArray, vi: FloatArray, X: FloatArray | None, tau2: float) -> float:
    """metafor's EB step (Q k/(k-p) - k)/Σw at tau2, Q the generalised Q of the weighted fit."""
    k, p = design_shape(len(yi), X)
    fit = wls(yi, 1.0 / (vi + tau2), X)
    return (fit.rss * k / (k - p) - k) / float(np.sum(fit.w))


def _eb(yi: FloatArray, vi: FloatArray, X: FloatArray | None, threshold: float = METAFOR_THRESHOLD) -> Tau2Estimate:
    """Empirical Bayes: the root of the PM equation is located first; the value reported is that of metafor's
    EB iteration from the HE estimate (see the module docstring), whose SE formula is the PM one."""
    exact = _pm_root(yi, vi, X, "EB")
    path = _metafor_path(lambda t: _eb_step(yi, vi, X, t), _he(yi, vi, X).tau2, threshold)
    if path is None:
        return exact
    k, p = design_shape(len(yi), X)
    tau2, iterations = path
    se = float(np.sqrt(2 * k**2 / (k - p) / float(np.sum(1.0 / (vi + tau2))) ** 2))
    return Tau2Estimate("EB", tau2, se, iterations, True)


def _pm_newton(yi: FloatArray, vi: FloatArray, X: FloatArray | None, target: float) -> tuple[float | None, int]:
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


def _pm_bracketed(
    yi: FloatArray, vi: FloatArray, X: FloatArray | None, target: float, method: str
) -> tuple[float, int]:
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


_ESTIMATORS: dict[str, Callable[[FloatArray, FloatArray, FloatArray | None], Tau2Estimate]] = {
    "HE": _he,
    "HS": _hs,
    "SJ": _sj,
    "REML": lambda y, v, X: _fisher_scoring(y, v, X, reml=True),
    "ML": lambda y, v, X: _fisher_scoring(y, v, X, reml=False),
    "PM": lambda y, v, X: _pm_root(y, v, X, "PM"),
    "EB": lambda y, v, X: _eb(y, v, X),
}
ITERATIVE_PATHS: dict[str, Callable[[FloatArray, FloatArray, FloatArray | None, float], Tau2Estimate]] = {
    "REML": lambda y, v, X, thr: _fisher_scoring(y, v, X, True, thr),
    "ML": lambda y, v, X, thr: _fisher_scoring(y, v, X, False, thr),
    "EB": _eb,
}
