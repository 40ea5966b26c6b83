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
from analysis.plots.formatting import (
    format_arm_value,
    heterogeneity_text,
    overall_effect_text,
    subgroup_test_text,
)
from analysis.plots.rob_data import ROB2_DOMAINS, RobAssessment, RobPlotData

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
        cells=(
            "",
            str(sum(int(s["total_1"]) for s in studies)),
            "",  # type: ignore[call-overload]
            str(sum(int(s["total_2"]) for s in studies)),
        ),  # type: ignore[call-overload]
        events_cells=(
            str(sum(int(s["events_1"]) for s in studies)),
            "",  # type: ignore[call-overload]
            str(sum(int(s["events_2"]) for s in studies)),
            "",
        ),  # type: ignore[call-overload]
        heterogeneity_text=heterogeneity_text(chi2=fit.q, df=fit.df, p=q_p, i2=fit.i2, tau2=fit.tau2),
        overall_text=overall_effect_text(z, p),
    )


def _study_rows(
    studies: list[dict[str, object]], yi: np.ndarray, vi: np.ndarray, weights: np.ndarray
) -> tuple[ForestStudyRow, ...]:
    rows = []
    for s, y, v, w in zip(studies, yi, vi, weights, strict=True):
        se = math.sqrt(v)
        cells = tuple(format_arm_value(s[k]) for k in ("events_1", "total_1", "events_2", "total_2"))  # type: ignore[arg-type]
        rows.append(
            ForestStudyRow(str(s["study"]), float(y), float(y - Z95 * se), float(y + Z95 * se), float(w), cells)
        )
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
    for number, (title, allocs) in enumerate(
        (
            ("Random allocation", {"random"}),
            ("Alternate or systematic allocation", {"alternate", "systematic"}),
        ),
        1,
    ):
        mask = np.array([s["alloc"] in allocs for s in studies])
        members = [s for s, m in zip(studies, mask, strict=True) if m]
        fit = dersimonian_laird(yi[mask], vi[mask])
        weight = total_weight[mask]
        groups.append(
            ForestGroup(
                f"1.1.{number} {title}",
                _study_rows(members, yi[mask], vi[mask], weight),
                _pooled("Subtotal (95% CI)", fit, members, float(weight.sum())),
            )
        )
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
        measure="RR",
        log_scale=True,
        groups=groups,
        overall=overall,
        cell_headers=("Events", "Total", "Events", "Total"),
        arm_titles=("BCG", "Control"),
        subgroup_test_text=subgroup_text,
        favours_left="Favours BCG",
        favours_right="Favours control",
        effect_model="IV, Random, 95% CI",
    )


def bcg_funnel(with_trimfill: bool = True) -> FunnelData:
    """dat.bcg log RR funnel; ``with_trimfill`` adds fixed-effect L0 trim-and-fill (missing on the right)."""
    _, yi, vi = bcg_arrays()
    sei = np.sqrt(vi)
    estimate = float(np.sum(yi / vi) / np.sum(1 / vi))
    if not with_trimfill:
        return FunnelData(
            tuple(yi),
            tuple(sei),
            estimate,
            log_scale=True,
            x_label="Risk ratio (log scale)",
            y_label="SE(log[RR])",
        )
    filled_yi, filled_sei, adjusted = trim_and_fill_right(yi, vi)
    return FunnelData(
        tuple(yi),
        tuple(sei),
        estimate,
        tuple(filled_yi),
        tuple(filled_sei),
        adjusted,
        log_scale=True,
        x_label="Risk ratio (log scale)",
        y_label="SE(log[RR])",
    )


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


def _continuous_rows(
    studies: list[tuple[str, tuple[float, float, int], tuple[float, float, int]]], weights: np.ndarray
) -> tuple[ForestStudyRow, ...]:
    rows = []
    for (label, (m1, s1, n1), (m2, s2, n2)), weight in zip(studies, weights, strict=True):
        yi, se = m1 - m2, math.sqrt(s1**2 / n1 + s2**2 / n2)
        cells = tuple(format_arm_value(v) for v in (m1, s1, n1, m2, s2, n2))
        rows.append(ForestStudyRow(label, yi, yi - Z95 * se, yi + Z95 * se, float(weight), cells))
    return tuple(rows)


def _continuous_pooled(label: str, fit: Pooled, n1: int, n2: int, weight: float) -> ForestPooled:
    z = fit.estimate / fit.se
    q_p = float(stats.chi2.sf(fit.q, fit.df)) if fit.df > 0 else 1.0
    return ForestPooled(
        label,
        fit.estimate,
        fit.estimate - Z95 * fit.se,
        fit.estimate + Z95 * fit.se,
        weight,
        cells=("", "", str(n1), "", "", str(n2)),
        heterogeneity_text=heterogeneity_text(chi2=fit.q, df=fit.df, p=q_p, i2=fit.i2, tau2=fit.tau2),
        overall_text=overall_effect_text(z, float(2 * stats.norm.sf(abs(z)))),
    )


ContinuousStudy = tuple[str, tuple[float, float, int], tuple[float, float, int]]


