"""Sensitivity analyses: leave-one-out and cumulative meta-analysis (metafor ``leave1out``, ``cumul``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .effect_sizes import StudyData
from .errors import MetaAnalysisInputError
from .models import fit_model
from .options import ModelSpec
from .results import SensitivityRow


def leave_one_out(data: StudyData, spec: ModelSpec) -> tuple[SensitivityRow, ...]:
    """The model refitted without each study in turn (input order); needs k >= 2."""
    if data.k < 2:
        raise MetaAnalysisInputError("leave-one-out needs at least 2 studies")
    everyone = np.arange(data.k)
    return tuple(
        SensitivityRow("omitted", data.labels[i], fit_model(data.take(everyone[everyone != i]), spec))
        for i in range(data.k)
    )


def cumulative_order(data: StudyData, column: str) -> list[int]:
    """Positions of the studies in a stable ascending sort on ``column`` (``given``: input order)."""
    if column == "given":
        return list(range(data.k))
    if column not in data.columns:
        known = ", ".join(sorted(data.columns)) or "none"
        raise MetaAnalysisInputError(f"cumulative_order column {column!r} is not in the studies; columns: {known}")
    values = data.columns[column]
    for label, value in zip(data.labels, values, strict=True):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            raise MetaAnalysisInputError(f"study {label!r}: field {column!r} is missing (needed for the order)")
    try:
        return sorted(range(data.k), key=lambda i: _sortable(values[i]))
    except TypeError as exc:
        raise MetaAnalysisInputError(f"column {column!r} mixes values that cannot be ordered") from exc


def _sortable(value: object) -> Any:
    """The value itself; a TypeError from comparing mixed types is reported by the caller."""
    return value


def cumulative(data: StudyData, spec: ModelSpec, order: list[int]) -> tuple[SensitivityRow, ...]:
    """The model fitted to the first 1, 2, ..., k studies in ``order``."""
    return tuple(
        SensitivityRow("added", data.labels[order[j]], fit_model(data.take(order[: j + 1]), spec))
        for j in range(len(order))
    )
