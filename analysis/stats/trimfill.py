"""Duval & Tweedie trim-and-fill, following metafor ``trimfill()``.

References: Duval S, Tweedie R (2000), Trim and fill: a simple funnel-plot-based method of testing and
adjusting for publication bias in meta-analysis, Biometrics 56:455-463; Duval S, Tweedie R (2000), A
nonparametric "trim and fill" method of accounting for publication bias, JASA 95:89-98.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .effect_sizes import StudyData, from_yi_vi
from .errors import ConvergenceError, MetaAnalysisInputError
from .linalg import FloatArray
from .metareg import fit_regression
from .models import ModelFit, fit_model
from .options import ModelSpec
from .results import TrimFillResult

MAX_ITER = 100


def _iv_spec(spec: ModelSpec) -> ModelSpec:
    """The refits work on yi/vi alone, so MH and Peto pooling become inverse variance (as metafor)."""
    return replace(
        spec,
        pooling="inverse_variance",
        dl_q_basis="inverse_variance",
        also_report=(),
    )


def _centre(fit: ModelFit) -> float:
    return fit.random.estimate if fit.random is not None else fit.fixed.estimate


def auto_side(yi: FloatArray, vi: FloatArray, spec: ModelSpec) -> str:
    """``right`` if the slope on sqrt(vi) of the case's model is negative, else ``left``."""
    if float(np.ptp(vi)) <= 1e-12 * float(np.max(vi)):
        raise MetaAnalysisInputError(
            "trim-and-fill side 'auto' needs studies of different precision; give side 'left' or 'right'"
        )
    X = np.column_stack([np.ones(len(yi)), np.sqrt(vi)])
    method = spec.tau2_method if spec.random else "FE"
    fit = fit_regression(yi, vi, X, ["intrcpt", "sqrtvi"], method, False, spec.level, spec.scale_multiplier**2)
    slope = fit.coefficients[1].estimate
    return "right" if slope < 0 else "left"


def _estimate_k0(yc: FloatArray, estimator: str) -> tuple[float, float]:
    """Unrounded k0 and its SE from the centred, sorted values (metafor's L0 / R0 formulas)."""
    k = len(yc)
    ranks = np.empty(k)
    ranks[np.argsort(np.abs(yc), kind="stable")] = np.arange(1, k + 1)  # R rank(ties.method="first")
    signed = np.sign(yc) * ranks
    if estimator == "R0":
        negative = signed[signed < 0]
        k0 = k - (float(np.max(-negative)) if negative.size else 0.0) - 1
        return k0, float(np.sqrt(2 * max(0.0, k0) + 2))
    sr = float(np.sum(signed[signed > 0]))
    k0 = (4 * sr - k * (k + 1)) / (2 * k - 1)
    var_sr = (
        k * (k + 1) * (2 * k + 1) + 10 * k0**3 + 27 * k0**2 + 17 * k0 - 18 * k * k0**2 - 18 * k * k0 + 6 * k**2 * k0
    ) / 24
    return k0, 4 * float(np.sqrt(max(var_sr, 0.0))) / (2 * k - 1)


def _iterate(
    y: FloatArray, v: FloatArray, measure: str, iv: ModelSpec, estimator: str
) -> tuple[int, float, float, int]:
    """Trim the k0 largest of the sorted ``y``, refit, re-estimate k0 until it settles.

    Returns k0, se(k0), the estimate of the last trimmed fit and the number of iterations.
    """
    k = len(y)
    labels = tuple(str(i) for i in range(k))
    k0, k0_prev, iterations, beta, se_k0 = 0, -1, 0, 0.0, 0.0
    while k0 != k0_prev:
        k0_prev = k0
        iterations += 1
        if iterations > MAX_ITER:
            raise ConvergenceError("the trim-and-fill iteration did not settle on a number of missing studies")
        beta = _centre(fit_model(from_yi_vi(measure, labels[: k - k0], y[: k - k0], v[: k - k0]), iv))
        raw, se_k0 = _estimate_k0(y - beta, estimator)
        k0 = int(min(max(0, round(raw)), k - 1))  # round half to even, as R
    return k0, max(0.0, se_k0), beta, iterations


def trim_and_fill(data: StudyData, spec: ModelSpec, fit: ModelFit) -> TrimFillResult:
    """Trim and fill on ``spec.trimfill`` (estimator L0 or R0, side auto, left or right)."""
    options = spec.trimfill
    assert options is not None
    if data.k < 3:
        raise MetaAnalysisInputError(f"trim-and-fill needs at least 3 studies (k = {data.k})")
    iv = _iv_spec(spec)
    side = auto_side(data.yi, data.vi, spec) if options.side == "auto" else options.side
    sign = -1.0 if side == "right" else 1.0
    order = np.argsort(sign * data.yi, kind="stable")
    y, v = sign * data.yi[order], data.vi[order]
    k = len(y)
    k0, se_k0, beta, iterations = _iterate(y, v, data.measure, iv, options.estimator)
    if k0 == 0:
        return TrimFillResult(options.estimator, side, 0, se_k0, k, fit, (), (), iterations)
    filled_y = sign * (2 * beta - y[k - k0 :])  # mirror images about the trimmed estimate
    filled_v = v[k - k0 :]
    full = from_yi_vi(
        data.measure,
        (*data.labels, *(f"Filled {i + 1}" for i in range(k0))),
        np.concatenate([data.yi, filled_y]),
        np.concatenate([data.vi, filled_v]),
    )
    return TrimFillResult(
        options.estimator,
        side,
        k0,
        se_k0,
        k + k0,
        fit_model(full, iv),
        tuple(filled_y.tolist()),
        tuple(filled_v.tolist()),
        iterations,
    )
