"""Risk-of-bias plot input: judgements per study and domain, and robvis's colours and symbols.

Colours, symbols and domain captions follow robvis (McGuinness LA, Higgins JPT. Res Syn Meth
2021;12:55-61; R package mcguinlu/robvis, R/helpers.R), "cochrane" palette.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Judgement(Enum):
    """A risk-of-bias level, ordered from best to worst, plus the two non-judgements."""

    LOW = "low"
    SOME_CONCERNS = "some concerns"
    HIGH = "high"
    CRITICAL = "critical"
    NO_INFORMATION = "no information"
    NOT_APPLICABLE = "not applicable"


# Every tool's wording, lower-cased: RoB 2, RoB 1 ("unclear"), ROBINS-I ("moderate", "serious").
_ALIASES = {
    "low": Judgement.LOW, "low risk": Judgement.LOW,
    "some concerns": Judgement.SOME_CONCERNS, "unclear": Judgement.SOME_CONCERNS,
    "unclear risk": Judgement.SOME_CONCERNS, "moderate": Judgement.SOME_CONCERNS,
    "high": Judgement.HIGH, "high risk": Judgement.HIGH, "serious": Judgement.HIGH,
    "critical": Judgement.CRITICAL, "very high": Judgement.CRITICAL,
    "no information": Judgement.NO_INFORMATION, "not applicable": Judgement.NOT_APPLICABLE,
}  # fmt: skip
COLOURS = {
    Judgement.LOW: "#02C100",
    Judgement.SOME_CONCERNS: "#E2DF07",
    Judgement.HIGH: "#BF0000",
    Judgement.CRITICAL: "#820000",
    Judgement.NO_INFORMATION: "#4EA1F7",
    Judgement.NOT_APPLICABLE: "#cccccc",
}
SYMBOLS = {
    Judgement.LOW: "+",
    Judgement.SOME_CONCERNS: "−",
    Judgement.HIGH: "×",
    Judgement.CRITICAL: "!",
    Judgement.NO_INFORMATION: "?",
    Judgement.NOT_APPLICABLE: "",
}
# Segment order of the summary bars (best first) and of the traffic-light legend (worst first).
SUMMARY_ORDER = (
    Judgement.LOW, Judgement.SOME_CONCERNS, Judgement.HIGH, Judgement.CRITICAL,
    Judgement.NO_INFORMATION, Judgement.NOT_APPLICABLE,
)  # fmt: skip
ROB2_DOMAINS = (
    "Bias arising from the randomization process",
    "Bias due to deviations from intended interventions",
    "Bias due to missing outcome data",
    "Bias in measurement of the outcome",
    "Bias in selection of the reported result",
)


def judgement(text: str) -> Judgement:
    """Return the judgement named by ``text`` (any tool's wording, case-insensitive)."""
    try:
        return _ALIASES[" ".join(text.lower().split())]
    except KeyError:
        accepted = ", ".join(sorted(_ALIASES))
        raise ValueError(f"unknown risk-of-bias judgement {text!r}; accepted: {accepted}") from None


@dataclass(frozen=True)
class RobAssessment:
    """One study's judgements, one per domain, its overall judgement and its weight in the analysis."""

    study: str
    judgements: tuple[str, ...]
    overall: str | None = None
    weight: float = 1.0

    def __post_init__(self) -> None:
        for text in (*self.judgements, *([self.overall] if self.overall else [])):
            judgement(text)
        if not self.weight >= 0:
            raise ValueError(f"study {self.study!r}: weight must be >= 0, got {self.weight}")


@dataclass(frozen=True)
class RobPlotData:
    """Assessments of several studies against the same ``domains`` (full names, shown in captions and bars).

    ``labels`` names the judgement levels in the legends; RoB 1 users may pass {"some concerns": "Unclear"}.
    """

    domains: tuple[str, ...]
    assessments: tuple[RobAssessment, ...]
    show_overall: bool = True
    labels: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not self.domains or not self.assessments:
            raise ValueError("a risk-of-bias plot needs at least one domain and one study")
        for a in self.assessments:
            if len(a.judgements) != len(self.domains):
                raise ValueError(
                    f"study {a.study!r} has {len(a.judgements)} judgements for {len(self.domains)} domains"
                )
            if self.show_overall and a.overall is None:
                raise ValueError(f"study {a.study!r} has no overall judgement; give one or set show_overall=False")

    def label(self, level: Judgement) -> str:
        """Return the legend text of ``level`` ("Low", "Some concerns", ...)."""
        custom = dict(self.labels)
        return custom.get(level.value, level.value.capitalize())

    def columns(self) -> list[str]:
        """Return the column headings of the traffic-light grid: D1..Dk, then Overall."""
        return [f"D{i}" for i in range(1, len(self.domains) + 1)] + (["Overall"] if self.show_overall else [])

    def grid(self) -> list[list[Judgement]]:
        """Return the judgements row by row (study), column by column (domains, then overall)."""
        rows = []
        for a in self.assessments:
            texts = list(a.judgements) + ([a.overall] if self.show_overall and a.overall else [])
            rows.append([judgement(t) for t in texts])
        return rows
