"""Writes of screening decisions: record, change, undo, reset, resolve, reveal, settings, transfer.

Every change leaves a DecisionHistory row (shown on the record under the blind rules) and an audit
event (its object type starts with "screening.", which keeps it out of the general audit log).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from review.after_response import after_response
from review.audit import audit_record
from review.models import ExclusionReason, Record, Review
from screening.models import (
    BulkExclusion,
    Decision,
    DecisionHistory,
    DecisionValue,
    HistoryAction,
    Resolution,
    Stage,
    StageSettings,
)
from screening.rules import Outcome
from screening.selectors import record_outcome, stage_settings
from screening.services_transfer import screening_transfer

__all__ = [
    "decision_record",
    "decision_undo_last",
    "record_reset",
    "conflict_resolve",
    "stage_reveal",
    "stage_settings_update",
    "screening_transfer",
]

log = logging.getLogger(__name__)
MAX_REQUIRED_DECISIONS = 5


def _history(
    decision: Decision | Resolution, *, action: str, actor: Any, reviewer: Any = None, note: str = ""
) -> DecisionHistory:
    return DecisionHistory.objects.create(
        review_id=decision.review_id,
        record_id=decision.record_id,
        stage=decision.stage,
        reviewer=reviewer,
        actor=actor,
        action=action,
        value=decision.value,
        reason_label=decision.reason.label if decision.reason_id else "",
        note=note,
    )


def _state(decision: Decision | Resolution) -> dict[str, Any]:
    return {
        "record": decision.record_id,
        "stage": decision.stage,
        "value": decision.value,
        "reason": decision.reason_id,
        "companion_of": decision.companion_of_id,
    }


def _check_record(review: Review, record: Record, stage: str) -> None:
    """Refuse a record that is not this review's, not its group's primary, or not open at ``stage``."""
    if record.review_id != review.pk:
        raise ValidationError("This record belongs to another review.")
    if not record.is_primary:
        raise ValidationError("This record is a duplicate; its group is screened through its primary record.")
    if stage not in Stage.values:
        raise ValidationError(f"Unknown stage {stage!r}; accepted: {', '.join(Stage.values)}.")
    if stage == Stage.TITLE_ABSTRACT:
        # A caller that fetched the record with the `screening_removed` annotation spares this query.
        removed = getattr(record, "screening_removed", None)
        if removed is None:
            removed = BulkExclusion.objects.filter(records=record, undone_at__isnull=True).exists()
        if removed:
            raise ValidationError("This record was removed before screening by a bulk exclusion.")
    elif record_outcome(record, Stage.TITLE_ABSTRACT).outcome != Outcome.INCLUDED:
        raise ValidationError("Only records included at title/abstract are screened at full text.")


def _check_value(
    review: Review,
    record: Record,
    stage: str,
    value: str,
    reason: ExclusionReason | None,
    companion_of: Record | None,
) -> None:
    if value not in DecisionValue.values:
        raise ValidationError(f"Unknown decision {value!r}; accepted: {', '.join(DecisionValue.values)}.")
    if stage == Stage.FULL_TEXT and value == DecisionValue.EXCLUDE and reason is None:
        raise ValidationError("A full-text exclusion needs one of the protocol's exclusion reasons.")
    if reason is not None and reason.review_id != review.pk:
        raise ValidationError("This exclusion reason belongs to another review.")
    if companion_of is not None:
        if stage != Stage.FULL_TEXT or value != DecisionValue.INCLUDE:
            raise ValidationError("Only a full-text include can link a report to an included study.")
        if companion_of.pk == record.pk or companion_of.review_id != review.pk:
            raise ValidationError("Link the report to another record of this review.")
        if record_outcome(companion_of, Stage.FULL_TEXT).outcome != Outcome.INCLUDED:
            raise ValidationError("A companion report links to a record already included at full text.")


def decision_record(
    *,
    review: Review,
    record: Record,
    stage: str,
    reviewer: Any,
    value: str,
    reason: ExclusionReason | None = None,
    companion_of: Record | None = None,
) -> Decision:
    """Record (or change) ``reviewer``'s decision on ``record`` at ``stage``; return it.

    A second submission of the same decision is the same decision (the database's unique constraint
    decides races, not a prior check); a different value changes it, and the history keeps the earlier.
    The returned decision's ``was_created`` attribute says whether this call created it.
    """
    _check_record(review, record, stage)
    _check_value(review, record, stage, value, reason, companion_of)
    if value != DecisionValue.EXCLUDE or stage == Stage.TITLE_ABSTRACT:
        reason = None  # only full-text exclusions carry a reason (they feed the PRISMA diagram)
    fields = {"value": value, "reason": reason, "companion_of": companion_of}
    try:
        # The common case in one transaction with no savepoint: a few round trips fewer per keystroke.
        with transaction.atomic():
            decision = Decision.objects.create(review=review, record=record, stage=stage, reviewer=reviewer, **fields)
            decision.was_created = True
            _log(decision, HistoryAction.RECORDED, reviewer, review, before=None)
    except IntegrityError:
        # The reviewer has a decision here already (a double submit, a race, or a change): the insert's
        # transaction rolled back whole, and this one updates the existing row under a lock.
        decision = _decision_change(review, record, stage, reviewer, fields)
    transaction.on_commit(lambda: _retrain_maybe(review, stage, reviewer))
    return decision


@transaction.atomic
def _decision_change(review: Review, record: Record, stage: str, reviewer: Any, fields: dict[str, Any]) -> Decision:
    decision = Decision.objects.select_for_update().get(record=record, stage=stage, reviewer=reviewer)
    decision.was_created = False
    new = (fields["value"], getattr(fields["reason"], "pk", None), getattr(fields["companion_of"], "pk", None))
    if (decision.value, decision.reason_id, decision.companion_of_id) == new:
        return decision
    before = _state(decision)
    for name, value in fields.items():
        setattr(decision, name, value)
    decision.save(update_fields=[*fields, "updated_at"])
    _log(decision, HistoryAction.CHANGED, reviewer, review, before=before)
    return decision


def _log(decision: Decision, action: str, reviewer: Any, review: Review, before: dict[str, Any] | None) -> None:
    _history(decision, action=action, actor=reviewer, reviewer=reviewer)
    audit_record(
        actor=reviewer,
        action=f"screening.decision.{action}",
        obj=decision,
        review=review,
        before=before,
        after=_state(decision),
    )


def _retrain_maybe(review: Review, stage: str, reviewer: Any) -> None:
    """Let the prioritisation model retrain every N decisions, when that feature is installed.

    Called once the decision is committed; in a request, after the response is sent (the reviewer does
    not wait for the check, nor for queueing a refit).
    """
    try:
        from screening.prioritisation.services import retrain_maybe
    except ImportError:
        return
    after_response(partial(retrain_maybe, review=review, stage=stage, reviewer=reviewer))


@transaction.atomic
def decision_undo_last(*, review: Review, stage: str, reviewer: Any) -> Record | None:
    """Withdraw ``reviewer``'s most recent decision at ``stage``; return its record (None if none)."""
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .filter(review=review, stage=stage, reviewer=reviewer)
        .select_related("record", "reason")
        .order_by("-updated_at", "-id")
        .first()
    )
    if decision is None:
        return None
    _history(decision, action=HistoryAction.UNDONE, actor=reviewer, reviewer=reviewer)
    audit_record(
        actor=reviewer,
        action="screening.decision.undone",
        obj=decision,
        review=review,
        before=_state(decision),
    )
    decision.delete()
    # The reviewer's model learned this label: refit it without (the trigger counts decisions that went).
    transaction.on_commit(lambda: _retrain_maybe(review, stage, reviewer))
    return decision.record


