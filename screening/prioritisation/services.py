"""What the screening app calls: queue order, relevance scores, retrain triggers, stopping estimate.

Everything here reads what the retrain job stored (one row per review, stage and reviewer), so the
"decide and fetch the next record" request never fits a model, and no process keeps one in memory.
Each reviewer's ranking comes from their own model (blind mode: see ``screening.models.priority``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from django.db import connection, transaction
from django.db.models import Max, Min, QuerySet

import screening.prioritisation.jobs  # noqa: F401  (registers the retrain job's handler)
from review.jobs import job_start
from review.models import Job, JobStatus, Record, Review
from review.prepared import fetch_one
from screening.models import Decision, DecisionValue, PrioritySettings, Ranking, RankingStatus
from screening.prioritisation.jobs import RETRAIN_JOB, ranking_retrain
from screening.prioritisation.model import retrain_due
from screening.prioritisation.ordering import (
    DEFAULT_RANDOM_SHARE,
    RandomFirst,
    dry_run_length,
    expects_relevant,
    follow_order,
    irrelevant_run,
    mix_random,
    rank,
    seed_of,
    shuffled,
)
from screening.prioritisation.stopping import StoppingEstimate
from screening.prioritisation.stopping import stopping_estimate as estimate_from_order
from screening.prioritisation.store import features_for
from screening.queue_sql import my_decision_count
from screening.selectors import screenable_records, training_labels

__all__ = [
    "PriorityPick",
    "has_model",
    "next_prioritised",
    "priority_settings_update",
    "queue_order",
    "random_share_of",
    "ranking_retrain",
    "relevance_scores",
    "retrain_maybe",
    "stopping_estimate",
]


def random_share_of(review: Review, stage: str) -> float:
    """Return the share of the stage's prioritised queue drawn at random (the lead's setting)."""
    share = PrioritySettings.objects.filter(review=review, stage=stage).values_list("random_share", flat=True)
    return next(iter(share), DEFAULT_RANDOM_SHARE)


def priority_settings_update(*, review: Review, stage: str, random_share: float) -> PrioritySettings:
    """Set the share of random records mixed into the stage's prioritised queue (0 to 0.5)."""
    if not 0 <= random_share <= 0.5:
        raise ValueError(f"The random share must lie between 0 and 0.5, not {random_share}.")
    found, _ = PrioritySettings.objects.update_or_create(
        review=review, stage=stage, defaults={"random_share": random_share}
    )
    return found


def _ready(review: Review, stage: str, reviewer: Any) -> QuerySet[Ranking]:
    """The reviewer's ranking at ``stage`` when it holds a model (none before their first)."""
    return Ranking.objects.filter(review=review, stage=stage, reviewer=reviewer, status=RankingStatus.READY)


def has_model(*, review: Review, stage: str, reviewer: Any) -> bool:
    """Return whether the reviewer has a model at ``stage`` (their queue is a random order until then)."""
    return _ready(review, stage, reviewer).exists()


def _ranking(review: Review, stage: str, reviewer: Any) -> Ranking | None:
    return _ready(review, stage, reviewer).first()


def queue_order(*, review: Review, stage: str, reviewer: Any, candidate_ids: list[int]) -> list[int]:
    """Return ``candidate_ids`` in ``reviewer``'s prioritised order, with the random share mixed in.

    Ranked by the reviewer's own model's last refit; in a random order (fixed until the next decision)
    while the reviewer has no model yet (fewer than one relevant and one irrelevant label). The random
    share applies once the reviewer's latest decisions have been irrelevant long enough and the model
    classes none of the candidates relevant (:mod:`screening.prioritisation.ordering`).
    """
    # Fixed while the queue is unchanged (a reload shows the same record), new after every decision.
    seed = seed_of(review.pk, stage, reviewer.pk, len(candidate_ids))
    ranking = _ranking(review, stage, reviewer)
    if ranking is None:
        return shuffled(candidate_ids, seed=seed)
    scored_ids, scores = ranking.arrays()
    order = ranking.order()
    # Rankings written before the refit stored its order are ranked from the scores.
    ranked = (
        follow_order(candidate_ids, order, seed=seed)
        if len(order)
        else rank(candidate_ids, scored_ids, scores, seed=seed)
    )
    share = random_share_of(review, stage)
    expects = share > 0 and expects_relevant(ranked, scored_ids, scores, ranking.relevant_from)
    dry = _irrelevant_run(review, stage, reviewer, dry_run_length(share)) if share > 0 and not expects else 0
    if share == 0 or expects or dry < dry_run_length(share) or not ranked:
        return mix_random(ranked, share, seed=seed, dry_run=dry, model_expects_relevant=expects)  # as ranked
    # The random places are open. The first is drawn as the page draws it (RandomFirst), the others by
    # mix_random among the rest.
    waiting = set(ranked)
    drawn = _random_first(review, stage, reviewer, share, lambda ids: next((pk for pk in ids if pk in waiting), None))
    first = drawn if isinstance(drawn, int) else ranked[0]  # not drawn, or no candidate among the draws
    rest = [pk for pk in ranked if pk != first]
    return [first, *mix_random(rest, share, seed=seed, dry_run=dry, model_expects_relevant=expects)]


