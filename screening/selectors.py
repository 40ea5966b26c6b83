"""Reads of the screening app: settings, outcomes, what a member may see, labels for the ranking model.

Blind mode is enforced here: every read of decisions, notes and comments that a page, the API or an
export shows goes through a function that takes the viewer and returns only what they may see.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import F, Q, QuerySet

from review.models import Record, Review
from review.prepared import planned_once
from screening.models import (
    Comment,
    Decision,
    DecisionHistory,
    DecisionValue,
    Resolution,
    ReviewerNote,
    Stage,
    StageSettings,
)
from screening.prisma import dashboard_counts, prisma_screening_counts
from screening.rules import Outcome, StageOutcome, Verdict, Vote, stage_outcome

__all__ = [
    "dashboard_counts",
    "prisma_screening_counts",
    "stage_settings",
    "screenable_records",
    "stage_outcomes",
    "record_outcome",
    "training_labels",
    "others_visible",
    "visible_decisions",
    "visible_history",
    "visible_notes",
    "visible_comments",
    "conflicts",
    "passed_title_abstract",
    "decision_rows",
]


def stage_settings(review: Review, stage: str) -> StageSettings:
    """Return the stage's settings, or the defaults (unsaved) when the lead has not changed them.

    Functions on the screening page's hot path take these settings as an argument instead of
    reading them again.
    """
    with planned_once():
        found = list(StageSettings.objects.raw(_STAGE_SETTINGS, [review.pk, stage]))
    return found[0] if found else StageSettings(review=review, stage=stage)


# ``StageSettings.objects.filter(review=review, stage=stage).first()`` (one row at most) as a fixed
# statement: it is read on every request of the screening page, where building the query cost more
# CPU than running it.
_STAGE_SETTINGS = "SELECT {columns} FROM {table} WHERE review_id = %s AND stage = %s".format(
    columns=", ".join(f.column for f in StageSettings._meta.concrete_fields), table=StageSettings._meta.db_table
)


def screenable_records(review: Review) -> QuerySet[Record]:
    """Return the records screened for this review: one per duplicate group, none of an undone import."""
    return (
        Record.objects.filter(review=review)
        .filter(Q(duplicate_group__isnull=True) | Q(duplicate_group__primary_id=F("id")))
        .exclude(batch__status="undone")
    )


def _votes_and_verdicts(
    review: Review, stage: str, record_ids: list[int] | None
) -> tuple[dict[int, list[Vote]], dict[int, Verdict]]:
    decisions = Decision.objects.filter(review=review, stage=stage)
    resolutions = Resolution.objects.filter(review=review, stage=stage)
    if record_ids is not None:
        decisions, resolutions = (
            decisions.filter(record_id__in=record_ids),
            resolutions.filter(record_id__in=record_ids),
        )
    votes: dict[int, list[Vote]] = defaultdict(list)
    for rec, reviewer, value, at, pk, reason, companion in decisions.values_list(
        "record_id", "reviewer_id", "value", "created_at", "pk", "reason_id", "companion_of_id"
    ).order_by():
        votes[rec].append(Vote(reviewer, value, at, pk, reason, companion))
    verdicts = {
        rec: Verdict(value, reason, companion)
        for rec, value, reason, companion in resolutions.values_list(
            "record_id", "value", "reason_id", "companion_of_id"
        )
    }
    return votes, verdicts


def stage_outcomes(review: Review, stage: str, record_ids: list[int] | None = None) -> dict[int, StageOutcome]:
    """Return the outcome of every record with a decision or resolution at ``stage`` (or of ``record_ids``).

    Records with neither are unscreened and absent from the result.
    """
    settings = stage_settings(review, stage)
    votes, verdicts = _votes_and_verdicts(review, stage, record_ids)
    return {
        rec: stage_outcome(
            votes.get(rec, []),
            required=settings.required_decisions,
            stage=stage,
            maybe_passes=settings.maybe_passes,
            verdict=verdicts.get(rec),
        )
        for rec in set(votes) | set(verdicts)
    }


def record_outcome(record: Record, stage: str) -> StageOutcome:
    """Return the outcome of one record at one stage."""
    return stage_outcomes(record.review, stage, [record.pk]).get(record.pk, StageOutcome(Outcome.UNSCREENED))


def passed_title_abstract(review: Review) -> list[int]:
    """Return the ids of the records included at title/abstract: the candidates of full-text screening."""
    outcomes = stage_outcomes(review, Stage.TITLE_ABSTRACT)
    return sorted(rec for rec, out in outcomes.items() if out.outcome == Outcome.INCLUDED)


def others_visible(review: Review, stage: str) -> bool:
    """Return True when members may see each other's decisions, notes and comments at ``stage``."""
    return stage_settings(review, stage).others_visible


