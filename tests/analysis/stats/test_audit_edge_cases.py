"""Audit: edge cases fixed in the engine, and robustness of the case runner (errors, never tracebacks or NaN)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from analysis.stats import run_case
from tests.shared_dir import shared_dir

from .audit_reference import reference_case

REPO = Path(__file__).resolve().parents[3]
SHARED = shared_dir()
CASES = {c["id"]: c for c in json.loads((SHARED / "reference" / "meta_cases.json").read_text())["cases"]}
BCG = CASES["bcg_or_iv_dl"]["studies"]
TWO = [
    {"study": "D", "events_1": 5, "total_1": 40, "events_2": 9, "total_2": 41},
    {"study": "F", "events_1": 7, "total_1": 50, "events_2": 22, "total_2": 48},
]
ZERO = [
    {"study": "A", "events_1": 0, "total_1": 20, "events_2": 3, "total_2": 22},
    {"study": "B", "events_1": 2, "total_1": 30, "events_2": 0, "total_2": 28},
    {"study": "C", "events_1": 0, "total_1": 15, "events_2": 0, "total_2": 16},
    {"study": "D", "events_1": 5, "total_1": 40, "events_2": 9, "total_2": 41},
    {"study": "F", "events_1": 7, "total_1": 50, "events_2": 12, "total_2": 48},
]


def _run(measure: str, studies: list[dict[str, Any]], **model: Any) -> dict[str, Any]:
    return run_case({"id": "x", "measure": measure, "data_type": "dichotomous", "studies": studies, "model": model})


@pytest.mark.parametrize("effect_model", ["fixed", "random", "both"])
def test_q_profile_ci_is_reported_for_two_studies(effect_model: str) -> None:
    """metafor ``confint()`` gives the Q-profile CI with k = 2 (1 df); the engine used to omit it for k < 3."""
    case = {
        "id": "k2",
        "measure": "OR",
        "data_type": "dichotomous",
        "studies": TWO,
        "model": {"effect_model": effect_model, "also_report": ["heterogeneity_ci"]},
    }
    out = run_case(case)
    obj = out["random"] if effect_model == "both" else out
    ref = reference_case(case)["expected"]
    ref_obj = ref["random"] if effect_model == "both" else ref
    for key in ("tau2_ci_lower", "tau2_ci_upper", "I2_ci_upper", "H2_ci_upper", "H_ci_upper", "I2_fraction_ci_upper"):
        assert obj[key] == pytest.approx(ref_obj[key], rel=1e-6, abs=1e-10), key


def test_higgins_thompson_bounds_are_null_for_two_studies() -> None:
    """SE(ln H) needs k >= 3 (R meta: NA); tau² bounds (Q-profile) are still given."""
    out = _run("OR", TWO, also_report=["heterogeneity_ci"], heterogeneity_ci_method="higgins_thompson")
    assert out["tau2_ci_upper"] > 0
    for key in ("H_ci_lower", "H_ci_upper", "H2_ci_upper", "I2_ci_lower", "I2_fraction_ci_upper"):
        assert out[key] is None


def test_higgins_thompson_with_q_zero_truncates_both_h_bounds_at_one() -> None:
    """ln H = -inf when Q = 0, so both bounds are exp(-inf) truncated to 1 (I² CI [0, 0])."""
    studies = [{"study": str(i), "yi": 0.3, "vi": 0.1 + i / 100} for i in range(4)]
    out = run_case(
        {
            "id": "q0",
            "measure": "GENERIC",
            "data_type": "generic",
            "studies": studies,
            "model": {"also_report": ["heterogeneity_ci"], "heterogeneity_ci_method": "higgins_thompson"},
        }
    )
    assert out["Q"] == pytest.approx(0.0, abs=1e-12)
    assert out["H_ci_lower"] == out["H_ci_upper"] == 1.0
    assert out["I2_ci_upper"] == 0.0


@pytest.mark.parametrize("measure", ["OR", "RR", "RD"])
def test_continuity_correction_zero_leaves_out_non_estimable_studies(measure: str) -> None:
    """With continuity_correction 0 a zero-cell study has no finite yi/vi; metafor escalc recodes it to NA and rma
    omits it.  The engine used to refuse the whole case."""
    case = {
        "id": "cc0",
        "measure": measure,
        "data_type": "dichotomous",
        "studies": ZERO,
        "model": {"continuity_correction": 0},
    }
    out = run_case(case)
    assert "error" not in out, out.get("error")
    ref = reference_case(case)["expected"]
    assert out["estimate"] == pytest.approx(ref["estimate"], rel=1e-8)
    assert out["Q_df"] == ref["Q_df"]
    left_out = [s["study"] for s in out["studies"] if s["yi"] is None]
    assert left_out == [s["study"] for s in ref["studies"] if "yi" not in s]
    assert any("continuity correction" in w for w in out["warnings"])


def test_continuity_correction_zero_with_mantel_haenszel_is_refused_with_a_reason() -> None:
    out = _run("OR", ZERO, continuity_correction=0, pooling="mantel_haenszel")
    assert "continuity_correction" in out["error"] and "Mantel-Haenszel" in out["error"]


def test_numeric_study_labels_are_written_back_as_given() -> None:
    """The checker compares labels with ==, so a numeric ``study`` must come back as that number."""
    rows = [{**r, "study": i + 1} for i, r in enumerate(BCG)]
    out = _run("OR", rows, sensitivity=["leave_one_out", "cumulative"], cumulative_order="year")
    assert [s["study"] for s in out["studies"]] == list(range(1, 14))
    assert out["leave_one_out"][0]["omitted"] == 1
    assert out["cumulative"][0]["added"] == 1  # Aronson 1948 is the earliest
    assert json.dumps(out)


@pytest.mark.parametrize(
    ("model", "words"),
    [
        ({"foo": 1}, ["foo", "accepted"]),
        ({"tau2_method": "XX"}, ["tau2_method", "DL", "REML"]),
        ({"level": 1.5}, ["level"]),
        ({"scale_multiplier": 100}, ["additive"]),
        ({"trimfill": {"estimator": "Q0"}}, ["L0", "R0"]),
        ({"sensitivity": "leave_one_out"}, ["list"]),
        ({"subgroup_variable": "nope"}, ["nope", "alloc"]),
        ({"cumulative_order": "nope", "sensitivity": ["cumulative"]}, ["nope"]),
        ({"pooling": "peto"}, ["PETO_OR"]),
        ({"hk_truncate": "yes"}, ["true or false"]),
    ],
)
def test_bad_options_give_an_error_naming_the_rule(model: dict[str, Any], words: list[str]) -> None:
    out = _run("OR", BCG, **model)
    assert set(out) == {"id", "error"}
    for word in words:
        assert word in out["error"]


def test_scale_multiplier_with_generic_ratio_measure_is_refused() -> None:
    rows = [{"study": "a", "yi": 0.1, "vi": 0.04}, {"study": "b", "yi": -0.2, "vi": 0.09}]
    out = run_case(
        {"id": "g", "measure": "RR", "data_type": "generic", "studies": rows, "model": {"scale_multiplier": 2}}
    )
    assert "additive" in out["error"]


def _no_nan(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_no_nan(v) for v in value.values())
    if isinstance(value, list):
        return all(_no_nan(v) for v in value)
    return True


def test_cli_runs_awkward_cases_without_tracebacks_or_nan(tmp_path: Path) -> None:
    same = [{"study": str(i), "yi": 0.3, "vi": 0.1} for i in range(4)]
    cases = [
        {
            "id": "k1",
            "measure": "OR",
            "data_type": "dichotomous",
            "studies": BCG[:1],
            "model": {
                "effect_model": "both",
                "ci_method": "hartung_knapp",
                "prediction_interval": "t_k-2",
                "also_report": ["heterogeneity_ci", "fit_statistics", "cochran_test", "tarone_test"],
                "sensitivity": ["cumulative"],
            },
        },
        {
            "id": "identical",
            "measure": "GENERIC",
            "data_type": "generic",
            "studies": same,
            "model": {
                "ci_method": "hartung_knapp",
                "small_study_tests": ["begg"],
                "also_report": ["heterogeneity_ci", "fit_statistics"],
                "prediction_interval": "normal",
            },
        },
        {
            "id": "zero",
            "measure": "RD",
            "data_type": "dichotomous",
            "studies": ZERO,
            "model": {
                "pooling": "mantel_haenszel",
                "effect_model": "both",
                "mh_rd_variance": "sato1989",
                "also_report": ["cochran_test", "cmh_test", "tarone_test"],
                "cmh_correct": True,
            },
        },
        {"id": "refused", "measure": "OR", "data_type": "dichotomous", "studies": BCG, "model": {"bogus": True}},
    ]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"schema_version": 2, "cases": cases}))
    out_path = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, "-m", "analysis.stats", str(path), "--out", str(out_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    text = out_path.read_text()
    assert "NaN" not in text and "Infinity" not in text
    results = {r["id"]: r for r in json.loads(text)["results"]}
    assert set(results["refused"]) == {"id", "error"}
    for cid in ("k1", "identical", "zero"):
        assert "error" not in results[cid], results[cid]
        assert _no_nan(results[cid])
    assert results["k1"]["cumulative"][0]["random"]["tau2"] == 0.0
    assert results["k1"]["cumulative"][0]["random"]["estimate"] == pytest.approx(results["k1"]["studies"][0]["yi"])


def test_generic_input_ci_is_read_as_a_95_percent_ci_whatever_the_level() -> None:
    """A study's published CI is a 95% CI; the analysis level (here 0.90) must not change the vi derived from it."""
    rows_ci = [
        {"study": "a", "yi": 0.2, "ci_lower": 0.2 - 1.959963984540054 * 0.2, "ci_upper": 0.2 + 1.959963984540054 * 0.2},
        {"study": "b", "yi": 0.5, "ci_lower": 0.5 - 1.959963984540054 * 0.3, "ci_upper": 0.5 + 1.959963984540054 * 0.3},
    ]
    rows_vi = [{"study": "a", "yi": 0.2, "vi": 0.04}, {"study": "b", "yi": 0.5, "vi": 0.09}]
    model = {"level": 0.9, "effect_model": "fixed"}
    from_ci = run_case({"id": "ci", "measure": "GENERIC", "data_type": "generic", "studies": rows_ci, "model": model})
    from_vi = run_case({"id": "vi", "measure": "GENERIC", "data_type": "generic", "studies": rows_vi, "model": model})
    assert [s["vi"] for s in from_ci["studies"]] == pytest.approx([0.04, 0.09], rel=1e-12)
    assert from_ci["ci_lower"] == pytest.approx(from_vi["ci_lower"], rel=1e-12)


