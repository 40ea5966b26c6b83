"""Builders from engine results to plot inputs, on the reference cases of meta_cases.json.

BCG numbers: metafor/Stata metan (case bcg_rr_iv_dl: RR 0.49 [0.34, 0.70]); the MH-centred Q of 152.57
is the RevMan/R meta value quoted in /work/shared/reference/README.md (point 5: 152.5676).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from analysis.plots.forest import forest_plot
from analysis.plots.forest_draw import SQUARES_GID
from analysis.plots.from_stats import data_type, forest_data_from_result, funnel_data_from_result
from analysis.plots.funnel import funnel_plot
from tests.analysis.plots.helpers import collection_by_gid, hollow_marker_count, svg_texts

stats = pytest.importorskip("analysis.stats")
CASES = {c["id"]: c for c in json.loads(Path("/work/shared/reference/meta_cases.json").read_text())["cases"]}


def _run(case_id: str, **model: Any) -> Any:
    case = CASES[case_id]
    return stats.meta_analysis(case["studies"], case["measure"], case["model"] | model, data_type=case["data_type"])


def test_bcg_subgroups_become_titled_blocks_with_subtotals() -> None:
    result = _run("bcg_rr_iv_dl", pooling="mantel_haenszel", dl_q_basis="fixed_pooling", subgroup_variable="alloc")
    data = forest_data_from_result(result, analysis_number="1.1", subgroup_titles={"random": "Random allocation"})
    assert [g.title for g in data.groups] == ["1.1.1 Random allocation", "1.1.2 alternate", "1.1.3 systematic"]
    assert [len(g.rows) for g in data.groups] == [7, 2, 4]
    assert all(g.subtotal is not None for g in data.groups)
    assert data.effect_model == "M-H, Random, 95% CI"
    assert data.subgroup_test_text.startswith("Test for subgroup differences: Chi² = ")


def test_bcg_forest_prints_revman_lines() -> None:
    result = _run("bcg_rr_iv_dl", pooling="mantel_haenszel", dl_q_basis="fixed_pooling")
    figure = forest_plot(forest_data_from_result(result))
    texts = svg_texts(figure)
    assert "0.49 [0.34, 0.70]" in texts
    assert "Heterogeneity: Tau² = 0.31; Chi² = 152.57, df = 12 (P < 0.00001); I² = 92%" in texts
    # z = -0.7142 / 0.1789 = -3.99: the MH-centred Q gives a slightly larger tau² than the IV one.
    assert "Test for overall effect: Z = 3.99 (P < 0.0001)" in texts
    assert len(collection_by_gid(figure, SQUARES_GID).get_offsets()) == 13


def test_dichotomous_rows_carry_events_and_totals() -> None:
    data = forest_data_from_result(_run("bcg_rr_iv_dl"))
    first = data.groups[0].rows[0]
    assert first.cells == ("4", "123", "11", "139")
    assert data.overall is not None
    assert data.overall.cells == ("", "191064", "", "166283")
    assert data.overall.events_cells == ("1065", "", "1510", "")
    assert first.weight_percent == pytest.approx(5.04, abs=0.01)


def test_fixed_effect_heterogeneity_has_no_tau2() -> None:
    data = forest_data_from_result(_run("bcg_rr_mh_fixed"))
    assert data.overall is not None
    assert data.overall.heterogeneity_text.startswith("Heterogeneity: Chi² = ")
    assert data.effect_model == "M-H, Fixed, 95% CI"


def test_studies_without_events_are_listed_as_not_estimable() -> None:
    result = _run("yusuf1985_table6_peto")
    figure = forest_plot(forest_data_from_result(result))
    assert svg_texts(figure).count("Not estimable") == 3
    assert len(collection_by_gid(figure, SQUARES_GID).get_offsets()) == 18


def test_continuous_and_generic_data_get_their_columns() -> None:
    continuous = forest_data_from_result(_run("normand1999_md_pooledsd_dl"))
    generic = forest_data_from_result(_run("raudenbush1985_generic_reml"))
    assert continuous.cell_headers == ("Mean", "SD", "Total", "Mean", "SD", "Total")
    assert generic.cell_headers == ("Estimate", "SE") and generic.arm_titles == ()
    assert data_type(_run("raudenbush1985_generic_reml")) == "generic"


def test_trim_and_fill_studies_become_hollow_markers() -> None:
    result = _run("bcg_rr_iv_dl", effect_model="fixed", trimfill={"estimator": "L0", "side": "auto"})
    data = funnel_data_from_result(result)
    assert len(data.imputed_yi) == result.trimfill.k0 == 4
    assert data.adjusted_estimate == pytest.approx(result.trimfill.fit.fixed.estimate)
    assert data.log_scale and data.y_label == "SE(log[RR])"
    assert hollow_marker_count(funnel_plot(data)) == 4


def test_trim_and_fill_with_nothing_filled_draws_no_adjusted_line() -> None:
    data = funnel_data_from_result(_run("bcg_or_dl_trimfill_none"))
    assert data.imputed_yi == () and data.adjusted_estimate is None


def test_asking_for_a_model_that_was_not_fitted_is_refused() -> None:
    with pytest.raises(ValueError, match="fixed' or 'random"):
        forest_data_from_result(_run("bcg_rr_mh_fixed"), model="random")


def test_random_effects_prediction_interval_is_passed_on() -> None:
    result = _run("bcg_rr_iv_dl", prediction_interval="t_k-2")
    data = forest_data_from_result(result)
    assert data.overall is not None and data.overall.prediction_interval is not None
    assert data.overall.prediction_interval == pytest.approx(
        (result.fit.prediction.pi_lower, result.fit.prediction.pi_upper)
    )