# What _random_first answers when the first place is not a random one.
_NOT_DRAWN = object()


def _random_first(
    review: Review, stage: str, reviewer: Any, share: float, first_candidate: Callable[[list[int]], Any]
) -> Any:
    """Draw whether the first place of the reviewer's queue, its random places open, is a random record.

    Returns ``_NOT_DRAWN`` when it is not (the ranking's first takes it), the record ``first_candidate``
    found among the drawn ids, or None when the draws found no candidate. Fixed until the reviewer's next
    decision (the seed counts their decisions), the same for the page and the API's list.
    """
    n_decisions = my_decision_count(review_id=review.pk, stage=stage, reviewer_id=reviewer.pk)
    draw = RandomFirst(seed_of(review.pk, stage, reviewer.pk, "first place", n_decisions), share)
    if not draw.is_random:
        return _NOT_DRAWN
    ids = Record.objects.filter(review=review).aggregate(low=Min("pk"), high=Max("pk"))
    if ids["low"] is None:
        return None
    return draw.pick(ids["low"], ids["high"], first_candidate)


class PriorityPick(NamedTuple):
    """What :func:`next_prioritised` found: ``known`` False means "rank every candidate instead", and
    ``has_model`` False that the reviewer has no model yet (their queue is then a random order)."""

    known: bool
    record: Any = None
    has_model: bool = True

    @property
    def record_id(self) -> int | None:
        return None if self.record is None else int(self.record.pk)


# The successive slices of the refit's order whose ids are checked against the reviewer's candidates.
_WALK_SLICES = ((0, 64), (64, 1_088), (1_088, 17_472))


def next_prioritised(
    *, review: Review, stage: str, reviewer: Any, first_open: Callable[[list[int]], Any]
) -> PriorityPick:
    """Return the head of ``reviewer``'s prioritised queue without reading every candidate.

    :func:`queue_order` needs all the candidates' ids: at 50,000 records, reading them took about 0.3 s.
    This walks the last refit's order instead, which holds the records it had no label for. One statement
    reads the head of that order and the records the reviewer decided since, which are left out;
    ``first_open`` (the caller's one statement: the first of these ids still a candidate, as a record) is
    then asked about the next 64 ids of the order, then the next 1,024, then 16,384. The record it
    returns is the one :func:`queue_order` would put first. Its cost depends on the decisions since the
    last refit, not on all the reviewer's decisions.

    Once the random places are open (see :mod:`screening.prioritisation.ordering`), the first place is,
    with probability ``share``, a candidate drawn at random (:class:`ordering.RandomFirst`), as in
    :func:`queue_order`.

    It answers ``known=False`` with ``has_model=False`` when there is no model yet; and ``known=False``,
    for the caller to rank every candidate, in two cases:
    - the first place is a random one and the draws met no candidate (very few are left);
    - no scored candidate lies in those slices (e.g. only records imported since the refit are left).
    """
    top = None
    head: _Head | None = None
    for start, stop in _WALK_SLICES:
        # Only the head of the order is read: as many ids as the decisions since the refit plus the slices.
        head = _order_head(review, stage, reviewer, stop, head)
        if head is None:
            return PriorityPick(known=False, has_model=False)
        places = np.flatnonzero(~np.isin(head.order, head.decided))[start:stop]
        if not len(places):
            break
        top = first_open(head.order[places].tolist())
        if top is not None:
            break
    if top is None or head is None:
        return PriorityPick(known=False)
    # The records the model classes relevant lead its order: while the top candidate is one of them, the
    # random places stay shut whatever the share, so the share is read only otherwise.
    if np.any(head.order[: head.n_classed_relevant] == top.pk):
        return PriorityPick(known=True, record=top)
    share = random_share_of(review, stage)
    run = dry_run_length(share)
    if share == 0 or _irrelevant_run(review, stage, reviewer, run) < run:
        return PriorityPick(known=True, record=top)
    # The random places are open: the first place is a random candidate with probability ``share``,
    # drawn from the review's id range without reading the candidates (see ordering.RandomFirst).
    drawn = _random_first(review, stage, reviewer, share, first_open)
    if drawn is _NOT_DRAWN:
        return PriorityPick(known=True, record=top)
    return PriorityPick(known=drawn is not None, record=drawn)


