"""Result objects: frozen, JSON without NaN, DataFrames, stable schema keys."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from analysis.stats import exclude_and_reanalyse, meta_analysis

from .reference import bcg_rows


def test_results_are_frozen() -> None:
    res = meta_analysis(bcg_rows(), "RR")
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.measure = "OR"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.fit.fixed.estimate = 0.0  # type: ignore[misc]


def test_every_result_serialises_to_json_and_a_frame() -> None:
    res = meta_analysis(
        bcg_rows(),
        "OR",
        {
            "effect_model": "both",
            "subgroup_variable": "alloc",
            "sensitivity": ["leave_one_out"],
            "small_study_tests": ["begg", "egger_classic"],
            "trimfill": {},
            "also_report": ["tarone_test"],
        },
    )
    text = res.to_json()
    assert "NaN" not in text
    out = json.loads(text)
    assert set(out["subgroups"]) == {"random", "alternate", "systematic"}
    assert out["fixed"]["exp_estimate"] > 0
    frame = res.to_frame()
    assert isinstance(frame, pd.DataFrame) and list(frame["study"]) == [r["study"] for r in bcg_rows()]
    for part in (
        res.fit,
        res.fit.fixed,
        res.fit.heterogeneity,
        res.subgroup_test,
        res.trimfill,
        res.small_study_tests["begg"],
        res.leave_one_out[0],
    ):
        assert isinstance(part.to_frame(), pd.DataFrame)  # type: ignore[union-attr]
        json.loads(part.to_json())  # type: ignore[union-attr]


def test_exclusion_by_attribute_reanalyses_without_those_studies() -> None:
    res = exclude_and_reanalyse(bcg_rows(), "RR", "alloc", {"systematic"})
    assert res.fit.k == 9
    assert "excluded for alloc" in res.warnings[-1]
    assert "Comstock et al, 1974" in res.warnings[-1]


def test_dataframe_input_equals_row_input() -> None:
    rows = bcg_rows()
    a = meta_analysis(rows, "RR", {"tau2_method": "REML"})
    b = meta_analysis(pd.DataFrame(rows), "RR", {"tau2_method": "REML"})
    assert a.fit.random.estimate == pytest.approx(b.fit.random.estimate)  # type: ignore[union-attr]
