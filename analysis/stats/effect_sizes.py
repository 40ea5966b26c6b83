"""Per-study effect sizes and sampling variances (metafor ``escalc`` vocabulary).

Binary data use ai/bi (events/non-events, arm 1) and ci/di (arm 2); ratio measures are on the log scale.
References: Deeks JJ, Higgins JPT (2010), Statistical algorithms in Review Manager 5; Hedges LV (1981),
Distribution theory for Glass's estimator of effect size, J Educ Stat 6:107-128 (exact J); Yusuf S et al.
(1985), Beta blockade during and after myocardial infarction, Prog Cardiovasc Dis 27:335-371 (Peto OR).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln

from .errors import MetaAnalysisInputError
from .linalg import FloatArray

BoolArray = npt.NDArray[np.bool_]
BINARY_MEASURES = ("OR", "RR", "RD", "PETO_OR")
CONTINUOUS_MEASURES = ("MD", "SMD")
MEASURES = (*BINARY_MEASURES, *CONTINUOUS_MEASURES, "GENERIC")
RATIO_MEASURES = ("OR", "RR", "PETO_OR")
DATA_TYPES = {
    "dichotomous": BINARY_MEASURES,
    "continuous": CONTINUOUS_MEASURES,
    "generic": ("GENERIC", "OR", "RR"),
}
NOT_ESTIMABLE_NOTE = "left out: zero cell without a continuity correction"
BINARY_FIELDS = ("events_1", "total_1", "events_2", "total_2")
CONTINUOUS_FIELDS = ("mean_1", "sd_1", "n_1", "mean_2", "sd_2", "n_2")


@dataclass(frozen=True)
class Counts:
    """2x2 tables: ai, bi = events, non-events in arm 1; ci, di = the same in arm 2."""

    ai: FloatArray
    bi: FloatArray
    ci: FloatArray
    di: FloatArray

    def take(self, idx: npt.NDArray[np.intp]) -> Counts:
        return Counts(self.ai[idx], self.bi[idx], self.ci[idx], self.di[idx])

    def plus(self, add: FloatArray) -> Counts:
        return Counts(self.ai + add, self.bi + add, self.ci + add, self.di + add)


@dataclass(frozen=True)
class StudyData:
    """Per-study effect sizes of one analysis, in input order.

    ``yi``/``vi`` are NaN for studies that are not ``included`` (``note`` says why).  ``counts`` are the raw
    2x2 tables of binary data and ``cc_added`` the continuity correction added to each study's yi/vi.
    ``n_total`` is the total sample size; ``columns`` holds covariates (one tuple per column).
    """

    measure: str
    labels: tuple[str, ...]
    yi: FloatArray
    vi: FloatArray
    included: BoolArray
    notes: tuple[str, ...]
    n_total: FloatArray
    cc_added: FloatArray
    counts: Counts | None = None
    peto: tuple[FloatArray, FloatArray] | None = None  # (O - E, V)
    columns: dict[str, tuple[object, ...]] = field(default_factory=dict)

    @property
    def k(self) -> int:
        return len(self.yi)

    def take(self, idx: npt.NDArray[np.intp] | list[int]) -> StudyData:
        """The studies at positions ``idx`` (in that order)."""
        ix = np.asarray(idx, dtype=np.intp)
        return replace(
            self,
            labels=tuple(self.labels[i] for i in ix) if self.labels else (),
            yi=self.yi[ix],
            vi=self.vi[ix],
            included=self.included[ix],
            notes=tuple(self.notes[i] for i in ix) if self.notes else (),
            n_total=self.n_total[ix],
            cc_added=self.cc_added[ix],
            counts=None if self.counts is None else self.counts.take(ix),
            peto=None if self.peto is None else (self.peto[0][ix], self.peto[1][ix]),
            columns={name: tuple(col[i] for i in ix) for name, col in self.columns.items()},
        )

    def analysed(self) -> StudyData:
        """Only the studies that enter the analysis."""
        return self.take(np.flatnonzero(self.included))

    def scaled(self, multiplier: float) -> StudyData:
        """yi times m and vi times m² (e.g. m = 100 for a risk difference in percentage points)."""
        return replace(self, yi=self.yi * multiplier, vi=self.vi * multiplier**2)


def _number(row: dict[str, object], name: str, label: str) -> float:
    if name not in row or row[name] is None:
        raise MetaAnalysisInputError(f"study {label!r}: field {name!r} is missing")
    value = row[name]
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise MetaAnalysisInputError(f"study {label!r}: field {name!r} must be a number, got {value!r}")
    number = float(value)
    if not np.isfinite(number):
        raise MetaAnalysisInputError(f"study {label!r}: field {name!r} is not a finite number ({value!r})")
    return number


def _column(rows: list[dict[str, object]], labels: list[str], name: str) -> FloatArray:
    return np.array([_number(r, name, lab) for r, lab in zip(rows, labels, strict=True)], dtype=np.float64)


def study_labels(rows: list[dict[str, object]]) -> list[str]:
    """The ``study`` label of each row (``"Study i"`` when absent)."""
    return [str(r.get("study", f"Study {i + 1}")) for i, r in enumerate(rows)]


def _check(condition: BoolArray, labels: list[str], message: str) -> None:
    bad = np.flatnonzero(~condition)
    if bad.size:
        raise MetaAnalysisInputError(f"study {labels[int(bad[0])]!r}: {message}")


def counts_from_rows(rows: list[dict[str, object]], labels: list[str]) -> tuple[Counts, FloatArray, FloatArray]:
    """Validated 2x2 tables plus the arm totals n1 and n2."""
    e1, n1, e2, n2 = (_column(rows, labels, f) for f in BINARY_FIELDS)
    for events, total, arm in ((e1, n1, "1"), (e2, n2, "2")):
        _check(events >= 0, labels, f"events_{arm} must not be negative")
        _check(total > 0, labels, f"total_{arm} must be positive")
        _check(events <= total, labels, f"events_{arm} must not exceed total_{arm}")
    return Counts(e1, n1 - e1, e2, n2 - e2), n1, n2


def binary_effect_sizes(
    measure: str, counts: Counts, labels: list[str], cc: float
) -> tuple[FloatArray, FloatArray, BoolArray, list[str], FloatArray]:
    """yi, vi, included, notes and the added correction for OR, RR or RD (RevMan's zero-cell rule).

    ``cc`` is added to all four cells of a study with a zero cell.  OR and RR leave out studies with no
    events, or only events, in both arms; RD keeps them.  With ``cc`` = 0 a study with a zero cell may have
    no finite yi or positive vi; it is left out of the analysis (``note`` says why), as metafor ``escalc``
    recodes such values to NA and ``rma`` omits them.
    """
    k = len(labels)
    a, b, c, d = counts.ai, counts.bi, counts.ci, counts.di
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    included = np.ones(k, dtype=bool)
    notes = [""] * k
    if measure in ("OR", "RR"):
        double = ((a + c) == 0) | ((b + d) == 0)
        included &= ~double
        for i in np.flatnonzero(double):
            notes[i] = "left out: no events (or only events) in both arms, so the ratio is not estimable"
    add = np.where(zero & included, cc, 0.0)
    for i in np.flatnonzero(add > 0):
        notes[i] = f"{cc:g} added to each cell (zero cell)"
    yi, vi = _BINARY_FORMULAS[measure](counts.plus(add))
    with np.errstate(invalid="ignore"):
        bad = included & ~(np.isfinite(yi) & np.isfinite(vi) & (vi > 0))
    for i in np.flatnonzero(bad):
        notes[i] = f"{NOT_ESTIMABLE_NOTE} ({measure} or its variance is not finite, continuity_correction {cc:g})"
    included &= ~bad
    yi = np.where(included, yi, np.nan)
    vi = np.where(included, vi, np.nan)
    return yi, vi, included, notes, add


def _log_or(t: Counts) -> tuple[FloatArray, FloatArray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(t.ai * t.di / (t.bi * t.ci)), 1 / t.ai + 1 / t.bi + 1 / t.ci + 1 / t.di


def _log_rr(t: Counts) -> tuple[FloatArray, FloatArray]:
    n1, n2 = t.ai + t.bi, t.ci + t.di
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log((t.ai / n1) / (t.ci / n2)), 1 / t.ai - 1 / n1 + 1 / t.ci - 1 / n2


def _rd(t: Counts) -> tuple[FloatArray, FloatArray]:
    n1, n2 = t.ai + t.bi, t.ci + t.di
    p1, p2 = t.ai / n1, t.ci / n2
    return p1 - p2, p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2


_BINARY_FORMULAS: dict[str, Callable[[Counts], tuple[FloatArray, FloatArray]]] = {
    "OR": _log_or,
    "RR": _log_rr,
    "RD": _rd,
}


def peto_components(t: Counts) -> tuple[FloatArray, FloatArray]:
    """O - E and the hypergeometric variance V of each table (Yusuf et al. 1985)."""
    n1, n2 = t.ai + t.bi, t.ci + t.di
    n = n1 + n2
    m1, m0 = t.ai + t.ci, t.bi + t.di
    return t.ai - n1 * m1 / n, n1 * n2 * m1 * m0 / (n**2 * (n - 1))


def peto_effect_sizes(t: Counts, labels: list[str]) -> tuple[FloatArray, FloatArray, BoolArray, list[str]]:
    """Peto log OR (O-E)/V with variance 1/V; tables with V = 0 carry no information and are left out."""
    o_e, v = peto_components(t)
    included = v > 0
    notes = ["" if ok else "left out: no events (or only events) in both arms, so V = 0" for ok in included]
    with np.errstate(divide="ignore", invalid="ignore"):
        yi = np.where(included, o_e / v, np.nan)
        vi = np.where(included, 1 / v, np.nan)
    return yi, vi, included, notes


def continuous_effect_sizes(
    rows: list[dict[str, object]], labels: list[str], measure: str, md_variance: str, smd_variant: str
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """yi, vi and total n for MD or SMD (see ``smd`` for the SMD variants)."""
    m1, s1, n1, m2, s2, n2 = (_column(rows, labels, f) for f in CONTINUOUS_FIELDS)
    for sd, n, arm in ((s1, n1, "1"), (s2, n2, "2")):
        _check(sd >= 0, labels, f"sd_{arm} must not be negative")
        _check(n >= 1, labels, f"n_{arm} must be at least 1")
    if measure == "SMD":
        _check(n1 + n2 > 3, labels, "SMD needs n_1 + n_2 of at least 4")
    sp2 = ((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2)
    if measure == "MD":
        yi = m1 - m2
        vi = sp2 * (1 / n1 + 1 / n2) if md_variance == "pooled_sd" else s1**2 / n1 + s2**2 / n2
    else:
        _check(sp2 > 0, labels, "SMD needs a positive pooled SD (sd_1 and sd_2 are 0)")
        yi, vi = smd(m1 - m2, np.sqrt(sp2), n1, n2, smd_variant)
    _check(vi > 0, labels, f"the variance of the {measure} is 0 (both SDs are 0)")
    return yi, vi, n1 + n2


def smd(
    diff: FloatArray, sp: FloatArray, n1: FloatArray, n2: FloatArray, variant: str
) -> tuple[FloatArray, FloatArray]:
    """Standardised mean difference and its variance.

    ``hedges_g_revman``: g = d(1 - 3/(4N-9)), var = N/(n1 n2) + g²/(2(N-3.94)) (Deeks & Higgins 2010).
    ``hedges_g_exact``: g = J d with J = Γ(m/2)/(sqrt(m/2) Γ((m-1)/2)), m = N-2 (Hedges 1981), var =
    1/n1 + 1/n2 + g²/(2N); ``hedges_g_exact_ub``: var = 1/n1 + 1/n2 + (1 - (m-2)/(m J²)) g².
    ``cohen_d``: d, var = 1/n1 + 1/n2 + d²/(2N).
    """
    d = diff / sp
    n = n1 + n2
    m = n - 2
    if variant == "hedges_g_revman":
        g = d * (1 - 3 / (4 * n - 9))
        return g, n / (n1 * n2) + g**2 / (2 * (n - 3.94))
    if variant == "cohen_d":
        return d, 1 / n1 + 1 / n2 + d**2 / (2 * n)
    j = np.exp(gammaln(m / 2) - 0.5 * np.log(m / 2) - gammaln((m - 1) / 2))
    g = j * d
    if variant == "hedges_g_exact":
        return g, 1 / n1 + 1 / n2 + g**2 / (2 * n)
    return g, 1 / n1 + 1 / n2 + (1 - (m - 2) / (m * j**2)) * g**2


def generic_effect_sizes(
    rows: list[dict[str, object]], labels: list[str], z_level: float, ratio: bool = False
) -> tuple[FloatArray, FloatArray]:
    """yi and vi of generic (inverse-variance) data, one row at a time (see ``_generic_row``)."""
    pairs = [_generic_row(row, label, z_level, ratio) for row, label in zip(rows, labels, strict=True)]
    yi = np.array([p[0] for p in pairs], dtype=np.float64)
    vi = np.array([p[1] for p in pairs], dtype=np.float64)
    _check(vi > 0, labels, "the sampling variance vi must be positive")
    return yi, vi


def _generic_row(row: dict[str, object], label: str, z_level: float, ratio: bool) -> tuple[float, float]:
    """yi from ``yi``, or (ratio measures) the log of ``estimate``; vi from ``vi``, else ``se`` (vi = se²),
    else the CI: (ci_upper - ci_lower)/(2 z) on the yi scale, or on the ratio scale (logged) when the row
    gives ``estimate`` instead of ``yi``.
    """
    on_ratio_scale = ratio and row.get("yi") is None and row.get("estimate") is not None
    if on_ratio_scale:
        estimate = _number(row, "estimate", label)
        if estimate <= 0:
            raise MetaAnalysisInputError(f"study {label!r}: a ratio 'estimate' must be positive")
        yi = float(np.log(estimate))
    else:
        yi = _number(row, "yi", label)
    if row.get("vi") is not None:
        return yi, _number(row, "vi", label)
    if row.get("se") is not None:
        return yi, _number(row, "se", label) ** 2
    if row.get("ci_lower") is None and row.get("ci_upper") is None:
        raise MetaAnalysisInputError(f"study {label!r}: give 'vi', 'se' or 'ci_lower' and 'ci_upper'")
    lower, upper = _number(row, "ci_lower", label), _number(row, "ci_upper", label)
    if on_ratio_scale:
        if lower <= 0 or upper <= 0:
            raise MetaAnalysisInputError(f"study {label!r}: ratio CI bounds must be positive")
        lower, upper = float(np.log(lower)), float(np.log(upper))
    if upper <= lower:
        raise MetaAnalysisInputError(f"study {label!r}: ci_upper must be above ci_lower")
    return yi, ((upper - lower) / (2 * z_level)) ** 2


def from_yi_vi(measure: str, labels: tuple[str, ...], yi: FloatArray, vi: FloatArray) -> StudyData:
    """StudyData for ready-made yi/vi (generic inverse-variance data; no arm counts)."""
    k = len(yi)
    return StudyData(measure, labels, yi, vi, np.ones(k, dtype=bool), ("",) * k, np.full(k, np.nan), np.zeros(k))
