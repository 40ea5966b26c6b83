"""Builders from the engine's results (``analysis.stats``) to the plots' own input types.

The plots never import the engine at run time: these functions only read attributes of a
``MetaAnalysisResult`` (see the result types documented in ``analysis/stats/__init__.py``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from analysis.plots.data import (
    MEASURE_TITLES,
    RATIO_MEASURES,
    ForestGroup,
    ForestPlotData,
    ForestPooled,
    ForestStudyRow,
    FunnelData,
)
from analysis.plots.formatting import (
    format_arm_value,
    format_number,
    heterogeneity_text,
    overall_effect_text,
    subgroup_test_text,
)

if TYPE_CHECKING:
    from analysis.stats import MetaAnalysisResult, ModelFit, PooledEstimate, StudyRow

_POOLING_LABELS = {"inverse_variance": "IV", "mantel_haenszel": "M-H", "peto": "Peto"}
_DICHOTOMOUS = ("events_1", "total_1", "events_2", "total_2")
_CONTINUOUS = ("mean_1", "sd_1", "n_1", "mean_2", "sd_2", "n_2")


def _model(result: MetaAnalysisResult, model: str | None) -> str:
    chosen = model or ("random" if result.spec.random else "fixed")
    if chosen not in ("random", "fixed") or (chosen == "random" and result.fit.random is None):
        raise ValueError(f"model must be 'fixed' or 'random' (one the analysis fitted), got {model!r}")
    return chosen


def _pooled_estimate(fit: ModelFit, model: str) -> PooledEstimate:
    return fit.random if model == "random" and fit.random is not None else fit.fixed


def data_type(result: MetaAnalysisResult) -> str:
    """Return "dichotomous", "continuous" or "generic" from the columns of the analysed studies."""
    columns = set().union(*(s.data for s in result.studies)) if result.studies else set()
    if set(_DICHOTOMOUS) <= columns:
        return "dichotomous"
    if set(_CONTINUOUS) <= columns:
        return "continuous"
    return "generic"


def _headers(kind: str, measure: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return (cell headers, arm titles) of the arm columns for a data type."""
    if kind == "dichotomous":
        return ("Events", "Total", "Events", "Total"), ("Experimental", "Control")
    if kind == "continuous":
        return ("Mean", "SD", "Total", "Mean", "SD", "Total"), ("Experimental", "Control")
    title = MEASURE_TITLES.get(measure, measure)
    return ((f"log[{title}]" if measure in RATIO_MEASURES else title), "SE"), ()


def _cells(study: StudyRow, kind: str) -> tuple[str, ...]:
    if kind == "dichotomous":
        return tuple(format_arm_value(study.data.get(k)) for k in _DICHOTOMOUS)
    if kind == "continuous":
        return tuple(format_arm_value(study.data.get(k)) for k in _CONTINUOUS)
    if not study.included or study.yi is None:
        return ("", "")
    return format_number(study.yi, 4), format_number(study.se, 4)


def _study_row(study: StudyRow, kind: str, model: str) -> ForestStudyRow:
    weight = study.weight_random if model == "random" else study.weight_fixed
    estimable = study.included and study.yi is not None and math.isfinite(study.yi)
    if not estimable:
        return ForestStudyRow(study.study, None, None, None, None, _cells(study, kind))
    return ForestStudyRow(study.study, study.yi, study.ci_lower, study.ci_upper, weight, _cells(study, kind))


def _sum(studies: Sequence[StudyRow], key: str) -> str:
    values = [s.data.get(key) for s in studies]
    return str(sum(int(v) for v in values if isinstance(v, int | float)))


