"""Every documented option runs for every measure and gives finite, JSON-safe output."""

from __future__ import annotations

import json
import math

import pytest

from analysis.stats import TAU2_METHODS, meta_analysis

from .reference import bcg_rows, case

CONTINUOUS = case("amar_smd_hedges_g_fixed_dl")["studies"]
GENERIC = case("raudenbush1985_generic_dl")["studies"]
MEASURES = [
    ("OR", bcg_rows(), "mantel_haenszel"),
    ("RR", bcg_rows(), "mantel_haenszel"),
    ("RD", bcg_rows(), "mantel_haenszel"),
    ("PETO_OR", bcg_rows(), "peto"),
    ("MD", CONTINUOUS, "inverse_variance"),
    ("SMD", CONTINUOUS, "inverse_variance"),
    ("GENERIC", GENERIC, "inverse_variance"),
]
KITCHEN_SINK = {
    "effect_model": "both",
    "ci_method": "hartung_knapp",
    "hk_truncate": True,
    "prediction_interval": "t_k-2",
    "dl_q_basis": "fixed_pooling",
    "sensitivity": ["leave_one_out", "cumulative"],
    "small_study_tests": ["egger_classic", "egger_regtest", "begg"],
    "trimfill": {"estimator": "R0", "side": "auto"},
    "also_report": ["fit_statistics", "heterogeneity_ci"],
}


def _finite(value: object) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


@pytest.mark.parametrize("method", TAU2_METHODS)
@pytest.mark.parametrize(("measure", "rows", "pooling"), MEASURES, ids=[m[0] for m in MEASURES])
def test_every_tau2_method_with_every_measure(measure: str, rows: list, pooling: str, method: str) -> None:
    res = meta_analysis(rows, measure, {**KITCHEN_SINK, "tau2_method": method, "pooling": pooling})
    out = json.loads(res.to_json())
    for model in ("fixed", "random"):
        for key in ("estimate", "se", "ci_lower", "ci_upper", "p", "Q", "tau2"):
            assert isinstance(out[model][key], float), (model, key)
    assert out["random"]["df"] == res.fit.k - 1
    assert len(out["leave_one_out"]) == len(out["cumulative"]) == res.fit.k
    assert "k0" in out["trimfill"]
    assert all(_finite(v) for v in res.fit_statistics.to_dict().values())  # type: ignore[union-attr]


@pytest.mark.parametrize("ci_method", ["q_profile", "higgins_thompson"])
def test_heterogeneity_cis_bracket_the_estimates(ci_method: str) -> None:
    out = meta_analysis(
        bcg_rows(),
        "OR",
        {
            "tau2_method": "REML",
            "also_report": ["heterogeneity_ci"],
            "heterogeneity_ci_method": ci_method,
            "i2_definition": "metafor_tau2_based" if ci_method == "q_profile" else "q_based",
        },
    ).to_dict()
    for name in ("tau2", "I2", "H2", "H"):
        assert out[f"{name}_ci_lower"] <= out[name] <= out[f"{name}_ci_upper"], name
    assert out["I2_fraction_ci_upper"] == pytest.approx(out["I2_ci_upper"] / 100)


def test_subgroups_with_common_tau2_share_one_tau2() -> None:
    res = meta_analysis(
        bcg_rows(), "RR", {"subgroup_variable": "alloc", "subgroup_tau2": "common", "tau2_method": "DL"}
    )
    tau2s = {g.fit.heterogeneity.tau2 for g in res.subgroups}
    assert len(tau2s) == 1
    assert res.subgroup_test is not None and res.subgroup_test.df == 2 and res.subgroup_test.model == "random"


def test_random_subgroup_test_uses_separate_tau2_by_default() -> None:
    res = meta_analysis(bcg_rows(), "RR", {"subgroup_variable": "alloc"})
    assert len({g.fit.heterogeneity.tau2 for g in res.subgroups}) == 3
    out = res.to_dict()
    assert out["test_for_subgroup_differences"]["Q_total_minus_within"] is None
    assert 0 <= out["test_for_subgroup_differences"]["I2"] <= 100


