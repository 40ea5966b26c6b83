"""Log-likelihood and information criteria as metafor ``fitstats()``.

Reference: Viechtbauer W (2010), Conducting meta-analyses in R with the metafor package, J Stat Softw 36(3).
"""

from __future__ import annotations

import numpy as np

from .linalg import FloatArray
from .models import ModelFit
from .options import ModelSpec
from .results import FitStatistics


def fit_statistics(yi: FloatArray, vi: FloatArray, fit: ModelFit, spec: ModelSpec) -> FitStatistics:
    """loglik (restricted when tau2_method is REML), deviance, AIC, BIC, AICc; q = 2 (random) or 1 (fixed)."""
    k = len(yi)
    random = spec.random
    tau2 = fit.heterogeneity.tau2 if random else 0.0
    w = 1 / (vi + tau2)
    mu = float(np.sum(w * yi) / np.sum(w))
    rss = float(np.sum(w * (yi - mu) ** 2))
    q = 2 if random else 1
    if spec.tau2_method == "REML":
        ll = -0.5 * (k - 1) * np.log(2 * np.pi) + 0.5 * np.log(k) - 0.5 * float(np.sum(np.log(vi + tau2)))
        ll += -0.5 * np.log(float(np.sum(w))) - 0.5 * rss
        deviance = -2 * ll
        n = k - 1
    else:
        ll = -0.5 * k * np.log(2 * np.pi) - 0.5 * float(np.sum(np.log(vi + tau2))) - 0.5 * rss
        deviance = -2 * (ll + 0.5 * float(np.sum(np.log(2 * np.pi * vi))))
        n = k
    m = max(n, q + 2)
    return FitStatistics(
        float(ll),
        float(deviance),
        float(-2 * ll + 2 * q),
        float(-2 * ll + q * np.log(n)),
        float(-2 * ll + 2 * q * m / (m - q - 1)),
    )