def _totals(studies: Sequence[StudyRow], kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return (participant cells, events cells) of a pooled line."""
    if kind == "dichotomous":
        cells = ("", _sum(studies, "total_1"), "", _sum(studies, "total_2"))
        return cells, (_sum(studies, "events_1"), "", _sum(studies, "events_2"), "")
    if kind == "continuous":
        return ("", "", _sum(studies, "n_1"), "", "", _sum(studies, "n_2")), ()
    return ("", ""), ()


def _summary_lines(fit: ModelFit, model: str) -> tuple[str, str]:
    """Return the heterogeneity and overall-effect lines of a fit, worded as RevMan prints them."""
    het = fit.heterogeneity if model == "random" else fit.fixed_heterogeneity
    tau2 = het.tau2 if model == "random" else None
    het_line = heterogeneity_text(chi2=het.Q, df=het.Q_df, p=het.Q_p or 1.0, i2=het.I2 or 0.0, tau2=tau2)
    pooled = _pooled_estimate(fit, model)
    if not math.isfinite(pooled.statistic):
        return het_line, ""
    return het_line, overall_effect_text(pooled.statistic, pooled.p, df=pooled.df if pooled.test == "t" else None)


def _pooled(label: str, fit: ModelFit, model: str, studies: Sequence[StudyRow], kind: str) -> ForestPooled:
    estimate = _pooled_estimate(fit, model)
    weights = [s.weight_random if model == "random" else s.weight_fixed for s in studies if s.included]
    cells, events = _totals(studies, kind)
    het_line, test_line = _summary_lines(fit, model)
    prediction = fit.prediction if model == "random" else None
    return ForestPooled(
        label,
        estimate.estimate,
        estimate.ci_lower,
        estimate.ci_upper,
        sum(w for w in weights if w is not None),
        cells,
        events,
        het_line,
        test_line,
        None if prediction is None else (prediction.pi_lower, prediction.pi_upper),
    )


def effect_model_label(result: MetaAnalysisResult, model: str) -> str:
    """Return RevMan's method label, e.g. "M-H, Random, 95% CI"."""
    method = _POOLING_LABELS.get(result.spec.pooling, result.spec.pooling)
    return f"{method}, {'Random' if model == 'random' else 'Fixed'}, {result.spec.level * 100:g}% CI"


def _groups(
    result: MetaAnalysisResult, model: str, kind: str, titles: Mapping[str, str], number: str
) -> tuple[ForestGroup, ...]:
    variable = result.spec.subgroup_variable
    if variable is None or not result.subgroups:
        return (ForestGroup("", tuple(_study_row(s, kind, model) for s in result.studies)),)
    groups = []
    for index, subgroup in enumerate(result.subgroups, 1):
        members = [s for s in result.studies if str(s.data.get(variable)) == subgroup.level]
        title = titles.get(subgroup.level, subgroup.level)
        rows = tuple(_study_row(s, kind, model) for s in members)
        subtotal = _pooled("Subtotal (95% CI)", subgroup.fit, model, members, kind)
        groups.append(ForestGroup(f"{number}.{index} {title}" if number else title, rows, subtotal))
    return tuple(groups)


def forest_data_from_result(result: MetaAnalysisResult, *, model: str | None = None, **options: Any) -> ForestPlotData:
    """Return the forest plot input of an engine result.

    ``model`` is "random" or "fixed" (default: random when fitted). ``subgroup_titles`` maps subgroup
    levels to headings and ``analysis_number`` (e.g. "1.1") numbers them as RevMan does; any other
    keyword (``favours_left``, ``arm_titles``, ``axis_limits``, ...) is passed to ForestPlotData.
    """
    chosen = _model(result, model)
    kind = data_type(result)
    titles: Mapping[str, str] = options.pop("subgroup_titles", {})
    number: str = options.pop("analysis_number", "")
    cell_headers, arm_titles = _headers(kind, result.measure)
    test = result.subgroup_test
    subgroup_line = (
        "" if test is None else subgroup_test_text(chi2=test.Q_between, df=test.df, p=test.p or 1.0, i2=test.I2 or 0.0)
    )
    settings: dict[str, Any] = {"cell_headers": cell_headers, "arm_titles": arm_titles} | options
    return ForestPlotData(
        measure=result.measure,
        log_scale=result.measure in RATIO_MEASURES,
        groups=_groups(result, chosen, kind, titles, number),
        overall=_pooled("Total (95% CI)", result.fit, chosen, result.studies, kind),
        subgroup_test_text=subgroup_line,
        effect_model=effect_model_label(result, chosen),
        **settings,
    )


def funnel_data_from_result(result: MetaAnalysisResult, *, model: str | None = None) -> FunnelData:
    """Return the funnel plot input of an engine result, with trim-and-fill studies when it has them."""
    chosen = _model(result, model)
    included = [s for s in result.studies if s.included and s.yi is not None]
    ratio = result.measure in RATIO_MEASURES
    title = MEASURE_TITLES.get(result.measure, result.measure)
    abbreviation = "log[" + result.measure.replace("PETO_", "") + "]" if ratio else result.measure
    # With k0 = 0 nothing was filled and the "adjusted" estimate is the original one: draw neither.
    filled = result.trimfill if result.trimfill is not None and result.trimfill.k0 > 0 else None
    return FunnelData(
        yi=tuple(s.yi for s in included),
        sei=tuple(s.se for s in included),
        estimate=_pooled_estimate(result.fit, chosen).estimate,
        imputed_yi=filled.filled_yi if filled else (),
        imputed_sei=tuple(math.sqrt(v) for v in filled.filled_vi) if filled else (),
        adjusted_estimate=_pooled_estimate(filled.fit, chosen).estimate if filled else None,
        log_scale=ratio,
        x_label=f"{title} (log scale)" if ratio else title,
        y_label=f"SE({abbreviation})",
        level=result.spec.level,
    )
