"""Reading study rows into ``StudyData``: validation, effect sizes, zero-cell handling, scaling."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .distributions import norm_quantile
from .effect_sizes import (
    BINARY_MEASURES,
    DATA_TYPES,
    MEASURES,
    NOT_ESTIMABLE_NOTE,
    RATIO_MEASURES,
    StudyData,
    binary_effect_sizes,
    continuous_effect_sizes,
    counts_from_rows,
    generic_effect_sizes,
    peto_components,
    peto_effect_sizes,
    study_labels,
)
from .errors import MetaAnalysisInputError
from .options import ModelSpec

INPUT_CI_LEVEL = 0.95  # level of the ci_lower/ci_upper that generic study rows may give instead of vi or se
Rows = Sequence[Mapping[str, Any]] | Mapping[str, Sequence[Any]]
DATA_COLUMNS = {
    "dichotomous": ("events_1", "total_1", "events_2", "total_2"),
    "continuous": ("mean_1", "sd_1", "n_1", "mean_2", "sd_2", "n_2"),
    "generic": ("yi", "vi", "se", "ci_lower", "ci_upper", "estimate"),
}


def as_rows(studies: Any) -> list[dict[str, Any]]:
    """Study rows from a list of dicts, a dict of equal-length columns, or a pandas DataFrame."""
    if hasattr(studies, "to_dict") and hasattr(studies, "columns"):
        return [dict(r) for r in studies.to_dict(orient="records")]
    if isinstance(studies, Mapping):
        lengths = {name: len(col) for name, col in studies.items()}
        if len(set(lengths.values())) > 1:
            detail = ", ".join(f"{n}={n_}" for n, n_ in lengths.items())
            raise MetaAnalysisInputError(f"the study columns have different lengths ({detail})")
        n = next(iter(lengths.values()), 0)
        return [{name: col[i] for name, col in studies.items()} for i in range(n)]
    if isinstance(studies, Sequence) and not isinstance(studies, str):
        rows = []
        for i, row in enumerate(studies):
            if not isinstance(row, Mapping):
                raise MetaAnalysisInputError(f"study row {i + 1} is not an object with named fields")
            rows.append(dict(row))
        return rows
    raise MetaAnalysisInputError("studies must be a list of rows, a dict of columns or a DataFrame")


def infer_data_type(measure: str, rows: list[dict[str, Any]]) -> str:
    """dichotomous, continuous or generic, from the measure and the columns present."""
    if measure in ("MD", "SMD"):
        return "continuous"
    if measure in ("RD", "PETO_OR") or (rows and "events_1" in rows[0]):
        return "dichotomous"
    return "generic"


def check_measure(measure: str, data_type: str, spec: ModelSpec) -> None:
    """The measure, data type and options fit together (plain messages naming the accepted values)."""
    if measure not in MEASURES:
        raise MetaAnalysisInputError(f"unknown measure {measure!r}; accepted: {', '.join(MEASURES)}")
    if data_type not in DATA_TYPES:
        raise MetaAnalysisInputError(f"unknown data_type {data_type!r}; accepted: {', '.join(DATA_TYPES)}")
    if measure not in DATA_TYPES[data_type]:
        raise MetaAnalysisInputError(
            f"measure {measure!r} does not go with data_type {data_type!r}; "
            f"accepted: {', '.join(DATA_TYPES[data_type])}"
        )
    if spec.pooling == "mantel_haenszel" and (data_type != "dichotomous" or measure not in ("OR", "RR", "RD")):
        raise MetaAnalysisInputError("pooling 'mantel_haenszel' is for dichotomous OR, RR and RD; use inverse_variance")
    if spec.pooling == "peto" and measure != "PETO_OR":
        raise MetaAnalysisInputError("pooling 'peto' is for measure PETO_OR; use inverse_variance or mantel_haenszel")
    if spec.scale_multiplier != 1 and measure in RATIO_MEASURES:
        raise MetaAnalysisInputError("scale_multiplier applies to additive measures only (MD, SMD, RD, GENERIC)")
    if data_type == "generic" and measure != "GENERIC" and spec.scale_multiplier != 1:
        raise MetaAnalysisInputError("scale_multiplier applies to additive measures only (MD, SMD, RD, GENERIC)")


def prepare(rows: list[dict[str, Any]], measure: str, data_type: str, spec: ModelSpec) -> StudyData:
    """Validated per-study effect sizes for all rows, in input order, scaled by ``scale_multiplier``."""
    if not rows:
        raise MetaAnalysisInputError("there are no studies")
    check_measure(measure, data_type, spec)
    labels = study_labels(rows)
    # ``study`` stays available as a column, e.g. for ``cumulative_order: "study"`` (alphabetical order)
    data_cols = set(DATA_COLUMNS[data_type])
    columns = {name: tuple(r.get(name) for r in rows) for name in rows[0] if name not in data_cols}
    k = len(rows)
    empty = np.zeros(k)
    if data_type == "dichotomous":
        counts, n1, n2 = counts_from_rows(rows, labels)
        if measure == "PETO_OR":
            yi, vi, inc, notes = peto_effect_sizes(counts, labels)
            add = empty
            peto = peto_components(counts)
        else:
            yi, vi, inc, notes, add = binary_effect_sizes(measure, counts, labels, spec.continuity_correction)
            _check_mh_tables(spec, labels, notes)
            peto = None
        data = StudyData(measure, tuple(labels), yi, vi, inc, tuple(notes), n1 + n2, add, counts, peto, columns)
    elif data_type == "continuous":
        yi, vi, n = continuous_effect_sizes(rows, labels, measure, spec.md_variance, spec.smd_variant)
        data = StudyData(measure, tuple(labels), yi, vi, np.ones(k, bool), ("",) * k, n, empty, None, None, columns)
    else:
        # An input CI is a published 95% CI whatever the analysis level: converting it with the z of
        # ``spec.level`` (e.g. 1.645 for 0.90) would inflate vi by (1.96/1.645)².
        z = norm_quantile(1 - (1 - INPUT_CI_LEVEL) / 2)
        yi, vi = generic_effect_sizes(rows, labels, z, ratio=measure in RATIO_MEASURES)
        n = np.array([_total_n(r) for r in rows], dtype=np.float64)
        data = StudyData(measure, tuple(labels), yi, vi, np.ones(k, bool), ("",) * k, n, empty, None, None, columns)
    if not data.included.any():
        kind = "the ratio" if measure in BINARY_MEASURES else "the effect"
        raise MetaAnalysisInputError(
            f"no study can be analysed: {kind} is not estimable in any study ({data.notes[0]})"
        )
    return data.scaled(spec.scale_multiplier) if spec.scale_multiplier != 1 else data


def _check_mh_tables(spec: ModelSpec, labels: list[str], notes: list[str]) -> None:
    """Mantel-Haenszel pooling with a study that has no yi/vi (zero cell, continuity_correction 0) is refused.

    metafor ``rma.mh`` and R meta would keep that table in the MH sums (raw counts) while leaving it out of Q;
    the engine analyses one set of studies throughout, so it cannot reproduce that split.
    """
    if spec.pooling != "mantel_haenszel":
        return
    left_out = [lab for lab, note in zip(labels, notes, strict=True) if note.startswith(NOT_ESTIMABLE_NOTE)]
    if left_out:
        raise MetaAnalysisInputError(
            f"study {left_out[0]!r} has a zero cell and continuity_correction is 0, so it has no yi/vi but would "
            "still enter the Mantel-Haenszel sums; use a positive continuity_correction (e.g. 0.5) or "
            "inverse_variance pooling"
        )


def _total_n(row: Mapping[str, Any]) -> float:
    value = row.get("n", row.get("ni"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return float("nan")
