"""Pooled estimates: inverse variance (fixed and random), Mantel-Haenszel, Peto, Hartung-Knapp, prediction.

References: Mantel N, Haenszel W (1959), J Natl Cancer Inst 22:719-748; Robins J, Breslow N, Greenland S
(1986), Biometrics 42:311-323 (variance of the MH log OR); Greenland S, Robins JM (1985), Biometrics
41:55-68 (variances of the MH log RR and RD); Sato T, Greenland S, Robins JM (1989), Biometrics 45:1323-1324
(RD variance); Hartung J, Knapp G (2001), Stat Med 20:3875-3889; Sidik K, Jonkman JN (2002), Stat Med
21:3153-3159; Higgins JPT, Thompson SG, Spiegelhalter DJ (2009), J R Stat Soc A 172:137-159 (prediction).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .distributions import norm_quantile, norm_two_sided_p, t_quantile, t_two_sided_p
from .effect_sizes import Counts
from .errors import MetaAnalysisInputError
from .linalg import FloatArray, vdot
from .serialise import Serialisable


@dataclass(frozen=True)
class PooledEstimate(Serialisable):
    """A pooled effect with its SE, CI and test.

    ``model`` is ``fixed`` or ``random``; ``method`` the pooling (``inverse_variance``, ``mantel_haenszel``,
    ``peto``) or, for random effects, the tau² estimator.  ``test`` is ``z`` or ``t`` (``df`` set for t).
    Ratio measures are on the log scale.
    """

    model: str
    method: str
    estimate: float
    se: float
    ci_lower: float
    ci_upper: float
    statistic: float
    p: float
    test: str = "z"
    df: int | None = None
    level: float = 0.95


@dataclass(frozen=True)
class PredictionInterval(Serialisable):
    """mu ± q sqrt(tau² + se²), q from t(k-2) or the normal distribution (``distribution``)."""

    pi_lower: float
    pi_upper: float
    pi_se: float
    distribution: str


def summarise(
    model: str, method: str, estimate: float, se: float, level: float, df: int | None = None
) -> PooledEstimate:
    """Wald CI and two-sided test (z, or t with ``df`` degrees of freedom)."""
    alpha = 1 - level
    statistic = estimate / se if se > 0 else float("nan")
    if df is None:
        crit = norm_quantile(1 - alpha / 2)
        p = norm_two_sided_p(statistic)
    else:
        crit = t_quantile(1 - alpha / 2, df)
        p = t_two_sided_p(statistic, df)
    test = "z" if df is None else "t"
    return PooledEstimate(
        model, method, estimate, se, estimate - crit * se, estimate + crit * se, statistic, p, test, df, level
    )


def inverse_variance(yi: FloatArray, vi: FloatArray, tau2: float = 0.0) -> tuple[float, float, FloatArray]:
    """Inverse-variance estimate, its SE and the weights 1/(vi + tau²)."""
    w = 1.0 / (vi + tau2)
    sw = float(w.sum())
    return vdot(w, yi) / sw, (1.0 / sw) ** 0.5, w


def hartung_knapp_se(yi: FloatArray, w: FloatArray, estimate: float, truncate: bool) -> float:
    """sqrt(q / Σw) with q = Σw(yi - mu)²/(k-1), or max(1, q) when ``truncate``."""
    q = float(np.sum(w * (yi - estimate) ** 2)) / (len(yi) - 1)
    if truncate:
        q = max(1.0, q)
    return float(np.sqrt(q / np.sum(w)))


def mantel_haenszel(
    measure: str, t: Counts, rd_variance: str = "greenland_robins1985"
) -> tuple[float, float, FloatArray]:
    """MH estimate (log scale for OR and RR), its SE and the MH weights of each table."""
    if measure in ("OR", "RR") and (not np.any(t.ai + t.ci > 0) or not np.any(t.bi + t.di > 0)):
        raise MetaAnalysisInputError(f"the Mantel-Haenszel {measure} is not estimable: no study has both outcomes")
    if measure == "OR":
        return _mh_or(t)
    if measure == "RR":
        return _mh_rr(t)
    return _mh_rd(t, rd_variance)


def _mh_estimable(measure: str, big_r: float, big_s: float) -> None:
    if big_r <= 0 or big_s <= 0:
        raise MetaAnalysisInputError(
            f"the Mantel-Haenszel {measure} is 0 or infinite with these counts (every table has a zero in the "
            "same place); use inverse_variance pooling, or cc_in_mh: true"
        )


def _mh_or(t: Counts) -> tuple[float, float, FloatArray]:
    """MH log OR with the Robins-Breslow-Greenland (1986) variance; weights b c / N."""
    a, b, c, d = t.ai, t.bi, t.ci, t.di
    n = a + b + c + d
    r, s = a * d / n, b * c / n
    big_r, big_s = float(np.sum(r)), float(np.sum(s))
    _mh_estimable("OR", big_r, big_s)
    p_, q_ = (a + d) / n, (b + c) / n
    var = (
        float(np.sum(p_ * r)) / (2 * big_r**2)
        + float(np.sum(p_ * s + q_ * r)) / (2 * big_r * big_s)
        + float(np.sum(q_ * s)) / (2 * big_s**2)
    )
    return float(np.log(big_r / big_s)), float(np.sqrt(var)), s


def _mh_rr(t: Counts) -> tuple[float, float, FloatArray]:
    """MH log RR with the Greenland-Robins (1985) variance; weights c n1 / N."""
    a, c = t.ai, t.ci
    n1, n2 = t.ai + t.bi, t.ci + t.di
    n = n1 + n2
    r, s = a * n2 / n, c * n1 / n
    big_r, big_s = float(np.sum(r)), float(np.sum(s))
    _mh_estimable("RR", big_r, big_s)
    var = float(np.sum(n1 * n2 * (a + c) / n**2 - a * c / n)) / (big_r * big_s)
    return float(np.log(big_r / big_s)), float(np.sqrt(var)), s


def _mh_rd(t: Counts, rd_variance: str) -> tuple[float, float, FloatArray]:
    """MH RD with the Greenland-Robins (1985) or Sato (1989) variance; weights n1 n2 / N."""
    a, b, c, d = t.ai, t.bi, t.ci, t.di
    n1, n2 = a + b, c + d
    n = n1 + n2
    w = n1 * n2 / n
    big_w = float(np.sum(w))
    rd = float(np.sum((a * n2 - c * n1) / n)) / big_w
    if rd_variance == "sato1989":
        p_ = float(np.sum((c * n1**2 - a * n2**2 + n1 * n2 * (n2 - n1) / 2) / n**2))
        q_ = float(np.sum((a * (n2 - c) + c * (n1 - a)) / (2 * n)))
        var = (rd * p_ + q_) / big_w**2
    else:
        var = float(np.sum((a * b * n2**2 / n1 + c * d * n1**2 / n2) / n**2)) / big_w**2
    return rd, float(np.sqrt(var)), w


def peto(o_minus_e: FloatArray, v: FloatArray) -> tuple[float, float]:
    """Peto log OR Σ(O-E)/ΣV with SE 1/sqrt(ΣV)."""
    sv = float(np.sum(v))
    return float(np.sum(o_minus_e)) / sv, float(np.sqrt(1.0 / sv))


def prediction_interval(
    estimate: float, se: float, tau2: float, k: int, level: float, kind: str
) -> PredictionInterval | None:
    """Prediction interval for a new study; None when t(k-2) has no degrees of freedom (k < 3)."""
    pi_se = float(np.sqrt(tau2 + se**2))
    if kind == "t_k-2":
        if k < 3:
            return None
        crit = t_quantile(1 - (1 - level) / 2, k - 2)
    else:
        crit = norm_quantile(1 - (1 - level) / 2)
    return PredictionInterval(estimate - crit * pi_se, estimate + crit * pi_se, pi_se, kind)
