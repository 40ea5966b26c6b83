"""The title/abstract queue's next-record query, written out in SQL.

Building the same query with the ORM costs more CPU than running it (several nested subqueries are
compiled on every keystroke), so the hot path uses this fixed, parameterised statement. Only table
and column names of our own models are put into the text, once, when the module loads; every value
is a query parameter. ``tests/screening/test_queue.py`` checks it against the ORM definition in
:func:`screening.queue.candidates`.
"""

from __future__ import annotations

import json

from django.db import connection

from review.models import DuplicateGroup, ImportBatch, Record
from review.prepared import fetch_all, fetch_one, planned_once
from screening.models import (
    BulkExclusion,
    Comment,
    Decision,
    DecisionHistory,
    FullText,
    ReviewerNote,
    StoppingDecision,
)

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
# ``{columns}`` is the select list and ``{pivot}`` the lower bound of the id: a parameter, or (random
# order) the seed placed in the review's id range by an uncorrelated subquery that runs once. ``{source}``
# is the review's records, or (prioritised order) a slice of the refit's order joined to them.
_OPEN = """
FROM {{source}}
JOIN {batch} b ON b.id = r.batch_id
LEFT JOIN {group} g ON g.id = r.duplicate_group_id
WHERE r.review_id = %s AND r.id >= {{pivot}} AND r.id <> %s
  AND b.status <> 'undone'
  AND (r.duplicate_group_id IS NULL OR g.primary_id = r.id)
  AND NOT EXISTS (SELECT 1 FROM {removed} x JOIN {bulk} e ON e.id = x.bulkexclusion_id
                  WHERE x.record_id = r.id AND e.undone_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM {stop} s WHERE s.review_id = %s AND s.stage = %s AND s.withdrawn_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM {decision} d WHERE d.record_id = r.id AND d.stage = %s AND d.reviewer_id = %s)
  AND (SELECT COUNT(*) FROM {decision} d WHERE d.record_id = r.id AND d.stage = %s) < %s
""".format(**_T)
_RECORDS = "{record} r".format(**_T)
_PICK_TEMPLATE = "SELECT {columns}" + _OPEN.replace("{source}", _RECORDS) + "ORDER BY r.id\nLIMIT 1\n"
# The prioritised queue's pick from a slice of the refit's order: the first of these ids still open to the
# reviewer (the same conditions; the slice's own sequence in place of the ids' order). The slice is one
# parameter, unnested with each id's place as ``column2``: PostgreSQL then knows the rows come in that
# order and stops at the first open id instead of checking and sorting the whole slice.
_SLICES = {
    "postgresql": "unnest(CAST(%s AS bigint[])) WITH ORDINALITY AS o(column1, column2)",
    "sqlite": "(SELECT CAST(value AS integer) AS column1, key AS column2 FROM json_each(%s)) o",
}
_FIRST_OPEN_TEMPLATE = (
    "SELECT {columns}"
    + _OPEN.replace("{source}", "{slice} JOIN {record} r ON r.id = o.column1".replace("{record}", _T["record"]))
    + "ORDER BY o.column2\nLIMIT 1\n"
)


# Random order's pivot: the seed placed in the review's range of ids, ``low + seed % (high - low + 1)``,
# by an uncorrelated subquery that runs once (NULL for a review without records: nothing is picked).
_SEEDED_PIVOT = "(SELECT MIN(q.id) + %s %% (MAX(q.id) - MIN(q.id) + 1) FROM {record} q WHERE q.review_id = %s)".format(
    **_T
)

# The pick with the record's own columns, named as its fields' columns, so ``Record.objects.raw`` builds
# the record from the pick's row (through the fields' converters) and no second read is needed; the
# duplicate group's primary and the full text's id come along for the panel.
_RECORD_COLUMNS = ", ".join(f"r.{f.column}" for f in Record._meta.concrete_fields)
# The flags are computed outside the pick, for its one row: inside, the planner costed them for every
# candidate and built a hash of the whole stage's history to answer one probe.
_PICK_RECORD = """
SELECT p.*,
  EXISTS (SELECT 1 FROM {history} h WHERE h.record_id = p.id AND h.stage = %s) AS panel_has_history,
  EXISTS (SELECT 1 FROM {note} n WHERE n.record_id = p.id AND n.stage = %s) AS panel_has_notes,
  EXISTS (SELECT 1 FROM {comment} c WHERE c.record_id = p.id AND c.stage = %s) AS panel_has_comments,
  f.id AS panel_fulltext_id
FROM ({{pick}}) p LEFT JOIN {fulltext} f ON f.record_id = p.id
""".format(fulltext=FullText._meta.db_table, **_T)


