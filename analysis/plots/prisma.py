"""PRISMA 2020 flow diagram (Page et al., BMJ 2021;372:n71) drawn from a dict of box counts.

Layout follows the official templates: phase bars on the left (Identification, Screening, Included),
a column per source of records, main boxes stacked with down arrows, each exclusion box to the right
of its main box. Units are inches from the top-left corner on one full-figure axes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

from analysis.plots.prisma_boxes import FOOTNOTES, TEMPLATES, box_texts, infer_template, read_counts
from analysis.plots.text import FONT_SIZE, POINTS_PER_INCH, put_text, quiet_missing_glyphs, wrap_to_width

BOX_WIDTH = 2.1
SIDE_GAP = 0.5
COLUMN_GAP = 0.4
PHASE_BAR = 0.26
MARGIN = 0.15
HEADER_HEIGHT = 0.34
SLOT_GAP = 0.32
PADDING = 0.07
LINE_SPACING = 1.25
LINE = FONT_SIZE * 1.2 * LINE_SPACING / POINTS_PER_INCH
FOOTNOTE_SIZE = FONT_SIZE - 1.5
GOLD, GREY, BLUE = "#f6c04f", "#dcdcdc", "#c5d5ee"
SLOTS = ("identification", "screened", "sought", "assessed", "included", "total")
_SLOT_OF = {
    "box_previous": "identification",
    "box_identified_dbr": "identification",
    "box_removed_before_screening": "identification",
    "box_identified_other": "identification",
    "box_screened": "screened",
    "box_records_excluded": "screened",
    "box_sought_dbr": "sought",
    "box_not_retrieved_dbr": "sought",
    "box_sought_other": "sought",
    "box_not_retrieved_other": "sought",
    "box_assessed_dbr": "assessed",
    "box_excluded_dbr": "assessed",
    "box_assessed_other": "assessed",
    "box_excluded_other": "assessed",
    "box_included_new": "included",
    "box_included_total": "total",
}
_GREY_BOXES = frozenset({"box_previous", "box_included_total"})
PHASES = (
    ("Identification", ("identification",)),
    ("Screening", ("screened", "sought", "assessed")),
    ("Included", ("included", "total")),
)


@dataclass(frozen=True)
class Box:
    """A placed box: left edge, vertical centre and size (inches) and its wrapped lines."""

    left: float
    centre: float
    height: float
    lines: tuple[str, ...]

    @property
    def top(self) -> float:
        return self.centre - self.height / 2

    @property
    def bottom(self) -> float:
        return self.centre + self.height / 2

    @property
    def right(self) -> float:
        return self.left + BOX_WIDTH

    @property
    def middle(self) -> float:
        return self.left + BOX_WIDTH / 2


def column_lefts(template: str) -> dict[str, float]:
    """Return the left edge (inches) of each column of ``template``, keyed previous, dbr, dbr_side, ..."""
    x = MARGIN + PHASE_BAR + 0.15
    lefts: dict[str, float] = {}
    if template.startswith("updated"):
        lefts["previous"] = x
        x += BOX_WIDTH + COLUMN_GAP
    lefts["dbr"], lefts["dbr_side"] = x, x + BOX_WIDTH + SIDE_GAP
    x = lefts["dbr_side"] + BOX_WIDTH + COLUMN_GAP
    if template.endswith("_other"):
        lefts["other"], lefts["other_side"] = x, x + BOX_WIDTH + SIDE_GAP
    return lefts


def _column_of(box_id: str) -> str:
    if box_id == "box_previous":
        return "previous"
    side = box_id in {"box_removed_before_screening", "box_records_excluded"} or "not_retrieved" in box_id
    side = side or box_id.startswith("box_excluded")
    source = "other" if box_id.endswith("_other") else "dbr"
    return f"{source}_side" if side else source


def _wrap(text: str) -> list[str]:
    """Return the lines of a box's text; a count such as "(n = 402)" is never split across lines."""
    glued = text.replace("(n = ", "(n\u00a0=\u00a0")
    return [line.replace("\u00a0", " ") for line in wrap_to_width(glued, BOX_WIDTH - 2 * PADDING)]


