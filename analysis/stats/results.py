"""Public result types of the engine (frozen dataclasses, each with to_dict/to_json/to_frame).

The pooled estimates, heterogeneity and fit types live in ``pooling``, ``heterogeneity`` and ``models``;
this module holds the per-study rows, the secondary analyses and the top-level ``MetaAnalysisResult``.
``MetaAnalysisResult.to_dict()`` uses the key names of the case schema (shared/reference/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .models import ModelFit
from .options import ModelSpec
from .serialise import Serialisable, clean

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class StudyRow(Serialisable):
    """One study as analysed: effect (log scale for ratios), variance, CI and weights (percent and raw).

    ``included`` is False for a study left out of the analysis (``note`` says why; yi/vi are then None).
    ``data`` is the input row (arm data and covariates).
    """

    study: str
    yi: float
    vi: float
    se: float
    ci_lower: float
    ci_upper: float
    weight_fixed: float
    weight_random: float | None
    w_fixed: float
    w_random: float | None
    included: bool
    note: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SubgroupResult(Serialisable):
    """The model fitted within one level of the subgroup variable."""

    level: str
    k: int
    fit: ModelFit


@dataclass(frozen=True)
class SubgroupTest(Serialisable):
    """Test for subgroup differences: Q_between over the subgroup estimates (weights 1/se²), df, p, I².

    ``Q_total_minus_within`` is Q(all studies) - Σ Q_j (equal to Q_between for inverse-variance fixed effect).
    """

    model: str
    Q_between: float
    df: int
    p: float | None
    I2: float | None
    Q_total_minus_within: float | None


@dataclass(frozen=True)
class SensitivityRow(Serialisable):
    """One refit: ``change`` is ``omitted`` (leave-one-out) or ``added`` (cumulative) study ``study``."""

    change: str
    study: str
    fit: ModelFit


@dataclass(frozen=True)
class RegressionTest(Serialisable):
    """A small-study regression test; ``statistic`` is z or t (``test``) for the tested ``coefficient``."""

    name: str
    coefficient: str
    estimate: float
    se: float
    statistic: float
    test: str
    df: int | None
    p: float
    intercept: float | None = None
    intercept_se: float | None = None
    slope: float | None = None


@dataclass(frozen=True)
class RankTest(Serialisable):
    """Begg & Mazumdar rank correlation: Kendall's tau and its two-sided p (``exact`` or normal)."""

    kendall_tau: float
    p: float
    exact: bool


@dataclass(frozen=True)
class TrimFillResult(Serialisable):
    """Duval & Tweedie trim-and-fill: k0 filled on ``side``, se of k0, and the refit to k + k0 studies.

    ``filled_yi``/``filled_vi`` are the imputed (mirrored) studies.
    """

    estimator: str
    side: str
    k0: int
    se_k0: float
    k: int
    fit: ModelFit
    filled_yi: tuple[float, ...]
    filled_vi: tuple[float, ...]
    iterations: int


@dataclass(frozen=True)
class ChiSquareTest(Serialisable):
    """A chi-square test statistic with df and p (Cochran, Cochran-Mantel-Haenszel, Tarone)."""

    statistic: float
    df: int
    p: float | None


@dataclass(frozen=True)
class FitStatistics(Serialisable):
    """Log-likelihood (restricted for REML), deviance, AIC, BIC, AICc as metafor ``fitstats``."""

    loglik: float
    deviance: float
    AIC: float
    BIC: float
    AICc: float


@dataclass(frozen=True)
class MetaAnalysisResult(Serialisable):
    """Everything one analysis produced.  ``to_dict()`` follows the case schema's key names."""

    measure: str
    spec: ModelSpec
    studies: tuple[StudyRow, ...]
    fit: ModelFit
    subgroups: tuple[SubgroupResult, ...] = ()
    subgroup_test: SubgroupTest | None = None
    leave_one_out: tuple[SensitivityRow, ...] = ()
    cumulative: tuple[SensitivityRow, ...] = ()
    small_study_tests: dict[str, RegressionTest | RankTest] = field(default_factory=dict)
    trimfill: TrimFillResult | None = None
    binary_tests: dict[str, ChiSquareTest] = field(default_factory=dict)
    fit_statistics: FitStatistics | None = None
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        from .schema import result_to_schema

        return clean(result_to_schema(self))  # type: ignore[no-any-return]

    def to_frame(self) -> pd.DataFrame:
        """The per-study table (one row per input study, in input order)."""
        import pandas as pd

        rows = [{k: v for k, v in s.to_dict().items() if k != "data"} for s in self.studies]
        return pd.DataFrame(rows)
