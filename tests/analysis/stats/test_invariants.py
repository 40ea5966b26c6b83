"""Properties that hold for any data (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.stats import TAU2_METHODS, meta_analysis

SETTINGS = settings(max_examples=60, deadline=None)

arm_counts = st.tuples(st.integers(1, 60), st.integers(40, 200), st.integers(1, 60), st.integers(40, 200)).filter(
    lambda t: t[0] < t[1] and t[2] < t[3]
)
continuous_arm = st.tuples(
    st.floats(-50, 50),
    st.floats(0.5, 20),
    st.integers(5, 200),
    st.floats(-50, 50),
    st.floats(0.5, 20),
    st.integers(5, 200),
)


def _binary(tables: list[tuple[int, int, int, int]]) -> list[dict[str, object]]:
    return [
        {"study": f"s{i}", "events_1": a, "total_1": n1, "events_2": c, "total_2": n2}
        for i, (a, n1, c, n2) in enumerate(tables)
    ]


def _swap_binary(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [
        {
            "study": r["study"],
            "events_1": r["events_2"],
            "total_1": r["total_2"],
            "events_2": r["events_1"],
            "total_2": r["total_1"],
        }
        for r in rows
    ]


@SETTINGS
@given(st.lists(arm_counts, min_size=2, max_size=12))
def test_swapping_arms_inverts_the_risk_ratio(tables: list[tuple[int, int, int, int]]) -> None:
    rows = _binary(tables)
    for pooling in ("inverse_variance", "mantel_haenszel"):
        spec = {"effect_model": "both", "pooling": pooling}
        a, b = meta_analysis(rows, "RR", spec), meta_analysis(_swap_binary(rows), "RR", spec)
        assert b.fit.fixed.estimate == pytest.approx(-a.fit.fixed.estimate, abs=1e-12)
        assert b.fit.random.estimate == pytest.approx(-a.fit.random.estimate, abs=1e-12)  # type: ignore[union-attr]
        assert b.fit.heterogeneity.tau2 == pytest.approx(a.fit.heterogeneity.tau2, rel=1e-9, abs=1e-14)


@SETTINGS
@given(st.lists(continuous_arm, min_size=2, max_size=12))
def test_swapping_arms_negates_the_mean_difference(arms: list[tuple]) -> None:
    keys = ("mean_1", "sd_1", "n_1", "mean_2", "sd_2", "n_2")
    rows = [{"study": f"s{i}", **dict(zip(keys, arm, strict=True))} for i, arm in enumerate(arms)]
    swapped = [
        {
            **r,
            "mean_1": r["mean_2"],
            "sd_1": r["sd_2"],
            "n_1": r["n_2"],
            "mean_2": r["mean_1"],
            "sd_2": r["sd_1"],
            "n_2": r["n_1"],
        }
        for r in rows
    ]
    for measure in ("MD", "SMD"):
        a, b = meta_analysis(rows, measure), meta_analysis(swapped, measure)
        assert [s.yi for s in b.studies] == pytest.approx([-s.yi for s in a.studies], abs=1e-9)
        assert b.fit.random.estimate == pytest.approx(-a.fit.random.estimate, abs=1e-9)  # type: ignore[union-attr]


@SETTINGS
@given(st.floats(-3, 3), st.floats(0.001, 2), st.integers(2, 15))
def test_tau2_is_zero_when_all_studies_are_identical(yi: float, vi: float, k: int) -> None:
    rows = [{"study": f"s{i}", "yi": yi, "vi": vi} for i in range(k)]
    for method in TAU2_METHODS:
        res = meta_analysis(rows, "GENERIC", {"tau2_method": method})
        assert res.fit.heterogeneity.tau2 == pytest.approx(0.0, abs=1e-12), method
        assert res.fit.random.estimate == pytest.approx(yi)  # type: ignore[union-attr]


@SETTINGS
@given(
    st.lists(st.tuples(st.floats(-2, 2), st.floats(0.005, 1.0)), min_size=3, max_size=15),
    st.randoms(use_true_random=False),
)
def test_results_do_not_depend_on_study_order(studies: list[tuple[float, float]], rnd: object) -> None:
    rows = [{"study": f"s{i}", "yi": y, "vi": v} for i, (y, v) in enumerate(studies)]
    shuffled = list(rows)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    for method in TAU2_METHODS:
        a = meta_analysis(rows, "GENERIC", {"tau2_method": method, "effect_model": "both"})
        b = meta_analysis(shuffled, "GENERIC", {"tau2_method": method, "effect_model": "both"})
        assert b.fit.heterogeneity.tau2 == pytest.approx(a.fit.heterogeneity.tau2, rel=1e-7, abs=1e-12), method
        assert b.fit.random.estimate == pytest.approx(a.fit.random.estimate, rel=1e-9, abs=1e-12)  # type: ignore[union-attr]
        assert pytest.approx(a.fit.heterogeneity.Q, rel=1e-9, abs=1e-12) == b.fit.heterogeneity.Q


@SETTINGS
@given(st.lists(st.tuples(st.floats(-2, 2), st.floats(0.005, 1.0)), min_size=3, max_size=15))
def test_weights_are_percentages_and_estimates_lie_inside_the_study_range(studies: list[tuple[float, float]]) -> None:
    rows = [{"study": f"s{i}", "yi": y, "vi": v} for i, (y, v) in enumerate(studies)]
    res = meta_analysis(rows, "GENERIC", {"tau2_method": "REML", "effect_model": "both"})
    assert math.fsum(s.weight_fixed for s in res.studies) == pytest.approx(100.0)
    assert math.fsum(s.weight_random or 0.0 for s in res.studies) == pytest.approx(100.0)
    ys = np.array([y for y, _ in studies])
    assert ys.min() - 1e-9 <= res.fit.random.estimate <= ys.max() + 1e-9  # type: ignore[union-attr]
