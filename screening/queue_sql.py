"""The title/abstract queue's next-record query, written out in SQL.

Building the same query with the ORM costs more CPU than running it (several nested subqueries are
compiled on every keystroke), so the hot path uses this fixed, parameterised statement. Only table
and column names of our own models are put into the text, once, when the module loads; every value
is a query parameter. ``tests/screening/test_queue.py`` checks it against the ORM definition in
:func:`screening.queue.candidates`.
"""

from __future__ import annotations

from django.db import connection

from review.models import DuplicateGroup, ImportBatch, Record
from screening.models import BulkExclusion, Decision, StoppingDecision

_T = {
    "record": Record._meta.db_table,
    "batch": ImportBatch._meta.db_table,
    "group": DuplicateGroup._meta.db_table,
    "removed": BulkExclusion.records.through._meta.db_table,
    "bulk": BulkExclusion._meta.db_table,
    "stop": StoppingDecision._meta.db_table,
    "decision": Decision._meta.db_table,
}

# Records of the review, primary in their duplicate group, not from an undone import, not removed in
# bulk, no stopping decision in force, not decided by this reviewer, fewer decisions than required;
# the first at or after the pivot (0 for import order), skipping the record just decided.
_PICK = """
SELECT r.id FROM {record} r
JOIN {batch} b ON b.id = r.batch_id
LEFT JOIN {group} g ON g.id = r.duplicate_group_id
WHERE r.review_id = %s AND r.id >= %s AND r.id <> %s
  AND b.status <> 'undone'
  AND (r.duplicate_group_id IS NULL OR g.primary_id = r.id)
  AND NOT EXISTS (SELECT 1 FROM {removed} x JOIN {bulk} e ON e.id = x.bulkexclusion_id
                  WHERE x.record_id = r.id AND e.undone_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM {stop} s WHERE s.review_id = r.review_id AND s.stage = %s
                  AND s.withdrawn_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM {decision} d WHERE d.record_id = r.id AND d.stage = %s AND d.reviewer_id = %s)
  AND (SELECT COUNT(*) FROM {decision} d WHERE d.record_id = r.id AND d.stage = %s) < %s
ORDER BY r.id
LIMIT 1
""".format(**_T)

_BOUNDS = "SELECT MIN(id), MAX(id) FROM {record} WHERE review_id = %s".format(**_T)


def pick_title_abstract(
    *, review_id: int, stage: str, reviewer_id: int, required: int, skip: int | None, seed: int | None
) -> int | None:
    """Return the id of the next title/abstract record, or None when the queue is empty.

    ``seed`` None: import order (the lowest id). Otherwise the first record at or after a pivot placed
    by the seed in the review's id range, wrapping to the lowest id when none is left after it.
    """
    with connection.cursor() as cursor:
        pivot = 0
        if seed is not None:
            cursor.execute(_BOUNDS, [review_id])
            low, high = cursor.fetchone() or (None, None)
            if low is None or high is None:
                return None
            pivot = low + seed % (high - low + 1)
        params = [review_id, pivot, skip or 0, stage, stage, reviewer_id, stage, required]
        cursor.execute(_PICK, params)
        row = cursor.fetchone()
        if row is None and pivot:
            params[1] = 0
            cursor.execute(_PICK, params)
            row = cursor.fetchone()
    return row[0] if row else None
