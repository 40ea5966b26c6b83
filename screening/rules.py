"""The outcome rule: what a record's decisions and resolution at one stage add up to.

Pure functions over plain values (no database), so the rule is easy to read and to test. The
outcome is derived every time it is needed and never stored, so it cannot go stale.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

INCLUDE, EXCLUDE, MAYBE = "include", "exclude", "maybe"
TITLE_ABSTRACT, FULL_TEXT = "title_abstract", "full_text"


class Outcome(enum.StrEnum):
    UNSCREENED = "unscreened"
    AWAITING = "awaiting more decisions"
    INCLUDED = "included"
    EXCLUDED = "excluded"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class Vote:
    """One decision as the rule sees it."""

    reviewer_id: int
    value: str
    at: datetime
    pk: int = 0
    reason_id: int | None = None
    companion_of_id: int | None = None


@dataclass(frozen=True)
class Verdict:
    """A resolution as the rule sees it."""

    value: str
    reason_id: int | None = None
    companion_of_id: int | None = None


@dataclass(frozen=True)
class StageOutcome:
    """What a record's decisions mean: the outcome, the decisions that counted and the extra ones."""

    outcome: Outcome
    counted: tuple[Vote, ...] = ()
    extra: tuple[Vote, ...] = ()
    reason_id: int | None = None
    companion_of_id: int | None = None
    resolved: bool = False
    conflict_kind: str = ""
    notes: tuple[str, ...] = field(default=())


def stage_outcome(
    votes: Iterable[Vote], *, required: int, stage: str, maybe_passes: bool, verdict: Verdict | None = None
) -> StageOutcome:
    """Return the outcome of one record at one stage.

    The first ``required`` decisions by time count; later ones (a race, a third reviewer) are kept as
    ``extra``. A resolution, when there is one, is final. Otherwise the record passes when the counted
    decisions all include (or, at title/abstract with ``maybe_passes``, all include or maybe), is excluded
    when they all exclude (at full text with one and the same reason), and is in conflict otherwise.
    """
    ordered = sorted(votes, key=lambda v: (v.at, v.pk))
    counted, extra = tuple(ordered[:required]), tuple(ordered[required:])
    if verdict is not None:
        outcome = Outcome.INCLUDED if verdict.value == INCLUDE else Outcome.EXCLUDED
        return StageOutcome(outcome, counted, extra, verdict.reason_id, verdict.companion_of_id, resolved=True)
    if not counted:
        return StageOutcome(Outcome.UNSCREENED)
    if len(counted) < required:
        return StageOutcome(Outcome.AWAITING, counted, extra)
    kind = _conflict_kind(counted, stage=stage, maybe_passes=maybe_passes)
    if kind:
        return StageOutcome(Outcome.CONFLICT, counted, extra, conflict_kind=kind)
    first = counted[0]
    if first.value == EXCLUDE:
        return StageOutcome(Outcome.EXCLUDED, counted, extra, reason_id=first.reason_id)
    return StageOutcome(Outcome.INCLUDED, counted, extra, companion_of_id=first.companion_of_id)


def _conflict_kind(counted: tuple[Vote, ...], *, stage: str, maybe_passes: bool) -> str:
    """Return why the counted decisions do not meet the rule, or an empty string when they do."""
    values = {v.value for v in counted}
    if values == {EXCLUDE}:
        if stage == FULL_TEXT and len({v.reason_id for v in counted}) > 1:
            return "different exclusion reasons"
        return ""
    if EXCLUDE in values:
        return "disagreement"
    if MAYBE in values and not (stage == TITLE_ABSTRACT and maybe_passes):
        return "maybe"
    if len({v.companion_of_id for v in counted if v.value == INCLUDE}) > 1:
        return "different study links"
    return ""
