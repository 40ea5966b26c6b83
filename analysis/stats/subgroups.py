"""Subgroup analyses and the test for subgroup differences (RevMan; Borenstein et al. 2009, ch. 19).

The test is Cochran's Q over the subgroup estimates with weights 1/se_j² (Deeks & Higgins 2010, RevMan 5
algorithms); I² is Q-based, as RevMan prints it.  With ``subgroup_tau2: common`` one tau² is estimated from
the within-subgroup statistics (a meta-regression on the subgroup indicators, as R meta ``tau.common=TRUE``).
"""

from __future__ import annotations

import numpy as np

from .distributions import chi2_sf
from .effect_sizes import StudyData
from .errors import MetaAnalysisInputError
from .heterogeneity import q_based_i2
from .models import ModelFit, fit_model
from .options import ModelSpec
from .results import SubgroupResult, SubgroupTest
from .tau2 import estimate_tau2


def subgroup_levels(data: StudyData, variable: str) -> dict[str, list[int]]:
    """Positions of the studies in each level of ``variable``, levels in order of first appearance."""
    if variable not in data.columns:
        known = ", ".join(sorted(data.columns)) or "none"
        raise MetaAnalysisInputError(f"subgroup_variable {variable!r} is not in the studies; columns: {known}")
    levels: dict[str, list[int]] = {}
    for i, (label, value) in enumerate(zip(data.labels, data.columns[variable], strict=True)):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            raise MetaAnalysisInputError(f"study {label!r}: field {variable!r} is missing (needed for subgroups)")
        levels.setdefault(str(value), []).append(i)
    return levels


def common_tau2(data: StudyData, spec: ModelSpec, levels: dict[str, list[int]]) -> float:
    """tau² pooled over subgroups: the estimator applied with one mean per subgroup."""
    X = np.zeros((data.k, len(levels)))
    for j, members in enumerate(levels.values()):
        X[members, j] = 1.0
    return estimate_tau2(data.yi, data.vi, spec.tau2_method, X, scale=spec.scale_multiplier**2).tau2


def subgroup_analysis(
    data: StudyData, spec: ModelSpec, overall: ModelFit
) -> tuple[tuple[SubgroupResult, ...], SubgroupTest | None]:
    """Fit the model within each subgroup and test for differences between the subgroup estimates.

    With a single level there is nothing to compare: the test is None ("not applicable", as RevMan).
    """
    assert spec.subgroup_variable is not None
    levels = subgroup_levels(data, spec.subgroup_variable)
    tau2 = common_tau2(data, spec, levels) if spec.subgroup_tau2 == "common" and spec.random else None
    results = tuple(
        SubgroupResult(level, len(members), fit_model(data.take(members), spec, tau2=tau2))
        for level, members in levels.items()
    )
    return results, difference_test(results, spec, overall) if len(results) > 1 else None


def difference_test(results: tuple[SubgroupResult, ...], spec: ModelSpec, overall: ModelFit) -> SubgroupTest:
    """Q_between = Σ w_j(mu_j - mu)², w_j = 1/se_j², with df = J - 1 (random model when one is fitted)."""
    model = "random" if spec.random else "fixed"
    pooled = [r.fit.random if model == "random" and r.fit.random is not None else r.fit.fixed for r in results]
    mu = np.array([p.estimate for p in pooled])
    w = 1 / np.array([p.se for p in pooled]) ** 2
    q = float(np.sum(w * (mu - np.sum(w * mu) / np.sum(w)) ** 2))
    df = len(results) - 1
    if df < 1:
        raise MetaAnalysisInputError("the subgroup variable has only one level; a subgroup test needs two or more")
    within = sum(r.fit.fixed_heterogeneity.Q for r in results)
    q_tmw = overall.fixed_heterogeneity.Q - within if model == "fixed" else None
    return SubgroupTest(model, q, df, chi2_sf(q, df), q_based_i2(q, df)[0], q_tmw)
