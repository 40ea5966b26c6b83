"""Plot inputs built from real data (dat.bcg, vitamin K2 trials), independent of the engine.

The small meta-analysis here (inverse-variance, DerSimonian-Laird, L0 trim-and-fill) only feeds the
figures; the engine's own tests check the statistics. The BCG totals printed on the figure agree with
metafor/Stata metan as recorded in /work/shared/reference/meta_cases.json (case bcg_rr_iv_dl:
RR 0.49 [0.34, 0.70], tau2 0.3088, Q 152.233, I2 92.12%).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from analysis.plots.data import ForestGroup, ForestPlotData, ForestPooled, ForestStudyRow, FunnelData
from analysis.plots.formatting import format_arm_value, heterogeneity_text, overall_effect_text, subgroup_test_text

REFERENCE = Path("/work/shared/reference")
Z95 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class Pooled:
    """A DerSimonian-Laird fit: estimate, SE, tau2, Q and the per-study random-effects weights."""

    estimate: float
    se: float
    tau2: float
    q: float
    df: int
    weights: np.ndarray

    @property
    def i2(self) -> float:
        return max(0.0, (self.q - self.df) / self.q) * 100 if self.q > 0 else 0.0


def dersimonian_laird(yi: np.ndarray, vi: np.ndarray) -> Pooled:
    """DerSimonian & Laird (1986) random-effects fit."""
    w = 1 / vi
    fixed = float(np.sum(w * yi) / np.sum(w))
    q = float(np.sum(w * (yi - fixed) ** 2))
    df = len(yi) - 1
    c = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    tau2 = max(0.0, (q - df) / c) if df > 0 else 0.0
    wr = 1 / (vi + tau2)
    estimate = float(np.sum(wr * yi) / np.sum(wr))
    return Pooled(estimate, float(math.sqrt(1 / np.sum(wr))), tau2, q, df, wr)


def bcg_case() -> dict[str, object]:
    cases = json.loads((REFERENCE / "meta_cases.json").read_text())["cases"]
    case: dict[str, object] = next(c for c in cases if c["id"] == "bcg_rr_iv_dl")
    return case


def bcg_arrays() -> tuple[list[dict[str, object]], np.ndarray, np.ndarray]:
    """Return dat.bcg rows with their log risk ratios and variances."""
    studies: list[dict[str, object]] = list(bcg_case()["studies"])  # type: ignore[call-overload]
    a = np.array([s["events_1"] for s in studies], float)
    n1 = np.array([s["total_1"] for s in studies], float)
    c = np.array([s["events_2"] for s in studies], float)
    n2 = np.array([s["total_2"] for s in studies], float)
    return studies, np.log((a / n1) / (c / n2)), 1 / a - 1 / n1 + 1 / c - 1 / n2


def _pooled(label: str, fit: Pooled, studies: list[dict[str, object]], weight: float) -> ForestPooled:
    z = fit.estimate / fit.se
    p = float(2 * stats.norm.sf(abs(z)))
    q_p = float(stats.chi2.sf(fit.q, fit.df)) if fit.df > 0 else 1.0
    return ForestPooled(
        label=label,
        estimate=fit.estimate,
        ci_lower=fit.estimate - Z95 * fit.se,
        ci_upper=fit.estimate + Z95 * fit.se,
        weight_percent=weight,
        cells=("", str(sum(int(s["total_1"]) for s in studies)), "",  # type: ignore[call-overload]
               str(sum(int(s["total_2"]) for s in studies))),  # type: ignore[call-overload]
        events_cells=(str(sum(int(s["events_1"]) for s in studies)), "",  # type: ignore[call-overload]
                      str(sum(int(s["events_2"]) for s in studies)), ""),  # type: ignore[call-overload]
        heterogeneity_text=heterogeneity_text(chi2=fit.q, df=fit.df, p=q_p, i2=fit.i2, tau2=fit.tau2),
        overall_text=overall_effect_text(z, p),
    )


def _study_rows(studies: list[dict[str, object]], yi: np.ndarray, vi: np.ndarray,
                weights: np.ndarray) -> tuple[ForestStudyRow, ...]:
    rows = []
    for s, y, v, w in zip(studies, yi, vi, weights, strict=True):
        se = math.sqrt(v)
        cells = tuple(format_arm_value(s[k]) for k in ("events_1", "total_1", "events_2", "total_2"))  # type: ignore[arg-type]
        rows.append(ForestStudyRow(str(s["study"]), float(y), float(y - Z95 * se), float(y + Z95 * se),
                                   float(w), cells))
    return tuple(rows)


def bcg_forest(subgroups: bool = True) -> ForestPlotData:
    """dat.bcg log RR, DL random effects; with ``subgroups`` split into random vs other allocation."""
    studies, yi, vi = bcg_arrays()
    overall = dersimonian_laird(yi, vi)
    total_weight = overall.weights / overall.weights.sum() * 100
    if not subgroups:
        group = ForestGroup("", _study_rows(studies, yi, vi, total_weight))
        return _bcg_data((group,), _pooled("Total (95% CI)", overall, studies, 100.0), "")
    groups, estimates, ses = [], [], []
    for number, (title, allocs) in enumerate((("Random allocation", {"random"}),
                                              ("Alternate or systematic allocation", {"alternate", "systematic"})), 1):
        mask = np.array([s["alloc"] in allocs for s in studies])
        members = [s for s, m in zip(studies, mask, strict=True) if m]
        fit = dersimonian_laird(yi[mask], vi[mask])
        weight = total_weight[mask]
        groups.append(ForestGroup(f"1.1.{number} {title}", _study_rows(members, yi[mask], vi[mask], weight),
                                  _pooled("Subtotal (95% CI)", fit, members, float(weight.sum()))))
        estimates.append(fit.estimate)
        ses.append(fit.se)
    return _bcg_data(tuple(groups), _pooled("Total (95% CI)", overall, studies, 100.0), _subgroup_line(estimates, ses))


def _subgroup_line(estimates: list[float], ses: list[float]) -> str:
    w = 1 / np.array(ses) ** 2
    mu = np.array(estimates)
    q = float(np.sum(w * (mu - np.sum(w * mu) / np.sum(w)) ** 2))
    df = len(mu) - 1
    i2 = max(0.0, (q - df) / q) * 100 if q > 0 else 0.0
    return subgroup_test_text(chi2=q, df=df, p=float(stats.chi2.sf(q, df)), i2=i2)


def _bcg_data(groups: tuple[ForestGroup, ...], overall: ForestPooled, subgroup_text: str) -> ForestPlotData:
    return ForestPlotData(
        measure="RR", log_scale=True, groups=groups, overall=overall,
        cell_headers=("Events", "Total", "Events", "Total"), arm_titles=("BCG", "Control"),
        subgroup_test_text=subgroup_text, favours_left="Favours BCG", favours_right="Favours control",
        effect_model="IV, Random, 95% CI",
    )


def bcg_funnel(with_trimfill: bool = True) -> FunnelData:
    """dat.bcg log RR funnel; with ``with_trimfill`` the fixed-effect L0 trim-and-fill (studies missing on the right)."""
    _, yi, vi = bcg_arrays()
    sei = np.sqrt(vi)
    estimate = float(np.sum(yi / vi) / np.sum(1 / vi))
    if not with_trimfill:
        return FunnelData(tuple(yi), tuple(sei), estimate, log_scale=True, x_label="Risk ratio (log scale)",
                          y_label="SE(log[RR])")
    filled_yi, filled_sei, adjusted = trim_and_fill_right(yi, vi)
    return FunnelData(tuple(yi), tuple(sei), estimate, tuple(filled_yi), tuple(filled_sei), adjusted,
                      log_scale=True, x_label="Risk ratio (log scale)", y_label="SE(log[RR])")


def trim_and_fill_right(yi: np.ndarray, vi: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Duval & Tweedie (2000) L0 trim-and-fill, fixed effect, missing studies on the right of the estimate.

    Returns the imputed yi and SEs and the fixed-effect estimate of the filled data.
    """
    k = len(yi)
    k0, centre = 0, float(np.sum(yi / vi) / np.sum(1 / vi))
    for _ in range(50):
        keep = np.argsort(yi)[k0:]  # trim the k0 left-most studies, the excess side
        centre = float(np.sum(yi[keep] / vi[keep]) / np.sum(1 / vi[keep]))
        deviations = centre - yi  # positive on the left: the side with the excess
        ranks = stats.rankdata(np.abs(deviations))
        t_n = float(np.sum(ranks[deviations > 0]))
        new_k0 = max(0, round((4 * t_n - k * (k + 1)) / (2 * k - 1)))
        if new_k0 == k0:
            break
        k0 = new_k0
    left = np.argsort(yi)[:k0]
    filled_yi, filled_vi = 2 * centre - yi[left], vi[left]
    all_yi, all_vi = np.concatenate([yi, filled_yi]), np.concatenate([vi, filled_vi])
    adjusted = float(np.sum(all_yi / all_vi) / np.sum(1 / all_vi))
    return filled_yi, np.sqrt(filled_vi), adjusted
