"""Fitting one model (fixed and/or random effects) to one set of studies."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .distributions import chi2_sf
from .effect_sizes import Counts, StudyData
from .errors import MetaAnalysisInputError, MetaAnalysisWarning
from .heterogeneity import (
    Heterogeneity,
    HeterogeneityCI,
    cochran_q,
    higgins_thompson_ci,
    q_based_i2,
    q_profile_ci,
    tau2_based_i2,
)
from .linalg import FloatArray, WlsFit, wls
from .options import ModelSpec
from .pooling import (
    PooledEstimate,
    PredictionInterval,
    hartung_knapp_se,
    inverse_variance,
    mantel_haenszel,
    peto,
    prediction_interval,
    summarise,
)
from .serialise import Serialisable
from .tau2 import Tau2Estimate, estimate_tau2


@dataclass(frozen=True)
class ModelFit(Serialisable):
    """One fitted model.

    ``fixed`` is always computed (the case's ``pooling``); ``random`` only for random-effects specs.
    ``fixed_heterogeneity`` has Q centred on the fixed-effect estimate (Q-based I²); ``heterogeneity`` is the
    random-effects block (tau² of ``tau2_method``, I² per ``i2_definition``).
    ``w_fixed``/``w_random`` are the unnormalised weights (MH or Peto weights for those poolings).
    """

    k: int
    fixed: PooledEstimate
    random: PooledEstimate | None
    fixed_heterogeneity: Heterogeneity
    heterogeneity: Heterogeneity
    heterogeneity_ci: HeterogeneityCI | None
    prediction: PredictionInterval | None
    w_fixed: FloatArray
    w_random: FloatArray | None


def fit_model(data: StudyData, spec: ModelSpec, tau2: float | None = None) -> ModelFit:
    """Fit ``spec`` to the studies of ``data`` (all included).  ``tau2`` fixes tau² (e.g. a common tau²)."""
    if data.k < 1:
        raise MetaAnalysisInputError("no study left to analyse")
    yi, vi = data.yi, data.vi
    fixed, w_fixed, q_fixed, iv_fit = _fixed_effect(data, spec)
    het_fixed = _heterogeneity(q_fixed, data.k, Tau2Estimate("none", 0.0, float("nan")), "q_based", vi)
    estimate = _tau2(data, spec, q_fixed, tau2, iv_fit)
    het_fixed = _with_tau2(het_fixed, estimate)
    q_random = (
        q_fixed
        if spec.dl_q_basis == "fixed_pooling" or spec.pooling == "inverse_variance"
        else cochran_q(yi, vi, inverse_variance(yi, vi)[0])
    )
    het = _heterogeneity(q_random, data.k, estimate, spec.i2_definition, vi)
    if not spec.random:
        # A fixed-effect result reports the Q of its own pooling (MH- or Peto-centred), so the Higgins-Thompson
        # CI of H and I² is built on that Q too (R meta, Q.Cochrane=TRUE); for IV pooling both Qs coincide.
        het_ci = _het_ci(data, spec, q_fixed)
        return ModelFit(data.k, fixed, None, het_fixed, het, het_ci, None, w_fixed, None)
    random, w_random = _random_effect(yi, vi, estimate.tau2, spec)
    pi = None
    if spec.prediction_interval is not None:
        pi = prediction_interval(
            random.estimate, random.se, estimate.tau2, data.k, spec.level, spec.prediction_interval
        )
    return ModelFit(data.k, fixed, random, het_fixed, het, _het_ci(data, spec, q_random), pi, w_fixed, w_random)


def _fixed_effect(data: StudyData, spec: ModelSpec) -> tuple[PooledEstimate, FloatArray, float, WlsFit | None]:
    """The fixed-effect estimate of ``spec.pooling``, its weights, Q centred on it, and the IV fit if any."""
    yi, vi = data.yi, data.vi
    if spec.pooling == "inverse_variance":
        fit = wls(yi, 1.0 / vi)
        est, se = float(fit.beta[0]), float(np.sqrt(fit.vb[0, 0]))
        return summarise("fixed", spec.pooling, est, se, spec.level), fit.w, fit.rss, fit
    if spec.pooling == "mantel_haenszel":
        est, se, w = mantel_haenszel(data.measure, _mh_counts(data, spec), spec.mh_rd_variance)
        est, se = est * spec.scale_multiplier, se * spec.scale_multiplier
    elif spec.pooling == "peto":
        if data.peto is None:
            raise MetaAnalysisInputError("pooling 'peto' needs dichotomous data with measure PETO_OR")
        est, se = peto(*data.peto)
        w = data.peto[1]
    return summarise("fixed", spec.pooling, est, se, spec.level), w, cochran_q(yi, vi, est), None


def _mh_counts(data: StudyData, spec: ModelSpec) -> Counts:
    if data.counts is None:
        raise MetaAnalysisInputError("pooling 'mantel_haenszel' needs dichotomous data (events and totals)")
    return data.counts.plus(data.cc_added) if spec.cc_in_mh else data.counts


def _tau2(data: StudyData, spec: ModelSpec, q_fixed: float, tau2: float | None, iv_fit: WlsFit | None) -> Tau2Estimate:
    if tau2 is not None:
        return Tau2Estimate(spec.tau2_method, tau2, float("nan"))
    if data.k < 2:
        return Tau2Estimate(spec.tau2_method, 0.0, float("nan"))
    q_override = q_fixed if spec.dl_q_basis == "fixed_pooling" else None
    return estimate_tau2(
        data.yi, data.vi, spec.tau2_method, q_override=q_override, iv_fit=iv_fit, scale=spec.scale_multiplier**2
    )


def _heterogeneity(q: float, k: int, est: Tau2Estimate, definition: str, vi: FloatArray) -> Heterogeneity:
    df = k - 1
    if k < 2:
        return Heterogeneity(
            0.0,
            0,
            None,
            None,
            None,
            None,
            est.tau2,
            float(np.sqrt(est.tau2)),
            None,
            definition,
            est.method,
            est.iterations,
            est.converged,
        )
    if definition == "metafor_tau2_based":
        i2, h2, h = tau2_based_i2(est.tau2, vi)
    else:
        i2, h2, h = q_based_i2(q, df)
    se = est.se_tau2 if np.isfinite(est.se_tau2) else None
    return Heterogeneity(
        q,
        df,
        chi2_sf(q, df),
        i2,
        h2,
        h,
        est.tau2,
        float(np.sqrt(est.tau2)),
        se,
        definition,
        est.method,
        est.iterations,
        est.converged,
    )


def _with_tau2(het: Heterogeneity, est: Tau2Estimate) -> Heterogeneity:
    se = est.se_tau2 if np.isfinite(est.se_tau2) else None
    return Heterogeneity(
        het.Q,
        het.Q_df,
        het.Q_p,
        het.I2,
        het.H2,
        het.H,
        est.tau2,
        float(np.sqrt(est.tau2)),
        se,
        het.i2_definition,
        est.method,
        est.iterations,
        est.converged,
    )


def _random_effect(yi: FloatArray, vi: FloatArray, tau2: float, spec: ModelSpec) -> tuple[PooledEstimate, FloatArray]:
    est, se, w = inverse_variance(yi, vi, tau2)
    if spec.ci_method == "hartung_knapp":
        if len(yi) < 2:
            warnings.warn(
                "Hartung-Knapp needs two or more studies; a z test is used for k = 1",
                MetaAnalysisWarning,
                stacklevel=3,
            )
        else:
            se = hartung_knapp_se(yi, w, est, spec.hk_truncate)
            return summarise("random", spec.tau2_method, est, se, spec.level, df=len(yi) - 1), w
    return summarise("random", spec.tau2_method, est, se, spec.level), w


def _het_ci(data: StudyData, spec: ModelSpec, q: float) -> HeterogeneityCI | None:
    # The Q-profile CI needs only k - 1 >= 1 df (metafor ``confint`` works for k = 2); for k = 2 the
    # Higgins-Thompson bounds of H, H² and I² are undefined (R meta gives NA) and are reported as None.
    if "heterogeneity_ci" not in spec.also_report or data.k < 2:
        return None
    if spec.heterogeneity_ci_method == "higgins_thompson":
        return higgins_thompson_ci(data.yi, data.vi, q, spec.level)
    return q_profile_ci(data.yi, data.vi, spec.level)
