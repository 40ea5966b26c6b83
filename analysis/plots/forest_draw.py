"""Drawing primitives of the forest plot: header and row text, squares with whiskers, diamonds, the axis.

Text is drawn on a full-figure "table" axes whose units are inches from the top-left corner; shapes
on a "plot" axes over the plot column, sharing the same y units so shapes line up with their rows.
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.patches import Polygon
from matplotlib.ticker import NullLocator

from analysis.plots.data import ForestPlotData, ForestPooled, ForestStudyRow
from analysis.plots.forest_axis import EffectAxis, format_tick
from analysis.plots.forest_columns import ROW_HEIGHT, Column, ForestGeometry
from analysis.plots.forest_rows import LayoutRow, RowKind
from analysis.plots.text import FONT_SIZE, POINTS_PER_INCH, font, put_text

STUDY_COLOUR = "#1f5fa8"
LINE_COLOUR = "black"
LINE_WIDTH = 0.8
# The heaviest study's square is this tall (points); the others shrink so that area tracks weight.
MAX_SQUARE_SIDE = ROW_HEIGHT * POINTS_PER_INCH * 0.65
# Tiny weights still get a visible square (RevMan does the same).
MIN_SQUARE_SIDE = 2.5
DIAMOND_HEIGHT = ROW_HEIGHT * 0.7
ARROW_SIZE = 4.0
SQUARES_GID = "study-squares"
DIAMOND_GID = "pooled-diamond"
WHISKER_GID = "study-ci"
PREDICTION_GID = "prediction-interval"


def _column_text(ax: Axes, column: Column, y: float, text: str, bold: bool) -> None:
    if text:
        put_text(ax, column.anchor, y, text, bold=bold, ha=column.align, va="center")


def draw_headers(ax: Axes, geometry: ForestGeometry, data: ForestPlotData) -> None:
    """Draw the two header lines: arm and measure titles, then the column names."""
    top, second = geometry.header_y(0), geometry.header_y(1)
    if data.arm_titles and geometry.cells:
        per_arm = len(geometry.cells) // len(data.arm_titles)
        for index, title in enumerate(data.arm_titles):
            span = geometry.cells[index * per_arm : (index + 1) * per_arm]
            centre = (span[0].left + span[-1].right) / 2
            put_text(ax, centre, top, title, bold=True, ha="center", va="center")
    _column_text(ax, geometry.label, second, data.study_header, bold=True)
    for column, header in zip(geometry.cells, data.cell_headers, strict=True):
        _column_text(ax, column, second, header, bold=True)
    if geometry.weight is not None:
        _column_text(ax, geometry.weight, second, "Weight", bold=True)
    for column in (geometry.ci_text, geometry.plot):
        put_text(ax, column.left + column.width / 2, top, data.title(), bold=True, ha="center", va="center")
        put_text(ax, column.left + column.width / 2, second, data.effect_model, bold=True, ha="center", va="center")


def draw_row_text(ax: Axes, geometry: ForestGeometry, row: LayoutRow, y: float) -> None:
    """Draw the text of one body row; headings and notes run freely across the text columns."""
    bold = row.kind in (RowKind.POOLED, RowKind.GROUP_TITLE)
    _column_text(ax, geometry.label, y, row.label, bold=bold)
    for column, cell in zip(geometry.cells, row.cells, strict=False):
        _column_text(ax, column, y, cell, bold=bold)
    if geometry.weight is not None:
        _column_text(ax, geometry.weight, y, row.weight, bold=bold)
    _column_text(ax, geometry.ci_text, y, row.ci_text, bold=bold)


def square_side(weight: float | None, max_weight: float) -> float:
    """Return the side (points) of a study's square: area proportional to weight, with a visible minimum."""
    if weight is None or max_weight <= 0:
        return MIN_SQUARE_SIDE * 2
    return max(MIN_SQUARE_SIDE, MAX_SQUARE_SIDE * math.sqrt(weight / max_weight))


