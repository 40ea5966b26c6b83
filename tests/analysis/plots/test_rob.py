"""Risk-of-bias traffic-light and summary plots (robvis style).

Data: the nine-study RoB 2 example of robvis's snapshot tests (reference robvis_traffic_light_rob2.png,
robvis_summary_rob2.png); colours from robvis R/helpers.R as listed in rob_prisma_grade.md §4.2.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_hex

from analysis.plots.rob import TRAFFIC_GID, rob_summary_plot, summary_shares, traffic_light_plot
from analysis.plots.rob_data import Judgement, RobAssessment, RobPlotData, judgement
from tests.analysis.plots import examples
from tests.analysis.plots.helpers import collection_by_gid, svg_texts


def test_one_circle_per_study_and_column() -> None:
    circles = collection_by_gid(traffic_light_plot(examples.rob2_example()), TRAFFIC_GID)
    assert len(circles.get_offsets()) == 9 * 6


def test_circle_colours_are_robvis_cochrane_colours() -> None:
    circles = collection_by_gid(traffic_light_plot(examples.rob2_example(show_overall=False)), TRAFFIC_GID)
    colours = [to_hex(c).upper() for c in circles.get_facecolors()]
    # Study 3, D1 is "No information": the 11th circle in row-major order.
    assert colours[:5] == ["#02C100"] * 5
    assert colours[10] == "#4EA1F7"
    assert colours.count("#BF0000") == 6


def test_traffic_light_has_labels_symbols_captions_and_legend() -> None:
    texts = svg_texts(traffic_light_plot(examples.rob2_example()))
    for expected in ("Study 9", "D5", "Overall", "Risk of bias domains", "Judgement", "No information",
                     "D1: Bias arising from the randomization process.", "+", "−", "×", "?"):  # fmt: skip
        assert expected in texts


def test_unweighted_summary_counts_studies() -> None:
    shares = summary_shares(examples.rob2_example(), weighted=False)
    assert shares[0][Judgement.LOW] == pytest.approx(600 / 9)
    assert shares[0][Judgement.NO_INFORMATION] == pytest.approx(100 / 9)
    assert all(sum(s.values()) == pytest.approx(100.0) for s in shares)


def test_weighted_summary_counts_weight() -> None:
    """Weights 1..9 (total 45): D1 "Some concerns" is study 2 (2/45), "High" study 5 (5/45)."""
    shares = summary_shares(examples.rob2_example(), weighted=True)
    assert shares[0][Judgement.SOME_CONCERNS] == pytest.approx(100 * 2 / 45)
    assert shares[0][Judgement.HIGH] == pytest.approx(100 * 5 / 45)


def test_summary_bars_have_one_segment_per_level_used_and_a_bold_overall() -> None:
    figure = rob_summary_plot(examples.rob2_example())
    ax = figure.axes[0]
    widths = np.array([p.get_width() for p in ax.patches])
    assert widths.sum() == pytest.approx(600.0)  # six bars of 100%
    assert "Overall risk of bias" in svg_texts(figure)
    (overall,) = [t for t in ax.texts if t.get_text() == "Overall risk of bias"]
    assert overall.get_fontweight() == "bold"


@pytest.mark.parametrize(
    ("text", "level"),
    [("Low", Judgement.LOW), ("unclear risk", Judgement.SOME_CONCERNS), ("Serious", Judgement.HIGH),
     ("  No   information ", Judgement.NO_INFORMATION), ("Very high", Judgement.CRITICAL)],
)  # fmt: skip
def test_each_tools_wording_is_understood(text: str, level: Judgement) -> None:
    assert judgement(text) is level


def test_bad_assessments_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown risk-of-bias judgement 'Medium'"):
        RobAssessment("A", ("Medium",))
    with pytest.raises(ValueError, match="2 judgements for 1 domains"):
        RobPlotData(("D",), (RobAssessment("A", ("Low", "Low"), "Low"),))
    with pytest.raises(ValueError, match="no overall judgement"):
        RobPlotData(("D",), (RobAssessment("A", ("Low",)),))


def test_study_names_are_literal_text() -> None:
    data = RobPlotData(("Domain $d$",), (RobAssessment("Smith_1 $x$", ("Low",)),), show_overall=False)
    texts = svg_texts(traffic_light_plot(data))
    assert "Smith_1 $x$" in texts and "D1: Domain $d$." in texts


def test_custom_legend_labels_are_literal_text() -> None:
    base = examples.rob2_example()
    data = RobPlotData(base.domains, base.assessments, labels=(("some concerns", "Unclear $risk$"),))
    assert "Unclear $risk$" in svg_texts(rob_summary_plot(data))
