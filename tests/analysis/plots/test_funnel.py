"""Funnel plot, drawn from dat.bcg log risk ratios.

With a fixed-effect L0 trim-and-fill, metafor's trimfill() example on these data imputes four studies
on the right (log RR about 0.79, 0.86, 1.00 and 1.04; reference figure metafor_trimfill-1.png).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.plots.data import FunnelData
from analysis.plots.funnel import IMPUTED_GID, OBSERVED_GID, funnel_plot
from tests.analysis.plots import examples
from tests.analysis.plots.helpers import collection_by_gid, hollow_marker_count, svg_texts


def test_trim_and_fill_example_imputes_four_studies_like_metafor() -> None:
    data = examples.bcg_funnel(with_trimfill=True)
    np.testing.assert_allclose(sorted(data.imputed_yi), [0.789, 0.859, 1.003, 1.039], atol=2e-3)


def test_hollow_markers_are_the_imputed_studies() -> None:
    data = examples.bcg_funnel(with_trimfill=True)
    figure = funnel_plot(data)
    assert hollow_marker_count(figure) == len(data.imputed_yi) == 4
    assert len(collection_by_gid(figure, OBSERVED_GID).get_offsets()) == 13


def test_without_imputed_studies_nothing_is_hollow() -> None:
    figure = funnel_plot(examples.bcg_funnel(with_trimfill=False))
    assert hollow_marker_count(figure) == 0
    assert not [c for ax in figure.axes for c in ax.collections if c.get_gid() == IMPUTED_GID]


def test_ratio_funnel_uses_a_log_axis_with_back_transformed_points() -> None:
    data = examples.bcg_funnel(with_trimfill=False)
    figure = funnel_plot(data)
    ax = figure.axes[0]
    assert ax.get_xscale() == "log"
    xs = collection_by_gid(figure, OBSERVED_GID).get_offsets()[:, 0]
    np.testing.assert_allclose(xs, np.exp(data.yi))


def test_standard_error_axis_is_inverted_with_zero_at_the_top() -> None:
    ax = funnel_plot(examples.bcg_funnel()).axes[0]
    bottom, top = ax.get_ylim()
    assert top == 0.0 and bottom > 0.0


def test_pooled_line_and_pseudo_limits_meet_at_the_top() -> None:
    data = FunnelData((0.1, 0.4, -0.2), (0.1, 0.2, 0.3), estimate=0.1)
    ax = funnel_plot(data).axes[0]
    starts = {(round(float(line.get_xdata()[0]), 9), float(line.get_ydata()[0])) for line in ax.lines}
    assert starts == {(0.1, 0.0)}
    assert ax.get_xscale() == "linear"


def test_pseudo_limits_widen_by_z_times_se() -> None:
    data = FunnelData((0.0,), (0.5,), estimate=0.0)
    ax = funnel_plot(data).axes[0]
    ends = sorted(float(line.get_xdata()[1]) for line in ax.lines if len(set(line.get_xdata())) == 2)
    bottom = ax.get_ylim()[0]
    assert ends == pytest.approx([-1.959964 * bottom, 1.959964 * bottom], rel=1e-5)


def test_labels_are_literal_text() -> None:
    data = FunnelData((0.1,), (0.2,), estimate=0.1, x_label="log_e[$OR$]", y_label="SE^2")
    texts = svg_texts(funnel_plot(data))
    assert "log_e[$OR$]" in texts and "SE^2" in texts


def test_legend_explains_imputed_studies() -> None:
    texts = svg_texts(funnel_plot(examples.bcg_funnel(with_trimfill=True)))
    assert "Imputed studies" in texts
    assert "Adjusted estimate (trim and fill)" in texts


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"yi": (0.1, 0.2), "sei": (0.1,)}, "same length"),
        ({"yi": (), "sei": ()}, "at least one study"),
        ({"yi": (0.1,), "sei": (0.0,)}, "positive"),
        ({"yi": (0.1,), "sei": (math.nan,)}, "positive"),
        ({"yi": (0.1,), "sei": (0.1,), "level": 1.0}, "level"),
    ],
)
def test_invalid_funnel_input_is_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FunnelData(estimate=0.0, **kwargs)  # type: ignore[arg-type]