def _pick_sql(pivot: str, with_record: bool) -> str:
    columns = f"{_RECORD_COLUMNS}, g.primary_id AS panel_group_primary" if with_record else "r.id"
    pick = _PICK_TEMPLATE.format(columns=columns, pivot=pivot)
    return _PICK_RECORD.format(pick=pick) if with_record else pick


_PICK_IDS = {seeded: _pick_sql(_SEEDED_PIVOT if seeded else "%s", False) for seeded in (False, True)}
_PICK_RECORDS = {seeded: _pick_sql(_SEEDED_PIVOT if seeded else "%s", True) for seeded in (False, True)}
# The prioritised slice's pick, read with the panel's flags, per database.
_FIRST_OPEN_RECORDS = {
    vendor: _PICK_RECORD.format(
        pick=_FIRST_OPEN_TEMPLATE.format(
            columns=f"{_RECORD_COLUMNS}, g.primary_id AS panel_group_primary", slice=source, pivot="0"
        )
    )
    for vendor, source in _SLICES.items()
}


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

# The progress bars' counts. The reviewer's own decisions: a range of the (review, stage, reviewer)
# index. The stage's records with all their decisions, and how many of them each reviewer decided: one
# pass over the stage's decisions for every reviewer at once, so that pass can be shared (and cached, see
# screening.progress) instead of repeated per reviewer.
_MY_DECISIONS = "SELECT COUNT(*) FROM {decision} WHERE review_id = %s AND stage = %s AND reviewer_id = %s".format(**_T)
_FULL_RECORDS = """
WITH full_records AS (
  SELECT record_id FROM {decision} WHERE review_id = %s AND stage = %s GROUP BY record_id HAVING COUNT(*) >= %s
)
SELECT NULL, COUNT(*) FROM full_records
UNION ALL
SELECT d.reviewer_id, COUNT(*) FROM {decision} d JOIN full_records f ON f.record_id = d.record_id
WHERE d.review_id = %s AND d.stage = %s GROUP BY d.reviewer_id
""".format(**_T)


def _params(
    *, review_id: int, stage: str, reviewer_id: int, required: int, skip: int | None, pivot: list[int]
) -> list[object]:
    return [review_id, *pivot, skip or 0, review_id, stage, stage, reviewer_id, stage, required]


def _pivots(review_id: int, seed: int | None) -> list[tuple[bool, list[int]]]:
    """Return the pivots to try in turn: the seed's place in the id range, then the lowest id (wrapping)."""
    return [(True, [seed, review_id]), (False, [0])] if seed is not None else [(False, [0])]


def pick_title_abstract(
    *, review_id: int, stage: str, reviewer_id: int, required: int, skip: int | None, seed: int | None
) -> int | None:
    """Return the id of the next title/abstract record, or None when the queue is empty.

    ``seed`` None: import order (the lowest id). Otherwise the first record at or after a pivot placed
    by the seed in the review's id range, wrapping to the lowest id when none is left after it.
    """
    with planned_once(), connection.cursor() as cursor:
        for seeded, pivot in _pivots(review_id, seed):
            params = _params(
                review_id=review_id, stage=stage, reviewer_id=reviewer_id, required=required, skip=skip, pivot=pivot
            )
            cursor.execute(_PICK_IDS[seeded], params)
            row = cursor.fetchone()
            if row is not None:
                return int(row[0])
    return None


def pick_title_abstract_record(
    *, review_id: int, stage: str, reviewer_id: int, required: int, skip: int | None, seed: int | None
) -> Record | None:
    """Return the record :func:`pick_title_abstract` picks, read in the same statement, or None.

    The record carries the panel's flags of :func:`screening.queue.with_panel_flags` (``panel_mine`` is
    None: the queue holds no record the reviewer decided), its duplicate group's primary (what
    ``is_primary`` asks) and, when it has no full text, the answer that it has none; a full text
    present is read when the panel shows it.
    """
    for seeded, pivot in _pivots(review_id, seed):
        params = _params(
            review_id=review_id, stage=stage, reviewer_id=reviewer_id, required=required, skip=skip, pivot=pivot
        )
        with planned_once():
            found = list(Record.objects.raw(_PICK_RECORDS[seeded], [stage, stage, stage, *params]))
        if found:
            return _panel_record(found)
    return None


