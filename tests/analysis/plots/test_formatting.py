"""RevMan number formatting.

Expected strings follow RevMan 5 output; the BCG numbers are metafor/Stata metan values from
/work/shared/reference/meta_cases.json, case bcg_rr_iv_dl (tau2 0.3088, Q 152.233, I2 92.1173, z -3.9952).
"""

from __future__ import annotations

import math

import pytest

from analysis.plots.formatting import (
    format_arm_value,
    format_estimate_ci,
    format_number,
    format_p,
    format_weight,
    heterogeneity_text,
    overall_effect_text,
    subgroup_test_text,
)


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (0.0, "P < 0.00001"),
        (3e-6, "P < 0.00001"),
        (0.00001, "P < 0.0001"),
        (6.46e-5, "P < 0.0001"),
        (0.0001, "P = 0.0001"),
        (0.00034, "P = 0.0003"),
        (0.00096, "P = 0.001"),
        (0.0021, "P = 0.002"),
        (0.0062, "P = 0.006"),
        (0.01, "P = 0.01"),
        (0.0449, "P = 0.04"),
        (0.18, "P = 0.18"),
        (0.8, "P = 0.80"),
        (1.0, "P = 1.00"),
    ],
)
def test_p_values_print_as_revman_does(p: float, expected: str) -> None:
    assert format_p(p) == expected


@pytest.mark.parametrize("p", [-0.1, 1.5, math.nan])
def test_impossible_p_values_are_rejected(p: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        format_p(p)


def test_estimate_with_ci_has_two_decimals_and_brackets() -> None:
    """exp of metafor's -0.7141 [-1.0644, -0.3638] is RR 0.49 [0.34, 0.70]."""
    text = format_estimate_ci(math.exp(-0.7141), math.exp(-1.0644), math.exp(-0.3638))
    assert text == "0.49 [0.34, 0.70]"


def test_negative_zero_is_printed_without_sign() -> None:
    assert format_number(-0.001) == "0.00"
    assert format_estimate_ci(-0.001, -0.5, 0.4) == "0.00 [-0.50, 0.40]"


def test_non_finite_numbers_are_spelled_out() -> None:
    assert format_number(math.inf) == "Infinity"
    assert format_number(-math.inf) == "-Infinity"
    assert format_number(math.nan) == "NaN"


def test_weights_have_one_decimal() -> None:
    assert format_weight(5.0449) == "5.0%"
    assert format_weight(100) == "100.0%"


def test_bcg_heterogeneity_line_matches_revman_layout() -> None:
    line = heterogeneity_text(chi2=152.233, df=12, p=4.0e-26, i2=92.1173, tau2=0.3088)
    assert line == "Heterogeneity: Tau² = 0.31; Chi² = 152.23, df = 12 (P < 0.00001); I² = 92%"


def test_fixed_effect_heterogeneity_line_has_no_tau2() -> None:
    line = heterogeneity_text(chi2=28.3, df=5, p=3.2e-5, i2=82.3)
    assert line == "Heterogeneity: Chi² = 28.30, df = 5 (P < 0.0001); I² = 82%"


def test_heterogeneity_with_one_study_is_not_applicable() -> None:
    assert heterogeneity_text(chi2=0.0, df=0, p=1.0, i2=0.0, tau2=0.0) == "Heterogeneity: Not applicable"


def test_overall_effect_prints_absolute_z() -> None:
    assert overall_effect_text(-3.9952, 6.46e-5) == "Test for overall effect: Z = 4.00 (P < 0.0001)"


def test_overall_effect_with_t_distribution_shows_df() -> None:
    assert overall_effect_text(2.5, 0.0278, df=12) == "Test for overall effect: t = 2.50, df = 12 (P = 0.03)"


def test_subgroup_line_has_one_decimal_i2() -> None:
    line = subgroup_test_text(chi2=1.8, df=1, p=0.1797, i2=44.44)
    assert line == "Test for subgroup differences: Chi² = 1.80, df = 1 (P = 0.18), I² = 44.4%"


@pytest.mark.parametrize(("value", "expected"), [(4, "4"), (4.0, "4"), (-0.5, "-0.5"), (12.25, "12.25"), (None, "")])
def test_arm_values_print_as_entered(value: float | int | None, expected: str) -> None:
    assert format_arm_value(value) == expected
