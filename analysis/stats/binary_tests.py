"""Tests on stratified 2x2 tables: Cochran, Cochran-Mantel-Haenszel, and Breslow-Day with Tarone's correction.

References: Cochran WG (1954), Biometrics 10:417-451; Mantel N, Haenszel W (1959), J Natl Cancer Inst
22:719-748; Breslow NE, Day NE (1980), Statistical Methods in Cancer Research I, IARC; Tarone RE (1985),
On heterogeneity tests based on efficient scores, Biometrika 72:91-95.
"""

from __future__ import annotations

import numpy as np

from .distributions import chi2_sf
from .effect_sizes import Counts
from .results import ChiSquareTest


def _margins(t: Counts) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n1, n2 = t.ai + t.bi, t.ci + t.di
    return n1, n2, n1 + n2, t.ai + t.ci, t.bi + t.di


def cochran_test(t: Counts, correct: bool = False) -> ChiSquareTest:
    """(|Σ(a - n1 m1/N)| - c)² / Σ n1 n2 m1 m0 / N³ with c = 0.5 if ``correct`` (metafor ``rma.mh`` CO)."""
    n1, n2, n, m1, m0 = _margins(t)
    num = max(0.0, abs(float(np.sum(t.ai - n1 * m1 / n))) - (0.5 if correct else 0.0)) ** 2
    stat = num / float(np.sum(n1 * n2 * m1 * m0 / n**3))
    return ChiSquareTest(stat, 1, chi2_sf(stat, 1))


def cmh_test(t: Counts, correct: bool = False) -> ChiSquareTest:
    """The same numerator over the hypergeometric variance Σ n1 n2 m1 m0 / (N²(N-1)) (``rma.mh`` MH)."""
    n1, n2, n, m1, m0 = _margins(t)
    num = max(0.0, abs(float(np.sum(t.ai - n1 * m1 / n))) - (0.5 if correct else 0.0)) ** 2
    stat = num / float(np.sum(n1 * n2 * m1 * m0 / (n**2 * (n - 1))))
    return ChiSquareTest(stat, 1, chi2_sf(stat, 1))


def tarone_test(t: Counts, log_or_mh: float) -> ChiSquareTest:
    """Breslow-Day statistic at the MH OR minus Tarone's correction; df = informative tables - 1."""
    n1, n2, _, m1, m0 = _margins(t)
    keep = (m1 > 0) & (m0 > 0)
    a, n1, n2, m1 = t.ai[keep], n1[keep], n2[keep], m1[keep]
    psi = float(np.exp(log_or_mh))
    expected = _expected_a(psi, n1, n2, m1)
    var = 1 / (1 / expected + 1 / (n1 - expected) + 1 / (m1 - expected) + 1 / (n2 - m1 + expected))
    bd = float(np.sum((a - expected) ** 2 / var))
    stat = bd - float(np.sum(a - expected)) ** 2 / float(np.sum(var))
    df = int(keep.sum()) - 1
    return ChiSquareTest(stat, df, chi2_sf(stat, df) if df > 0 else None)


def _expected_a(psi: float, n1: np.ndarray, n2: np.ndarray, m1: np.ndarray) -> np.ndarray:
    """Cell count A with odds ratio psi at the margins: the root of
    (1-psi)A² + (n2-m1+psi(n1+m1))A - psi n1 m1 inside [max(0, m1-n2), min(n1, m1)]."""
    lo = np.maximum(0.0, m1 - n2)
    hi = np.minimum(n1, m1)
    qa = 1 - psi
    qb = n2 - m1 + psi * (n1 + m1)
    qc = -psi * n1 * m1
    if abs(qa) < 1e-12:
        return np.asarray(-qc / qb)
    disc = np.sqrt(qb**2 - 4 * qa * qc)
    r1 = (-qb + disc) / (2 * qa)
    r2 = (-qb - disc) / (2 * qa)
    inside = (r1 >= lo - 1e-9) & (r1 <= hi + 1e-9)
    return np.asarray(np.where(inside, r1, r2))
