"""Per-study effect sizes: SMD variants, zero cells, Peto, generic input from SE or CI."""

from __future__ import annotations

import math

import pytest

from analysis.stats import meta_analysis

from .reference import bcg_rows, case


def test_hedges_g_revman_matches_r_meta() -> None:
    """statsmodels test_meta.py TestEffSmdMeta (R meta metacont(sm="SMD")): Carroll g 0.0945243733606383,
    var 0.03337182573880991."""
    res = meta_analysis(case("amar_smd_hedges_g_fixed_dl")["studies"], "SMD")
    assert res.studies[0].yi == pytest.approx(0.0945243733606383, rel=1e-12)
    assert res.studies[0].vi == pytest.approx(0.03337182573880991, rel=1e-12)


def test_cohen_d_is_the_uncorrected_difference() -> None:
    row = case("amar_smd_hedges_g_fixed_dl")["studies"][0]
    res = meta_analysis([row, row], "SMD", {"smd_variant": "cohen_d", "effect_model": "fixed"})
    sp = math.sqrt((59 * 22**2 + 59 * 20**2) / 118)
    d = (94 - 92) / sp
    assert res.studies[0].yi == pytest.approx(d)
    assert res.studies[0].vi == pytest.approx(1 / 60 + 1 / 60 + d**2 / 240)


def test_zero_cell_gets_half_in_every_cell() -> None:
    rows = bcg_rows()[:3] + [{"study": "Z", "events_1": 0, "total_1": 50, "events_2": 4, "total_2": 50}]
    res = meta_analysis(rows, "OR")
    z = res.studies[-1]
    assert z.yi == pytest.approx(math.log((0.5 * 46.5) / (50.5 * 4.5)))
    assert z.vi == pytest.approx(1 / 0.5 + 1 / 50.5 + 1 / 4.5 + 1 / 46.5)
    assert "0.5 added" in z.note


def test_peto_log_odds_ratio_is_o_minus_e_over_v() -> None:
    row = bcg_rows()[0]
    res = meta_analysis([row, bcg_rows()[1]], "PETO_OR", {"pooling": "peto", "effect_model": "fixed"})
    a, n1, c, n2 = row["events_1"], row["total_1"], row["events_2"], row["total_2"]
    n, m1 = n1 + n2, a + c
    v = n1 * n2 * m1 * (n - m1) / (n**2 * (n - 1))
    assert res.studies[0].yi == pytest.approx((a - n1 * m1 / n) / v)
    assert res.studies[0].vi == pytest.approx(1 / v)


def test_generic_input_from_se_or_ci_gives_the_same_variance() -> None:
    base = meta_analysis([{"study": "a", "yi": 0.2, "vi": 0.04}, {"study": "b", "yi": 0.5, "vi": 0.09}], "GENERIC")
    z = 1.959963984540054
    from_se = meta_analysis([{"study": "a", "yi": 0.2, "se": 0.2}, {"study": "b", "yi": 0.5, "se": 0.3}], "GENERIC")
    from_ci = meta_analysis(
        [
            {"study": "a", "yi": 0.2, "ci_lower": 0.2 - z * 0.2, "ci_upper": 0.2 + z * 0.2},
            {"study": "b", "yi": 0.5, "ci_lower": 0.5 - z * 0.3, "ci_upper": 0.5 + z * 0.3},
        ],
        "GENERIC",
    )
    for other in (from_se, from_ci):
        assert [s.vi for s in other.studies] == pytest.approx([s.vi for s in base.studies], rel=1e-9)


def test_published_ratio_and_ci_are_taken_on_the_log_scale() -> None:
    res = meta_analysis(
        [
            {"study": "a", "estimate": 1.5, "ci_lower": 1.1, "ci_upper": 2.0},
            {"study": "b", "estimate": 0.9, "ci_lower": 0.6, "ci_upper": 1.35},
        ],
        "OR",
        data_type="generic",
    )
    assert res.studies[0].yi == pytest.approx(math.log(1.5))
    assert res.studies[0].se == pytest.approx((math.log(2.0) - math.log(1.1)) / (2 * 1.959963984540054))