@transaction.atomic
def record_reset(*, review: Review, record: Record, stage: str, actor: Any, reason: str) -> int:
    """Return ``record`` to unscreened at ``stage``: remove its decisions and resolution, keep the history.

    Returns the number of decisions removed.
    """
    if not reason.strip():
        raise ValidationError("Say why the record is reset; the history keeps the reason.")
    if record.review_id != review.pk:
        raise ValidationError("This record belongs to another review.")
    decisions = list(
        Decision.objects.select_for_update(of=("self",))
        .filter(record=record, stage=stage)
        .select_related("reason", "reviewer")
    )
    resolution = Resolution.objects.filter(record=record, stage=stage).select_related("reason").first()
    for decision in decisions:
        _history(decision, action=HistoryAction.RESET, actor=actor, reviewer=decision.reviewer, note=reason)
    if resolution is not None:
        _history(resolution, action=HistoryAction.RESET, actor=actor, note=reason)
        resolution.delete()
    audit_record(
        actor=actor,
        action="screening.record.reset",
        obj=record,
        review=review,
        before={"stage": stage, "decisions": [_state(d) for d in decisions]},
        after={"reason": reason},
    )
    Decision.objects.filter(pk__in=[d.pk for d in decisions]).delete()
    for reviewer in {d.reviewer for d in decisions}:  # each of their models learned a label that went
        transaction.on_commit(partial(_retrain_maybe, review, stage, reviewer))
    return len(decisions)


