"""How far a reviewer and a stage have come: the progress bars of the screening page and the API.

The reviewer's own count is always exact (a range of the decisions' (review, stage, reviewer) index).
The stage's figures are not cheap in a large review: its open records are a count of the review's
records (6 ms at 50,000), and its records with all their decisions, with how many of those each reviewer
decided, take one pass over every decision of the stage (about 70 ms at 42,000 decisions on the bench
machine); and every reviewer's page asks for them after every decision. So once a pass took
``SCREENING_PROGRESS_SHARE_AFTER_MS`` or more, its result is kept in the cache for
``SCREENING_PROGRESS_MAX_AGE_S`` seconds and shared by every reviewer of the stage: the stage's figures
(and the part of "left" that others' work or a new import changes) may then lag by that many seconds,
which the page says; the reviewer's own decisions still count at once. Below that cost nothing is kept,
so a small review's figures are always exact.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.core.cache import cache

from review.models import Review
from screening.models import Stage
from screening.prisma import stopped
from screening.queue import stage_records
from screening.queue_sql import full_records, my_decision_count, title_abstract_total
from screening.selectors import stage_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    """How far the reviewer and the stage have come."""

    mine_done: int
    mine_left: int
    stage_done: int
    stage_total: int
    # When the stage's figures were counted, if they come from the shared cache (None: counted now).
    stage_counted_at: float | None = None

    @property
    def mine_percent(self) -> int:
        """Return the reviewer's share done as a whole percentage."""
        total = self.mine_done + self.mine_left
        return int(100 * self.mine_done / total) if total else 100

    @property
    def stage_percent(self) -> int:
        """Return the stage's share of records with all their decisions, as a whole percentage."""
        return int(100 * self.stage_done / self.stage_total) if self.stage_total else 100

    @property
    def stage_age_s(self) -> int | None:
        """Return how many whole seconds old the stage's figures are, or None when counted just now."""
        return None if self.stage_counted_at is None else max(0, int(time.time() - self.stage_counted_at))


@dataclass(frozen=True)
class StageCounts:
    """The stage's records, those with all their decisions, and each reviewer's share of the latter."""

    total: int
    full: int
    full_by_reviewer: dict[int, int]
    counted_at: float
    shared: bool = False


def progress(review: Review, stage: str, reviewer: Any) -> Progress:
    """Return the reviewer's decisions made and records left, and the stage's records fully decided.

    "Left" is the stage's records minus those I decided minus those others have fully decided (records
    with all their decisions that I did not decide; the queue no longer offers them to me).
    """
    required = stage_settings(review, stage).required_decisions
    mine_done = my_decision_count(review_id=review.pk, stage=stage, reviewer_id=reviewer.pk)
    counts = stage_counts(review, stage, required)
    full_not_mine = counts.full - counts.full_by_reviewer.get(reviewer.pk, 0)
    stopped_now = stage == Stage.TITLE_ABSTRACT and stopped(review) is not None
    left = 0 if stopped_now else max(0, counts.total - mine_done - full_not_mine)
    return Progress(mine_done, left, counts.full, counts.total, counts.counted_at if counts.shared else None)


def stage_counts(review: Review, stage: str, required: int) -> StageCounts:
    """Return the stage's counts: from the shared cache if a recent, costly pass left them there."""
    key = _cache_key(review, stage, required)
    kept = _cache_get(key)
    if isinstance(kept, StageCounts):
        return kept
    began = time.monotonic()
    total = title_abstract_total(review.pk) if stage == Stage.TITLE_ABSTRACT else stage_records(review, stage).count()
    full, by_reviewer = full_records(review_id=review.pk, stage=stage, required=required)
    counts = StageCounts(total, full, by_reviewer, time.time())
    cost_ms = 1000 * (time.monotonic() - began)
    if cost_ms >= settings.SCREENING_PROGRESS_SHARE_AFTER_MS and settings.SCREENING_PROGRESS_MAX_AGE_S > 0:
        _cache_set(key, replace(counts, shared=True))
    return counts


def _cache_key(review: Review, stage: str, required: int) -> str:
    # The review's uuid, not its id: SQLite may give a deleted review's id to a new one.
    return f"screening:progress:{review.uuid}:{stage}:{required}"


# A progress bar is not worth an error page: when the cache (Redis in served mode) does not answer,
# the counts are made afresh and the failure is logged.
def _cache_get(key: str) -> object:
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - any cache failure means "not cached"
        log.warning("progress cache unavailable; counting afresh", exc_info=True)
        return None


def _cache_set(key: str, counts: StageCounts) -> None:
    try:
        cache.set(key, counts, timeout=settings.SCREENING_PROGRESS_MAX_AGE_S)
    except Exception:  # noqa: BLE001 - see _cache_get
        log.warning("progress cache unavailable; not sharing the counts", exc_info=True)
