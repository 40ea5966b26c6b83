"""Writing figures to SVG, PNG or PDF with settings suited to publication and to tests."""

from __future__ import annotations

import os
from typing import IO, Final

import matplotlib
from matplotlib.figure import Figure

from analysis.plots.text import quiet_missing_glyphs

FORMATS: Final = ("svg", "png", "pdf")
PNG_DPI = 300
SAVE_PADDING_INCHES = 0.05


def save_figure(figure: Figure, target: str | os.PathLike[str] | IO[bytes], fmt: str) -> None:
    """Write ``figure`` to a path or binary file object as ``fmt`` ("svg", "png" or "pdf").

    Output is reproducible: no creation date is written and SVG ids use a fixed salt. The bounding
    box is tightened so that text running past the planned layout is never clipped.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unsupported figure format {fmt!r}; choose one of {', '.join(FORMATS)}")
    metadata: dict[str, str | None] = {"Date": None} if fmt == "svg" else {}
    if fmt == "pdf":
        metadata = {"CreationDate": None, "ModDate": None}
    rc = matplotlib.rc_context(
        {
            # Keep text as text: SVG stays searchable and editable, and tests can find the study labels.
            "svg.fonttype": "none",
            # TrueType (Type 42) fonts keep PDF text selectable, unlike the default Type 3 outlines.
            "pdf.fonttype": 42,
            "svg.hashsalt": "revman-next",
        }
    )
    with rc, quiet_missing_glyphs():
        figure.savefig(
            target,
            format=fmt,
            dpi=PNG_DPI,
            metadata=metadata,
            bbox_inches="tight",
            pad_inches=SAVE_PADDING_INCHES,
            facecolor="white",
        )
