"""Heterogeneity statistics: Q, I², H², their confidence intervals.

References: Cochran WG (1954), Biometrics 10:101-129; Higgins JPT, Thompson SG (2002), Quantifying
heterogeneity in a meta-analysis, Stat Med 21:1539-1558 (I², H and the CI of ln H); Viechtbauer W (2007),
Confidence intervals for the amount of heterogeneity in meta-analysis, Stat Med 26:37-52 (Q-profile).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .distributions import chi2_quantile, norm_quantile
from .linalg import FloatArray, wls
from .serialise import Serialisable


@dataclass(frozen=True)
class Heterogeneity(Serialisable):
    """Q with df and p; I² (percent), H², H; tau², tau and se(tau²) of ``tau2_method``.

    ``i2_definition`` says how I² and H² were obtained (``q_based`` or ``metafor_tau2_based``).  With one
    study there is no heterogeneity to measure: Q = 0 with 0 df, and p, I², H² and H are None.
    """

    Q: float
    Q_df: int
    Q_p: float | None
    I2: float | None
    H2: float | None
    H: float | None
    tau2: float
    tau: float
    se_tau2: float | None
    i2_definition: str
    tau2_method: str
    tau2_iterations: int = 0
    tau2_converged: bool = True


@dataclass(frozen=True)
class HeterogeneityCI(Serialisable):
    """Confidence bounds of tau², tau, I² (percent), H² and H (``method``: q_profile or higgins_thompson)."""

    method: str
    tau2_ci_lower: float
    tau2_ci_upper: float
    tau_ci_lower: float
    tau_ci_upper: float
    I2_ci_lower: float | None
    I2_ci_upper: float | None
    H2_ci_lower: float | None
    H2_ci_upper: float | None
    H_ci_lower: float | None
    H_ci_upper: float | None


def cochran_q(yi: FloatArray, vi: FloatArray, theta: float) -> float:
    """Σ(yi - theta)²/vi."""
    return float(np.sum((yi - theta) ** 2 / vi))


def q_based_i2(q: float, df: int) -> tuple[float | None, float | None, float | None]:
    """I² = 100 max(0, (Q-df)/Q), H² = Q/df, H = sqrt(H²); None when df = 0."""
    if df < 1:
        return None, None, None
    i2 = 100.0 * max(0.0, (q - df) / q) if q > 0 else 0.0
    h2 = q / df
    return i2, h2, float(np.sqrt(h2))


def typical_variance(vi: FloatArray) -> float:
    """metafor's typical within-study variance s² = (k-1)Σw/((Σw)² - Σw²), w = 1/vi."""
    w = 1.0 / vi
    sw = float(np.sum(w))
    return (len(vi) - 1) * sw / (sw**2 - float(np.sum(w**2)))


def tau2_based_i2(tau2: float, vi: FloatArray) -> tuple[float | None, float | None, float | None]:
    """I² = 100 tau²/(tau² + s²) and H² = (tau² + s²)/s² (metafor ``rma``)."""
    if len(vi) < 2:
        return None, None, None
    s2 = typical_variance(vi)
    h2 = (tau2 + s2) / s2
    return 100.0 * tau2 / (tau2 + s2), h2, float(np.sqrt(h2))


def generalised_q(yi: FloatArray, vi: FloatArray, tau2: float, X: FloatArray | None = None) -> float:
    """Σ(yi - mu(tau²))²/(vi + tau²) with mu the weighted fit at tau²."""
    return wls(yi, 1.0 / (vi + tau2), X).rss


def q_profile_tau2_ci(yi: FloatArray, vi: FloatArray, level: float) -> tuple[float, float]:
    """tau² bounds solving the generalised Q = the chi²(k-1) quantiles, truncated at 0."""
    df = len(yi) - 1
    alpha = 1 - level
    q0 = generalised_q(yi, vi, 0.0)

    def bound(target: float) -> float:
        if q0 <= target:
            return 0.0
        upper = max(float(np.var(yi)), float(np.max(vi)), 1e-8)
        while generalised_q(yi, vi, upper) > target:
            upper *= 2
        return float(brentq(lambda t: generalised_q(yi, vi, t) - target, 0.0, upper, xtol=1e-14, rtol=1e-12))

    return bound(chi2_quantile(1 - alpha / 2, df)), bound(chi2_quantile(alpha / 2, df))


def q_profile_ci(yi: FloatArray, vi: FloatArray, level: float) -> HeterogeneityCI:
    """Q-profile CI of tau² (Viechtbauer 2007); I², H² and H bounds through s² (metafor ``confint``)."""
    lo, hi = q_profile_tau2_ci(yi, vi, level)
    s2 = typical_variance(vi)
    i2 = [100.0 * t / (t + s2) for t in (lo, hi)]
    h2 = [(t + s2) / s2 for t in (lo, hi)]
    return HeterogeneityCI(
        "q_profile",
        lo,
        hi,
        float(np.sqrt(lo)),
        float(np.sqrt(hi)),
        i2[0],
        i2[1],
        h2[0],
        h2[1],
        float(np.sqrt(h2[0])),
        float(np.sqrt(h2[1])),
    )


def higgins_thompson_ci(yi: FloatArray, vi: FloatArray, q: float, level: float) -> HeterogeneityCI:
    """CI of H from ln H ± z SE(ln H) (Higgins & Thompson 2002, as R meta); I², H² follow from H.

    tau² and tau bounds, which this method does not give, are the Q-profile bounds.  With k = 2 SE(ln H) is
    undefined (R meta ``calcH`` returns NA), so the H, H² and I² bounds are None.
    """
    k = len(yi)
    z = norm_quantile(1 - (1 - level) / 2)
    lo, hi = q_profile_tau2_ci(yi, vi, level)
    if k < 3:
        return HeterogeneityCI(
            "higgins_thompson", lo, hi, float(np.sqrt(lo)), float(np.sqrt(hi)), None, None, None, None, None, None
        )
    if q > k:
        se = (np.log(q) - np.log(k - 1)) / (2 * (np.sqrt(2 * q) - np.sqrt(2 * k - 3)))
    else:
        se = np.sqrt(1 / (2 * (k - 2)) * (1 - 1 / (3 * (k - 2) ** 2)))
    if q > 0:
        ln_h = 0.5 * np.log(q / (k - 1))
        h_lo = max(1.0, float(np.exp(ln_h - z * se)))
        h_hi = max(1.0, float(np.exp(ln_h + z * se)))
    else:  # ln H = -inf: both bounds are truncated to 1 (R meta)
        h_lo = h_hi = 1.0
    return HeterogeneityCI(
        "higgins_thompson",
        lo,
        hi,
        float(np.sqrt(lo)),
        float(np.sqrt(hi)),
        100 * (h_lo**2 - 1) / h_lo**2,
        100 * (h_hi**2 - 1) / h_hi**2,
        h_lo**2,
        h_hi**2,
        h_lo,
        h_hi,
    )
