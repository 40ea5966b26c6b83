"""Forest plot: rows, squares, diamonds, axis, text and awkward inputs.

The BCG inputs are dat.bcg (metadat) analysed as in meta_cases.json case bcg_rr_iv_dl, whose
metafor/Stata values are RR 0.49 [0.34, 0.70] (exp of -0.7141 [-1.0644, -0.3638]).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon

from analysis.plots import text as text_module
from analysis.plots.data import ForestGroup, ForestPlotData, ForestPooled, ForestStudyRow
from analysis.plots.forest import forest_plot
from analysis.plots.forest_draw import DIAMOND_GID, MIN_SQUARE_SIDE, PREDICTION_GID, SQUARES_GID
from tests.analysis.plots import examples
from tests.analysis.plots.helpers import collection_by_gid, svg_texts


def _plot_axes(figure: Figure):  # type: ignore[no-untyped-def]
    return figure.axes[1]


def _one_group(rows: tuple[ForestStudyRow, ...], **options: object) -> ForestPlotData:
    return ForestPlotData(measure="MD", log_scale=False, groups=(ForestGroup("", rows),), **options)  # type: ignore[arg-type]


def test_one_square_per_study() -> None:
    data = examples.bcg_forest(subgroups=True)
    squares = collection_by_gid(forest_plot(data), SQUARES_GID)
    assert len(squares.get_offsets()) == 13


def test_square_areas_are_proportional_to_weights() -> None:
    data = examples.bcg_forest(subgroups=False)
    weights = np.array([row.weight_percent for row in data.all_rows()], dtype=float)
    sizes = collection_by_gid(forest_plot(data), SQUARES_GID).get_sizes()
    assert np.all(sizes > MIN_SQUARE_SIDE**2), "no BCG weight should hit the minimum square"
    np.testing.assert_allclose(sizes / weights, sizes[0] / weights[0], rtol=1e-9)


def test_one_diamond_per_pooled_estimate() -> None:
    figure = forest_plot(examples.bcg_forest(subgroups=True))
    diamonds = [p for p in _plot_axes(figure).patches if isinstance(p, Polygon) and p.get_gid() == DIAMOND_GID]
    assert len(diamonds) == 3  # two subtotals and the total


def test_total_diamond_spans_the_back_transformed_ci() -> None:
    figure = forest_plot(examples.bcg_forest(subgroups=False))
    (diamond,) = [p for p in _plot_axes(figure).patches if p.get_gid() == DIAMOND_GID]
    xs = diamond.get_xy()[:, 0]
    assert xs.min() == pytest.approx(0.3449, abs=5e-4)
    assert xs.max() == pytest.approx(0.6950, abs=5e-4)


def test_ratio_measures_use_a_log_axis_centred_on_one() -> None:
    ax = _plot_axes(forest_plot(examples.bcg_forest()))
    assert ax.get_xscale() == "log"
    low, high = ax.get_xlim()
    assert low * high == pytest.approx(1.0)
    assert 1.0 in list(ax.get_xticks())


def test_difference_measures_use_a_linear_axis_centred_on_zero() -> None:
    ax = _plot_axes(forest_plot(examples.vk2_lumbar_forest()))
    assert ax.get_xscale() == "linear"
    low, high = ax.get_xlim()
    assert low == -high


def test_svg_has_labels_numbers_and_summary_lines_as_text() -> None:
    texts = svg_texts(forest_plot(examples.bcg_forest(subgroups=True)))
    for expected in (
        "Aronson, 1948",
        "Comstock et al, 1976",
        "1.1.1 Random allocation",
        "Subtotal (95% CI)",
        "0.49 [0.34, 0.70]",
        "Heterogeneity: Tau² = 0.31; Chi² = 152.23, df = 12 (P < 0.00001); I² = 92%",
        "Test for overall effect: Z = 4.00 (P < 0.0001)",
        "Favours BCG",
        "Weight",
    ):
        assert expected in texts
    assert any(t.startswith("Test for subgroup differences: Chi² = ") for t in texts)


@pytest.mark.parametrize("label", ["$x$", "a_b^c", r"$\alpha$ 2001"])
def test_user_text_is_drawn_literally(label: str) -> None:
    row = ForestStudyRow(label, 0.1, -0.2, 0.4, 100.0)
    data = _one_group((row,), favours_left="$left$", favours_right="Favours_b^2")
    texts = svg_texts(forest_plot(data))
    assert label in texts
    assert "$left$" in texts
    assert "Favours_b^2" in texts


def test_chinese_labels_render_without_warnings() -> None:
    data = examples.synthetic_many_studies()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        texts = svg_texts(forest_plot(data))
    assert "王小明 2019（中文）" in texts


def test_chinese_labels_without_a_cjk_font_do_not_warn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_module, "font_families", lambda: (text_module.BASE_FAMILY,))
    row = ForestStudyRow("张三 2020", 0.1, -0.2, 0.4, 100.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        texts = svg_texts(forest_plot(_one_group((row,))))
    assert "张三 2020" in texts


def test_a_very_long_label_is_shortened_with_an_ellipsis() -> None:
    long_label = "An extremely long study label " * 10
    figure = forest_plot(_one_group((ForestStudyRow(long_label, 0.1, -0.2, 0.4, 100.0),)))
    shown = [t for t in svg_texts(figure) if t.startswith("An extremely")]
    assert len(shown) == 1 and shown[0].endswith("…") and len(shown[0]) < len(long_label)
    assert figure.get_figwidth() < 12


def test_an_empty_subgroup_keeps_its_heading() -> None:
    base = examples.bcg_forest(subgroups=True)
    data = ForestPlotData(**{**base.__dict__, "groups": (*base.groups, ForestGroup("1.1.3 Not reported", ()))})
    figure = forest_plot(data)
    assert "1.1.3 Not reported" in svg_texts(figure)
    assert len(collection_by_gid(figure, SQUARES_GID).get_offsets()) == 13


def test_a_single_study_plots() -> None:
    row = ForestStudyRow("Only trial 2001", math.log(0.5), math.log(0.3), math.log(0.9), 100.0, ("3", "50", "6", "50"))
    total = ForestPooled(
        "Total (95% CI)",
        row.yi,
        row.ci_lower,
        row.ci_upper,
        100.0,
        heterogeneity_text="Heterogeneity: Not applicable",
    )
    data = ForestPlotData(
        measure="OR",
        log_scale=True,
        groups=(ForestGroup("", (row,)),),
        overall=total,
        cell_headers=("Events", "Total", "Events", "Total"),
    )
    figure = forest_plot(data)
    assert len(collection_by_gid(figure, SQUARES_GID).get_offsets()) == 1
    assert "0.50 [0.30, 0.90]" in svg_texts(figure)


def test_ci_running_off_the_axis_gets_an_arrow() -> None:
    rows = (
        ForestStudyRow("Wide 1990", 0.5, -30.0, 31.0, 40.0),
        ForestStudyRow("Narrow 1995", 0.2, -0.1, 0.5, 60.0),
    )
    figure = forest_plot(_one_group(rows, axis_limits=(-2.0, 2.0)))
    arrows = [line for line in _plot_axes(figure).lines if isinstance(line, Line2D) and line.get_gid() == "arrow"]
    assert sorted(str(a.get_marker()) for a in arrows) == ["<", ">"]


def test_height_grows_with_the_number_of_rows() -> None:
    small = forest_plot(examples.bcg_forest(subgroups=False)).get_figheight()
    large = forest_plot(examples.synthetic_many_studies(k=30)).get_figheight()
    assert large > small * 1.8


def test_hollow_rows_get_a_white_square() -> None:
    rows = (
        ForestStudyRow("Filled 2000", 0.1, -0.2, 0.4, 50.0),
        ForestStudyRow("Imputed", 0.3, 0.0, 0.6, 50.0, hollow=True),
    )
    faces = collection_by_gid(forest_plot(_one_group(rows)), SQUARES_GID).get_facecolors()
    assert faces[0][:3].tolist() != [1.0, 1.0, 1.0]
    assert faces[1][:3].tolist() == [1.0, 1.0, 1.0]


def test_inconsistent_rows_are_rejected() -> None:
    with pytest.raises(ValueError, match="ci_lower <= estimate <= ci_upper"):
        ForestStudyRow("Backwards", 0.5, 0.9, 0.1, 10.0)
    with pytest.raises(ValueError, match="cells"):
        _one_group((ForestStudyRow("Short", 0.1, 0.0, 0.2, 10.0, ("1",)),), cell_headers=("Mean", "SD"))
    with pytest.raises(ValueError, match="positive axis_limits"):
        ForestPlotData(measure="RR", log_scale=True, groups=(ForestGroup("", ()),), axis_limits=(0.0, 2.0))


def test_prediction_interval_gets_its_own_line_and_bar() -> None:
    row = ForestStudyRow("Trial 2001", 0.1, -0.2, 0.4, 100.0)
    total = ForestPooled("Total (95% CI)", 0.1, -0.2, 0.4, 100.0, prediction_interval=(-0.9, 1.1))
    figure = forest_plot(_one_group((row,), overall=total))
    texts = svg_texts(figure)
    assert "Prediction interval" in texts and "[-0.90, 1.10]" in texts
    bars = [line for line in _plot_axes(figure).lines if line.get_gid() == PREDICTION_GID]
    assert any(list(line.get_xdata()) == [-0.9, 1.1] for line in bars)


def test_prediction_interval_must_contain_the_estimate() -> None:
    with pytest.raises(ValueError, match="prediction interval"):
        ForestPooled("Total (95% CI)", 0.1, -0.2, 0.4, prediction_interval=(0.2, 1.1))
