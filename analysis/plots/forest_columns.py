"""Column and row geometry of a forest plot, in inches measured from the top-left corner.

Column widths come from the measured width of their widest text, so a figure grows with its
content instead of clipping it; the plot column has a fixed width that also fits the "Favours" labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.plots.data import ForestPlotData
from analysis.plots.forest_rows import LayoutRow, RowKind
from analysis.plots.text import FONT_SIZE, POINTS_PER_INCH, text_width_inches

ROW_HEIGHT = FONT_SIZE * 1.6 / POINTS_PER_INCH
COLUMN_GAP = 0.14
MARGIN = 0.12
HEADER_ROWS = 2
PLOT_WIDTH = 2.4
# Room under the last row for the tick marks, tick labels and the two "Favours" labels.
AXIS_BLOCK = 0.42
MAX_LABEL_WIDTH = 3.2
ELLIPSIS = "…"


@dataclass(frozen=True)
class Column:
    """A column's left edge and width (inches) and how its text is aligned."""

    left: float
    width: float
    align: str = "center"

    @property
    def anchor(self) -> float:
        """Return the x at which text of this column is anchored."""
        offsets = {"left": 0.0, "center": self.width / 2, "right": self.width}
        return self.left + offsets[self.align]

    @property
    def right(self) -> float:
        """Return the x of the column's right edge."""
        return self.left + self.width


@dataclass(frozen=True)
class ForestGeometry:
    """Where everything goes: columns, figure size and the y of each row (inches from the top)."""

    label: Column
    cells: tuple[Column, ...]
    weight: Column | None
    ci_text: Column
    plot: Column
    width: float
    height: float
    row_count: int

    def header_y(self, index: int) -> float:
        """Return the centre y of header line ``index`` (0 = top)."""
        return MARGIN + (index + 0.5) * ROW_HEIGHT

    @property
    def rows_top(self) -> float:
        """Return the y of the rule under the headers, where the body starts."""
        return MARGIN + HEADER_ROWS * ROW_HEIGHT + ROW_HEIGHT * 0.25

    def row_y(self, index: int) -> float:
        """Return the centre y of body row ``index``."""
        return self.rows_top + (index + 0.5) * ROW_HEIGHT

    @property
    def rows_bottom(self) -> float:
        """Return the y where the body ends and the effect axis is drawn."""
        return self.rows_top + max(self.row_count, 1) * ROW_HEIGHT + ROW_HEIGHT * 0.25


def fit_label(text: str, max_width: float = MAX_LABEL_WIDTH) -> str:
    """Return ``text`` shortened with an ellipsis so that it is at most ``max_width`` inches wide."""
    if text_width_inches(text) <= max_width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width_inches(text[:middle] + ELLIPSIS) <= max_width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def _widest(texts: list[str], bold: bool = False) -> float:
    return max((text_width_inches(t, bold=bold) for t in texts if t), default=0.0)


def _label_width(rows: list[LayoutRow], data: ForestPlotData) -> float:
    plain = [r.label for r in rows if r.kind in (RowKind.STUDY, RowKind.EVENTS, RowKind.PREDICTION)]
    bold = [r.label for r in rows if r.kind is RowKind.POOLED] + [data.study_header]
    return max(_widest(plain), _widest(bold, bold=True))


def _cell_widths(rows: list[LayoutRow], data: ForestPlotData) -> list[float]:
    count = len(data.cell_headers)
    per_arm = count // len(data.arm_titles) if data.arm_titles and count else 0
    widths = []
    for index, header in enumerate(data.cell_headers):
        texts = [r.cells[index] for r in rows if len(r.cells) > index]
        width = max(_widest(texts, bold=True), text_width_inches(header, bold=True))
        if per_arm:
            width = max(width, text_width_inches(data.arm_titles[index // per_arm], bold=True) / per_arm)
        widths.append(width)
    return widths


def _spanning_width(rows: list[LayoutRow]) -> float:
    """Return the width of the lines drawn across the text columns (headings and summary notes)."""
    titles = _widest([r.label for r in rows if r.kind is RowKind.GROUP_TITLE], bold=True)
    return max(titles, _widest([r.label for r in rows if r.kind is RowKind.NOTE]))


def _effect_titles(data: ForestPlotData) -> list[str]:
    return [data.title(), data.effect_model]


def compute_geometry(rows: list[LayoutRow], data: ForestPlotData, min_label_width: float = 0.0) -> ForestGeometry:
    """Return the geometry fitting ``rows`` (labels already shortened with :func:`fit_label`)."""
    x = MARGIN
    label = Column(x, max(_label_width(rows, data), min_label_width), "left")
    x = label.right + COLUMN_GAP
    cells = []
    for width in _cell_widths(rows, data):
        cells.append(Column(x, width, "right"))
        x += width + COLUMN_GAP
    weight = None
    if data.show_weights:
        weight = Column(x, max(_widest([r.weight for r in rows]), text_width_inches("Weight", bold=True)), "right")
        x = weight.right + COLUMN_GAP
    ci_width = max(_widest([r.ci_text for r in rows], bold=True), _widest(_effect_titles(data), bold=True))
    ci_text = Column(x, ci_width, "center")
    # Headings and notes run across the text columns; widen the label column if they would reach the plot.
    shortfall = MARGIN + _spanning_width(rows) - (ci_text.right + COLUMN_GAP)
    if shortfall > 0:
        return compute_geometry(rows, data, label.width + shortfall)
    favours = max(text_width_inches(data.favours_left), text_width_inches(data.favours_right))
    plot_width = max(PLOT_WIDTH, 2 * favours + 0.3, _widest(_effect_titles(data), bold=True))
    plot = Column(ci_text.right + COLUMN_GAP, plot_width, "center")
    return _finish(label, tuple(cells), weight, ci_text, plot, len(rows))


def _finish(
    label: Column,
    cells: tuple[Column, ...],
    weight: Column | None,
    ci_text: Column,
    plot: Column,
    row_count: int,
) -> ForestGeometry:
    height = MARGIN + HEADER_ROWS * ROW_HEIGHT + (max(row_count, 1) + 0.5) * ROW_HEIGHT + AXIS_BLOCK + MARGIN
    return ForestGeometry(label, cells, weight, ci_text, plot, plot.right + MARGIN, height, row_count)