def place_boxes(texts: Mapping[str, str], template: str) -> dict[str, Box]:
    """Return every box of the template placed in its column and slot (slots sized by their tallest box)."""
    lefts = column_lefts(template)
    wrapped = {k: _wrap(v) for k, v in texts.items() if k.startswith("box_")}
    y = MARGIN + HEADER_HEIGHT + 0.25
    boxes: dict[str, Box] = {}
    for slot in SLOTS:
        members = [k for k in wrapped if _SLOT_OF[k] == slot]
        if not members:
            continue
        height = max(len(wrapped[k]) * LINE + 2 * PADDING for k in members)
        for key in members:
            own = len(wrapped[key]) * LINE + 2 * PADDING
            boxes[key] = Box(lefts[_column_of(key)], y + height / 2, own, tuple(wrapped[key]))
        y += height + SLOT_GAP
    return boxes


def _arrow(ax: Axes, points: list[tuple[float, float]]) -> None:
    """Draw a polyline through ``points`` ending in an arrowhead."""
    for start, end in zip(points[:-2], points[1:-1], strict=True):
        ax.plot([start[0], end[0]], [start[1], end[1]], color="black", lw=0.8, solid_capstyle="butt")
    ax.annotate(
        "",
        xy=points[-1],
        xytext=points[-2],
        arrowprops={
            "arrowstyle": "-|>",
            "color": "black",
            "lw": 0.8,
            "shrinkA": 0,
            "shrinkB": 0,
            "mutation_scale": 9,
        },
    )


def _draw_arrows(ax: Axes, boxes: Mapping[str, Box]) -> None:
    chains = (
        ("box_identified_dbr", "box_screened", "box_sought_dbr", "box_assessed_dbr", "box_included_new"),
        ("box_identified_other", "box_sought_other", "box_assessed_other"),
        ("box_included_new", "box_included_total"),
    )
    for chain in chains:
        present = [boxes[k] for k in chain if k in boxes]
        for upper, lower in zip(present, present[1:], strict=False):
            _arrow(ax, [(upper.middle, upper.bottom), (upper.middle, lower.top)])
    for main, side in (
        ("box_identified_dbr", "box_removed_before_screening"),
        ("box_screened", "box_records_excluded"),
        ("box_sought_dbr", "box_not_retrieved_dbr"),
        ("box_assessed_dbr", "box_excluded_dbr"),
        ("box_sought_other", "box_not_retrieved_other"),
        ("box_assessed_other", "box_excluded_other"),
    ):
        if main in boxes and side in boxes:
            _arrow(ax, [(boxes[main].right, boxes[main].centre), (boxes[side].left, boxes[main].centre)])
    new = boxes["box_included_new"]
    if "box_assessed_other" in boxes:
        other = boxes["box_assessed_other"]
        _arrow(ax, [(other.middle, other.bottom), (other.middle, new.centre), (new.right, new.centre)])
    if "box_previous" in boxes and "box_included_total" in boxes:
        previous, total = boxes["box_previous"], boxes["box_included_total"]
        _arrow(
            ax,
            [(previous.middle, previous.bottom), (previous.middle, total.centre), (total.left, total.centre)],
        )


def _draw_box(ax: Axes, key: str, box: Box) -> None:
    grey = key in _GREY_BOXES or key.endswith("_other")
    ax.add_patch(
        Rectangle(
            (box.left, box.top),
            BOX_WIDTH,
            box.height,
            facecolor=GREY if grey else "white",
            edgecolor="none" if grey else "black",
            lw=0.8,
            gid=key,
        )
    )
    put_text(
        ax,
        box.middle,
        box.centre,
        "\n".join(box.lines),
        ha="center",
        va="center",
        multialignment="center",
        linespacing=LINE_SPACING,
    )


