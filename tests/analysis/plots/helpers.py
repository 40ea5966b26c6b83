"""Small readers of rendered figures shared by the plot tests."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np
from matplotlib.collections import Collection
from matplotlib.figure import Figure

from analysis.plots.export import save_figure

SVG_NS = "{http://www.w3.org/2000/svg}"


def svg_root(figure: Figure) -> ET.Element:
    """Render ``figure`` to SVG and return the parsed XML root (fails if the SVG is not valid XML)."""
    buffer = io.BytesIO()
    save_figure(figure, buffer, "svg")
    return ET.fromstring(buffer.getvalue())


def svg_texts(figure: Figure) -> list[str]:
    """Return the content of every <text> element of the figure's SVG, in document order."""
    return ["".join(node.itertext()) for node in svg_root(figure).iter(f"{SVG_NS}text")]


def collection_by_gid(figure: Figure, gid: str) -> Collection:
    """Return the one collection of ``figure`` with this gid."""
    found = [c for ax in figure.axes for c in ax.collections if c.get_gid() == gid]
    assert len(found) == 1, f"expected one collection {gid!r}, found {len(found)}"
    return found[0]


def hollow_marker_count(figure: Figure) -> int:
    """Return how many markers in ``figure`` have a fully transparent face (open circles)."""
    count = 0
    for ax in figure.axes:
        for collection in ax.collections:
            faces = np.asarray(collection.get_facecolors())
            offsets = np.asarray(collection.get_offsets())
            if len(offsets) and (faces.size == 0 or bool(np.all(faces[:, 3] == 0))):
                count += len(offsets)
    return count