def draw_whisker(
    ax: Axes, axis: EffectAxis, interval: tuple[float, float, float], y: float, gid: str = WHISKER_GID
) -> None:
    """Draw a study's CI line; an end beyond the axis is cut at the edge and gets an arrowhead."""
    lower, lower_cut = axis.clip(interval[1])
    upper, upper_cut = axis.clip(interval[2])
    ax.plot([lower, upper], [y, y], color=LINE_COLOUR, lw=LINE_WIDTH, solid_capstyle="butt", zorder=2, gid=gid)
    if lower_cut:
        ax.plot([lower], [y], marker="<", ms=ARROW_SIZE, color=LINE_COLOUR, clip_on=False, zorder=2, gid="arrow")
    if upper_cut:
        ax.plot([upper], [y], marker=">", ms=ARROW_SIZE, color=LINE_COLOUR, clip_on=False, zorder=2, gid="arrow")


def draw_prediction(ax: Axes, axis: EffectAxis, interval: tuple[float, float], y: float) -> None:
    """Draw a prediction interval as a capped bar (arrowheads where it runs off the axis)."""
    lower, upper = interval
    draw_whisker(ax, axis, ((lower + upper) / 2, lower, upper), y, gid=PREDICTION_GID)
    for value in interval:
        shown, cut = axis.clip(value)
        if not cut:
            ax.plot([shown], [y], marker="|", ms=ARROW_SIZE * 1.5, mew=LINE_WIDTH, color=LINE_COLOUR,
                    gid=PREDICTION_GID)  # fmt: skip


def draw_squares(ax: Axes, axis: EffectAxis, rows: list[tuple[ForestStudyRow, float]]) -> None:
    """Draw one square per estimable study (hollow ones with a white face), all in a single collection."""
    rows = [(r, y) for r, y in rows if r.yi is not None]
    if not rows:
        return
    max_weight = max((r.weight_percent or 0.0 for r, _ in rows), default=0.0)
    xs = [axis.to_display(r.yi) for r, _ in rows if r.yi is not None]
    ys = [y for _, y in rows]
    sizes = [square_side(r.weight_percent, max_weight) ** 2 for r, _ in rows]
    faces = ["white" if r.hollow else STUDY_COLOUR for r, _ in rows]
    ax.scatter(
        xs,
        ys,
        s=sizes,
        marker="s",
        c=faces,
        edgecolors=STUDY_COLOUR,
        linewidths=LINE_WIDTH,
        zorder=3,
        gid=SQUARES_GID,
        clip_on=True,
    )


def draw_diamond(ax: Axes, axis: EffectAxis, pooled: ForestPooled, y: float) -> None:
    """Draw a pooled estimate as a black diamond spanning its CI."""
    lower, upper = axis.to_display(pooled.ci_lower), axis.to_display(pooled.ci_upper)
    centre = axis.to_display(pooled.estimate)
    half = DIAMOND_HEIGHT / 2
    corners = [(lower, y), (centre, y - half), (upper, y), (centre, y + half)]
    ax.add_patch(Polygon(corners, closed=True, facecolor="black", edgecolor="black", lw=0.5, zorder=3, gid=DIAMOND_GID))


def style_effect_axis(ax: Axes, axis: EffectAxis, data: ForestPlotData) -> None:
    """Set the scale, ticks and no-effect line of the plot axes and write the "Favours" labels."""
    if axis.log_scale:
        ax.set_xscale("log")
    ax.set_xlim(axis.lower, axis.upper)
    ax.set_xticks(list(axis.ticks), labels=[format_tick(t) for t in axis.ticks])
    ax.xaxis.set_minor_locator(NullLocator())
    for label in ax.get_xticklabels():
        label.set_fontproperties(font())
    ax.tick_params(axis="x", length=3, width=LINE_WIDTH, pad=2)
    ax.yaxis.set_visible(False)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_linewidth(LINE_WIDTH)
    ax.patch.set_visible(False)
    null = 1.0 if axis.log_scale else 0.0
    ax.axvline(null, color=LINE_COLOUR, lw=LINE_WIDTH * 0.75, zorder=1)
    below = -(FONT_SIZE * 2.4)
    for text, offset, align in ((data.favours_left, -4.0, "right"), (data.favours_right, 4.0, "left")):
        ax.annotate(
            text,
            xy=(null, 0.0),
            xycoords=("data", "axes fraction"),
            xytext=(offset, below),
            textcoords="offset points",
            ha=align,
            va="top",
            fontproperties=font(),
            parse_math=False,
            annotation_clip=False,
        )
