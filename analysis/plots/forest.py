"""RevMan-style forest plot: study rows with arm data, weights, estimates and CIs, subgroups and totals."""

from __future__ import annotations

from dataclasses import replace

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis.plots.data import ForestPlotData, ForestStudyRow
from analysis.plots.forest_axis import choose_axis
from analysis.plots.forest_columns import ForestGeometry, compute_geometry, fit_label
from analysis.plots.forest_draw import (
    draw_diamond,
    draw_headers,
    draw_prediction,
    draw_row_text,
    draw_squares,
    draw_whisker,
    style_effect_axis,
)
from analysis.plots.forest_rows import LayoutRow, RowKind, build_rows
from analysis.plots.text import quiet_missing_glyphs


def _shortened(rows: list[LayoutRow]) -> list[LayoutRow]:
    """Return the rows with over-long study labels cut to the label column's maximum width."""
    return [replace(r, label=fit_label(r.label)) if r.kind is RowKind.STUDY else r for r in rows]


def _table_axes(figure: Figure, geometry: ForestGeometry) -> Axes:
    ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0.0, geometry.width)
    ax.set_ylim(geometry.height, 0.0)
    ax.set_axis_off()
    # An invisible background keeps the tight bounding box of saved files to the drawn content.
    ax.patch.set_visible(False)
    return ax


def _plot_axes(figure: Figure, geometry: ForestGeometry) -> Axes:
    """Return the axes over the plot column; its y units are the table's inches from the top."""
    plot, height, width = geometry.plot, geometry.height, geometry.width
    bottom = geometry.rows_bottom
    rect = (
        plot.left / width,
        1.0 - bottom / height,
        plot.width / width,
        (bottom - geometry.rows_top) / height,
    )
    ax = figure.add_axes(rect)
    ax.set_ylim(bottom, geometry.rows_top)
    return ax


def forest_plot(data: ForestPlotData) -> Figure:
    """Return a forest plot of ``data`` as a new Figure (not registered with pyplot).

    The figure's size follows its content: one text line per row, columns as wide as their text.
    """
    rows = _shortened(build_rows(data))
    with quiet_missing_glyphs():
        geometry = compute_geometry(rows, data)
    figure = Figure(figsize=(geometry.width, geometry.height))
    table = _table_axes(figure, geometry)
    plot = _plot_axes(figure, geometry)
    axis = choose_axis(data)
    style_effect_axis(plot, axis, data)
    draw_headers(table, geometry, data)
    squares: list[tuple[ForestStudyRow, float]] = []
    for index, row in enumerate(rows):
        y = geometry.row_y(index)
        draw_row_text(table, geometry, row, y)
        if row.study is not None and row.study.interval is not None:
            draw_whisker(plot, axis, row.study.interval, y)
            squares.append((row.study, y))
        if row.pooled is not None:
            draw_diamond(plot, axis, row.pooled, y)
        if row.prediction is not None:
            draw_prediction(plot, axis, row.prediction, y)
    draw_squares(plot, axis, squares)
    return figure