class _Head(NamedTuple):
    """The head of a refit's order, how many records it classed relevant, and the ids the reviewer decided since."""

    order: np.ndarray
    n_classed_relevant: int
    decided: np.ndarray
    whole: bool  # the order ended before the length asked for


# The head of the reviewer's last refit order (8 bytes per id: as many ids as the decisions they made since
# the refit read its labels, plus the slices walked), with those decisions' record ids, in one statement:
# the walk runs on every keystroke. The refit left its labelled records out of the order, so only the
# decisions made since are read, a range of the (reviewer, stage, updated_at) index.
_ORDER_HEAD = """
SELECT substr(k.ranked_ids, 1, CAST(8 * (%s + (SELECT COUNT(*) FROM {decision} d WHERE {since})) AS integer)),
  k.n_classed_relevant, (SELECT {ids} FROM {decision} d WHERE {since})
FROM {ranking} k WHERE k.review_id = %s AND k.stage = %s AND k.reviewer_id = %s AND k.status = %s
"""
_SINCE_LABELS = (
    "d.reviewer_id = k.reviewer_id AND d.stage = k.stage AND d.updated_at >= k.labels_read_at "
    "AND d.review_id = k.review_id"
)
# The decided ids as one comma-separated text: the two databases we run on name that aggregate differently.
_IDS_TEXT = {"postgresql": "string_agg(CAST(d.record_id AS text), ',')", "sqlite": "group_concat(d.record_id, ',')"}
_ORDER_HEAD_SQL = {
    vendor: _ORDER_HEAD.format(
        ranking=Ranking._meta.db_table, decision=Decision._meta.db_table, ids=ids, since=_SINCE_LABELS
    )
    for vendor, ids in _IDS_TEXT.items()
}


def _order_head(review: Review, stage: str, reviewer: Any, length: int, known: _Head | None) -> _Head | None:
    """Return the first ``length`` undecided places' worth of the reviewer's last refit order, with what the
    walk needs beside it; None before the first model. Reads ``8 * (decided + length)`` bytes of the order,
    not all of it (400 KB at 50,000 records). ``known``: the head read for an earlier slice, kept when it
    is long enough or holds the whole order."""
    if known is not None and (known.whole or len(known.order) - len(known.decided) >= length):
        return known
    sql = _ORDER_HEAD_SQL[connection.vendor]
    params = [length, review.pk, stage, reviewer.pk, RankingStatus.READY]
    row = fetch_one(sql, params)
    if row is None:
        return None
    decided = np.array(row[2].split(","), dtype=np.int64) if row[2] else np.empty(0, dtype=np.int64)
    order = np.frombuffer(bytes(row[0] or b""), dtype=np.int64)  # empty: stored before the refits kept an order
    return _Head(order, int(row[1]), decided, whole=len(order) < len(decided) + length)


def _irrelevant_run(review: Review, stage: str, reviewer: Any, longest: int) -> int:
    """Return how many of the reviewer's latest decisions were irrelevant in a row, counting up to ``longest``.

    Include and maybe count as relevant, as for the model (``training_labels``). One indexed query.
    """
    latest = (
        Decision.objects.filter(review=review, stage=stage, reviewer=reviewer)
        .order_by("-created_at", "-pk")
        .values_list("value", flat=True)[:longest]
    )
    return irrelevant_run([value != DecisionValue.EXCLUDE for value in latest])


def relevance_scores(*, review: Review, stage: str, reviewer: Any, record_ids: list[int]) -> dict[int, float]:
    """Return record id -> the reviewer's model's score in [0, 1] (1 = most likely relevant).

    Records without a score (no model yet, or imported after the last refit) are left out.
    """
    ranking = _ranking(review, stage, reviewer)
    if ranking is None or not record_ids:
        return {}
    scored_ids, scores = ranking.arrays()
    wanted = np.asarray(record_ids, dtype=np.int64)
    at = np.minimum(np.searchsorted(scored_ids, wanted), len(scored_ids) - 1)
    hit = scored_ids[at] == wanted
    return {int(pk): round(float(scores[i]), 4) for pk, i, ok in zip(wanted, at, hit, strict=True) if ok}


