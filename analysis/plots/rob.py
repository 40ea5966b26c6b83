"""Risk-of-bias figures in the style of robvis: the traffic-light grid and the summary bars.

McGuinness LA, Higgins JPT. Risk-of-bias VISualization (robvis): an R package and Shiny web app for
visualizing risk-of-bias assessments. Res Syn Meth 2021;12:55-61.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from analysis.plots.rob_data import COLOURS, SUMMARY_ORDER, SYMBOLS, Judgement, RobPlotData
from analysis.plots.text import FONT_SIZE, POINTS_PER_INCH, font, put_text, text_width_inches

CELL = 0.42
STRIP_GREY, OVERALL_GREY, GRID_GREY = "#a9a9a9", "#d3d3d3", "#bdbdbd"
MARGIN = 0.15
HEADER = 0.3
TITLE = 0.3
CIRCLE_DIAMETER = CELL * 0.72 * POINTS_PER_INCH
SYMBOL_SIZE = FONT_SIZE * 1.5
CAPTION_LINE = FONT_SIZE * 1.45 / POINTS_PER_INCH
TRAFFIC_GID = "rob-judgements"
SUMMARY_BAR_HEIGHT = 0.7


def _levels_present(data: RobPlotData) -> list[Judgement]:
    """Return the judgements used, worst first (the legend order of robvis)."""
    used = {level for row in data.grid() for level in row}
    order = (Judgement.CRITICAL, Judgement.HIGH, Judgement.SOME_CONCERNS, Judgement.LOW,
             Judgement.NO_INFORMATION, Judgement.NOT_APPLICABLE)  # fmt: skip
    return [level for level in order if level in used]


def _draw_strips(ax: Axes, data: RobPlotData, left: float, top: float, label_width: float) -> None:
    columns = data.columns()
    for index, name in enumerate(columns):
        x = left + label_width + index * CELL
        ax.add_patch(Rectangle((x, top), CELL, HEADER, facecolor=STRIP_GREY, edgecolor="black", lw=0.6))
        put_text(ax, x + CELL / 2, top + HEADER / 2, name, ha="center", va="center", size=FONT_SIZE - 0.5)
    for row, assessment in enumerate(data.assessments):
        y = top + HEADER + row * CELL
        ax.add_patch(Rectangle((left, y), label_width, CELL, facecolor=STRIP_GREY, edgecolor="black", lw=0.6))
        put_text(ax, left + label_width - 0.08, y + CELL / 2, assessment.study, ha="right", va="center")


def _draw_cells(ax: Axes, data: RobPlotData, left: float, top: float) -> None:
    grid = data.grid()
    overall_column = len(data.domains) if data.show_overall else -1
    xs, ys, colours = [], [], []
    for row, levels in enumerate(grid):
        for column, level in enumerate(levels):
            x, y = left + column * CELL, top + row * CELL
            face = OVERALL_GREY if column == overall_column else "white"
            ax.add_patch(Rectangle((x, y), CELL, CELL, facecolor=face, edgecolor=GRID_GREY, lw=0.8))
            if level is Judgement.NOT_APPLICABLE:
                continue
            xs.append(x + CELL / 2)
            ys.append(y + CELL / 2)
            colours.append(COLOURS[level])
            _symbol(ax, x + CELL / 2, y + CELL / 2, level, SYMBOL_SIZE)
    ax.scatter(xs, ys, s=CIRCLE_DIAMETER**2, c=colours, edgecolors="black", linewidths=0.6, zorder=3,
               gid=TRAFFIC_GID)  # fmt: skip


def _draw_caption_and_legend(ax: Axes, data: RobPlotData, left: float, top: float, width: float) -> None:
    """Write the domain captions (left) and the judgement legend (right), one line per CAPTION_LINE."""
    captions = ["Domains:"] + [f"D{i}: {name}." for i, name in enumerate(data.domains, 1)]
    for index, caption in enumerate(captions):
        put_text(ax, left, top + (index + 0.5) * CAPTION_LINE, caption, ha="left", va="center")
    legend_left = left + width - _legend_width(data)
    put_text(ax, legend_left, top + 0.5 * CAPTION_LINE, "Judgement", ha="left", va="center")
    for index, level in enumerate(_levels_present(data)):
        y = top + (index + 1.5) * CAPTION_LINE
        ax.scatter([legend_left + 0.08], [y], s=(CAPTION_LINE * 0.8 * POINTS_PER_INCH) ** 2, c=COLOURS[level],
                   edgecolors="black", linewidths=0.5)  # fmt: skip
        _symbol(ax, legend_left + 0.08, y, level, FONT_SIZE - 1)
        put_text(ax, legend_left + 0.22, y, data.label(level), ha="left", va="center")


def _symbol(ax: Axes, x: float, y: float, level: Judgement, size: float) -> None:
    symbol = SYMBOLS[level]
    # "×" has a smaller body than "+" or "?" at the same font size.
    scale = 1.3 if symbol == "×" else 1.0
    put_text(ax, x, y, symbol, ha="center", va="center", size=size * scale, bold=True, zorder=4)


def _legend_width(data: RobPlotData) -> float:
    return 0.3 + max(text_width_inches(data.label(level)) for level in _levels_present(data))


def _caption_width(data: RobPlotData) -> float:
    return max(text_width_inches(f"D{i}: {name}.") for i, name in enumerate(data.domains, 1))


def traffic_light_plot(data: RobPlotData) -> Figure:
    """Return the robvis-style traffic-light grid (studies by domains, plus Overall) as a new Figure."""
    label_width = max(text_width_inches(a.study) for a in data.assessments) + 0.2
    left = MARGIN + 0.3  # room for the rotated "Study" title
    grid_width = label_width + len(data.columns()) * CELL
    below = MARGIN + TITLE + HEADER + len(data.assessments) * CELL + 0.15
    legend_rows = max(len(data.domains), len(_levels_present(data))) + 1
    width = left + max(grid_width, _caption_width(data) + 0.3 + _legend_width(data)) + MARGIN
    height = below + legend_rows * CAPTION_LINE + 0.2 + MARGIN
    figure = Figure(figsize=(width, height))
    ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0.0, width)
    ax.set_ylim(height, 0.0)
    ax.set_axis_off()
    ax.patch.set_visible(False)
    top = MARGIN + TITLE
    domains_centre = left + label_width + len(data.columns()) * CELL / 2
    put_text(
        ax, domains_centre, MARGIN + TITLE / 2, "Risk of bias domains", ha="center", va="center", size=FONT_SIZE + 1
    )
    put_text(ax, MARGIN + 0.12, top + HEADER + len(data.assessments) * CELL / 2, "Study", rotation=90,
             ha="center", va="center", size=FONT_SIZE + 1)  # fmt: skip
    _draw_strips(ax, data, left, top, label_width)
    _draw_cells(ax, data, left + label_width, top + HEADER)
    _draw_caption_and_legend(ax, data, left, below, width - left - MARGIN)
    return figure


def summary_shares(data: RobPlotData, weighted: bool) -> list[dict[Judgement, float]]:
    """Return, per domain (and Overall), the percentage of studies (or of weight) at each judgement."""
    grid = data.grid()
    weights = [a.weight if weighted else 1.0 for a in data.assessments]
    total = sum(weights)
    if total <= 0:
        raise ValueError("the study weights sum to zero; a weighted summary needs positive weights")
    shares = []
    for column in range(len(data.columns())):
        share = dict.fromkeys(SUMMARY_ORDER, 0.0)
        for levels, weight in zip(grid, weights, strict=True):
            share[levels[column]] += 100.0 * weight / total
        shares.append(share)
    return shares


def rob_summary_plot(data: RobPlotData, *, weighted: bool = False) -> Figure:
    """Return the robvis-style summary: one 100% stacked bar per domain (Overall last, bold)."""
    names = list(data.domains) + (["Overall risk of bias"] if data.show_overall else [])
    label_width = max(text_width_inches(n, bold=True) for n in names)
    figure = Figure(figsize=(label_width + 5.0, 0.45 * len(names) + 1.0), layout="constrained")
    ax = figure.add_subplot()
    shares = summary_shares(data, weighted)
    used = [level for level in SUMMARY_ORDER if any(s[level] > 0 for s in shares)]
    positions = list(range(len(names)))[::-1]  # first domain at the top
    for level in used:
        starts = [sum(s[earlier] for earlier in SUMMARY_ORDER[: SUMMARY_ORDER.index(level)]) for s in shares]
        ax.barh(positions, [s[level] for s in shares], left=starts, height=SUMMARY_BAR_HEIGHT,
                color=COLOURS[level], edgecolor="black", lw=0.8, label=data.label(level))  # fmt: skip
    ax.set_yticks(positions, labels=["" for _ in names])
    for y, name in zip(positions, names, strict=True):
        bold = data.show_overall and name == names[-1]
        put_text(ax, -2.0, y, name, ha="right", va="center", bold=bold, transform=ax.transData, clip_on=False)
    _style_summary_axes(ax)
    handles = [Patch(facecolor=COLOURS[level], edgecolor="black", label=data.label(level)) for level in used]
    legend = figure.legend(handles=handles, loc="outside lower center", ncols=len(handles), prop=font(),
                           frameon=True, edgecolor="black", fancybox=False)  # fmt: skip
    for text in legend.get_texts():
        text.set_parse_math(False)
    return figure


def _style_summary_axes(ax: Axes) -> None:
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 25, 50, 75, 100], labels=["0%", "25%", "50%", "75%", "100%"])
    for label in ax.get_xticklabels():
        label.set_fontproperties(font())
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
