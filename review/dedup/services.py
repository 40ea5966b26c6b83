"""Deduplication services: detection over a review, and what other features call.

Detection runs after every import as a background job. It reads the records as plain dicts, lets
the pure matching core (``review.dedup.engine``) find candidate pairs, then writes pairs and groups
in one transaction. Pairs a person decided are never touched by detection.

Interfaces used elsewhere: :func:`detection_start` (import), :func:`group_elect_primary_after_removal`
(undo of an import, called before the batch's records are deleted), :func:`records_removed_as_duplicates`
and :func:`overlap_table` (PRISMA).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction
from django.db.models.functions import Substr

from review.audit import audit_record, snapshot
from review.dedup.classify import Outcome, Thresholds
from review.dedup.engine import PairResult, detect, prepare_all
from review.dedup.groups import WRITE_CHUNK, GroupChanges, groups_rebuild, groups_rebuild_changes
from review.dedup.record import ABSTRACT_CHARS
from review.dedup.selectors import overlap_table, pending, records_removed_as_duplicates
from review.models import DedupSettings, DuplicatePair, Job, Record, Review
from review.models.records import BIBLIOGRAPHIC_FIELDS

__all__ = [
    "dedup_settings",
    "dedup_settings_update",
    "detection_run",
    "detection_start",
    "group_elect_primary_after_removal",
    "overlap_table",
    "records_removed_as_duplicates",
]

DETECTION_JOB = "dedup"
# The abstract is read apart (its opening only); keywords, MeSH terms and URLs are not compared.
NOT_MATCHED = frozenset({"abstract", "keywords", "mesh_terms", "url"})
MATCH_FIELDS = ("id", *(name for name in BIBLIOGRAPHIC_FIELDS if name not in NOT_MATCHED))
Progress = Callable[[int, int, str], None]


def _quiet(done: int, total: int, message: str) -> None:
    """Progress callback that reports nowhere."""


def dedup_settings(review: Review) -> DedupSettings:
    """Return the review's deduplication settings, created with the defaults on first use."""
    settings, _ = DedupSettings.objects.get_or_create(review=review)
    return settings


@transaction.atomic
def dedup_settings_update(
    *, review: Review, user: Any, auto_merge_threshold: float, queue_threshold: float
) -> DedupSettings:
    """Change the review's thresholds (audited); detection applies them on its next run."""
    settings = dedup_settings(review)
    before = snapshot(settings, ["auto_merge_threshold", "queue_threshold"])
    settings.auto_merge_threshold, settings.queue_threshold = auto_merge_threshold, queue_threshold
    settings.save()
    audit_record(
        actor=user,
        action="dedup.settings.update",
        obj=settings,
        review=review,
        before=before,
        after=snapshot(settings, ["auto_merge_threshold", "queue_threshold"]),
    )
    return settings


def detection_start(*, review: Review, user: Any) -> Job:
    """Queue duplicate detection over all records of ``review``; return the job (progress page)."""
    from review.dedup import jobs  # noqa: F401  (registers the job handler in this process)
    from review.jobs import job_start

    return job_start(kind=DETECTION_JOB, review=review, user=user)


def _match_rows(review: Review) -> Iterator[dict[str, Any]]:
    # Only the opening of the abstract is compared: loading it whole would cost memory at 100k records.
    records = Record.objects.filter(review=review).annotate(abstract_head=Substr("abstract", 1, ABSTRACT_CHARS))
    for row in records.values(*MATCH_FIELDS, "abstract_head").iterator(chunk_size=WRITE_CHUNK):
        row["abstract"] = row.pop("abstract_head") or ""
        yield row


