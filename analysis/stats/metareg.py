"""Mixed-effects meta-regression (metafor ``rma(yi, vi, mods=...)``), with the Knapp-Hartung option.

References: Berkey CS, Hoaglin DC, Mosteller F, Colditz GA (1995), A random-effects regression model for
meta-analysis, Stat Med 14:395-411; Knapp G, Hartung J (2003), Improved tests for a random effects
meta-regression with a single covariate, Stat Med 22:2693-2710; Raudenbush SW (2009), Analyzing effect
sizes: random-effects models, in The Handbook of Research Synthesis (R², as metafor).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .distributions import chi2_sf, f_sf, norm_quantile, norm_two_sided_p, t_quantile, t_two_sided_p
from .errors import MetaAnalysisInputError
from .linalg import FloatArray, wls
from .serialise import Serialisable
from .tau2 import TAU2_METHODS, Tau2Estimate, estimate_tau2


@dataclass(frozen=True)
class Coefficient(Serialisable):
    """One model coefficient with its SE, z or t statistic, p and CI."""

    name: str
    estimate: float
    se: float
    statistic: float
    p: float
    ci_lower: float
    ci_upper: float


@dataclass(frozen=True)
class MetaRegressionResult(Serialisable):
    """A fitted (mixed-effects or fixed-effects) meta-regression.

    ``test`` is ``z`` or ``t`` (Knapp-Hartung, ``df`` = k - p).  QM tests all coefficients but the
    intercept (chi² with QM_df, or F with (QM_df, df) under Knapp-Hartung); QE is the residual
    heterogeneity test; I² and H² use metafor's typical variance; R2 is the percent of tau² explained.
    """

    k: int
    method: str
    coefficients: tuple[Coefficient, ...]
    test: str
    df: int | None
    tau2: float
    se_tau2: float | None
    tau2_iterations: int
    QM: float
    QM_df: int
    QM_p: float | None
    QE: float
    QE_df: int
    QE_p: float | None
    I2: float | None
    H2: float | None
    R2: float | None

    def coefficient(self, name: str) -> Coefficient:
        """The coefficient called ``name``."""
        for c in self.coefficients:
            if c.name == name:
                return c
        raise KeyError(name)


def design_matrix(
    covariates: Mapping[str, Sequence[float]], k: int, intercept: bool = True
) -> tuple[FloatArray, list[str]]:
    """k x p design from named covariate columns (with a leading intercept column)."""
    names = ["intrcpt"] if intercept else []
    cols = [np.ones(k)] if intercept else []
    for name, values in covariates.items():
        col = np.asarray(values, dtype=np.float64)
        if col.shape != (k,):
            raise MetaAnalysisInputError(f"covariate {name!r} has {col.size} values for {k} studies")
        if not np.all(np.isfinite(col)):
            bad = int(np.flatnonzero(~np.isfinite(col))[0])
            raise MetaAnalysisInputError(f"covariate {name!r} is missing or not finite for study {bad + 1}")
        names.append(name)
        cols.append(col)
    return np.column_stack(cols), names


def meta_regression(
    yi: Sequence[float] | FloatArray,
    vi: Sequence[float] | FloatArray,
    covariates: Mapping[str, Sequence[float]],
    method: str = "REML",
    knha: bool = False,
    level: float = 0.95,
) -> MetaRegressionResult:
    """Meta-regression of yi on the covariates; ``method`` a tau² estimator, or ``FE`` for fixed effects."""
    y = np.asarray(yi, dtype=np.float64)
    v = np.asarray(vi, dtype=np.float64)
    if y.shape != v.shape:
        raise MetaAnalysisInputError(f"yi has {y.size} values and vi {v.size}")
    if np.any(~np.isfinite(y)) or np.any(~np.isfinite(v)) or np.any(v <= 0):
        raise MetaAnalysisInputError("yi must be finite and vi finite and positive for every study")
    X, names = design_matrix(covariates, len(y))
    return fit_regression(y, v, X, names, method, knha, level)


def fit_regression(
    yi: FloatArray,
    vi: FloatArray,
    X: FloatArray,
    names: list[str],
    method: str,
    knha: bool,
    level: float,
    tau2_scale: float = 1.0,
) -> MetaRegressionResult:
    """Fit the meta-regression for a ready design matrix (first column the intercept if any).

    ``tau2_scale`` is the unit of tau² relative to the data as entered (see ``estimate_tau2``'s ``scale``).
    """
    k, p = X.shape
    if method != "FE" and method not in TAU2_METHODS:
        raise MetaAnalysisInputError(f"unknown method {method!r}; accepted: FE, {', '.join(TAU2_METHODS)}")
    if k <= p:
        raise MetaAnalysisInputError(f"a meta-regression with {p} coefficients needs more than {p} studies (k = {k})")
    if np.linalg.matrix_rank(X) < p:
        raise MetaAnalysisInputError("the covariates are collinear (the design matrix is not of full rank)")
    est = (
        Tau2Estimate("FE", 0.0, float("nan")) if method == "FE" else estimate_tau2(yi, vi, method, X, scale=tau2_scale)
    )
    fit = wls(yi, 1.0 / (vi + est.tau2), X)
    vb = fit.vb * (fit.rss / (k - p) if knha else 1.0)
    df = k - p if knha else None
    coefs = _coefficients(fit.beta, vb, names, df, level)
    qm, qm_p = _omnibus(fit.beta, vb, p, df)
    fe = wls(yi, 1.0 / vi, X)
    qe_p = chi2_sf(fe.rss, k - p)
    vt = (k - p) / fe.tr_pd(np.ones(k))
    i2 = 100 * est.tau2 / (vt + est.tau2) if method != "FE" else max(0.0, 100 * (fe.rss - (k - p)) / fe.rss)
    h2 = (vt + est.tau2) / vt if method != "FE" else fe.rss / (k - p)
    return MetaRegressionResult(
        k,
        method,
        coefs,
        "t" if knha else "z",
        df,
        est.tau2,
        est.se_tau2 if np.isfinite(est.se_tau2) else None,
        est.iterations,
        qm,
        max(p - 1, 0),
        qm_p,
        fe.rss,
        k - p,
        qe_p,
        i2,
        h2,
        _r2(yi, vi, method, est.tau2, p),
    )


def _coefficients(
    beta: FloatArray, vb: FloatArray, names: list[str], df: int | None, level: float
) -> tuple[Coefficient, ...]:
    se = np.sqrt(np.diag(vb))
    stat = beta / se
    alpha = 1 - level
    if df is None:
        p = np.array([norm_two_sided_p(float(z)) for z in stat])
        crit = norm_quantile(1 - alpha / 2)
    else:
        p = np.array([t_two_sided_p(float(t), df) for t in stat])
        crit = t_quantile(1 - alpha / 2, df)
    return tuple(
        Coefficient(n, float(b), float(s), float(z), float(pv), float(b - crit * s), float(b + crit * s))
        for n, b, s, z, pv in zip(names, beta, se, stat, p, strict=True)
    )


def _omnibus(beta: FloatArray, vb: FloatArray, p: int, df: int | None) -> tuple[float, float | None]:
    if p < 2:
        return 0.0, None
    b = beta[1:]
    qm = float(b @ np.linalg.solve(vb[1:, 1:], b))
    if df is None:
        return qm, chi2_sf(qm, p - 1)
    qm /= p - 1
    return qm, f_sf(qm, p - 1, df)


def _r2(yi: FloatArray, vi: FloatArray, method: str, tau2: float, p: int) -> float | None:
    if method == "FE" or p < 2:
        return None
    tau2_re = estimate_tau2(yi, vi, method).tau2
    if tau2_re <= 0:
        return 0.0
    return max(0.0, 100 * (tau2_re - tau2) / tau2_re)
