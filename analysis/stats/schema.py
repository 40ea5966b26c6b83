"""Mapping of result objects to the key names of the case schema (shared/reference/README.md)."""

from __future__ import annotations

import math
from typing import Any

from .effect_sizes import RATIO_MEASURES
from .models import ModelFit
from .pooling import PooledEstimate
from .results import MetaAnalysisResult, RankTest, RegressionTest, TrimFillResult


def pooled_fields(pooled: PooledEstimate, ratio: bool) -> dict[str, Any]:
    """estimate, se, CI, z (or t and df), p, and exp_* for ratio measures."""
    out: dict[str, Any] = {
        "estimate": pooled.estimate,
        "se": pooled.se,
        "ci_lower": pooled.ci_lower,
        "ci_upper": pooled.ci_upper,
        pooled.test: pooled.statistic,
        "p": pooled.p,
    }
    if pooled.df is not None:
        out["df"] = pooled.df
    if ratio:
        out.update(
            exp_estimate=math.exp(pooled.estimate),
            exp_ci_lower=math.exp(pooled.ci_lower),
            exp_ci_upper=math.exp(pooled.ci_upper),
        )
    return out


def result_object(fit: ModelFit, which: str, ratio: bool) -> dict[str, Any]:
    """The schema's result object for the ``fixed`` or ``random`` model of ``fit``."""
    pooled = fit.fixed if which == "fixed" or fit.random is None else fit.random
    het = fit.fixed_heterogeneity if which == "fixed" else fit.heterogeneity
    out = pooled_fields(pooled, ratio)
    out.update(
        k=fit.k,
        Q=het.Q,
        Q_df=het.Q_df,
        Q_p=het.Q_p,
        tau2=het.tau2,
        tau=het.tau,
        se_tau2=het.se_tau2,
        I2=het.I2,
        I2_fraction=None if het.I2 is None else het.I2 / 100,
        H2=het.H2,
        H=het.H,
        tau2_method=het.tau2_method,
        tau2_iterations=het.tau2_iterations,
        tau2_converged=het.tau2_converged,
    )
    if fit.heterogeneity_ci is not None:
        ci = fit.heterogeneity_ci.to_dict()
        ci.pop("method")
        out.update(ci)
        for bound in ("lower", "upper"):
            i2 = ci[f"I2_ci_{bound}"]
            out[f"I2_fraction_ci_{bound}"] = None if i2 is None else i2 / 100
    if which == "random" and fit.prediction is not None:
        out.update(pi_lower=fit.prediction.pi_lower, pi_upper=fit.prediction.pi_upper, pi_se=fit.prediction.pi_se)
    return out


def model_object(fit: ModelFit, effect_model: str, ratio: bool) -> dict[str, Any]:
    """One result object, or ``fixed`` and ``random`` objects for ``effect_model: both``."""
    if effect_model == "both":
        return {"fixed": result_object(fit, "fixed", ratio), "random": result_object(fit, "random", ratio)}
    return result_object(fit, effect_model, ratio)


def _small_study(test: RegressionTest | RankTest) -> dict[str, Any]:
    if isinstance(test, RankTest):
        return {"kendall_tau": test.kendall_tau, "p": test.p, "exact": test.exact}
    out: dict[str, Any] = {test.test: test.statistic, "p": test.p, "estimate": test.estimate, "se": test.se}
    if test.df is not None:
        out["df"] = test.df
    if test.name == "egger_classic":
        out.update(intercept=test.intercept, se=test.intercept_se, slope=test.slope)
    return out


def _trimfill(tf: TrimFillResult, effect_model: str, ratio: bool) -> dict[str, Any]:
    out = model_object(tf.fit, effect_model, ratio)
    out.update(k0=tf.k0, side=tf.side, se_k0=tf.se_k0, k=tf.k, estimator=tf.estimator)
    return out


def _input_labels(result: MetaAnalysisResult) -> dict[str, Any]:
    """The ``study`` values as the input gave them, by their string label.

    A numeric label (``"study": 3``) is written back as that number, so that ``study``, ``omitted`` and ``added``
    equal the case's own labels (the checker compares them with ``==``).
    """
    out: dict[str, Any] = {}
    for s in result.studies:
        value = s.data.get("study")
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[s.study] = value
    return out


def result_to_schema(result: MetaAnalysisResult) -> dict[str, Any]:
    """The whole result with the schema's keys (plus a few extra keys, which checkers ignore)."""
    spec = result.spec
    ratio = result.measure in RATIO_MEASURES
    out = model_object(result.fit, spec.effect_model, ratio)
    out["measure"] = result.measure
    label = _input_labels(result)
    out["studies"] = [
        {**{k: v for k, v in s.to_dict().items() if k != "data"}, "study": label.get(s.study, s.study)}
        for s in result.studies
    ]
    if result.subgroups:
        out["subgroups"] = {
            g.level: {"k": g.k, **model_object(g.fit, spec.effect_model, ratio)} for g in result.subgroups
        }
    if result.subgroup_test is not None:
        out["test_for_subgroup_differences"] = result.subgroup_test.to_dict()
    if result.leave_one_out:
        out["leave_one_out"] = [
            {"omitted": label.get(r.study, r.study), **model_object(r.fit, spec.effect_model, ratio)}
            for r in result.leave_one_out
        ]
    if result.cumulative:
        out["cumulative"] = [
            {"added": label.get(r.study, r.study), **model_object(r.fit, spec.effect_model, ratio)}
            for r in result.cumulative
        ]
    for name, test in result.small_study_tests.items():
        out[name] = _small_study(test)
    if result.trimfill is not None:
        out["trimfill"] = _trimfill(result.trimfill, spec.effect_model, ratio)
    for name, chi in result.binary_tests.items():
        out[name] = chi.to_dict()
    if result.fit_statistics is not None:
        out["fit_statistics"] = result.fit_statistics.to_dict()
    out["warnings"] = list(result.warnings)
    return out
