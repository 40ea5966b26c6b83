"""Numbers, P values and summary lines formatted the way RevMan 5 prints them.

Everything here is pure string formatting; the figures only draw what these functions return.
References: Deeks JJ, Higgins JPT. Statistical algorithms in Review Manager 5 (2010), and the
analysis output of RevMan 5.4 (e.g. "Test for overall effect: Z = 3.97 (P < 0.0001)").
"""

from __future__ import annotations

import math

# RevMan never prints P values smaller than these two bounds; it prints "P < bound" instead.
_P_FLOOR = 0.00001
_P_SMALL = 0.0001
# From this value down RevMan shows one significant digit instead of two decimals.
_P_TWO_DECIMALS = 0.01
_EFFECT_DECIMALS = 2


def format_number(value: float, decimals: int = _EFFECT_DECIMALS) -> str:
    """Return ``value`` rounded to ``decimals`` places, without a negative zero ("-0.00" -> "0.00")."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) == 0.0:
        return text[1:]
    return text


def format_estimate_ci(estimate: float, ci_lower: float, ci_upper: float, decimals: int = 2) -> str:
    """Return an estimate with its interval as RevMan prints it: ``"0.49 [0.34, 0.70]"``."""
    return (
        f"{format_number(estimate, decimals)} "
        f"[{format_number(ci_lower, decimals)}, {format_number(ci_upper, decimals)}]"
    )


def format_weight(weight_percent: float) -> str:
    """Return a percentage weight with one decimal: ``"5.1%"``, ``"100.0%"``."""
    return f"{format_number(weight_percent, 1)}%"


def format_p(p: float) -> str:
    """Return a P value with its relation sign: ``"P < 0.00001"``, ``"P = 0.002"``, ``"P = 0.18"``.

    P >= 0.01 gets two decimals; smaller values one significant digit; below 0.0001 RevMan only
    says "P < 0.0001", and below 0.00001 "P < 0.00001".
    """
    if math.isnan(p) or p < 0.0 or p > 1.0:
        raise ValueError(f"a P value must lie between 0 and 1, got {p!r}")
    if p < _P_FLOOR:
        return "P < 0.00001"
    if p < _P_SMALL:
        return "P < 0.0001"
    if p >= _P_TWO_DECIMALS:
        return f"P = {p:.2f}"
    decimals = -math.floor(math.log10(p))
    rounded = round(p, decimals)
    # 0.00096 rounds up to 0.001: print it with the decimals of its new order of magnitude.
    decimals = -math.floor(math.log10(rounded))
    return f"P = {rounded:.{decimals}f}"


def format_integer_percent(percent: float) -> str:
    """Return a percentage rounded to a whole number: ``"92%"`` (RevMan's I² for one analysis)."""
    return f"{round(percent):d}%"


def heterogeneity_text(
    *,
    chi2: float,
    df: int,
    p: float,
    i2: float,
    tau2: float | None = None,
) -> str:
    """Return RevMan's heterogeneity line.

    With ``tau2`` (random effects): ``"Heterogeneity: Tau² = 0.31; Chi² = 152.23, df = 12 (P < 0.00001);
    I² = 92%"``; without it (fixed effect) the Tau² part is left out. With df = 0 (one study) the line
    is ``"Heterogeneity: Not applicable"``.
    """
    if df < 1:
        return "Heterogeneity: Not applicable"
    chi_part = f"Chi² = {format_number(chi2)}, df = {df} ({format_p(p)}); I² = {format_integer_percent(i2)}"
    if tau2 is None:
        return f"Heterogeneity: {chi_part}"
    return f"Heterogeneity: Tau² = {format_number(tau2)}; {chi_part}"


def overall_effect_text(statistic: float, p: float, *, df: int | None = None) -> str:
    """Return RevMan's test line: ``"Test for overall effect: Z = 3.97 (P < 0.0001)"``.

    With ``df`` (a t test, e.g. Hartung-Knapp) it reads ``"t = 3.97, df = 12 (P = 0.002)"``. RevMan prints
    the absolute value of the statistic: the direction is visible on the plot.
    """
    magnitude = format_number(abs(statistic))
    if df is None:
        return f"Test for overall effect: Z = {magnitude} ({format_p(p)})"
    return f"Test for overall effect: t = {magnitude}, df = {df} ({format_p(p)})"


def subgroup_test_text(*, chi2: float, df: int, p: float, i2: float) -> str:
    """Return RevMan's subgroup line.

    Example: ``"Test for subgroup differences: Chi² = 1.80, df = 1 (P = 0.18), I² = 44.6%"``.

    RevMan gives this I² with one decimal, unlike the within-analysis I².
    """
    return (
        f"Test for subgroup differences: Chi² = {format_number(chi2)}, df = {df} "
        f"({format_p(p)}), I² = {format_number(i2, 1)}%"
    )


def format_arm_value(value: float | int | None) -> str:
    """Return an arm-level number (events, n, mean, SD) as entered: ``4``, ``-0.5``; blank for None."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:g}"
