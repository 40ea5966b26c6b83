"""Normal, t and chi-square tail functions from ``scipy.special`` (no per-call overhead of scipy.stats)."""

from __future__ import annotations

from scipy import special


def norm_quantile(p: float) -> float:
    """Quantile of the standard normal distribution."""
    return float(special.ndtri(p))


def norm_two_sided_p(z: float) -> float:
    """Two-sided p of a z statistic."""
    return float(2.0 * special.ndtr(-abs(z)))


def t_quantile(p: float, df: float) -> float:
    """Quantile of Student's t with ``df`` degrees of freedom."""
    return float(special.stdtrit(df, p))


def t_two_sided_p(t: float, df: float) -> float:
    """Two-sided p of a t statistic."""
    return float(2.0 * special.stdtr(df, -abs(t)))


def chi2_sf(x: float, df: float) -> float:
    """Upper tail of the chi-square distribution."""
    return float(special.chdtrc(df, x))


def chi2_quantile(p: float, df: float) -> float:
    """Quantile (lower-tail probability ``p``) of the chi-square distribution."""
    return float(special.chdtri(df, 1.0 - p))


def f_sf(x: float, df1: float, df2: float) -> float:
    """Upper tail of the F distribution."""
    return float(special.fdtrc(df1, df2, x))
