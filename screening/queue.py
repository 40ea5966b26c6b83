"""Which record a reviewer meets next, how they move back and forth, and their progress.

The "decide and show the next record" path runs on every keystroke, so these reads are built to
stay cheap on a 50,000-record review: index-backed anti-joins with LIMIT 1 instead of Python lists.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Mod

from review.models import Record, Review
from review.prepared import fetch_one
from screening.models import (
    BulkExclusion,
    Comment,
    Decision,
    DecisionHistory,
    QueueOrder,
    QueueSetting,
    ReviewerNote,
    Stage,
    StageSettings,
    StoppingDecision,
)
from screening.queue_sql import (
    first_open_title_abstract,
    pick_title_abstract_record,
)
from screening.selectors import passed_title_abstract, screenable_records, stage_settings

log = logging.getLogger(__name__)


def own_queue_order(review: Review, user: Any) -> str | None:
    """Return the order the user chose for this review, or None when they follow the lead's default.

    One row at most (one setting per member); a fixed statement, as it is read on every decision.
    """
    row = fetch_one(_OWN_ORDER, [review.pk, user.pk])
    return row[0] if row else None


_OWN_ORDER = "SELECT {order} FROM {table} WHERE review_id = %s AND user_id = %s".format(
    order=connection.ops.quote_name(QueueSetting._meta.get_field("order").column), table=QueueSetting._meta.db_table
)


def queue_order_of(review: Review, user: Any, stage: str, settings: StageSettings | None = None) -> str:
    """Return the user's queue order at ``stage``: their own choice, else the stage's default (the lead's).

    Prioritised order falls back to import order when the prioritisation model is not installed.
    """
    order = own_queue_order(review, user) or (settings or stage_settings(review, stage)).queue_order
    if order == QueueOrder.PRIORITISED and _ranker() is None:
        return QueueOrder.IMPORTED
    return order


def _ranker() -> Any:
    try:
        from screening.prioritisation.services import queue_order
    except ImportError:
        return None
    return queue_order


def _has_model(review: Review, stage: str, reviewer: Any) -> bool:
    from screening.prioritisation.services import has_model

    return has_model(review=review, stage=stage, reviewer=reviewer)


def stage_records(review: Review, stage: str) -> QuerySet[Record]:
    """Return the records open at ``stage``: not removed before screening; at full text, those passed."""
    records = screenable_records(review)
    if stage == Stage.TITLE_ABSTRACT:
        removed = BulkExclusion.records.through.objects.filter(
            record_id=OuterRef("pk"), bulkexclusion__undone_at__isnull=True
        )
        return records.filter(~Exists(removed))
    return records.filter(pk__in=passed_title_abstract(review))


def candidates(review: Review, stage: str, reviewer: Any, settings: StageSettings | None = None) -> QuerySet[Record]:
    """Return the records still waiting for ``reviewer``: not decided by them, not yet fully decided.

    At title/abstract a stopping decision empties every queue; the check is part of the same query.
    """
    required = (settings or stage_settings(review, stage)).required_decisions
    mine = Decision.objects.filter(record_id=OuterRef("pk"), stage=stage, reviewer=reviewer)
    decided = (
        Decision.objects.filter(record_id=OuterRef("pk"), stage=stage)
        .order_by()
        .values("record_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    records = stage_records(review, stage)
    if stage == Stage.TITLE_ABSTRACT:
        stop = StoppingDecision.objects.filter(review=review, stage=stage, withdrawn_at__isnull=True)
        records = records.filter(~Exists(stop))
    return (
        records.filter(~Exists(mine))
        .annotate(n_decisions=Coalesce(Subquery(decided, output_field=IntegerField()), Value(0)))
        .filter(n_decisions__lt=required)
    )


def with_panel_flags(records: QuerySet[Record], stage: str, user: Any) -> QuerySet[Record]:
    """Annotate what the record panel would otherwise ask in separate queries.

    ``panel_mine`` is the id of the user's decision (None: undecided); the ``panel_has_*`` flags say
    whether any history, note or comment exists at all, so a fresh record skips those reads.
    """
    return records.select_related("duplicate_group", "fulltext").annotate(
        panel_mine=Subquery(
            Decision.objects.filter(record_id=OuterRef("pk"), stage=stage, reviewer=user).order_by().values("pk")[:1]
        ),
        panel_has_history=Exists(DecisionHistory.objects.filter(record_id=OuterRef("pk"), stage=stage)),
        panel_has_notes=Exists(ReviewerNote.objects.filter(record_id=OuterRef("pk"), stage=stage)),
        panel_has_comments=Exists(Comment.objects.filter(record_id=OuterRef("pk"), stage=stage)),
    )


def next_record(
    review: Review,
    stage: str,
    reviewer: Any,
    *,
    skip: int | None = None,
    settings: StageSettings | None = None,
    last_decision: int | None = None,
) -> Record | None:
    """Return the record ``reviewer`` should screen next in their queue order, or None when done.

    ``last_decision`` (the id of the decision just recorded, when the caller has it) saves a query
    in random order. At title/abstract one fixed statement picks the record and reads it with the
    panel's flags; elsewhere the queue query returns an id and the record is then read by its key.
    """
    settings = settings or stage_settings(review, stage)
    order = queue_order_of(review, reviewer, stage, settings)
    if order == QueueOrder.PRIORITISED:
        if (ranker := _ranker()) is not None:
            has_model, record = _prioritised_pick(review, stage, reviewer, settings, skip, ranker)
            if has_model:
                return record
        # Before their first model a reviewer's prioritised queue is a random order: picked as random
        # order picks it (one statement), not by shuffling every candidate (0.3 s at 50,000 records).
        order = QueueOrder.RANDOM
    if stage == Stage.TITLE_ABSTRACT:
        # One statement picks the record and reads it, with the panel's flags.
        return pick_title_abstract_record(
            review_id=review.pk,
            stage=stage,
            reviewer_id=reviewer.pk,
            required=settings.required_decisions,
            skip=skip,
            seed=_seed(review, stage, reviewer, last_decision) if order == QueueOrder.RANDOM else None,
        )
    pool = _pool(review, stage, reviewer, settings, skip)
    if order == QueueOrder.RANDOM:
        chosen = _random_pick(pool, review, stage, reviewer, last_decision)
    else:
        chosen = pool.order_by("pk").first()
    return None if chosen is None else _with_flags(chosen, stage, reviewer)


def _pool(review: Review, stage: str, reviewer: Any, settings: StageSettings, skip: int | None) -> QuerySet[Any]:
    pool = candidates(review, stage, reviewer, settings).order_by().values_list("pk", flat=True)
    return pool if skip is None else pool.exclude(pk=skip)


def _prioritised_pick(
    review: Review, stage: str, reviewer: Any, settings: StageSettings, skip: int | None, ranker: Any
) -> tuple[bool, Record | None]:
    """Return (whether the reviewer has a model, the head of their prioritised queue): by walking the refit's
    order when it can, else by ranking every candidate. Without a model the record is None."""
    from screening.prioritisation.services import next_prioritised

    first_open: Callable[[list[int]], Record | None]
    if stage == Stage.TITLE_ABSTRACT:
        # One fixed statement picks the first open id of the slice and reads it with the panel's flags.
        first_open = partial(
            first_open_title_abstract,
            review_id=review.pk,
            stage=stage,
            reviewer_id=reviewer.pk,
            required=settings.required_decisions,
            skip=skip,
        )
    else:

        def first_open(ids: list[int]) -> Record | None:
            found = set(_pool(review, stage, reviewer, settings, skip).filter(pk__in=ids))
            chosen = next((pk for pk in ids if pk in found), None)
            return None if chosen is None else _with_flags(chosen, stage, reviewer)

    pick = next_prioritised(review=review, stage=stage, reviewer=reviewer, first_open=first_open)
    if not pick.has_model:
        return False, None
    if pick.known:
        return True, pick.record
    ids = list(_pool(review, stage, reviewer, settings, skip))
    ranked = ranker(review=review, stage=stage, reviewer=reviewer, candidate_ids=ids) if ids else []
    return True, (_with_flags(ranked[0], stage, reviewer) if ranked else None)


def _with_flags(record_id: int, stage: str, reviewer: Any) -> Record | None:
    return with_panel_flags(Record.objects.filter(pk=record_id), stage, reviewer).first()


def _seed(review: Review, stage: str, reviewer: Any, last_decision: int | None) -> int:
    """Return the random order's seed: from the reviewer and their latest decision.

    So reloading the page shows the same record, and each decision moves to a new place.
    """
    if last_decision is None:
        mine = Decision.objects.filter(review=review, stage=stage, reviewer=reviewer)
        last_decision = mine.order_by("-pk").values_list("pk", flat=True).first() or 0
    digest = hashlib.sha256(f"{reviewer.pk}:{stage}:{last_decision}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def _random_pick(
    pool: QuerySet[Any], review: Review, stage: str, reviewer: Any, last_decision: int | None
) -> int | None:
    """Pick a pseudo-random record without sorting the pool: the first at or after a random pivot.

    The pivot is placed in the review's range of record ids inside the same query. Full text uses
    this ORM form; title/abstract uses the same rule in :mod:`screening.queue_sql`.
    """
    ids = Record.objects.filter(review=review).order_by().values("pk")
    low, high = Subquery(ids.order_by("pk")[:1]), Subquery(ids.order_by("-pk")[:1])
    pivot = low + Mod(Value(_seed(review, stage, reviewer, last_decision)), high - low + Value(1))
    chosen = pool.filter(pk__gte=pivot).order_by("pk").first()
    return chosen if chosen is not None else pool.order_by("pk").first()


def neighbours(review: Review, stage: str, reviewer: Any, record: Record | None) -> tuple[int | None, int | None]:
    """Return the ids of the records before and after ``record`` in the reviewer's own timeline.

    The timeline is the reviewer's decisions in the order they were first made (the decision ids
    grow with time; a changed decision keeps its place), followed by the next record of the queue.
    None at either end; after None means "the queue's next record". Two single-row queries.
    """
    mine = Decision.objects.filter(review=review, stage=stage, reviewer=reviewer)
    if record is None:
        return mine.order_by("-pk").values_list("record_id", flat=True).first(), None
    here = mine.filter(record=record).values("pk")[:1]
    before = (
        mine.filter(pk__lt=Coalesce(Subquery(here), Value(2**62))).order_by("-pk").values_list("record_id", flat=True)
    )
    after = mine.filter(pk__gt=Subquery(here)).order_by("pk").values_list("record_id", flat=True)
    return before.first(), after.first()


def queue_page(review: Review, stage: str, reviewer: Any, *, limit: int) -> list[Record]:
    """Return up to ``limit`` records of the reviewer's queue, in their queue order (for the API).

    In random order (and in prioritised order before the reviewer's first model) the list starts at the
    record the screening page would pick and goes on in record order from there (wrapping round), so its
    first entry is the page's next record.
    """
    settings = stage_settings(review, stage)
    pool = candidates(review, stage, reviewer, settings)
    order = queue_order_of(review, reviewer, stage, settings)
    if order == QueueOrder.PRIORITISED and (ranker := _ranker()) is not None and _has_model(review, stage, reviewer):
        ids = list(pool.values_list("pk", flat=True))
        ranked = ranker(review=review, stage=stage, reviewer=reviewer, candidate_ids=ids)[:limit] if ids else []
        found = Record.objects.in_bulk(ranked)
        return [found[pk] for pk in ranked if pk in found]
    if order in (QueueOrder.RANDOM, QueueOrder.PRIORITISED):  # prioritised without a model: random order
        start = _random_pick(pool.order_by().values_list("pk", flat=True), review, stage, reviewer, None)
        if start is None:
            return []
        head = list(pool.filter(pk__gte=start).order_by("pk")[:limit])
        return head + list(pool.filter(pk__lt=start).order_by("pk")[: limit - len(head)])
    return list(pool.order_by("pk")[:limit])
