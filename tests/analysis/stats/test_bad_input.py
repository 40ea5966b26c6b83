"""Bad input gets a plain error naming the study and the field; degenerate input a defined result."""

from __future__ import annotations

import json

import pytest

from analysis.stats import MetaAnalysisInputError, ModelSpec, meta_analysis

from .reference import bcg_rows

TWO_ARM = [
    {"study": "A", "mean_1": 10.0, "sd_1": 2.0, "n_1": 20, "mean_2": 9.0, "sd_2": 2.5, "n_2": 22},
    {"study": "B", "mean_1": 11.0, "sd_1": 3.0, "n_1": 30, "mean_2": 9.5, "sd_2": 2.0, "n_2": 28},
]


def test_negative_sd_names_the_study_and_field() -> None:
    rows = [dict(TWO_ARM[0]), {**TWO_ARM[1], "sd_2": -1.0}]
    with pytest.raises(MetaAnalysisInputError, match=r"study 'B': sd_2 must not be negative"):
        meta_analysis(rows, "MD")


def test_events_above_totals_names_the_study_and_field() -> None:
    rows = bcg_rows()
    rows[2]["events_1"] = rows[2]["total_1"] + 1
    with pytest.raises(MetaAnalysisInputError, match=r"study 'Rosenthal et al, 1960': events_1 must not exceed"):
        meta_analysis(rows, "RR")


def test_nan_names_the_study_and_field() -> None:
    rows = [dict(TWO_ARM[0]), {**TWO_ARM[1], "mean_1": float("nan")}]
    with pytest.raises(MetaAnalysisInputError, match=r"study 'B': field 'mean_1' is not a finite number"):
        meta_analysis(rows, "SMD")


def test_missing_and_non_numeric_fields_are_named() -> None:
    rows = [dict(TWO_ARM[0]), {k: v for k, v in TWO_ARM[1].items() if k != "n_2"}]
    with pytest.raises(MetaAnalysisInputError, match=r"study 'B': field 'n_2' is missing"):
        meta_analysis(rows, "MD")
    with pytest.raises(MetaAnalysisInputError, match=r"field 'vi' must be a number"):
        meta_analysis([{"study": "x", "yi": 1.0, "vi": "big"}], "GENERIC")


def test_columns_of_different_lengths_are_refused() -> None:
    with pytest.raises(MetaAnalysisInputError, match="different lengths"):
        meta_analysis({"yi": [0.1, 0.2, 0.3], "vi": [0.01, 0.02]}, "GENERIC")


def test_zero_variance_is_refused() -> None:
    with pytest.raises(MetaAnalysisInputError, match=r"study 'b': the sampling variance vi must be positive"):
        meta_analysis([{"study": "a", "yi": 0.1, "vi": 0.1}, {"study": "b", "yi": 0.2, "vi": 0.0}], "GENERIC")


def test_all_zero_cells_leave_nothing_to_pool_for_ratios_but_rd_keeps_them() -> None:
    rows = [{"study": s, "events_1": 0, "total_1": 20, "events_2": 0, "total_2": 25} for s in "ab"]
    with pytest.raises(MetaAnalysisInputError, match="no study can be analysed"):
        meta_analysis(rows, "OR")
    res = meta_analysis(rows, "RD")
    # RevMan's rule: 0.5 in every cell, so each RD is 0.5/21 - 0.5/26, not 0.
    assert res.fit.random is not None and res.fit.random.estimate == pytest.approx(0.5 / 21 - 0.5 / 26)
    assert all(s.included for s in res.studies)
    assert any("0.5 added" in w for w in res.warnings)


def test_double_zero_study_is_left_out_of_rr_and_said_so() -> None:
    rows = bcg_rows()[:4] + [{"study": "Empty", "events_1": 0, "total_1": 50, "events_2": 0, "total_2": 40}]
    res = meta_analysis(rows, "RR")
    row = res.studies[-1]
    assert not row.included and "left out" in row.note and row.weight_fixed == 0.0
    assert res.fit.k == 4
    assert json.loads(res.to_json())["studies"][-1]["yi"] is None


def test_single_study_has_no_heterogeneity() -> None:
    out = meta_analysis(bcg_rows()[:1], "RR", {"effect_model": "both", "prediction_interval": "t_k-2"}).to_dict()
    assert out["random"]["tau2"] == 0.0
    assert out["random"]["Q"] == 0.0 and out["random"]["Q_df"] == 0
    assert out["random"]["Q_p"] is None and out["random"]["I2"] is None
    assert out["random"]["estimate"] == pytest.approx(out["fixed"]["estimate"])
    assert "pi_lower" not in out["random"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"tau2_method": "XYZ"}, "accepted: DL, REML, ML, PM, EB, HE, HS, SJ"),
        ({"effect_model": "mixed"}, "accepted: random, fixed, both"),
        ({"bogus": 1}, "unknown model option 'bogus'"),
        ({"sensitivity": ["jackknife"]}, "accepted: leave_one_out, cumulative"),
        ({"trimfill": {"estimator": "Q0"}}, "accepted: L0, R0"),
        ({"level": 95}, "'level' must be a number above 0 and below 1"),
        ({"pooling": "peto"}, "pooling 'peto' is for measure PETO_OR"),
        ({"scale_multiplier": 100}, "additive measures only"),
    ],
)
def test_unknown_or_incompatible_options_name_the_accepted_values(options: dict, message: str) -> None:
    with pytest.raises(MetaAnalysisInputError, match=message.replace("(", r"\(")):
        meta_analysis(bcg_rows(), "RR", options)


def test_unknown_measure_names_the_accepted_values() -> None:
    with pytest.raises(MetaAnalysisInputError, match="accepted: OR, RR, RD, PETO_OR, MD, SMD, GENERIC"):
        meta_analysis(bcg_rows(), "HR")


def test_model_spec_is_validated_on_construction() -> None:
    with pytest.raises(MetaAnalysisInputError, match="continuity_correction"):
        ModelSpec(continuity_correction=-1)


def test_unknown_subgroup_column_is_named() -> None:
    with pytest.raises(MetaAnalysisInputError, match="subgroup_variable 'region' is not in the studies"):
        meta_analysis(bcg_rows(), "RR", {"subgroup_variable": "region"})


def test_non_convergence_is_an_error_not_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.stats import ConvergenceError, tau2

    monkeypatch.setattr(tau2, "SCORING_ITER", 1)
    monkeypatch.setattr(tau2, "_score_root", lambda *a, **k: None)
    with pytest.raises(ConvergenceError, match="did not converge in 1 iterations; choose another tau2_method"):
        meta_analysis(bcg_rows(), "RR", {"tau2_method": "REML"})


def test_slow_fisher_scoring_falls_back_to_a_root_search(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.stats import tau2

    exact = meta_analysis(bcg_rows(), "RR", {"tau2_method": "REML"}).fit.heterogeneity.tau2
    monkeypatch.setattr(tau2, "SCORING_ITER", 2)
    res = meta_analysis(bcg_rows(), "RR", {"tau2_method": "REML"})
    assert res.fit.heterogeneity.tau2 == pytest.approx(exact, rel=1e-9)
    assert res.fit.heterogeneity.tau2_converged


def test_iterative_estimators_report_their_iterations() -> None:
    out = meta_analysis(bcg_rows(), "RR", {"tau2_method": "REML"}).to_dict()
    assert out["tau2_converged"] is True and out["tau2_iterations"] >= 1 and out["tau2_method"] == "REML"
