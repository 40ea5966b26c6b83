"""The analysis options (the ``model`` object of the case schema), validated up front."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from .errors import MetaAnalysisInputError
from .tau2 import TAU2_METHODS

EFFECT_MODELS = ("random", "fixed", "both")
POOLINGS = ("inverse_variance", "mantel_haenszel", "peto")
CI_METHODS = ("z", "hartung_knapp")
MD_VARIANCES = ("separate", "pooled_sd")
SMD_VARIANTS = ("hedges_g_revman", "hedges_g_exact", "hedges_g_exact_ub", "cohen_d")
MH_RD_VARIANCES = ("greenland_robins1985", "sato1989")
MH_OR_VARIANCES = ("robins_breslow_greenland",)
DL_Q_BASES = ("inverse_variance", "fixed_pooling")
I2_DEFINITIONS = ("q_based", "metafor_tau2_based")
HETEROGENEITY_CI_METHODS = ("q_profile", "higgins_thompson")
PREDICTION_INTERVALS = (None, "t_k-2", "normal")
SUBGROUP_TAU2 = ("separate", "common")
SENSITIVITY = ("leave_one_out", "cumulative")
SMALL_STUDY_TESTS = ("egger_classic", "egger_regtest", "egger_regtest_lm_sqrtninv", "begg", "peters")
TRIMFILL_ESTIMATORS = ("L0", "R0")
TRIMFILL_SIDES = ("auto", "left", "right")
ALSO_REPORT = ("cochran_test", "cmh_test", "tarone_test", "fit_statistics", "heterogeneity_ci")

_CHOICES: dict[str, tuple[Any, ...]] = {
    "effect_model": EFFECT_MODELS,
    "pooling": POOLINGS,
    "tau2_method": TAU2_METHODS,
    "ci_method": CI_METHODS,
    "md_variance": MD_VARIANCES,
    "smd_variant": SMD_VARIANTS,
    "mh_rd_variance": MH_RD_VARIANCES,
    "mh_or_variance": MH_OR_VARIANCES,
    "dl_q_basis": DL_Q_BASES,
    "i2_definition": I2_DEFINITIONS,
    "heterogeneity_ci_method": HETEROGENEITY_CI_METHODS,
    "prediction_interval": PREDICTION_INTERVALS,
    "subgroup_tau2": SUBGROUP_TAU2,
}
_LISTS: dict[str, tuple[str, ...]] = {
    "sensitivity": SENSITIVITY,
    "small_study_tests": SMALL_STUDY_TESTS,
    "also_report": ALSO_REPORT,
}
_BOOLS = ("hk_truncate", "cc_in_mh", "cmh_correct")


@dataclass(frozen=True)
class TrimFillSpec:
    """Duval & Tweedie trim-and-fill: ``estimator`` L0 or R0, ``side`` auto, left or right."""

    estimator: str = "L0"
    side: str = "auto"


@dataclass(frozen=True)
class ModelSpec:
    """Every option of an analysis; defaults are those of the case schema (schema_version 2)."""

    effect_model: str = "random"
    pooling: str = "inverse_variance"
    tau2_method: str = "DL"
    ci_method: str = "z"
    hk_truncate: bool = False
    level: float = 0.95
    md_variance: str = "separate"
    smd_variant: str = "hedges_g_revman"
    mh_rd_variance: str = "greenland_robins1985"
    mh_or_variance: str = "robins_breslow_greenland"
    continuity_correction: float = 0.5
    cc_in_mh: bool = False
    cmh_correct: bool = False
    dl_q_basis: str = "inverse_variance"
    i2_definition: str = "q_based"
    heterogeneity_ci_method: str = "q_profile"
    prediction_interval: str | None = None
    subgroup_variable: str | None = None
    subgroup_tau2: str = "separate"
    sensitivity: tuple[str, ...] = ()
    cumulative_order: str = "given"
    small_study_tests: tuple[str, ...] = ()
    trimfill: TrimFillSpec | None = None
    scale_multiplier: float = 1.0
    also_report: tuple[str, ...] = ()
    notes: str = ""

    def __post_init__(self) -> None:
        for name, choices in _CHOICES.items():
            _choice(name, getattr(self, name), choices)
        for name, choices in _LISTS.items():
            for item in getattr(self, name):
                _choice(name, item, choices)
        for name in _BOOLS:
            if not isinstance(getattr(self, name), bool):
                raise MetaAnalysisInputError(f"model option {name!r} must be true or false")
        _positive_number("level", self.level, upper=1.0)
        _positive_number("scale_multiplier", self.scale_multiplier)
        if not _is_number(self.continuity_correction) or self.continuity_correction < 0:
            raise MetaAnalysisInputError("model option 'continuity_correction' must be a number >= 0")
        if self.trimfill is not None:
            _choice("trimfill.estimator", self.trimfill.estimator, TRIMFILL_ESTIMATORS)
            _choice("trimfill.side", self.trimfill.side, TRIMFILL_SIDES)

    @property
    def random(self) -> bool:
        """True when a random-effects model is reported."""
        return self.effect_model != "fixed"

    @classmethod
    def from_dict(cls, options: dict[str, Any]) -> ModelSpec:
        """Build from a case's ``model`` object; unknown keys or values raise ``MetaAnalysisInputError``."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise MetaAnalysisInputError(f"unknown model option {unknown[0]!r}; accepted: {', '.join(sorted(known))}")
        values = dict(options)
        for name in _LISTS:
            if name in values:
                values[name] = _as_tuple(name, values[name])
        if values.get("trimfill") is not None:
            values["trimfill"] = _trimfill(values["trimfill"])
        for name in ("level", "scale_multiplier", "continuity_correction"):
            if name in values and _is_number(values[name]):
                values[name] = float(values[name])
        if "notes" in values and not isinstance(values["notes"], str):
            values["notes"] = str(values["notes"])
        return cls(**values)


def _choice(name: str, value: object, choices: tuple[Any, ...]) -> None:
    if value not in choices:
        shown = ", ".join("null" if c is None else str(c) for c in choices)
        raise MetaAnalysisInputError(f"model option {name!r} has unknown value {value!r}; accepted: {shown}")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _positive_number(name: str, value: object, upper: float | None = None) -> None:
    ok = _is_number(value) and float(value) > 0  # type: ignore[arg-type]
    if ok and upper is not None:
        ok = float(value) < upper  # type: ignore[arg-type]
    if not ok:
        bound = f" and below {upper:g}" if upper is not None else ""
        raise MetaAnalysisInputError(f"model option {name!r} must be a number above 0{bound}, got {value!r}")


def _as_tuple(name: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise MetaAnalysisInputError(f"model option {name!r} must be a list")
    return tuple(value)


def _trimfill(value: object) -> TrimFillSpec:
    if not isinstance(value, dict):
        raise MetaAnalysisInputError("model option 'trimfill' must be null or an object with estimator and side")
    unknown = sorted(set(value) - {"estimator", "side"})
    if unknown:
        raise MetaAnalysisInputError(f"unknown trimfill option {unknown[0]!r}; accepted: estimator, side")
    return TrimFillSpec(**value)


__all__ = ["ModelSpec", "TrimFillSpec"]