def retrain_maybe(*, review: Review, stage: str, reviewer: Any) -> Job | None:
    """Start a refit of the reviewer's model when enough decisions arrived since the last; else None.

    Called after each decision commits. The refit runs in a worker, never in the request. A conditional
    UPDATE claims the trigger, so two requests at once start one job.
    """
    found = _ranking_and_count(review, stage, reviewer)
    if found is None:
        n_decisions = Decision.objects.filter(review=review, stage=stage, reviewer=reviewer).count()
        ranking, _ = Ranking.objects.get_or_create(review=review, stage=stage, reviewer=reviewer)
        ranking_id, last, n_records, pending = ranking.pk, ranking.requested_at, ranking.n_records, False
    else:
        ranking_id, last, n_records, n_decisions, pending = found
    # Undone decisions shrink the count: refit then too, the labels changed.
    if n_decisions == last or (n_decisions > last and not retrain_due(n_decisions, last, n_records)):
        return None
    if pending:  # a queued refit reads the labels when it runs, so it will see these decisions too
        return None
    with transaction.atomic():
        if not Ranking.objects.filter(pk=ranking_id, requested_at=last).update(requested_at=n_decisions):
            return None
        return job_start(
            kind=RETRAIN_JOB, review=review, user=reviewer, params={"stage": stage, "reviewer": reviewer.pk}
        )


_TABLES = {"decision": Decision._meta.db_table, "ranking": Ranking._meta.db_table, "job": Job._meta.db_table}
# The ranking's trigger state, the reviewer's decision count and whether a refit of theirs is queued.
_RANKING_AND_COUNT = """
SELECT k.id, k.requested_at, k.n_records,
  (SELECT COUNT(*) FROM {decision} d WHERE d.review_id = %s AND d.stage = %s AND d.reviewer_id = %s),
  EXISTS (SELECT 1 FROM {job} j WHERE j.review_id = %s AND j.kind = %s AND j.status = %s
          AND {param_stage} = %s AND {param_reviewer} = %s)
FROM {ranking} k WHERE k.review_id = %s AND k.stage = %s AND k.reviewer_id = %s
"""
# A job's parameters, read as text: the two databases we run on spell the JSON access differently.
_JOB_PARAMS = {
    "postgresql": {"param_stage": "j.params ->> 'stage'", "param_reviewer": "j.params ->> 'reviewer'"},
    "sqlite": {
        "param_stage": "json_extract(j.params, '$.stage')",
        "param_reviewer": "CAST(json_extract(j.params, '$.reviewer') AS text)",
    },
}
_RANKING_AND_COUNT_SQL = {
    vendor: _RANKING_AND_COUNT.format(**_TABLES, **params) for vendor, params in _JOB_PARAMS.items()
}


def _ranking_and_count(review: Review, stage: str, reviewer: Any) -> tuple[int, int, int, int, bool] | None:
    """Return (ranking id, requested_at, records scored, the reviewer's decision count, a refit queued);
    None: no ranking row.

    This runs after every decision, so it is one fixed statement rather than a count, a get_or_create and
    a query of the jobs.
    """
    sql = _RANKING_AND_COUNT_SQL[connection.vendor]
    job = [review.pk, RETRAIN_JOB, JobStatus.QUEUED, stage, str(reviewer.pk)]
    row = fetch_one(sql, [review.pk, stage, reviewer.pk, *job, review.pk, stage, reviewer.pk])
    return (row[0], row[1], row[2], row[3], bool(row[4])) if row else None


def features_prepare(*, review: Review, progress: Any = None, **_: Any) -> None:
    """Build (or confirm) the review's cached feature matrix once its records are settled after an import.

    Connected to ``review.signals.records_settled``: featurising 10,000 records takes about 1 s, which then
    happens once in the import's background pipeline instead of in the next refit (docs/prioritisation.md).
    """
    if progress is not None:
        progress(0, 0, "Preparing the screening model's features")
    features_for(review, check_texts=True)


def stopping_estimate(*, review: Review, stage: str, reviewer: Any) -> StoppingEstimate:
    """Return the estimate of relevant records the reviewer has not screened yet, with its interval.

    From the reviewer's labels in the order they were screened (Callaghan & Mueller-Hansen 2020; see
    :mod:`screening.prioritisation.stopping`); the total is the stage's screenable records.
    """
    labels = training_labels(review=review, stage=stage, reviewer=reviewer)
    order = Decision.objects.filter(review=review, stage=stage, reviewer=reviewer).order_by("created_at", "pk")
    in_order = [labels.get(pk, False) for pk in order.values_list("record_id", flat=True)]
    total = max(screenable_records(review).count(), len(in_order))
    return estimate_from_order(np.asarray(in_order, dtype=bool), total)
