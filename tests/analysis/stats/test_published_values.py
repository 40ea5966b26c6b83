"""Analyses outside the case schema, checked against published output (source beside each number)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.stats import meta_analysis, meta_regression

from .reference import bcg_rows

# Rothman, Greenland & Lash (2008) Table 15-1, as in wviechtb/metafor
# tests/testthat/test_analysis_example_rothman2008.r.
ROTHMAN_15_1 = [
    {"study": "Age <55", "events_1": 8, "total_1": 106, "events_2": 5, "total_2": 120},
    {"study": "Age 55+", "events_1": 22, "total_1": 98, "events_2": 16, "total_2": 85},
]


def _bcg_yi_vi() -> tuple[np.ndarray, np.ndarray]:
    res = meta_analysis(bcg_rows(), "RR")
    return np.array([s.yi for s in res.studies]), np.array([s.vi for s in res.studies])


def test_mh_odds_ratio_and_its_tests_match_rothman2008() -> None:
    """metafor rma.mh(measure="OR", correct=FALSE, level=90): b 0.3387 [-0.1731, 0.8505], QE 0.3474,
    CO 1.1976, MH 1.1914, TA 0.3489 (test_analysis_example_rothman2008.r)."""
    res = meta_analysis(
        ROTHMAN_15_1,
        "OR",
        {
            "effect_model": "fixed",
            "pooling": "mantel_haenszel",
            "level": 0.9,
            "also_report": ["cochran_test", "cmh_test", "tarone_test"],
        },
    )
    out = res.to_dict()
    for key, value in {"estimate": 0.3387, "ci_lower": -0.1731, "ci_upper": 0.8505, "Q": 0.3474}.items():
        assert out[key] == pytest.approx(value, abs=1.5e-4)
    assert out["cochran_test"]["statistic"] == pytest.approx(1.1976, abs=1.5e-4)
    assert out["cochran_test"]["p"] == pytest.approx(0.2738, abs=1.5e-4)
    assert out["cmh_test"]["statistic"] == pytest.approx(1.1914, abs=1.5e-4)
    assert out["cmh_test"]["p"] == pytest.approx(0.2750, abs=1.5e-4)
    assert out["tarone_test"]["statistic"] == pytest.approx(0.3489, abs=1.5e-4)
    assert out["tarone_test"]["p"] == pytest.approx(0.5547, abs=1.5e-4)
    assert out["tarone_test"]["df"] == 1


def test_bcg_reml_with_knapp_hartung_matches_metafor_readme() -> None:
    """wviechtb/metafor README.md: rma(yi, vi, data=dat, test="knha") on dat.bcg RR gives tau^2 0.3132
    (SE 0.1664), I^2 92.22%, H^2 12.86, Q 152.2330, estimate -0.7145, se 0.1808, t -3.9522 (df 12),
    CI [-1.1084, -0.3206]."""
    out = meta_analysis(
        bcg_rows(),
        "RR",
        {"tau2_method": "REML", "ci_method": "hartung_knapp", "i2_definition": "metafor_tau2_based"},
    ).to_dict()
    expected = {
        "tau2": 0.3132,
        "se_tau2": 0.1664,
        "I2": 92.22,
        "H2": 12.86,
        "Q": 152.2330,
        "estimate": -0.7145,
        "se": 0.1808,
        "t": -3.9522,
        "ci_lower": -1.1084,
        "ci_upper": -0.3206,
    }
    for key, value in expected.items():
        assert out[key] == pytest.approx(value, abs=0.006 if key in ("I2", "H2") else 1.5e-4), key
    assert out["df"] == 12


def test_bcg_regression_test_with_knapp_hartung_matches_metafor_readme() -> None:
    """metafor README.md: regtest() of the knha REML model on dat.bcg: t = -0.7812, df = 11, p = 0.4512."""
    yi, vi = _bcg_yi_vi()
    res = meta_regression(yi, vi, {"sei": np.sqrt(vi)}, method="REML", knha=True)
    sei = res.coefficient("sei")
    assert sei.statistic == pytest.approx(-0.7812, abs=1.5e-4)
    assert sei.p == pytest.approx(0.4512, abs=1.5e-4)
    assert res.df == 11


def test_bcg_meta_regression_on_latitude_matches_metafor_readme() -> None:
    """metafor README.md, rma(yi, vi, mods = ~ ablat, data=dat) on dat.bcg (REML): intercept 0.2515
    (se 0.2491, z 1.0095), ablat -0.0291 (se 0.0072, z -4.0444), tau^2 0.0764 (SE 0.0591), I^2 68.39%,
    H^2 3.16, R^2 75.62%, QE(11) 30.7331.  metafor stops Fisher scoring at a change below 1e-5, so its
    tau^2, and with it z and QM (16.3571), sit slightly off the converged optimum used here."""
    ablat = [r["ablat"] for r in bcg_rows()]
    yi, vi = _bcg_yi_vi()
    res = meta_regression(yi, vi, {"ablat": ablat}, method="REML")
    intercept, slope = res.coefficients
    assert intercept.estimate == pytest.approx(0.2515, abs=1.5e-4)
    assert intercept.se == pytest.approx(0.2491, abs=1.5e-4)
    assert intercept.statistic == pytest.approx(1.0095, abs=1.5e-4)
    assert slope.estimate == pytest.approx(-0.0291, abs=1.5e-4)
    assert slope.se == pytest.approx(0.0072, abs=1.5e-4)
    assert slope.statistic == pytest.approx(-4.0444, abs=3e-4)
    assert res.tau2 == pytest.approx(0.0764, abs=1.5e-4)
    assert res.se_tau2 == pytest.approx(0.0591, abs=1.5e-4)
    assert pytest.approx(68.39, abs=0.006) == res.I2
    assert pytest.approx(3.16, abs=0.006) == res.H2
    assert pytest.approx(75.62, abs=0.01) == res.R2  # tau^2 differs by ~2e-5 (metafor threshold)
    assert pytest.approx(30.7331, abs=1.5e-4) == res.QE
    assert res.QE_df == 11
    assert pytest.approx(16.3571, abs=2e-3) == res.QM


def test_bcg_meta_regression_with_knapp_hartung_matches_metafor_readme() -> None:
    """metafor README.md, the same model with test="knha": F(1, 11) = 12.5905, p 0.0046; intercept se 0.2839
    (t 0.8857), ablat se 0.0082 (t -3.5483), CI [-0.0472, -0.0111]."""
    ablat = [r["ablat"] for r in bcg_rows()]
    yi, vi = _bcg_yi_vi()
    res = meta_regression(yi, vi, {"ablat": ablat}, method="REML", knha=True)
    intercept, slope = res.coefficients
    assert pytest.approx(12.5905, abs=2e-3) == res.QM
    assert res.QM_p == pytest.approx(0.0046, abs=1.5e-4)
    assert intercept.se == pytest.approx(0.2839, abs=1.5e-4)
    assert intercept.statistic == pytest.approx(0.8857, abs=1.5e-4)
    assert slope.se == pytest.approx(0.0082, abs=1.5e-4)
    assert slope.statistic == pytest.approx(-3.5483, abs=3e-4)
    assert (slope.ci_lower, slope.ci_upper) == pytest.approx((-0.0472, -0.0111), abs=1.5e-4)


def test_ml_fit_statistics_match_metafor_tests() -> None:
    """wviechtb/metafor tests/testthat/test_misc_fitstats.r: rma(yi, vi, method="ML") on dat.bcg RR:
    logLik -12.6651, deviance 37.1160, AIC 29.3302, BIC 30.4601, AICc 30.5302."""
    out = meta_analysis(bcg_rows(), "RR", {"tau2_method": "ML", "also_report": ["fit_statistics"]}).to_dict()
    expected = {"loglik": -12.6651, "deviance": 37.1160, "AIC": 29.3302, "BIC": 30.4601, "AICc": 30.5302}
    for key, value in expected.items():
        assert out["fit_statistics"][key] == pytest.approx(value, abs=1.5e-4), key


@pytest.mark.parametrize(
    ("method", "tau", "mu", "se"),
    [
        ("EB", 0.3681, -0.3811, 0.2060),
        ("REML", 0.1843, -0.2980, 0.1343),
        ("SJ", 0.4572, -0.4079, 0.2386),
        ("ML", 0.0023, -0.1974, 0.0694),
    ],
)
def test_clasp_estimators_match_dersimonian_kacker_2007(method: str, tau: float, mu: float, se: float) -> None:
    """wviechtb/metafor tests/testthat/test_analysis_example_dersimonian2007.r (DerSimonian & Kacker 2007,
    Tables 3-4), CLASP log ORs.  The ML optimum is on the boundary: metafor halves its steps towards 0 and
    stops at tau = 0.0023 (tau^2 ~ 5e-6), and the engine reports the value metafor stops at."""
    from .reference import case

    out = meta_analysis(case("clasp_or_pm")["studies"], "OR", {"tau2_method": method}).to_dict()
    assert out["tau"] == pytest.approx(tau, abs=1.5e-4 if method != "ML" else 2.5e-3)
    assert out["estimate"] == pytest.approx(mu, abs=1.5e-4)
    assert out["se"] == pytest.approx(se, abs=1.5e-4)


def test_q_profile_heterogeneity_ci_matches_metafor_confint() -> None:
    """Printed metafor confint() of rma(yi, vi) (REML) on dat.bcg RR, in the RoBMA package documentation
    (code-index id 63236677865): tau^2 [0.1197, 1.1115], tau [0.3460, 1.0543], I^2 [81.9177, 97.6781],
    H^2 [5.5303, 43.0680].  metafor finds the bounds with uniroot(tol = 1.2e-4), so its tau^2 bounds carry
    errors up to ~1e-4; through I^2 = 100 tau^2/(tau^2 + s^2) that is up to ~0.015 points of I^2 and
    ~0.005 of H^2 at the lower bound."""
    out = meta_analysis(
        bcg_rows(),
        "RR",
        {"tau2_method": "REML", "i2_definition": "metafor_tau2_based", "also_report": ["heterogeneity_ci"]},
    ).to_dict()
    expected = {"tau2": (0.1197, 1.1115), "tau": (0.3460, 1.0543), "I2": (81.9177, 97.6781), "H2": (5.5303, 43.0680)}
    tolerance = {"tau2": 1.5e-4, "tau": 1.5e-4, "I2": 0.02, "H2": 0.006}
    for name, (lower, upper) in expected.items():
        assert out[f"{name}_ci_lower"] == pytest.approx(lower, abs=tolerance[name]), name
        assert out[f"{name}_ci_upper"] == pytest.approx(upper, abs=tolerance[name]), name
