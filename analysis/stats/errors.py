"""Exceptions and warnings raised by the meta-analysis engine."""

from __future__ import annotations


class MetaAnalysisError(ValueError):
    """Base class: the analysis cannot be run as asked (the message says why)."""


class MetaAnalysisInputError(MetaAnalysisError):
    """Bad input data or options; the message names the study and the field, or the accepted values."""


class ConvergenceError(MetaAnalysisError):
    """An iterative estimator did not converge; no number is returned in its place."""


class MetaAnalysisWarning(UserWarning):
    """Something the reader of a result should know (e.g. a continuity correction was applied)."""