def _rounded(ax: Axes, left: float, top: float, width: float, height: float, colour: str) -> None:
    radius = min(width, height) * 0.35
    ax.add_patch(
        FancyBboxPatch(
            (left + radius, top + radius),
            width - 2 * radius,
            height - 2 * radius,
            boxstyle=f"round,pad={radius}",
            facecolor=colour,
            edgecolor="none",
        )
    )


def _draw_headers(ax: Axes, texts: Mapping[str, str], template: str) -> None:
    lefts = column_lefts(template)
    spans = {
        "hdr_previous": ("previous", "previous", GREY),
        "hdr_dbr": ("dbr", "dbr_side", GOLD),
        "hdr_other": ("other", "other_side", GREY),
    }
    for key, (first, last, colour) in spans.items():
        if key in texts:
            width = lefts[last] + BOX_WIDTH - lefts[first]
            _rounded(ax, lefts[first], MARGIN, width, HEADER_HEIGHT, colour)
            put_text(ax, lefts[first] + width / 2, MARGIN + HEADER_HEIGHT / 2, texts[key], ha="center", va="center")


def _draw_phases(ax: Axes, boxes: Mapping[str, Box]) -> None:
    for label, slots in PHASES:
        members = [b for k, b in boxes.items() if _SLOT_OF[k] in slots]
        if not members:
            continue
        top, bottom = min(b.top for b in members), max(b.bottom for b in members)
        _rounded(ax, MARGIN, top, PHASE_BAR, bottom - top, BLUE)
        put_text(ax, MARGIN + PHASE_BAR / 2, (top + bottom) / 2, label, rotation=90, ha="center", va="center")


FOOTNOTE_LINE = FOOTNOTE_SIZE * 1.2 * LINE_SPACING / POINTS_PER_INCH
FOOTNOTE_GAP = 0.04


def _footnote_blocks(width: float) -> list[list[str]]:
    return [wrap_to_width(note, width, FOOTNOTE_SIZE) for note in FOOTNOTES]


def footnotes_height(width: float) -> float:
    """Return the height (inches) the footnotes take when wrapped to ``width``."""
    return sum(len(lines) * FOOTNOTE_LINE + FOOTNOTE_GAP for lines in _footnote_blocks(width))


def _draw_footnotes(ax: Axes, top: float, width: float) -> None:
    y = top
    for lines in _footnote_blocks(width):
        put_text(ax, MARGIN, y, "\n".join(lines), size=FOOTNOTE_SIZE, ha="left", va="top", linespacing=LINE_SPACING)
        y += len(lines) * FOOTNOTE_LINE + FOOTNOTE_GAP


def prisma_flow_diagram(counts: Mapping[str, object], *, template: str | None = None, footnotes: bool = True) -> Figure:
    """Return a PRISMA 2020 flow diagram of ``counts`` (keys as in prisma2020_fields.json) as a new Figure.

    ``template`` is one of new_dbr, new_dbr_other, updated_dbr, updated_dbr_other; by default it is
    inferred from which fields are given. Missing counts are shown as "(n = –)".
    """
    template = template or infer_template(counts)
    if template not in TEMPLATES:
        raise ValueError(f"unknown PRISMA template {template!r}; choose one of {', '.join(TEMPLATES)}")
    with quiet_missing_glyphs():
        texts = box_texts(read_counts(counts), template)
        boxes = place_boxes(texts, template)
    width = max(b.right for b in boxes.values()) + MARGIN
    body_bottom = max(b.bottom for b in boxes.values()) + 0.2
    with quiet_missing_glyphs():
        footer = body_bottom + (footnotes_height(width - 2 * MARGIN) if footnotes else 0.0)
    figure = Figure(figsize=(width, footer + MARGIN))
    ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0.0, width)
    ax.set_ylim(footer + MARGIN, 0.0)
    ax.set_axis_off()
    ax.patch.set_visible(False)
    _draw_headers(ax, texts, template)
    _draw_phases(ax, boxes)
    for key, box in boxes.items():
        _draw_box(ax, key, box)
    _draw_arrows(ax, boxes)
    if footnotes:
        _draw_footnotes(ax, body_bottom, width - 2 * MARGIN)
    return figure