def training_labels(*, review: Review, stage: str, reviewer: Any) -> dict[int, bool]:
    """Return record id -> relevant for the ranking model of ``reviewer``.

    The reviewer's own decisions (include and maybe count as relevant), overridden by resolutions
    only when this reviewer may see them: under blind screening before the reveal, nothing of the
    others' work reaches the reviewer's model.
    """
    own = Decision.objects.filter(review=review, stage=stage, reviewer=reviewer).values_list("record_id", "value")
    labels = {rec: value != DecisionValue.EXCLUDE for rec, value in own}
    if others_visible(review, stage):
        resolved = Resolution.objects.filter(review=review, stage=stage).values_list("record_id", "value")
        labels.update({rec: value == DecisionValue.INCLUDE for rec, value in resolved})
    return labels


def visible_decisions(*, review: Review, stage: str, viewer: Any) -> QuerySet[Decision]:
    """Return the decisions at ``stage`` that ``viewer`` may see: their own only, while blind."""
    decisions = Decision.objects.filter(review=review, stage=stage).select_related("reviewer", "reason")
    if not others_visible(review, stage):
        decisions = decisions.filter(reviewer=viewer)
    return decisions


def visible_history(
    *, record: Record, stage: str, viewer: Any, visible: bool | None = None
) -> QuerySet[DecisionHistory]:
    """Return the record's decision history at ``stage`` that ``viewer`` may see, oldest first."""
    rows = DecisionHistory.objects.filter(record=record, stage=stage).select_related("reviewer", "actor")
    if not (others_visible(record.review, stage) if visible is None else visible):
        rows = rows.filter(reviewer=viewer)
    return rows


def visible_notes(*, record: Record, stage: str, viewer: Any, visible: bool | None = None) -> QuerySet[ReviewerNote]:
    """Return the notes and tags on the record that ``viewer`` may see (their own only, while blind)."""
    notes = ReviewerNote.objects.filter(record=record, stage=stage).select_related("author")
    if not (others_visible(record.review, stage) if visible is None else visible):
        notes = notes.filter(author=viewer)
    return notes


def visible_comments(*, record: Record, stage: str, viewer: Any, visible: bool | None = None) -> QuerySet[Comment]:
    """Return the record's comment thread as ``viewer`` may see it (their own only, while blind)."""
    comments = Comment.objects.filter(record=record, stage=stage).select_related("author")
    if not (others_visible(record.review, stage) if visible is None else visible):
        comments = comments.filter(author=viewer)
    return comments


def conflicts(review: Review, stage: str) -> list[tuple[Record, StageOutcome]]:
    """Return the records in conflict at ``stage`` with their outcome, in record order.

    Callers show this list only when others' decisions are visible (see :func:`others_visible`).
    """
    outcomes = stage_outcomes(review, stage)
    ids = [rec for rec, out in outcomes.items() if out.outcome == Outcome.CONFLICT]
    records = screenable_records(review).filter(pk__in=ids).order_by("pk")
    return [(record, outcomes[record.pk]) for record in records]


def decision_rows(record_ids: list[int], stage: str, required: int) -> dict[int, list[tuple[Decision, bool]]]:
    """Return record id -> its decisions at ``stage`` in time order, each flagged True when it counts.

    The first ``required`` decisions count (the outcome rule); later ones are extra. Callers show
    these only when others' decisions are visible.
    """
    rows: dict[int, list[tuple[Decision, bool]]] = defaultdict(list)
    decisions = Decision.objects.filter(record_id__in=record_ids, stage=stage).select_related("reviewer", "reason")
    for decision in decisions.order_by("record_id", "created_at", "pk"):
        rows[decision.record_id].append((decision, len(rows[decision.record_id]) < required))
    return rows
