"""Trim-and-fill (metafor ``trimfill()``) on dat.hackshaw1998 and dat.bcg."""

from __future__ import annotations

import math

import pytest

from analysis.stats import meta_analysis

from .reference import bcg_rows

# wviechtb/metadat data-raw/dat.hackshaw1998.txt (author, year, OR, CI), converted as its
# data-raw/dat.hackshaw1998.r does: yi = round(log(or), 3), vi = round(((log(ub) - log(lb))/(2*1.96))^2, 4).
HACKSHAW_OR_CI = [
    ("Garfinkel 1981", 1.18, 0.90, 1.54),
    ("Hirayama 1984", 1.45, 1.02, 2.08),
    ("Butler 1988", 2.02, 0.48, 8.56),
    ("Cardenas 1997", 1.20, 0.80, 1.60),
    ("Chan 1982", 0.75, 0.43, 1.30),
    ("Correa 1983", 2.07, 0.81, 5.25),
    ("Trichopolous 1983", 2.13, 1.19, 3.83),
    ("Buffler 1984", 0.80, 0.34, 1.90),
    ("Kabat 1984", 0.79, 0.25, 2.45),
    ("Lam 1985", 2.01, 1.09, 3.72),
    ("Garfinkel 1985", 1.23, 0.81, 1.87),
    ("Wu 1985", 1.20, 0.50, 3.30),
    ("Akiba 1986", 1.52, 0.87, 2.63),
    ("Lee 1986", 1.03, 0.41, 2.55),
    ("Koo 1987", 1.55, 0.90, 2.67),
    ("Pershagen 1987", 1.03, 0.61, 1.74),
    ("Humble 1987", 2.34, 0.81, 6.75),
    ("Lam 1987", 1.65, 1.16, 2.35),
    ("Gao 1987", 1.19, 0.82, 1.73),
    ("Brownson 1987", 1.52, 0.39, 5.96),
    ("Geng 1988", 2.16, 1.08, 4.29),
    ("Shimizu 1988", 1.08, 0.64, 1.82),
    ("Inoue 1988", 2.55, 0.74, 8.78),
    ("Kalandidi 1990", 1.62, 0.90, 2.91),
    ("Sobue 1990", 1.06, 0.74, 1.52),
    ("Wu-Williams 1990", 0.79, 0.62, 1.02),
    ("Liu 1991", 0.74, 0.32, 1.69),
    ("Jockel 1991", 2.27, 0.75, 6.82),
    ("Brownson 1992", 0.97, 0.78, 1.21),
    ("Stockwell 1992", 1.60, 0.80, 3.00),
    ("Du 1993", 1.19, 0.66, 2.13),
    ("Liu 1993", 1.66, 0.73, 3.78),
    ("Fontham 1994", 1.26, 1.04, 1.54),
    ("Kabat 1995", 1.10, 0.62, 1.96),
    ("Zaridze 1995", 1.66, 1.12, 2.45),
    ("Sun 1996", 1.16, 0.80, 1.69),
    ("Wang 1996", 1.11, 0.67, 1.84),
]


def hackshaw_rows() -> list[dict[str, object]]:
    return [
        {"study": s, "yi": round(math.log(o), 3), "vi": round(((math.log(u) - math.log(lo)) / (2 * 1.96)) ** 2, 4)}
        for s, o, lo, u in HACKSHAW_OR_CI
    ]


def test_hackshaw_reml_fills_seven_studies_on_the_left() -> None:
    """Printed metafor output in a public R Markdown tutorial (code-index id 15992464293):
    trimfill(rma(yi, vi, data=dat.hackshaw1998)): 7 missing on the left (SE = 4.0399); k = 44,
    tau^2 0.0245, Q(43) 60.5196, estimate 0.1745, se 0.0484, z 3.6015, CI [0.0795, 0.2694]."""
    out = meta_analysis(hackshaw_rows(), "OR", {"tau2_method": "REML", "trimfill": {}}).to_dict()["trimfill"]
    assert (out["k0"], out["side"], out["k"]) == (7, "left", 44)
    expected = {
        "se_k0": 4.0399,
        "tau2": 0.0245,
        "Q": 60.5196,
        "estimate": 0.1745,
        "se": 0.0484,
        "z": 3.6015,
        "ci_lower": 0.0795,
        "ci_upper": 0.2694,
    }
    for key, value in expected.items():
        assert out[key] == pytest.approx(value, abs=1.5e-4), key


def test_forced_side_and_r0_estimator_run_and_mirror_about_the_trimmed_estimate() -> None:
    res = meta_analysis(hackshaw_rows(), "OR", {"tau2_method": "DL", "trimfill": {"estimator": "R0", "side": "left"}})
    tf = res.trimfill
    assert tf is not None and tf.side == "left" and tf.estimator == "R0"
    assert tf.k == 37 + tf.k0
    assert tf.se_k0 == pytest.approx(math.sqrt(2 * tf.k0 + 2))
    assert all(y < res.fit.random.estimate for y in tf.filled_yi)  # type: ignore[union-attr]


def test_no_missing_studies_returns_the_original_fit() -> None:
    res = meta_analysis(bcg_rows(), "OR", {"trimfill": {"side": "right"}})
    assert res.trimfill is not None and res.trimfill.k0 == 0
    assert res.trimfill.fit == res.fit
