"""A person's merge, split and undo; re-running detection never undoes a person's decision."""

import pytest

from review.dedup.decisions import Decision, pair_decide, pair_undo, pairs_bulk_merge, record_split_from_group
from review.dedup.services import detection_run
from review.models import AuditEvent, DuplicatePair, PairStatus
from tests.review.dedup.helpers import record

pytestmark = pytest.mark.django_db


def possible_pair(cast):
    """Two records that detection queues (pages missing on one, volume differs)."""
    a = record(cast.review, "PubMed")
    b = record(cast.review, "Embase", volume="16", pages="")
    detection_run(review=cast.review)
    return a, b, DuplicatePair.objects.get()


def test_merging_a_queued_pair_groups_its_records_and_is_audited(cast):
    """Merge by a reviewer: one group, the pair says who decided."""
    a, b, pair = possible_pair(cast)
    assert pair.status == PairStatus.QUEUED
    pair_decide(pair=pair, user=cast.reviewer, decision=Decision.MERGE)
    a.refresh_from_db(), b.refresh_from_db()
    assert a.duplicate_group_id == b.duplicate_group_id is not None
    assert pair.decided_by == cast.reviewer
    assert AuditEvent.objects.filter(action="dedup.pair.merge", actor=cast.reviewer).exists()


def test_undoing_a_merge_puts_the_pair_back_in_the_queue(cast):
    """Undo restores what detection said and dissolves the group."""
    a, b, pair = possible_pair(cast)
    pair_decide(pair=pair, user=cast.reviewer, decision=Decision.MERGE)
    pair_undo(pair=pair, user=cast.reviewer)
    a.refresh_from_db()
    pair.refresh_from_db()
    assert pair.status == PairStatus.QUEUED and pair.decided_at is None
    assert a.duplicate_group_id is None
    assert not cast.review.duplicate_groups.exists()


def test_splitting_an_automatic_merge_survives_re_detection(cast):
    """A person's "not duplicates" on an automatic merge stays after detection runs again."""
    a = record(cast.review, "PubMed")
    record(cast.review, "Embase")
    detection_run(review=cast.review)
    a.refresh_from_db()
    assert record_split_from_group(record=a, user=cast.lead) == 1
    detection_run(review=cast.review)
    pair = DuplicatePair.objects.get()
    a.refresh_from_db()
    assert pair.status == PairStatus.DISTINCT
    assert pair.detected_status == PairStatus.AUTO_MERGED
    assert a.duplicate_group_id is None


def test_a_persons_merge_survives_re_detection(cast):
    """Re-running detection after a person merged keeps the merge and the group."""
    a, b, pair = possible_pair(cast)
    pair_decide(pair=pair, user=cast.reviewer, decision=Decision.MERGE)
    detection_run(review=cast.review)
    pair.refresh_from_db(), a.refresh_from_db(), b.refresh_from_db()
    assert pair.status == PairStatus.MERGED
    assert a.duplicate_group_id == b.duplicate_group_id is not None


def test_bulk_accept_merges_only_pairs_above_the_score(cast):
    """Bulk accept takes queued pairs at or above the chosen score and leaves the others."""
    _, _, pair = possible_pair(cast)
    assert pairs_bulk_merge(review=cast.review, user=cast.lead, min_score=min(1.0, pair.score + 0.001)) == 0
    assert pairs_bulk_merge(review=cast.review, user=cast.lead, min_score=pair.score) == 1
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED
