"""The title/abstract queue's next-record query, written out in SQL.

Building the same query with the ORM costs more CPU than running it (several nested subqueries are
compiled on every keystroke), so the hot path uses this fixed, parameterised statement. Only table
and column names of our own models are put into the text, once, when the module loads; every value
is a query parameter. ``tests/screening/test_queue.py`` checks it against the ORM definition in
:func:`screening.queue.candidates`.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import connection

from review.models import DuplicateGroup, ImportBatch, Record
from screening.models import BulkExclusion, Comment, Decision, DecisionHistory, ReviewerNote, StoppingDecision

_T = {
    "record": Record._meta.db_table,
    "batch": ImportBatch._meta.db_table,
    "group": DuplicateGroup._meta.db_table,
    "removed": BulkExclusion.records.through._meta.db_table,
    "bulk": BulkExclusion._meta.db_table,
    "stop": StoppingDecision._meta.db_table,
    "decision": Decision._meta.db_table,
    "history": DecisionHistory._meta.db_table,
    "note": ReviewerNote._meta.db_table,
    "comment": Comment._meta.db_table,
}

# Records of the review, primary in their duplicate group, not from an undone import, not removed in
# bulk, no stopping decision in force, not decided by this reviewer, fewer decisions than required;
# the first at or after the pivot (0 for import order), skipping the record just decided. With it,
# the record panel's flags (see screening.queue.with_panel_flags): whether the record has any history,
# note or comment at the stage, evaluated for the one row returned.
# The stopping check names the review by parameter, not by ``r.review_id``: uncorrelated, it runs once
# as a one-time filter. Correlated, it made an anti-join the planner expects to leave one row, so
# LIMIT 1 no longer discounted the scan's cost, which then crossed ``jit_above_cost``: PostgreSQL
# compiled the statement with JIT on every request (about 40 ms of server CPU for a 0.5 ms query).
_PICK = """
SELECT r.id,
  EXISTS (SELECT 1 FROM {history} h WHERE h.record_id = r.id AND h.stage = %s),
  EXISTS (SELECT 1 FROM {note} n WHERE n.record_id = r.id AND n.stage = %s),
  EXISTS (SELECT 1 FROM {comment} c WHERE c.record_id = r.id AND c.stage = %s)
FROM {record} r
JOIN {batch} b ON b.id = r.batch_id
LEFT JOIN {group} g ON g.id = r.duplicate_group_id
WHERE r.review_id = %s AND r.id >= %s AND r.id <> %s
  AND b.status <> 'undone'
  AND (r.duplicate_group_id IS NULL OR g.primary_id = r.id)
  AND NOT EXISTS (SELECT 1 FROM {removed} x JOIN {bulk} e ON e.id = x.bulkexclusion_id
                  WHERE x.record_id = r.id AND e.undone_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM {stop} s WHERE s.review_id = %s AND s.stage = %s AND s.withdrawn_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM {decision} d WHERE d.record_id = r.id AND d.stage = %s AND d.reviewer_id = %s)
  AND (SELECT COUNT(*) FROM {decision} d WHERE d.record_id = r.id AND d.stage = %s) < %s
ORDER BY r.id
LIMIT 1
""".format(**_T)

# The number of records open at title/abstract (screening.queue.stage_records), counted as the review's
# records less those out of it: duplicates other than their group's primary, records of an undone
# import, records removed in bulk. The first count is an index-only scan of the review's index once the
# table is vacuumed and the others touch the few records concerned, where counting the open records
# directly joins and reads every row of the review (a parallel scan of the whole table on each
# progress fragment).
_TOTAL = """
SELECT (SELECT COUNT(*) FROM {record} WHERE review_id = %s) - (SELECT COUNT(*) FROM (
  SELECT r.id FROM {record} r JOIN {group} g ON g.id = r.duplicate_group_id
  WHERE r.review_id = %s AND (g.primary_id IS NULL OR g.primary_id <> r.id)
  UNION
  SELECT r.id FROM {record} r JOIN {batch} b ON b.id = r.batch_id WHERE r.review_id = %s AND b.status = 'undone'
  UNION
  SELECT x.record_id FROM {removed} x JOIN {bulk} e ON e.id = x.bulkexclusion_id JOIN {record} r ON r.id = x.record_id
  WHERE r.review_id = %s AND e.undone_at IS NULL
) gone)
""".format(**_T)

# The progress bars' counts of decisions at a stage, in one grouped pass: the reviewer's decisions, the
# records with all their decisions, and those of them the reviewer did not decide.
_DECISION_COUNTS = """
SELECT COALESCE(SUM(t.mine), 0),
  COALESCE(SUM(CASE WHEN t.n >= %s THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN t.n >= %s AND t.mine = 0 THEN 1 ELSE 0 END), 0)
FROM (SELECT d.record_id, COUNT(*) AS n, SUM(CASE WHEN d.reviewer_id = %s THEN 1 ELSE 0 END) AS mine
      FROM {decision} d WHERE d.review_id = %s AND d.stage = %s GROUP BY d.record_id) t
""".format(**_T)

_BOUNDS = "SELECT MIN(id), MAX(id) FROM {record} WHERE review_id = %s".format(**_T)


def pick_title_abstract(
    *, review_id: int, stage: str, reviewer_id: int, required: int, skip: int | None, seed: int | None
) -> int | None:
    """Return the id of the next title/abstract record, or None when the queue is empty.

    ``seed`` None: import order (the lowest id). Otherwise the first record at or after a pivot placed
    by the seed in the review's id range, wrapping to the lowest id when none is left after it.
    """
    row = pick_title_abstract_row(
        review_id=review_id, stage=stage, reviewer_id=reviewer_id, required=required, skip=skip, seed=seed
    )
    return row.record_id if row else None


class Picked(NamedTuple):
    """The record picked, and whether it has any history, note or comment at the stage."""

    record_id: int
    has_history: bool
    has_notes: bool
    has_comments: bool


def pick_title_abstract_row(
    *, review_id: int, stage: str, reviewer_id: int, required: int, skip: int | None, seed: int | None
) -> Picked | None:
    """Return the record :func:`pick_title_abstract` picks with the record panel's flags, or None."""
    with connection.cursor() as cursor:
        pivot = 0
        if seed is not None:
            cursor.execute(_BOUNDS, [review_id])
            low, high = cursor.fetchone() or (None, None)
            if low is None or high is None:
                return None
            pivot = low + seed % (high - low + 1)
        params = [
            stage,
            stage,
            stage,
            review_id,
            pivot,
            skip or 0,
            review_id,
            stage,
            stage,
            reviewer_id,
            stage,
            required,
        ]
        cursor.execute(_PICK, params)
        row = cursor.fetchone()
        if row is None and pivot:
            params[4] = 0
            cursor.execute(_PICK, params)
            row = cursor.fetchone()
    if row is None:
        return None
    return Picked(row[0], bool(row[1]), bool(row[2]), bool(row[3]))


def title_abstract_total(review_id: int) -> int:
    """Return how many records are open at title/abstract: ``stage_records(review, "title_abstract").count()``."""
    with connection.cursor() as cursor:
        cursor.execute(_TOTAL, [review_id] * 4)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def decision_counts(*, review_id: int, stage: str, reviewer_id: int, required: int) -> tuple[int, int, int]:
    """Return (the reviewer's decisions, records with ``required`` decisions, those the reviewer did not decide)."""
    with connection.cursor() as cursor:
        cursor.execute(_DECISION_COUNTS, [required, required, reviewer_id, review_id, stage])
        row = cursor.fetchone()
    return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)