def continuous_forest(groups: list[tuple[str, list[ContinuousStudy]]], **options: str) -> ForestPlotData:
    """MD forest plot (DL random effects) of continuous studies in titled subgroups."""
    every = [s for _, members in groups for s in members]
    md = np.array([s[1][0] - s[2][0] for s in every])
    var = np.array([s[1][1] ** 2 / s[1][2] + s[2][1] ** 2 / s[2][2] for s in every])
    overall = dersimonian_laird(md, var)
    weights = overall.weights / overall.weights.sum() * 100
    blocks, start, estimates, ses = [], 0, [], []
    for title, members in groups:
        stop = start + len(members)
        fit = dersimonian_laird(md[start:stop], var[start:stop])
        w = weights[start:stop]
        subtotal = _continuous_pooled(
            "Subtotal (95% CI)",
            fit,
            sum(s[1][2] for s in members),
            sum(s[2][2] for s in members),
            float(w.sum()),
        )
        blocks.append(ForestGroup(title, _continuous_rows(members, w), subtotal))
        estimates.append(fit.estimate)
        ses.append(fit.se)
        start = stop
    total = _continuous_pooled(
        "Total (95% CI)", overall, sum(s[1][2] for s in every), sum(s[2][2] for s in every), 100.0
    )
    return ForestPlotData(
        measure="MD",
        log_scale=False,
        groups=tuple(blocks),
        overall=total,
        cell_headers=("Mean", "SD", "Total", "Mean", "SD", "Total"),
        arm_titles=("Vitamin K2", "Control"),
        subgroup_test_text=_subgroup_line(estimates, ses),
        effect_model="IV, Random, 95% CI",
        favours_left=options.get("favours_left", "Favours control"),
        favours_right=options.get("favours_right", "Favours vitamin K2"),
    )


def vk2_lumbar_forest() -> ForestPlotData:
    """Vitamin K2 lumbar-spine BMD % change, the two trials with arm data, one per subgroup.

    The sources print "mean ± x" without saying SD or SE; x is used as the SD here (plot test only).
    """
    outcome = json.loads((REFERENCE / "vk2_studies.json").read_text())["outcomes"][0]
    groups: dict[str, list[ContinuousStudy]] = {}
    for s in outcome["studies"]:
        t, c = s["treatment"], s["control"]
        title = "VK2 alone" if "alone" in s["subgroup"]["combination"] else "VK2 plus calcium"
        groups.setdefault(title, []).append(
            (s["study"], (t["mean"], t["plus_minus"], t["n"]), (c["mean"], c["plus_minus"], c["n"]))
        )
    return continuous_forest([(f"1.1.{i} {title}", members) for i, (title, members) in enumerate(groups.items(), 1)])


def synthetic_many_studies(k: int = 24, seed: int = 2024) -> ForestPlotData:
    """A synthetic MD analysis with ``k`` studies in two subgroups, including awkward labels.

    The labels are the vitamin K2 trial names (vk2_studies.json) with a suffix, plus a Chinese label,
    a literal "$x$" and a very long name; the numbers are random (seeded), not from any source.
    """
    trials = [t["study"] for t in json.loads((REFERENCE / "vk2_studies.json").read_text())["included_trials_list"]]
    rng = np.random.default_rng(seed)
    labels = [f"{trials[i % len(trials)]}{'' if i < len(trials) else ' (b)'}" for i in range(k)]
    labels[1], labels[2] = "王小明 2019（中文）", "Cost_$x$ a_b^c 2020"
    labels[3] = "A very long study label that keeps going well beyond any sensible column width, 2021"
    studies: list[ContinuousStudy] = []
    for label in labels:
        n1, n2 = (int(v) for v in rng.integers(20, 400, size=2))
        sd = float(np.round(rng.uniform(1.5, 6.0), 1))
        m2 = float(np.round(rng.normal(-1.0, 1.0), 2))
        m1 = float(np.round(m2 + rng.normal(1.1, 1.4), 2))
        studies.append((label, (m1, sd, n1), (m2, sd, n2)))
    half = k // 2
    return continuous_forest([("1.2.1 MK-4 (menatetrenone)", studies[:half]), ("1.2.2 MK-7", studies[half:])])


ROB2_EXAMPLE = (
    ("Study 1", "LLLLL"), ("Study 2", "SLLLL"), ("Study 3", "NLSLL"), ("Study 4", "LLHLS"), ("Study 5", "HHLLS"),
    ("Study 6", "LHSLL"), ("Study 7", "LSSHL"), ("Study 8", "LSLLL"), ("Study 9", "LLHLL"),
)  # fmt: skip
_ROB_WORDS = {"L": "Low", "S": "Some concerns", "H": "High", "N": "No information"}


def rob2_example(show_overall: bool = True) -> RobPlotData:
    """The nine-study RoB 2 example of robvis's test snapshots (reference robvis_traffic_light_rob2.png).

    The overall judgement is the worst domain judgement, with "No information" counted as some concerns.
    """
    assessments = []
    for weight, (study, codes) in enumerate(ROB2_EXAMPLE, 1):
        worst = "H" if "H" in codes else "S" if set(codes) & {"S", "N"} else "L"
        words = tuple(_ROB_WORDS[c] for c in codes)
        assessments.append(RobAssessment(study, words, _ROB_WORDS[worst], weight=float(weight)))
    return RobPlotData(ROB2_DOMAINS, tuple(assessments), show_overall=show_overall)
