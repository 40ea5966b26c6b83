"""Audit: options that the 38 reference cases do not exercise, against the independent ``audit_reference``.

Each synthetic case reuses the data of a reference case (shared/reference/meta_cases.json) with other model
options, or a small hand-made data set with zero cells.  The engine's output is checked with the official
checker (shared/tools/compare_meta.py) at rel 1e-6 against values computed by ``audit_reference`` (explicit
P-matrix formulas of metafor ``rma.uni``, likelihood maximisation for ML/REML, brentq for PM/EB and the
Q-profile, exact Kendall distribution for Begg's test).  The reference itself reproduces all 38 cases.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from analysis.stats import run_case
from tests.shared_dir import shared_dir

from .audit_reference import reference, reference_case, to_plain

SHARED = shared_dir()
CASES = {c["id"]: c for c in json.loads((SHARED / "reference" / "meta_cases.json").read_text())["cases"]}
TAU2 = ("DL", "REML", "ML", "PM", "EB", "HE", "HS", "SJ")
BASES = {
    "OR": "bcg_or_iv_dl",
    "RR": "bcg_rr_iv_dl",
    "RD": "bcg_rd_iv_dl",
    "PETO_OR": "yusuf1985_table6_peto",
    "MD": "normand1999_md_pooledsd_dl",
    "SMD": "amar_smd_hedges_g_fixed_dl",
    "GENERIC": "raudenbush1985_generic_dl",
}
ZERO_CELLS = [
    {"study": "A", "events_1": 0, "total_1": 20, "events_2": 3, "total_2": 22, "grp": "x", "yr": 2001},
    {"study": "B", "events_1": 2, "total_1": 30, "events_2": 0, "total_2": 28, "grp": "y", "yr": 1999},
    {"study": "C", "events_1": 0, "total_1": 15, "events_2": 0, "total_2": 16, "grp": "x", "yr": 2001},
    {"study": "D", "events_1": 5, "total_1": 40, "events_2": 9, "total_2": 41, "grp": "y", "yr": 1995},
    {"study": "E", "events_1": 10, "total_1": 10, "events_2": 12, "total_2": 12, "grp": "x", "yr": 2003},
    {"study": "F", "events_1": 7, "total_1": 50, "events_2": 12, "total_2": 48, "grp": "y", "yr": 1999},
    {"study": "G", "events_1": 3, "total_1": 25, "events_2": 8, "total_2": 25, "grp": "x", "yr": 2010},
    {"study": "H", "events_1": 4, "total_1": 25, "events_2": 0, "total_2": 25, "grp": "y", "yr": 2010},
]


def _checker() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("compare_meta", SHARED / "tools" / "compare_meta.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHECKER = _checker()


def _case(cid: str, base: str, measure: str, **model: Any) -> dict[str, Any]:
    b = CASES[base]
    return {"id": cid, "measure": measure, "data_type": b["data_type"], "studies": b["studies"], "model": model}


def _zero(cid: str, measure: str, rows: list[dict[str, Any]] | None = None, **model: Any) -> dict[str, Any]:
    return {"id": cid, "measure": measure, "data_type": "dichotomous", "studies": rows or ZERO_CELLS, "model": model}


def _matrix() -> list[dict[str, Any]]:
    out = []
    for measure, base in BASES.items():
        pooling = {"PETO_OR": "peto", "OR": "mantel_haenszel", "RR": "mantel_haenszel"}.get(measure)
        for method in TAU2:
            extra = {"pooling": pooling, "dl_q_basis": "fixed_pooling"} if pooling and method in ("DL", "PM") else {}
            out.append(
                _case(
                    f"{measure}_{method}",
                    base,
                    measure,
                    effect_model="both",
                    tau2_method=method,
                    prediction_interval="t_k-2",
                    also_report=["heterogeneity_ci", "fit_statistics"],
                    **extra,
                )
            )
    for variant in ("hedges_g_revman", "hedges_g_exact", "hedges_g_exact_ub", "cohen_d"):
        out.append(
            _case(
                f"smd_{variant}_hk_90",
                BASES["SMD"],
                "SMD",
                effect_model="both",
                tau2_method="REML",
                smd_variant=variant,
                ci_method="hartung_knapp",
                prediction_interval="normal",
                level=0.9,
                also_report=["heterogeneity_ci"],
                heterogeneity_ci_method="higgins_thompson",
            )
        )
    out.append(_case("md_separate_reml", BASES["MD"], "MD", tau2_method="REML", i2_definition="metafor_tau2_based"))
    for measure in ("OR", "RR", "RD"):
        for basis in ("inverse_variance", "fixed_pooling"):
            for em in ("fixed", "random", "both"):
                out.append(
                    _case(
                        f"mh_{measure}_{basis}_{em}",
                        BASES["RR"],
                        measure,
                        pooling="mantel_haenszel",
                        dl_q_basis=basis,
                        effect_model=em,
                        mh_rd_variance="sato1989",
                        cmh_correct=True,
                        also_report=["cochran_test", "cmh_test", "tarone_test"] if measure == "OR" else [],
                    )
                )
    for em in ("fixed", "random"):
        out.append(_case(f"peto_{em}_90", BASES["PETO_OR"], "PETO_OR", pooling="peto", effect_model=em, level=0.9))
    for truncate in (False, True):
        for method in ("DL", "REML", "PM"):
            out.append(
                _case(
                    f"hk_{truncate}_{method}_80",
                    "clasp_or_dl",
                    "OR",
                    tau2_method=method,
                    ci_method="hartung_knapp",
                    hk_truncate=truncate,
                    prediction_interval="t_k-2",
                    level=0.8,
                )
            )
    for em in ("fixed", "random", "both"):
        for tau2_mode in ("separate", "common"):
            for method in ("DL", "REML"):
                out.append(
                    _case(
                        f"subgroup_{em}_{tau2_mode}_{method}",
                        BASES["OR"],
                        "OR",
                        effect_model=em,
                        subgroup_variable="alloc",
                        subgroup_tau2=tau2_mode,
                        tau2_method=method,
                    )
                )
        for order in ("given", "ablat", "alloc", "study"):
            out.append(
                _case(
                    f"sensitivity_{em}_{order}",
                    BASES["RR"],
                    "RR",
                    effect_model=em,
                    tau2_method="REML",
                    sensitivity=["leave_one_out", "cumulative"],
                    cumulative_order=order,
                    prediction_interval="normal",
                    ci_method="hartung_knapp",
                )
            )
        out.append(
            _case(
                f"sensitivity_mh_{em}",
                BASES["RR"],
                "RR",
                effect_model=em,
                pooling="mantel_haenszel",
                sensitivity=["leave_one_out", "cumulative"],
                cumulative_order="year",
            )
        )
    for em in ("fixed", "random"):
        for method in ("DL", "REML", "ML", "SJ"):
            out.append(
                _case(
                    f"small_study_{em}_{method}",
                    "egger2001_or_regtest_ranktest",
                    "OR",
                    effect_model=em,
                    tau2_method=method,
                    small_study_tests=["egger_classic", "egger_regtest", "egger_regtest_lm_sqrtninv", "begg"],
                )
            )
            for estimator in ("L0", "R0"):
                for side in ("auto", "left", "right"):
                    out.append(
                        _case(
                            f"trimfill_{em}_{method}_{estimator}_{side}",
                            "egger2001_or_regtest_ranktest",
                            "OR",
                            effect_model=em,
                            tau2_method=method,
                            trimfill={"estimator": estimator, "side": side},
                            level=0.9,
                        )
                    )
    for measure in ("OR", "RR", "RD", "PETO_OR"):
        for cc in (0.5, 0.1, 1.0):
            pooling = "peto" if measure == "PETO_OR" else "inverse_variance"
            out.append(
                _zero(
                    f"zero_{measure}_{cc}",
                    measure,
                    continuity_correction=cc,
                    effect_model="both",
                    pooling=pooling,
                    tau2_method="REML",
                    sensitivity=["leave_one_out", "cumulative"],
                    cumulative_order="yr",
                    subgroup_variable="grp",
                )
            )
            if measure != "PETO_OR":
                for cc_in_mh in (False, True):
                    out.append(
                        _zero(
                            f"zero_mh_{measure}_{cc}_{cc_in_mh}",
                            measure,
                            continuity_correction=cc,
                            effect_model="both",
                            pooling="mantel_haenszel",
                            cc_in_mh=cc_in_mh,
                            dl_q_basis="fixed_pooling",
                            also_report=["cochran_test", "cmh_test", "tarone_test"],
                        )
                    )
        if measure != "PETO_OR":
            out.append(_zero(f"zero_{measure}_cc0", measure, continuity_correction=0, effect_model="both"))
    for k in (1, 2):
        rows = [ZERO_CELLS[3]] if k == 1 else [ZERO_CELLS[3], ZERO_CELLS[5]]
        for method in TAU2:
            out.append(
                _zero(
                    f"k{k}_{method}",
                    "OR",
                    rows,
                    effect_model="both",
                    tau2_method=method,
                    prediction_interval="normal",
                    ci_method="hartung_knapp",
                    also_report=["heterogeneity_ci"] + (["fit_statistics"] if k == 2 else []),
                    sensitivity=["cumulative"],
                )
            )
    out.append(
        _case(
            "scaled_rd_mh",
            BASES["RD"],
            "RD",
            pooling="mantel_haenszel",
            scale_multiplier=100,
            effect_model="both",
            dl_q_basis="fixed_pooling",
            also_report=["heterogeneity_ci", "fit_statistics"],
            small_study_tests=["egger_classic", "begg"],
            trimfill={},
        )
    )
    for measure in ("OR", "RR", "RD"):
        out.append(  # a fixed-effect result's H/I² CI is built on the Q it reports (MH-centred)
            _case(
                f"mh_fixed_ht_ci_{measure}",
                BASES["RR"],
                measure,
                pooling="mantel_haenszel",
                effect_model="fixed",
                also_report=["heterogeneity_ci"],
                heterogeneity_ci_method="higgins_thompson",
            )
        )
    out.append(_case("scaled_md", BASES["MD"], "MD", scale_multiplier=0.5, tau2_method="REML"))
    out.append(
        _case("fixed_fit_statistics", BASES["GENERIC"], "GENERIC", effect_model="fixed", also_report=["fit_statistics"])
    )
    return out


MATRIX = _matrix()


@pytest.mark.parametrize("case", MATRIX, ids=[c["id"] for c in MATRIX])
def test_engine_matches_independent_reference(case: dict[str, Any]) -> None:
    ref = reference_case(case)
    result = run_case(case)
    assert "error" not in result, result.get("error")
    problems: list[tuple[str, str, str]] = []
    CHECKER.walk(ref["expected"], result, [], ref["tolerance"], problems, [0])
    assert not problems, problems[:5]


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_reference_reproduces_the_published_cases(case_id: str) -> None:
    """The audit reference is itself validated against the 38 published expected values."""
    case = CASES[case_id]
    problems: list[tuple[str, str, str]] = []
    CHECKER.walk(case["expected"], to_plain(reference(case)), [], case["tolerance"], problems, [0])
    assert not problems, problems[:5]


def test_statsmodels_agrees_with_the_reference_for_dl_and_pm() -> None:
    """A third opinion on DL and PM (statsmodels ``combine_effects``: method_re chi2 = DL, iterated = PM)."""
    import numpy as np
    from statsmodels.stats.meta_analysis import combine_effects

    rows = CASES["raudenbush1985_generic_dl"]["studies"]
    y = np.array([r["yi"] for r in rows])
    v = np.array([r["vi"] for r in rows])
    for method, sm in (("DL", "chi2"), ("PM", "iterated")):
        res = combine_effects(y, v, method_re=sm)
        ours = run_case(_case(f"sm_{method}", BASES["GENERIC"], "GENERIC", tau2_method=method))
        assert ours["tau2"] == pytest.approx(res.tau2, rel=1e-6, abs=1e-10)
        assert ours["estimate"] == pytest.approx(res.mean_effect_re, rel=1e-6)
        assert ours["se"] == pytest.approx(res.sd_eff_w_re, rel=1e-6)


def _random_case(seed: int) -> dict[str, Any]:
    """A seeded random case: sparse 2x2 tables (zero and all-event arms) or generic/continuous data, random options."""
    import random

    rnd = random.Random(seed)
    k = rnd.randint(2, 9)
    model: dict[str, Any] = {
        "effect_model": rnd.choice(["fixed", "random", "both"]),
        "tau2_method": rnd.choice(TAU2),
        "level": rnd.choice([0.95, 0.9, 0.8]),
        "ci_method": rnd.choice(["z", "hartung_knapp"]),
        "hk_truncate": rnd.choice([False, True]),
        "prediction_interval": rnd.choice([None, "t_k-2", "normal"]),
        "i2_definition": rnd.choice(["q_based", "metafor_tau2_based"]),
        "also_report": rnd.choice([[], ["heterogeneity_ci"], ["heterogeneity_ci", "fit_statistics"]]),
        "heterogeneity_ci_method": rnd.choice(["q_profile", "higgins_thompson"]),
        "sensitivity": rnd.choice([[], ["leave_one_out", "cumulative"]]),
        "cumulative_order": rnd.choice(["given", "yr"]),
    }
    if seed % 2:
        rows = []
        for i in range(k):
            n1, n2 = rnd.randint(5, 60), rnd.randint(5, 60)
            e1 = rnd.choice([0, 0, rnd.randint(0, n1), n1])
            e2 = rnd.choice([0, rnd.randint(0, n2), n2])
            row = {"study": f"s{i}", "events_1": e1, "total_1": n1, "events_2": e2, "total_2": n2}
            rows.append({**row, "g": rnd.choice("ab"), "yr": rnd.randint(1990, 1993)})
        measure = rnd.choice(["OR", "RR", "RD", "PETO_OR"])
        if measure == "PETO_OR":
            model["pooling"] = rnd.choice(["peto", "inverse_variance"])
        else:
            model["pooling"] = rnd.choice(["inverse_variance", "mantel_haenszel"])
            model["cc_in_mh"] = rnd.choice([False, True])
            model["dl_q_basis"] = rnd.choice(["inverse_variance", "fixed_pooling"])
            model["continuity_correction"] = rnd.choice([0.5, 0.25, 1.0])
            model["mh_rd_variance"] = rnd.choice(["sato1989", "greenland_robins1985"])
        if rnd.random() < 0.4:
            model["subgroup_variable"], model["subgroup_tau2"] = "g", rnd.choice(["separate", "common"])
        return {"id": f"random{seed}", "measure": measure, "data_type": "dichotomous", "studies": rows, "model": model}
    k += 2
    rows = [
        {"study": f"s{i}", "yi": rnd.gauss(0.3, 0.4), "vi": rnd.uniform(0.005, 0.3), "n": rnd.randint(10, 500)}
        for i in range(k)
    ]
    rows = [{**r, "yr": rnd.randint(1, 4)} for r in rows]
    model["small_study_tests"] = ["egger_classic", "egger_regtest", "egger_regtest_lm_sqrtninv", "begg"]
    model["trimfill"] = {"estimator": rnd.choice(["L0", "R0"]), "side": rnd.choice(["auto", "left", "right"])}
    if rnd.random() < 0.3:
        model["scale_multiplier"] = rnd.choice([10, 0.1])
    return {"id": f"random{seed}", "measure": "GENERIC", "data_type": "generic", "studies": rows, "model": model}


@pytest.mark.parametrize("seed", range(60))
def test_random_cases_match_the_reference(seed: int) -> None:
    """Differential test on seeded random data and options (400+ such cases agreed during the audit)."""
    case = _random_case(seed)
    result = run_case(case)
    if "error" in result:  # e.g. a Mantel-Haenszel OR that is 0 or infinite: refused with a reason
        assert result["error"] and set(result) == {"id", "error"}
        return
    ref = reference_case(case)
    problems: list[tuple[str, str, str]] = []
    CHECKER.walk(ref["expected"], result, [], ref["tolerance"], problems, [0])
    assert not problems, problems[:5]
