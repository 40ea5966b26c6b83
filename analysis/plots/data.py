"""Input types of the figures: what a forest or funnel plot needs, independent of the engine.

Estimates are given on the analysis scale (natural log for ratio measures) with ``log_scale=True``;
the plots back-transform them for display. Text fields (heterogeneity lines, arm cells) arrive
already formatted, usually by :mod:`analysis.plots.formatting`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Column titles RevMan uses above the effect column, keyed by metafor's measure names.
MEASURE_TITLES: dict[str, str] = {
    "OR": "Odds Ratio",
    "RR": "Risk Ratio",
    "RD": "Risk Difference",
    "PETO_OR": "Peto Odds Ratio",
    "MD": "Mean Difference",
    "SMD": "Std. Mean Difference",
    "GENERIC": "Estimate",
}
RATIO_MEASURES = frozenset({"OR", "RR", "PETO_OR"})


def _check_interval(where: str, estimate: float, lower: float, upper: float) -> None:
    values = (estimate, lower, upper)
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"{where}: estimate and CI must be finite numbers, got {values}")
    if not lower <= estimate <= upper:
        raise ValueError(f"{where}: expected ci_lower <= estimate <= ci_upper, got {values}")


@dataclass(frozen=True)
class ForestStudyRow:
    """One study line: label, arm cells (already formatted), weight and the effect with its CI.

    A study without an estimate (e.g. no events in either arm) has ``yi``, ``ci_lower`` and ``ci_upper``
    all None; it is listed with "Not estimable" and no square, as RevMan does.
    """

    label: str
    yi: float | None
    ci_lower: float | None
    ci_upper: float | None
    weight_percent: float | None
    cells: tuple[str, ...] = ()
    hollow: bool = False

    def __post_init__(self) -> None:
        if self.yi is None and self.ci_lower is None and self.ci_upper is None:
            return
        if self.yi is None or self.ci_lower is None or self.ci_upper is None:
            raise ValueError(f"study {self.label!r}: give yi, ci_lower and ci_upper together, or none of them")
        _check_interval(f"study {self.label!r}", self.yi, self.ci_lower, self.ci_upper)
        if self.weight_percent is not None and not 0.0 <= self.weight_percent <= 100.0:
            raise ValueError(f"study {self.label!r}: weight_percent must be 0-100, got {self.weight_percent}")

    @property
    def interval(self) -> tuple[float, float, float] | None:
        """Return (yi, ci_lower, ci_upper), or None for a study that is not estimable."""
        if self.yi is None or self.ci_lower is None or self.ci_upper is None:
            return None
        return self.yi, self.ci_lower, self.ci_upper


@dataclass(frozen=True)
class ForestPooled:
    """A pooled estimate (subtotal or total) drawn as a diamond, with its summary lines.

    ``cells`` fills the arm columns of the pooled line (total participants); ``events_cells`` adds a
    "Total events" line below it (dichotomous data). Empty text lines are not drawn. A
    ``prediction_interval`` (lower, upper; analysis scale) adds a "Prediction interval" line with a bar.
    """

    label: str
    estimate: float
    ci_lower: float
    ci_upper: float
    weight_percent: float | None = 100.0
    cells: tuple[str, ...] = ()
    events_cells: tuple[str, ...] = ()
    heterogeneity_text: str = ""
    overall_text: str = ""
    prediction_interval: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        _check_interval(f"pooled {self.label!r}", self.estimate, self.ci_lower, self.ci_upper)
        if self.prediction_interval is not None:
            lower, upper = self.prediction_interval
            _check_interval(f"prediction interval of {self.label!r}", self.estimate, lower, upper)


@dataclass(frozen=True)
class ForestGroup:
    """A subgroup block: a heading (blank title = no heading), its study rows and an optional subtotal."""

    title: str
    rows: tuple[ForestStudyRow, ...]
    subtotal: ForestPooled | None = None


@dataclass(frozen=True)
class ForestPlotData:
    """Everything a RevMan-style forest plot shows.

    ``cell_headers`` names the arm columns (e.g. Events, Total, Events, Total); ``arm_titles`` are the
    spanning titles over them, split evenly (e.g. Experimental, Control); leave it empty for generic
    data. ``axis_limits`` (display scale) overrides the automatic symmetric axis.
    """

    measure: str
    log_scale: bool
    groups: tuple[ForestGroup, ...]
    overall: ForestPooled | None = None
    cell_headers: tuple[str, ...] = ()
    arm_titles: tuple[str, ...] = ("Experimental", "Control")
    subgroup_test_text: str = ""
    favours_left: str = "Favours [experimental]"
    favours_right: str = "Favours [control]"
    effect_model: str = "IV, Random, 95% CI"
    study_header: str = "Study or Subgroup"
    measure_title: str = ""
    axis_limits: tuple[float, float] | None = None
    show_weights: bool = True

    def __post_init__(self) -> None:
        if not self.groups:
            raise ValueError("a forest plot needs at least one group (it may have no title)")
        if self.arm_titles and self.cell_headers and len(self.cell_headers) % len(self.arm_titles):
            raise ValueError("cell_headers must split evenly between the arm_titles")
        for row in self.all_rows():
            if len(row.cells) not in (0, len(self.cell_headers)):
                raise ValueError(f"study {row.label!r} has {len(row.cells)} cells for {len(self.cell_headers)} headers")
        if self.axis_limits is not None and not self.axis_limits[0] < self.axis_limits[1]:
            raise ValueError(f"axis_limits must be increasing, got {self.axis_limits}")
        if self.log_scale and self.axis_limits is not None and self.axis_limits[0] <= 0:
            raise ValueError("a log axis needs positive axis_limits")

    def all_rows(self) -> tuple[ForestStudyRow, ...]:
        """Return the study rows of all groups, in drawing order."""
        return tuple(row for group in self.groups for row in group.rows)

    def title(self) -> str:
        """Return the effect column title, e.g. "Risk Ratio"."""
        return self.measure_title or MEASURE_TITLES.get(self.measure, self.measure)


@dataclass(frozen=True)
class FunnelData:
    """A funnel plot: observed studies, the pooled estimate and, after trim-and-fill, the imputed studies."""

    yi: tuple[float, ...]
    sei: tuple[float, ...]
    estimate: float
    imputed_yi: tuple[float, ...] = ()
    imputed_sei: tuple[float, ...] = ()
    adjusted_estimate: float | None = None
    log_scale: bool = False
    x_label: str = "Effect"
    y_label: str = "Standard error"
    level: float = 0.95

    def __post_init__(self) -> None:
        if len(self.yi) != len(self.sei) or len(self.imputed_yi) != len(self.imputed_sei):
            raise ValueError("yi and sei (and imputed_yi and imputed_sei) must have the same length")
        if not self.yi:
            raise ValueError("a funnel plot needs at least one study")
        if any(not (math.isfinite(s) and s > 0) for s in (*self.sei, *self.imputed_sei)):
            raise ValueError("every standard error must be a positive finite number")
        if not 0.0 < self.level < 1.0:
            raise ValueError(f"level must lie between 0 and 1, got {self.level}")
