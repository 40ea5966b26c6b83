"""Moving a record's screening onto another record when a duplicate group's primary changes."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from review.audit import audit_record
from review.models import Record
from screening.models import (
    BulkExclusion,
    Comment,
    Decision,
    DecisionHistory,
    FullText,
    HistoryAction,
    Resolution,
    ReviewerNote,
)


@transaction.atomic
def screening_transfer(*, from_record: Record, to_record: Record, actor: Any = None) -> dict[str, int]:
    """Move decisions, resolutions, notes, comments, history and the full text to ``to_record``.

    Where ``to_record`` already holds the same kind of row (a reviewer's decision at a stage, a
    resolution, a full text), its own is kept and the moved one is dropped; the history records each
    drop so nothing disappears silently. Returns how many rows of each kind moved.
    """
    if from_record.pk == to_record.pk:
        return {}
    moved = {
        "decisions": _move_decisions(from_record, to_record, actor),
        "resolutions": _move_resolutions(from_record, to_record, actor),
    }
    moved["comments"] = Comment.objects.filter(record=from_record).update(record=to_record)
    moved["notes"] = _move_notes(from_record, to_record)
    moved["history"] = DecisionHistory.objects.filter(record=from_record).update(record=to_record)
    moved["fulltext"] = _move_fulltext(from_record, to_record)
    for bulk in BulkExclusion.objects.filter(records=from_record):
        bulk.records.remove(from_record)
        bulk.records.add(to_record)
    audit_record(
        actor=actor,
        action="screening.transfer",
        obj=to_record,
        review=to_record.review,
        before={"from_record": from_record.pk},
        after=moved,
    )
    return moved


def _move_decisions(source: Record, target: Record, actor: Any) -> int:
    taken = set(Decision.objects.filter(record=target).values_list("stage", "reviewer_id"))
    moved = 0
    for decision in Decision.objects.filter(record=source).select_related("reason"):
        kept = (decision.stage, decision.reviewer_id) not in taken
        DecisionHistory.objects.create(
            review_id=decision.review_id,
            record=target,
            stage=decision.stage,
            reviewer_id=decision.reviewer_id,
            actor=actor,
            action=HistoryAction.TRANSFERRED,
            value=decision.value,
            reason_label=decision.reason.label if decision.reason_id else "",
            note=f"from record {source.pk}" + ("" if kept else "; dropped: this reviewer had decided here"),
        )
        if kept:
            Decision.objects.filter(pk=decision.pk).update(record=target)
            moved += 1
        else:
            decision.delete()
    return moved


def _move_resolutions(source: Record, target: Record, actor: Any) -> int:
    taken = set(Resolution.objects.filter(record=target).values_list("stage", flat=True))
    moved = 0
    for resolution in Resolution.objects.filter(record=source):
        if resolution.stage in taken:
            resolution.delete()
        else:
            Resolution.objects.filter(pk=resolution.pk).update(record=target)
            moved += 1
    return moved


def _move_notes(source: Record, target: Record) -> int:
    moved = 0
    for note in ReviewerNote.objects.filter(record=source):
        existing = ReviewerNote.objects.filter(record=target, stage=note.stage, author_id=note.author_id).first()
        if existing is None:
            ReviewerNote.objects.filter(pk=note.pk).update(record=target)
        else:
            existing.text = "\n".join(t for t in (existing.text, note.text) if t)
            existing.tags = list(dict.fromkeys([*existing.tags, *note.tags]))
            existing.save()
            note.delete()
        moved += 1
    return moved


def _move_fulltext(source: Record, target: Record) -> int:
    if FullText.objects.filter(record=target).exists():
        return 0
    return FullText.objects.filter(record=source).update(record=target)
