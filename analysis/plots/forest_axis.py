"""The effect axis of a forest plot: symmetric limits and RevMan-like ticks.

RevMan centres the axis on the line of no effect (1 for ratios, 0 for differences) and picks a
symmetric range from a short list (0.01-100, 0.1-10, 0.2-5, ...; -10 to 10, -2 to 2, ...). We do the
same: the range covers every point estimate and pooled interval, and study intervals up to a decade
(ratios) or three times (differences) beyond the furthest estimate; longer whiskers end in arrows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from analysis.plots.data import ForestPlotData

# Upper limits of the symmetric ratio axis (the lower limit is the reciprocal), with their ticks.
_RATIO_AXES: tuple[tuple[float, tuple[float, ...]], ...] = (
    (2.0, (0.5, 0.7, 1.0, 1.5, 2.0)),
    (5.0, (0.2, 0.5, 1.0, 2.0, 5.0)),
    (10.0, (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)),
    (20.0, (0.05, 0.2, 1.0, 5.0, 20.0)),
    (50.0, (0.02, 0.1, 1.0, 10.0, 50.0)),
    (100.0, (0.01, 0.1, 1.0, 10.0, 100.0)),
    (200.0, (0.005, 0.1, 1.0, 10.0, 200.0)),
    (500.0, (0.002, 0.1, 1.0, 10.0, 500.0)),
    (1000.0, (0.001, 0.1, 1.0, 10.0, 1000.0)),
)
_LINEAR_MANTISSAS = (1.0, 2.0, 5.0)
# How far beyond the furthest point estimate study whiskers may push the axis before being cut.
_RATIO_WHISKER_ALLOWANCE = math.log(10.0)
_LINEAR_WHISKER_FACTOR = 3.0


@dataclass(frozen=True)
class EffectAxis:
    """Display-scale limits and ticks of the effect axis, and whether it is logarithmic."""

    lower: float
    upper: float
    ticks: tuple[float, ...]
    log_scale: bool

    def to_display(self, value: float) -> float:
        """Return an analysis-scale value on the display scale (exp for ratios)."""
        return math.exp(value) if self.log_scale else value

    def clip(self, value: float) -> tuple[float, bool]:
        """Return the display value clipped to the axis, and whether it was clipped."""
        shown = self.to_display(value)
        if shown < self.lower:
            return self.lower, True
        if shown > self.upper:
            return self.upper, True
        return shown, False


def _reach(values: Iterable[float]) -> float:
    return max((abs(v) for v in values), default=0.0)


def _analysis_reach(data: ForestPlotData) -> float:
    """Return the distance from no effect (analysis scale) that the axis should cover."""
    intervals = [r.interval for r in data.all_rows() if r.interval is not None]
    pooled = [p for p in (*(g.subtotal for g in data.groups), data.overall) if p is not None]
    points = _reach([yi for yi, _, _ in intervals] + [v for p in pooled for v in (p.ci_lower, p.ci_upper)])
    predictions = [v for p in pooled if p.prediction_interval for v in p.prediction_interval]
    whiskers = _reach([v for _, lower, upper in intervals for v in (lower, upper)] + predictions)
    if data.log_scale:
        return min(whiskers, points + _RATIO_WHISKER_ALLOWANCE)
    return min(whiskers, max(points * _LINEAR_WHISKER_FACTOR, points))


def _ratio_axis(reach: float) -> EffectAxis:
    for upper, ticks in _RATIO_AXES:
        if math.log(upper) >= reach * (1 - 1e-9):
            return EffectAxis(1.0 / upper, upper, ticks, True)
    upper, ticks = _RATIO_AXES[-1]
    return EffectAxis(1.0 / upper, upper, ticks, True)


def _linear_axis(reach: float) -> EffectAxis:
    if reach <= 0.0:
        reach = 1.0
    exponent = math.floor(math.log10(reach))
    for step in (exponent, exponent + 1):
        for mantissa in _LINEAR_MANTISSAS:
            limit = mantissa * 10.0**step
            if limit >= reach * (1 - 1e-9):
                return EffectAxis(-limit, limit, (-limit, -limit / 2, 0.0, limit / 2, limit), False)
    raise AssertionError("unreachable: 10**(exponent+1) always covers reach")


def _given_axis(limits: tuple[float, float], log_scale: bool) -> EffectAxis:
    lower, upper = limits
    if log_scale:
        ticks = tuple(t for t in (lower, 1.0, upper) if lower <= t <= upper)
    else:
        ticks = (lower, (lower + upper) / 2, upper) if not lower < 0 < upper else (lower, 0.0, upper)
    return EffectAxis(lower, upper, ticks, log_scale)


def choose_axis(data: ForestPlotData) -> EffectAxis:
    """Return the effect axis: ``data.axis_limits`` if given, else a symmetric RevMan-like range."""
    if data.axis_limits is not None:
        return _given_axis(data.axis_limits, data.log_scale)
    reach = _analysis_reach(data)
    return _ratio_axis(reach) if data.log_scale else _linear_axis(reach)


def format_tick(value: float) -> str:
    """Return a tick label without trailing zeros: 0.01, 0.5, 1, 10, -2.5."""
    if value == 0:
        return "0"
    return f"{value:.6g}"