def first_open_title_abstract(
    ids: list[int], *, review_id: int, stage: str, reviewer_id: int, required: int, skip: int | None
) -> Record | None:
    """Return the first of ``ids`` still in the reviewer's title/abstract queue (what candidates() holds),
    read with the panel's flags as :func:`pick_title_abstract_record` reads its pick; None if none is."""
    if not ids:
        return None
    vendor = connection.vendor
    params = _params(review_id=review_id, stage=stage, reviewer_id=reviewer_id, required=required, skip=skip, pivot=[])
    ids_param = list(ids) if vendor == "postgresql" else json.dumps(list(ids))
    with planned_once():
        found = list(Record.objects.raw(_FIRST_OPEN_RECORDS[vendor], [stage, stage, stage, ids_param, *params]))
    return _panel_record(found)


def _panel_record(found: list[Record]) -> Record | None:
    """Finish a record read with the panel's flags: booleans, its group, and "no full text" when it has none."""
    if not found:
        return None
    record = found[0]
    record.panel_mine = None  # type: ignore[attr-defined]
    for name in ("panel_has_history", "panel_has_notes", "panel_has_comments"):
        setattr(record, name, bool(getattr(record, name)))
    _attach_group(record)
    if record.panel_fulltext_id is None:  # type: ignore[attr-defined]
        Record.fulltext.related.set_cached_value(record, None)
    return record


def _attach_group(record: Record) -> None:
    """Give ``record`` its duplicate group as read with it (id and primary; other fields load when used)."""
    if record.duplicate_group_id is not None:
        known = {"id": record.duplicate_group_id, "primary_id": record.panel_group_primary}  # type: ignore[attr-defined]
        names = [f.attname for f in DuplicateGroup._meta.concrete_fields if f.attname in known]
        group = DuplicateGroup.from_db(record._state.db, names, [known[n] for n in names])
        Record.duplicate_group.field.set_cached_value(record, group)


# One record of the review by its key, with its duplicate group's primary and whether a bulk exclusion
# in force removed it (what the decision service checks): the views' record read, as a fixed statement.
_RECORD = """
SELECT {columns}, g.primary_id AS panel_group_primary,
  EXISTS (SELECT 1 FROM {removed} x JOIN {bulk} e ON e.id = x.bulkexclusion_id
          WHERE x.record_id = r.id AND e.undone_at IS NULL) AS screening_removed
FROM {record} r LEFT JOIN {group} g ON g.id = r.duplicate_group_id
WHERE r.id = %s AND r.review_id = %s
""".format(columns=_RECORD_COLUMNS, **_T)


def review_record(review_id: int, record_id: int) -> Record | None:
    """Return the review's record ``record_id`` (None if none), with ``screening_removed`` and its group's primary."""
    with planned_once():
        found = list(Record.objects.raw(_RECORD, [record_id, review_id]))
    if not found:
        return None
    record = found[0]
    record.screening_removed = bool(record.screening_removed)  # type: ignore[attr-defined]
    _attach_group(record)
    return record


def title_abstract_total(review_id: int) -> int:
    """Return how many records are open at title/abstract: ``stage_records(review, "title_abstract").count()``."""
    row = fetch_one(_TOTAL, [review_id] * 4)
    return int(row[0]) if row else 0


def my_decision_count(*, review_id: int, stage: str, reviewer_id: int) -> int:
    """Return how many records the reviewer decided at the stage."""
    row = fetch_one(_MY_DECISIONS, [review_id, stage, reviewer_id])
    return int(row[0]) if row else 0


def full_records(*, review_id: int, stage: str, required: int) -> tuple[int, dict[int, int]]:
    """Return the stage's records with ``required`` decisions or more, and how many of them each reviewer decided."""
    rows = fetch_all(_FULL_RECORDS, [review_id, stage, required, review_id, stage])
    total = next((int(n) for reviewer, n in rows if reviewer is None), 0)
    return total, {int(reviewer): int(n) for reviewer, n in rows if reviewer is not None}
