"""``meta_analysis()``: the one entry point that runs a whole analysis and returns ``MetaAnalysisResult``."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from . import bias
from .binary_tests import cmh_test, cochran_test, tarone_test
from .distributions import norm_quantile
from .effect_sizes import StudyData, from_yi_vi
from .errors import MetaAnalysisInputError, MetaAnalysisWarning
from .fitstats import fit_statistics
from .linalg import FloatArray
from .models import ModelFit, fit_model
from .options import ModelSpec
from .pooling import mantel_haenszel
from .prepare import Rows, as_rows, infer_data_type, prepare
from .results import ChiSquareTest, MetaAnalysisResult, RankTest, RegressionTest, StudyRow
from .sensitivity import cumulative, cumulative_order, leave_one_out
from .subgroups import subgroup_analysis
from .trimfill import trim_and_fill


def meta_analysis(
    studies: Rows | Any,
    measure: str,
    model: ModelSpec | dict[str, Any] | None = None,
    data_type: str | None = None,
) -> MetaAnalysisResult:
    """Run the analysis ``model`` on ``studies`` (rows, columns or a DataFrame) for ``measure``.

    Raises ``MetaAnalysisInputError`` for bad data or options, ``ConvergenceError`` when an iterative
    estimator fails.  See the package docstring for the columns of each data type.
    """
    spec = model if isinstance(model, ModelSpec) else ModelSpec.from_dict(model or {})
    rows = as_rows(studies)
    dtype = data_type or infer_data_type(measure, rows)
    all_data = prepare(rows, measure, dtype, spec)
    data = all_data.analysed()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MetaAnalysisWarning)
        fit = fit_model(data, spec)
        extras = _extras(data, spec, fit)
    messages = tuple(f"{lab}: {n}" for lab, n in zip(all_data.labels, all_data.notes, strict=True) if n)
    messages += tuple(str(w.message) for w in caught if issubclass(w.category, MetaAnalysisWarning))
    return MetaAnalysisResult(
        measure=measure,
        spec=spec,
        studies=study_rows(all_data, rows, fit, spec),
        fit=fit,
        warnings=messages,
        **extras,
    )


def pool(
    yi: Sequence[float] | FloatArray,
    vi: Sequence[float] | FloatArray,
    model: ModelSpec | dict[str, Any] | None = None,
    measure: str = "GENERIC",
) -> ModelFit:
    """Fit the model to ready-made effect sizes: the vectorised core path (no per-study rows).

    ``yi`` and ``vi`` must be finite with vi > 0; MH and Peto pooling need counts (use ``meta_analysis``).
    """
    spec = model if isinstance(model, ModelSpec) else ModelSpec.from_dict(model or {})
    y = np.asarray(yi, dtype=np.float64)
    v = np.asarray(vi, dtype=np.float64)
    if y.ndim != 1 or y.shape != v.shape:
        raise MetaAnalysisInputError(f"yi and vi must be vectors of one length (got {y.shape} and {v.shape})")
    if not (y.size and np.isfinite(y.sum()) and np.isfinite(v.sum()) and float(v.min()) > 0):
        bad = np.flatnonzero(~(np.isfinite(y) & np.isfinite(v) & (v > 0)))
        where = f"study {int(bad[0]) + 1}: " if bad.size else ""
        raise MetaAnalysisInputError(f"{where}yi must be finite and vi finite and positive (k >= 1)")
    if spec.pooling != "inverse_variance":
        raise MetaAnalysisInputError("pool() works on yi/vi only; pooling must be inverse_variance")
    return fit_model(from_yi_vi(measure, (), y, v), spec)


def _extras(data: StudyData, spec: ModelSpec, fit: ModelFit) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if spec.subgroup_variable is not None:
        out["subgroups"], out["subgroup_test"] = subgroup_analysis(data, spec, fit)
    if "leave_one_out" in spec.sensitivity:
        out["leave_one_out"] = leave_one_out(data, spec)
    if "cumulative" in spec.sensitivity:
        out["cumulative"] = cumulative(data, spec, cumulative_order(data, spec.cumulative_order))
    if spec.small_study_tests:
        out["small_study_tests"] = {name: small_study_test(name, data, spec) for name in spec.small_study_tests}
    if spec.trimfill is not None:
        out["trimfill"] = trim_and_fill(data, spec, fit)
    tests = binary_tests(data, spec)
    if tests:
        out["binary_tests"] = tests
    if "fit_statistics" in spec.also_report:
        out["fit_statistics"] = fit_statistics(data.yi, data.vi, fit, spec)
    return out


def small_study_test(name: str, data: StudyData, spec: ModelSpec) -> RegressionTest | RankTest:
    """One of the small-study tests named in ``SMALL_STUDY_TESTS``."""
    if name == "egger_classic":
        return bias.egger_classic(data.yi, data.vi)
    if name == "egger_regtest":
        return bias.egger_regtest(data.yi, data.vi, spec.tau2_method if spec.random else "FE", spec.scale_multiplier**2)
    if name == "egger_regtest_lm_sqrtninv":
        return bias.egger_lm_sqrtninv(data.yi, data.vi, data.n_total)
    if name == "peters":
        if data.counts is None or data.measure not in ("OR", "RR", "PETO_OR"):
            raise MetaAnalysisInputError("Peters' test is for dichotomous data with a ratio measure (OR, RR)")
        return bias.peters(data.yi, data.counts)
    return bias.begg(data.yi, data.vi)


def binary_tests(data: StudyData, spec: ModelSpec) -> dict[str, ChiSquareTest]:
    """The Cochran, CMH and Tarone tests named in ``also_report`` (dichotomous data only)."""
    wanted = [n for n in ("cochran_test", "cmh_test", "tarone_test") if n in spec.also_report]
    if not wanted:
        return {}
    if data.counts is None:
        raise MetaAnalysisInputError(f"{wanted[0]} needs dichotomous data (events and totals)")
    counts = data.counts.plus(data.cc_added) if spec.cc_in_mh else data.counts
    out: dict[str, ChiSquareTest] = {}
    if "cochran_test" in wanted:
        out["cochran_test"] = cochran_test(counts, spec.cmh_correct)
    if "cmh_test" in wanted:
        out["cmh_test"] = cmh_test(counts, spec.cmh_correct)
    if "tarone_test" in wanted:
        out["tarone_test"] = tarone_test(counts, mantel_haenszel("OR", counts)[0])
    return out


def study_rows(all_data: StudyData, rows: list[dict[str, Any]], fit: ModelFit, spec: ModelSpec) -> tuple[StudyRow, ...]:
    """Per-study rows in input order; studies left out have no yi and zero weight."""
    z = norm_quantile(1 - (1 - spec.level) / 2)
    positions = np.flatnonzero(all_data.included)
    slot = {int(p): j for j, p in enumerate(positions)}
    wf = fit.w_fixed / np.sum(fit.w_fixed) * 100
    wr = None if fit.w_random is None else fit.w_random / np.sum(fit.w_random) * 100
    out = []
    for i, label in enumerate(all_data.labels):
        yi, vi = float(all_data.yi[i]), float(all_data.vi[i])
        se = float(np.sqrt(vi))
        j = slot.get(i)
        out.append(
            StudyRow(
                study=label,
                yi=yi,
                vi=vi,
                se=se,
                ci_lower=yi - z * se,
                ci_upper=yi + z * se,
                weight_fixed=0.0 if j is None else float(wf[j]),
                weight_random=None if wr is None else (0.0 if j is None else float(wr[j])),
                w_fixed=0.0 if j is None else float(fit.w_fixed[j]),
                w_random=None if fit.w_random is None else (0.0 if j is None else float(fit.w_random[j])),
                included=j is not None,
                note=all_data.notes[i],
                data=dict(rows[i]),
            )
        )
    return tuple(out)


def exclude_and_reanalyse(
    studies: Rows | Any,
    measure: str,
    column: str,
    exclude: set[Any],
    model: ModelSpec | dict[str, Any] | None = None,
) -> MetaAnalysisResult:
    """Sensitivity analysis: rerun without the studies whose ``column`` value is in ``exclude``.

    Example: ``exclude_and_reanalyse(rows, "RR", "risk_of_bias", {"high"})``.
    """
    rows = as_rows(studies)
    if rows and column not in rows[0]:
        raise MetaAnalysisInputError(f"column {column!r} is not in the studies")
    kept = [r for r in rows if r.get(column) not in exclude]
    if not kept:
        raise MetaAnalysisInputError(f"every study has {column} in {sorted(map(str, exclude))}; none is left")
    result = meta_analysis(kept, measure, model)
    dropped = [str(r.get("study", "?")) for r in rows if r.get(column) in exclude]
    note = f"excluded for {column} in {sorted(map(str, exclude))}: {', '.join(dropped) or 'none'}"
    return replace(result, warnings=(*result.warnings, note))
