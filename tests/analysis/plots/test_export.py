"""save_figure: each format is produced and is a valid file of that format."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from analysis.plots.data import ForestGroup, ForestPlotData, ForestStudyRow
from analysis.plots.export import save_figure
from analysis.plots.forest import forest_plot
from analysis.plots.funnel import funnel_plot
from tests.analysis.plots import examples

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    save_figure(forest_plot(examples.bcg_forest()), buffer, fmt)
    return buffer.getvalue()


def test_png_has_the_png_signature() -> None:
    assert _bytes("png").startswith(PNG_SIGNATURE)


def test_pdf_has_the_pdf_header_and_trailer() -> None:
    content = _bytes("pdf")
    assert content.startswith(b"%PDF")
    assert content.rstrip().endswith(b"%%EOF")


def test_svg_is_xml_with_text_kept_as_text() -> None:
    root = ET.fromstring(_bytes("svg"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "Stein & Aronson, 1953" in ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_output_is_reproducible() -> None:
    """No dates or random ids: the same figure gives the same bytes (diff-friendly exports)."""

    def render(fmt: str) -> bytes:
        buffer = io.BytesIO()
        save_figure(funnel_plot(examples.bcg_funnel()), buffer, fmt)
        return buffer.getvalue()

    assert render("svg") == render("svg")
    assert render("pdf") == render("pdf")


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf", "PNG"])
def test_writes_to_a_path(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"funnel.{fmt.lower()}"
    save_figure(funnel_plot(examples.bcg_funnel()), target, fmt)
    assert target.stat().st_size > 1000


def test_chinese_text_survives_pdf_export() -> None:
    row = ForestStudyRow("王小明 2019", 0.1, -0.2, 0.4, 100.0)
    figure = forest_plot(ForestPlotData(measure="MD", log_scale=False, groups=(ForestGroup("", (row,)),)))
    buffer = io.BytesIO()
    save_figure(figure, buffer, "pdf")
    assert buffer.getvalue().startswith(b"%PDF")


def test_unknown_format_is_rejected() -> None:
    with pytest.raises(ValueError, match="unsupported figure format 'jpg'"):
        save_figure(funnel_plot(examples.bcg_funnel()), io.BytesIO(), "jpg")
