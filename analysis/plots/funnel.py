"""Funnel plot: study estimates against their standard errors, with pseudo confidence limits.

The y axis is inverted (SE 0 at the top, as in RevMan and metafor). Studies imputed by trim-and-fill
(Duval & Tweedie, Biometrics 2000) are drawn as open circles, with the adjusted estimate as a second line.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from analysis.plots.data import FunnelData
from analysis.plots.forest_axis import format_tick
from analysis.plots.text import FONT_SIZE, font

FIGURE_SIZE = (5.0, 4.2)
MARKER_SIZE = 24.0
OBSERVED_GID = "observed-studies"
IMPUTED_GID = "imputed-studies"
REGION_COLOUR = "#e9eef5"
# Headroom below the largest SE and beside the widest point, as fractions of the data span.
Y_HEADROOM = 0.08
X_MARGIN = 0.06
_LOG_TICK_MANTISSAS = (1.0, 2.0, 5.0)


def _max_se(data: FunnelData) -> float:
    largest = max((*data.sei, *data.imputed_sei))
    return largest * (1 + Y_HEADROOM)


def _triangle(data: FunnelData, centre: float, bottom: float) -> list[tuple[float, float]]:
    """Return the pseudo-CI triangle (analysis scale) around ``centre`` down to SE ``bottom``."""
    z = NormalDist().inv_cdf(0.5 + data.level / 2)
    return [(centre, 0.0), (centre - z * bottom, bottom), (centre + z * bottom, bottom)]


def _to_display(data: FunnelData, values: list[float] | tuple[float, ...]) -> list[float]:
    return [math.exp(v) for v in values] if data.log_scale else list(values)


def _x_limits(data: FunnelData, triangle: list[tuple[float, float]]) -> tuple[float, float]:
    """Return display-scale x limits covering all points and the triangle, with a margin."""
    xs = [*data.yi, *data.imputed_yi, *(x for x, _ in triangle)]
    low, high = min(xs), max(xs)
    pad = (high - low) * X_MARGIN or 1.0
    shown = _to_display(data, [low - pad, high + pad])
    return shown[0], shown[1]


def _log_ticks(low: float, high: float) -> list[float]:
    exponents = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    ticks = [m * 10.0**e for e in exponents for m in _LOG_TICK_MANTISSAS]
    inside = [t for t in ticks if low <= t <= high]
    # With a wide range, 1-2-5 ticks crowd; keep the decades (and 1) only.
    return inside if len(inside) <= 9 else [t for t in inside if math.log10(t).is_integer()]


def _draw_region(ax: Axes, data: FunnelData, bottom: float) -> None:
    corners = _triangle(data, data.estimate, bottom)
    shown = list(zip(_to_display(data, [x for x, _ in corners]), [y for _, y in corners], strict=True))
    ax.add_patch(Polygon(shown, closed=True, facecolor=REGION_COLOUR, edgecolor="none", zorder=0))
    for corner in shown[1:]:
        ax.plot([shown[0][0], corner[0]], [0.0, corner[1]], ls="--", lw=0.8, color="0.35", zorder=1)


def _draw_points(ax: Axes, data: FunnelData) -> None:
    ax.scatter(
        _to_display(data, data.yi),
        data.sei,
        s=MARKER_SIZE,
        c="black",
        edgecolors="black",
        zorder=3,
        gid=OBSERVED_GID,
        clip_on=False,
    )
    if data.imputed_yi:
        ax.scatter(
            _to_display(data, data.imputed_yi),
            data.imputed_sei,
            s=MARKER_SIZE,
            facecolors="none",
            edgecolors="black",
            linewidths=0.9,
            zorder=3,
            gid=IMPUTED_GID,
            clip_on=False,
        )


def _draw_estimates(ax: Axes, data: FunnelData, bottom: float) -> None:
    ax.plot(_to_display(data, [data.estimate] * 2), [0.0, bottom], color="black", lw=0.9, zorder=2)
    if data.adjusted_estimate is not None:
        ax.plot(
            _to_display(data, [data.adjusted_estimate] * 2),
            [0.0, bottom],
            color="black",
            lw=0.9,
            ls=":",
            zorder=2,
        )


def _legend(figure: Figure, data: FunnelData) -> None:
    """Add the legend below the axes, where it can never hide a study."""
    percent = f"{data.level * 100:g}%"
    handles = [
        Line2D([], [], ls="none", marker="o", color="black", label="Observed studies"),
        Line2D([], [], color="black", lw=0.9, label="Pooled estimate"),
        Patch(facecolor=REGION_COLOUR, edgecolor="0.35", ls="--", label=f"Pseudo {percent} confidence limits"),
    ]
    if data.imputed_yi:
        handles.insert(1, Line2D([], [], ls="none", marker="o", mfc="none", color="black", label="Imputed studies"))
    if data.adjusted_estimate is not None:
        handles.append(Line2D([], [], color="black", lw=0.9, ls=":", label="Adjusted estimate (trim and fill)"))
    legend = figure.legend(handles=handles, loc="outside lower center", ncols=2, prop=font(FONT_SIZE - 0.5),
                           frameon=False)  # fmt: skip
    for text in legend.get_texts():
        text.set_parse_math(False)


def _style_axes(ax: Axes, data: FunnelData, bottom: float, limits: tuple[float, float]) -> None:
    if data.log_scale:
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(FixedLocator(_log_ticks(*limits)))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: format_tick(value)))
    ax.set_xlim(*limits)
    ax.set_ylim(bottom, 0.0)
    ax.set_xlabel(data.x_label, fontproperties=font(), parse_math=False)
    ax.set_ylabel(data.y_label, fontproperties=font(), parse_math=False)
    for label in (*ax.get_xticklabels(), *ax.get_yticklabels()):
        label.set_fontproperties(font())
    ax.tick_params(labelsize=FONT_SIZE)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def funnel_plot(data: FunnelData) -> Figure:
    """Return a funnel plot of ``data`` as a new Figure (not registered with pyplot)."""
    figure = Figure(figsize=FIGURE_SIZE, layout="constrained")
    ax = figure.add_subplot()
    bottom = _max_se(data)
    limits = _x_limits(data, _triangle(data, data.estimate, bottom))
    _draw_region(ax, data, bottom)
    _draw_estimates(ax, data, bottom)
    _draw_points(ax, data)
    _style_axes(ax, data, bottom, limits)
    if data.imputed_yi or data.adjusted_estimate is not None:
        _legend(figure, data)
    return figure