@pytest.mark.parametrize(
    ("method", "tau", "mu", "se"),
    [
        ("EB", 0.3681, -0.3811, 0.2060),
        ("ML", 0.0023, -0.1974, 0.0694),
        ("REML", 0.1843, -0.2980, 0.1343),
        ("SJ", 0.4572, -0.4079, 0.2386),
    ],
)
def test_clasp_iterative_estimators_match_metafor_to_four_decimals(
    method: str, tau: float, mu: float, se: float
) -> None:
    """wviechtb/metafor tests/testthat/test_analysis_example_dersimonian2007.r (DerSimonian & Kacker 2007, Tables
    3-4), in the schema's 4-decimal tolerance (abs 1.5e-4).  The ML optimum is on the boundary; metafor's Fisher
    scoring halves its steps towards 0 and stops at tau = 0.0023 (the engine used to report exactly 0, which
    failed this tolerance on tau)."""
    out = run_case({**CASES["clasp_or_pm"], "model": {"tau2_method": method}})
    assert out["tau"] == pytest.approx(tau, abs=1.5e-4)
    assert out["estimate"] == pytest.approx(mu, abs=1.5e-4)
    assert out["se"] == pytest.approx(se, abs=1.5e-4)


def test_reml_tau2_is_metafors_value_to_full_precision() -> None:
    """metafor tests/testthat/test_misc_influence.r: REML tau2 of dat.bcg RR is 0.313243325980895 and, without
    Aronson 1948, 0.336156745300306.  metafor stops its Fisher scoring once tau2 changes by <= 1e-5; the exact
    optimum (0.3132432581) differs by 2e-7 relative, 4e-4 relative for dat.raudenbush1985."""
    case = CASES["bcg_rr_reml_leave1out_cumulative"]
    out = run_case(case)
    assert out["tau2"] == pytest.approx(0.313243325980895, rel=1e-12)
    assert out["leave_one_out"][0]["tau2"] == pytest.approx(0.336156745300306, rel=1e-12)


@pytest.mark.parametrize("method", ["REML", "ML", "EB"])
def test_scale_multiplier_scales_iterative_estimates_exactly(method: str) -> None:
    """The README defines scaled results as m times (m² for variances) the unscaled ones; metafor's absolute
    stopping threshold is therefore applied in the units of the unscaled data."""
    base = {"id": "s", "measure": "RD", "data_type": "dichotomous", "studies": BCG}
    one = run_case({**base, "model": {"tau2_method": method, "small_study_tests": ["egger_regtest"]}})
    hundred = run_case(
        {**base, "model": {"tau2_method": method, "scale_multiplier": 100, "small_study_tests": ["egger_regtest"]}}
    )
    assert hundred["tau2"] == pytest.approx(1e4 * one["tau2"], rel=1e-10)
    assert hundred["estimate"] == pytest.approx(100 * one["estimate"], rel=1e-10)
    assert hundred["egger_regtest"]["z"] == pytest.approx(one["egger_regtest"]["z"], rel=1e-9)