def detection_run(*, review: Review, progress: Progress = _quiet, actor: Any = None) -> dict[str, int]:
    """Detect duplicates over the whole review and write pairs and groups; return counts."""
    total = Record.objects.filter(review=review).count()
    progress(0, total, f"Reading {total:,} records")
    records = prepare_all(_match_rows(review))
    progress(total, total, f"Read {total:,} records; comparing candidate pairs")
    settings = dedup_settings(review)
    thresholds = Thresholds(auto_merge=settings.auto_merge_threshold, queue=settings.queue_threshold)
    found = detect(records, thresholds, progress)
    del records  # the prepared records are the bulk of the memory; free them before writing
    progress(0, 0, "Writing duplicate groups")
    with transaction.atomic():
        # Two imports committed close together start two detections: the second waits here and
        # then sees the first one's pairs, so it updates them instead of inserting them again.
        DedupSettings.objects.select_for_update().get(pk=settings.pk)
        counts = _write_pairs(review, found)
        group_counts, changes = groups_rebuild_changes(review, actor=actor)
        counts.update(group_counts)
        counts["waiting_for_a_person"] = pending(review).count()
        _audit_detection(review, actor, counts, changes)
    return counts


def _audit_detection(review: Review, actor: Any, counts: dict[str, int], changes: GroupChanges) -> None:
    # One event per run: the counts and the groups it created or changed, never one row per pair
    # (a 50,000-record review would otherwise write tens of thousands of rows). The pairs keep
    # what detection concluded about each of them (``detected_status``).
    audit_record(
        actor=actor,
        action="dedup.detection",
        obj=review,
        review=review,
        after={"counts": {**counts, **changes.counts()}, "groups": changes.as_dict()},
    )


def _pair_fields(result: PairResult) -> dict[str, Any]:
    scores = result.scores.as_dict()
    scores["conflicts"] = list(result.verdict.conflicts)
    return {
        "score": round(result.verdict.score, 4),
        "field_scores": scores,
        "matched_on": result.verdict.matched_on,
        "relation": result.verdict.relation[:60],
    }


def _write_pairs(review: Review, found: list[PairResult]) -> dict[str, int]:
    existing = {
        (a, b): (pk, decided)
        for pk, a, b, decided in DuplicatePair.objects.filter(review=review)
        .values_list("id", "record_a_id", "record_b_id", "decided_at")
        .iterator()
    }
    new, changed, seen = [], [], set()
    for result in found:
        status = result.verdict.outcome.value
        fields = _pair_fields(result)
        key = (result.a, result.b)
        seen.add(key)
        if key not in existing:
            new.append(
                DuplicatePair(
                    review=review,
                    record_a_id=result.a,
                    record_b_id=result.b,
                    status=status,
                    detected_status=status,
                    **fields,
                )
            )
            continue
        pk, decided = existing[key]
        # A person's decision stands: detection refreshes the scores and what it would say, never the status.
        pair = DuplicatePair(pk=pk, detected_status=status, **fields)
        if decided is None:
            pair.status = status
        changed.append(pair)
    DuplicatePair.objects.bulk_create(new, batch_size=WRITE_CHUNK)
    update = ["score", "field_scores", "matched_on", "relation", "detected_status"]
    DuplicatePair.objects.bulk_update([p for p in changed if p.status], [*update, "status"], batch_size=WRITE_CHUNK)
    DuplicatePair.objects.bulk_update([p for p in changed if not p.status], update, batch_size=WRITE_CHUNK)
    stale = [pk for key, (pk, decided) in existing.items() if key not in seen and decided is None]
    for start in range(0, len(stale), WRITE_CHUNK):
        DuplicatePair.objects.filter(id__in=stale[start : start + WRITE_CHUNK]).delete()
    by_outcome = {outcome.value: 0 for outcome in Outcome}
    for result in found:
        by_outcome[result.verdict.outcome.value] += 1
    return {"pairs_new": len(new), **by_outcome}


def group_elect_primary_after_removal(*, review: Review, record_ids: list[int], actor: Any = None) -> dict[str, int]:
    """Prepare the removal of ``record_ids`` (an import being undone); call it BEFORE deleting them.

    The records leave their groups; a group whose primary is removed gets a new primary, and the
    removed primary's screening (decisions, notes, full text) moves to it, so no decision is lost.
    Pairs of the removed records go with them when they are deleted.
    """
    return groups_rebuild(review, actor=actor, removing=set(record_ids))
