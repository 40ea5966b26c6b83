"""The rows of a forest plot, from top to bottom, as plain records (no drawing here).

The order follows RevMan: optional subgroup heading, its studies, "Subtotal (95% CI)", "Total events",
heterogeneity and overall-effect lines, a blank line; then "Total (95% CI)" with its lines and the
test for subgroup differences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

from analysis.plots.data import ForestGroup, ForestPlotData, ForestPooled, ForestStudyRow
from analysis.plots.formatting import format_estimate_ci, format_weight

NOT_ESTIMABLE = "Not estimable"


class RowKind(Enum):
    """What a row shows; it decides font weight and which shape, if any, is drawn."""

    GROUP_TITLE = "group title"
    STUDY = "study"
    POOLED = "pooled"
    PREDICTION = "prediction interval"
    EVENTS = "total events"
    NOTE = "note"
    BLANK = "blank"


@dataclass(frozen=True)
class LayoutRow:
    """One text line of the plot. ``study`` or ``pooled`` is set when a shape is drawn on this line."""

    kind: RowKind
    label: str = ""
    cells: tuple[str, ...] = ()
    weight: str = ""
    ci_text: str = ""
    study: ForestStudyRow | None = None
    pooled: ForestPooled | None = None
    prediction: tuple[float, float] | None = None


def _study_row(row: ForestStudyRow, data: ForestPlotData) -> LayoutRow:
    weight = format_weight(row.weight_percent) if row.weight_percent is not None else ""
    return LayoutRow(
        RowKind.STUDY,
        label=row.label,
        cells=row.cells,
        weight=weight if data.show_weights else "",
        ci_text=_ci_text(*row.interval, data.log_scale) if row.interval else NOT_ESTIMABLE,
        study=row,
    )


def _ci_text(estimate: float, lower: float, upper: float, exponentiate: bool) -> str:
    if exponentiate:
        return format_estimate_ci(math.exp(estimate), math.exp(lower), math.exp(upper))
    return format_estimate_ci(estimate, lower, upper)


def pooled_rows(pooled: ForestPooled, data: ForestPlotData) -> list[LayoutRow]:
    """Return the diamond line of a pooled estimate followed by its events and summary lines."""
    weight = format_weight(pooled.weight_percent) if pooled.weight_percent is not None else ""
    rows = [
        LayoutRow(
            RowKind.POOLED,
            label=pooled.label,
            cells=pooled.cells,
            weight=weight if data.show_weights else "",
            ci_text=_ci_text(pooled.estimate, pooled.ci_lower, pooled.ci_upper, data.log_scale),
            pooled=pooled,
        )
    ]
    if pooled.prediction_interval is not None:
        lower, upper = pooled.prediction_interval
        text = _ci_text(pooled.estimate, lower, upper, data.log_scale).split(" ", 1)[1]
        rows.append(LayoutRow(RowKind.PREDICTION, label="Prediction interval", ci_text=text,
                              prediction=pooled.prediction_interval))  # fmt: skip
    if pooled.events_cells:
        rows.append(LayoutRow(RowKind.EVENTS, label="Total events", cells=pooled.events_cells))
    rows.extend(
        LayoutRow(RowKind.NOTE, label=text) for text in (pooled.heterogeneity_text, pooled.overall_text) if text
    )
    return rows


def group_rows(group: ForestGroup, data: ForestPlotData) -> list[LayoutRow]:
    """Return the rows of one subgroup block: heading, studies, subtotal lines (no trailing blank)."""
    rows: list[LayoutRow] = []
    if group.title:
        rows.append(LayoutRow(RowKind.GROUP_TITLE, label=group.title))
    rows.extend(_study_row(row, data) for row in group.rows)
    if group.subtotal is not None:
        rows.extend(pooled_rows(group.subtotal, data))
    return rows


def build_rows(data: ForestPlotData) -> list[LayoutRow]:
    """Return every row below the column headers, top to bottom."""
    rows: list[LayoutRow] = []
    for index, group in enumerate(data.groups):
        if index > 0 and (group.title or data.groups[index - 1].subtotal is not None):
            rows.append(LayoutRow(RowKind.BLANK))
        rows.extend(group_rows(group, data))
    if data.overall is not None:
        if len(data.groups) > 1 or data.groups[0].subtotal is not None or data.groups[0].title:
            rows.append(LayoutRow(RowKind.BLANK))
        rows.extend(pooled_rows(data.overall, data))
    if data.subgroup_test_text:
        rows.append(LayoutRow(RowKind.NOTE, label=data.subgroup_test_text))
    return rows