@pytest.mark.parametrize("test", ["cochran_test", "cmh_test", "tarone_test"])
def test_binary_tests_with_and_without_continuity_correction(test: str) -> None:
    plain = meta_analysis(bcg_rows(), "OR", {"also_report": [test]}).to_dict()[test]
    corrected = meta_analysis(bcg_rows(), "OR", {"also_report": [test], "cmh_correct": True}).to_dict()[test]
    assert plain["statistic"] > 0 and 0 <= plain["p"] <= 1
    if test != "tarone_test":
        assert corrected["statistic"] < plain["statistic"]


def test_scale_multiplier_scales_estimates_and_variances() -> None:
    one = meta_analysis(bcg_rows(), "RD", {"tau2_method": "REML"}).to_dict()
    hundred = meta_analysis(bcg_rows(), "RD", {"tau2_method": "REML", "scale_multiplier": 100}).to_dict()
    assert hundred["estimate"] == pytest.approx(100 * one["estimate"])
    assert hundred["se"] == pytest.approx(100 * one["se"])
    assert hundred["tau2"] == pytest.approx(10_000 * one["tau2"])
    assert hundred["Q"] == pytest.approx(one["Q"])


def test_cumulative_order_sorts_stably_on_a_column() -> None:
    res = meta_analysis(bcg_rows(), "RR", {"sensitivity": ["cumulative"], "cumulative_order": "year"})
    years = {r["study"]: r["year"] for r in bcg_rows()}
    order = [years[row.study] for row in res.cumulative]
    assert order == sorted(order)
    assert res.cumulative[-1].fit.random.estimate == pytest.approx(res.fit.random.estimate)  # type: ignore[union-attr]


def test_cc_in_mh_changes_only_sparse_analyses() -> None:
    rows = bcg_rows()[:4] + [{"study": "Sparse", "events_1": 0, "total_1": 30, "events_2": 3, "total_2": 30}]
    raw = meta_analysis(rows, "OR", {"effect_model": "fixed", "pooling": "mantel_haenszel"}).fit.fixed
    cc = meta_analysis(rows, "OR", {"effect_model": "fixed", "pooling": "mantel_haenszel", "cc_in_mh": True}).fit.fixed
    assert raw.estimate != pytest.approx(cc.estimate)


def test_peters_test_is_the_weighted_regression_it_describes() -> None:
    """Peters et al. (2006) as R meta's metabias(method.bias="peters"): WLS of the log OR on 1/N with weights
    1/(1/(a+c) + 1/(b+d)); checked against statsmodels' independent WLS (no published value was at hand)."""
    sm = pytest.importorskip("statsmodels.api")
    rows = bcg_rows()
    res = meta_analysis(rows, "OR", {"small_study_tests": ["peters"]})
    test = res.small_study_tests["peters"]
    yi = [s.yi for s in res.studies]
    n = [r["total_1"] + r["total_2"] for r in rows]
    w = [
        1 / (1 / (r["events_1"] + r["events_2"]) + 1 / (r["total_1"] + r["total_2"] - r["events_1"] - r["events_2"]))
        for r in rows
    ]
    fit = sm.WLS(yi, sm.add_constant([1 / x for x in n]), weights=w).fit()
    assert test.estimate == pytest.approx(fit.params[1], rel=1e-9)
    assert test.statistic == pytest.approx(fit.tvalues[1], rel=1e-9)
    assert test.p == pytest.approx(fit.pvalues[1], rel=1e-7)
    assert test.df == len(rows) - 2


def test_a_single_subgroup_level_has_no_difference_test() -> None:
    rows = [r for r in bcg_rows() if r["alloc"] == "random"]
    res = meta_analysis(rows, "RR", {"subgroup_variable": "alloc"})
    assert len(res.subgroups) == 1 and res.subgroup_test is None
    assert "test_for_subgroup_differences" not in res.to_dict()
