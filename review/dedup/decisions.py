"""What a person decides about duplicates: merge, not duplicates, related, undo, split, primary.

Every decision is audited, stamps the pair with who and when (so detection never overrides it),
and rebuilds the groups in the same transaction.
"""

from __future__ import annotations

import enum
from typing import Any

from django.db import transaction
from django.utils import timezone

from review.audit import audit_record
from review.dedup.groups import MERGE_STATUSES, groups_rebuild, transfer_screening
from review.dedup.selectors import pending
from review.models import DuplicateGroup, DuplicatePair, PairStatus, Record, Review


class Decision(enum.StrEnum):
    MERGE = "merge"
    DISTINCT = "distinct"
    RELATED = "related"


DECISION_STATUS = {
    Decision.MERGE: PairStatus.MERGED,
    Decision.DISTINCT: PairStatus.DISTINCT,
    Decision.RELATED: PairStatus.RELATED,
}


def _snapshot(pair: DuplicatePair) -> dict[str, Any]:
    return {"status": pair.status, "records": [pair.record_a_id, pair.record_b_id], "decided_by": pair.decided_by_id}


@transaction.atomic
def pair_decide(*, pair: DuplicatePair, user: Any, decision: Decision) -> DuplicatePair:
    """Record a person's decision on a pair and rebuild the groups; return the pair."""
    before = _snapshot(pair)
    pair.status = DECISION_STATUS[decision]
    pair.decided_by = user
    pair.decided_at = timezone.now()
    pair.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=user,
        action=f"dedup.pair.{decision.value}",
        obj=pair,
        review=pair.review,
        before=before,
        after=_snapshot(pair),
    )
    groups_rebuild(pair.review, actor=user)
    return pair


@transaction.atomic
def pair_undo(*, pair: DuplicatePair, user: Any) -> DuplicatePair:
    """Undo a decision: a person's merge or split returns the pair to what detection concluded.

    Undoing an automatic merge (no person decided yet) marks the pair "not duplicates", which is
    itself a person's decision and so survives re-detection.
    """
    before = _snapshot(pair)
    if pair.decided_at is None and pair.status == PairStatus.AUTO_MERGED:
        pair.status, pair.decided_by, pair.decided_at = PairStatus.DISTINCT, user, timezone.now()
    else:
        pair.status = pair.detected_status or PairStatus.QUEUED
        pair.decided_by, pair.decided_at = None, None
    pair.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=user, action="dedup.pair.undo", obj=pair, review=pair.review, before=before, after=_snapshot(pair)
    )
    groups_rebuild(pair.review, actor=user)
    return pair


@transaction.atomic
def pairs_bulk_merge(*, review: Review, user: Any, min_score: float) -> int:
    """Merge every queued pair scoring at least ``min_score``; return how many were merged."""
    ids = list(pending(review).filter(score__gte=min_score).values_list("id", flat=True))
    now = timezone.now()
    DuplicatePair.objects.filter(id__in=ids).update(status=PairStatus.MERGED, decided_by=user, decided_at=now)
    audit_record(
        actor=user,
        action="dedup.pair.bulk_merge",
        obj=review,
        review=review,
        before={"min_score": min_score},
        after={"pairs": ids},
    )
    groups_rebuild(review, actor=user)
    return len(ids)


@transaction.atomic
def record_split_from_group(*, record: Record, user: Any) -> int:
    """Take ``record`` out of its group: its merges with the group become "not duplicates".

    Returns how many pairs were split. Undo each pair to put the record back.
    """
    group_id = record.duplicate_group_id
    if group_id is None:
        return 0
    members = set(Record.objects.filter(duplicate_group_id=group_id).values_list("id", flat=True))
    pairs = [
        p
        for p in DuplicatePair.objects.filter(review=record.review, status__in=MERGE_STATUSES).filter(
            record_a_id__in=members, record_b_id__in=members
        )
        if record.pk in (p.record_a_id, p.record_b_id)
    ]
    now = timezone.now()
    for pair in pairs:
        before = _snapshot(pair)
        pair.status, pair.decided_by, pair.decided_at = PairStatus.DISTINCT, user, now
        pair.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            actor=user, action="dedup.pair.split", obj=pair, review=record.review, before=before, after=_snapshot(pair)
        )
    groups_rebuild(record.review, actor=user)
    return len(pairs)


@transaction.atomic
def group_set_primary(*, group: DuplicateGroup, record: Record, user: Any) -> DuplicateGroup:
    """Make ``record`` the group's primary; the old primary's screening moves to it."""
    if record.duplicate_group_id != group.pk:
        raise ValueError("The record is not a member of this group.")
    old = group.primary_id
    if old == record.pk:
        return group
    group.primary = record
    group.save(update_fields=["primary", "updated_at"])
    if old is not None:
        transfer_screening(old, record.pk, user)
    audit_record(
        actor=user,
        action="dedup.group.primary",
        obj=group,
        review=group.review,
        before={"primary": old},
        after={"primary": record.pk},
    )
    return group