@transaction.atomic
def conflict_resolve(
    *,
    review: Review,
    record: Record,
    stage: str,
    actor: Any,
    value: str,
    note: str,
    reason: ExclusionReason | None = None,
    companion_of: Record | None = None,
) -> Resolution:
    """Settle a conflict with a final decision and the reason why; the original decisions stay."""
    if not stage_settings(review, stage).others_visible:
        raise ValidationError("Reveal this blind stage before resolving its conflicts.")
    if value not in (DecisionValue.INCLUDE, DecisionValue.EXCLUDE):
        raise ValidationError("A resolution includes or excludes the record.")
    if not note.strip():
        raise ValidationError("Give the reason for the resolution.")
    _check_value(review, record, stage, value, reason, companion_of)
    outcome = record_outcome(record, stage)
    if outcome.outcome != Outcome.CONFLICT and not outcome.resolved:
        raise ValidationError(f"This record is not in conflict (it is {outcome.outcome}).")
    reason = reason if value == DecisionValue.EXCLUDE else None
    resolution, _ = Resolution.objects.update_or_create(
        record=record,
        stage=stage,
        defaults={
            "review": review,
            "value": value,
            "reason": reason,
            "companion_of": companion_of,
            "note": note.strip(),
            "resolved_by": actor,
        },
    )
    _history(resolution, action=HistoryAction.RESOLVED, actor=actor, note=note.strip())
    audit_record(actor=actor, action="screening.resolution", obj=resolution, review=review, after=_state(resolution))
    return resolution


@transaction.atomic
def stage_reveal(*, review: Review, stage: str, actor: Any) -> StageSettings:
    """Reveal a blind stage: from now on members see each other's decisions, notes and comments."""
    settings = stage_settings(review, stage)
    if settings.revealed_at is None:
        settings.revealed_at = timezone.now()
        settings.save()
        audit_record(actor=actor, action="screening.stage.reveal", obj=settings, review=review, after={"stage": stage})
    return settings


def _keywords(words: list[str]) -> list[str]:
    return list(dict.fromkeys(w.strip() for w in words if w.strip()))


@transaction.atomic
def stage_settings_update(
    *,
    review: Review,
    stage: str,
    actor: Any,
    required_decisions: int,
    blind: bool,
    maybe_passes: bool,
    include_keywords: list[str],
    exclude_keywords: list[str],
) -> StageSettings:
    """Change a stage's settings; the audit log keeps the values before and after."""
    if not 1 <= required_decisions <= MAX_REQUIRED_DECISIONS:
        raise ValidationError(f"A record needs between 1 and {MAX_REQUIRED_DECISIONS} decisions.")
    settings = stage_settings(review, stage)
    names = ["required_decisions", "blind", "maybe_passes", "include_keywords", "exclude_keywords"]
    before = {name: getattr(settings, name) for name in names} if settings.pk else None
    settings.required_decisions, settings.blind, settings.maybe_passes = (
        required_decisions,
        blind,
        maybe_passes,
    )
    settings.include_keywords, settings.exclude_keywords = (
        _keywords(include_keywords),
        _keywords(exclude_keywords),
    )
    settings.save()
    audit_record(
        actor=actor,
        action="screening.stage.settings",
        obj=settings,
        review=review,
        before=before,
        after={name: getattr(settings, name) for name in names},
    )
    return settings
