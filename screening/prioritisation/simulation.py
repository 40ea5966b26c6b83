"""Simulated screening on a labelled set, with the product's own model, schedule and queue.

Used by ``bench/screening_sim.py`` and the tests: it calls the same pure functions as the retrain job
(:func:`model.fit`, :func:`model.score`, :func:`model.retrain_due`) and the queue (:func:`ordering.rank`,
:func:`ordering.mix_random` with the reviewer's run of irrelevant decisions and the model's expectation),
with the product's defaults, so what the benchmark measures is what a reviewer gets. A simulated
reviewer screens the first record of the queue each step (so only the first place is mixed); the model
is refitted whenever the product's retrain job would be started, and the worker is assumed to keep up.

References
----------
Cohen AM, Hersh WR, Peterson K, Yen PY (2006). Reducing workload in systematic review preparation using
automated citation classification. JAMIA 13(2):206-219 (WSS@95).
Ferdinands G, et al. (2023). Performance of active learning models for screening prioritization in
systematic reviews. Systematic Reviews 12:100 (protocol: one relevant and one irrelevant prior record).
"""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np
from scipy import sparse

from screening.prioritisation.model import DEFAULT_SETTINGS, ModelSettings, fit, retrain_due, score
from screening.prioritisation.ordering import (
    DEFAULT_RANDOM_SHARE,
    dry_run_length,
    expects_relevant,
    mix_random,
    rank,
    shuffled,
)


class SimulationRun(NamedTuple):
    """One simulated review: the prior rows, then the other rows in the order they were screened.

    ``fit_seconds`` and ``score_seconds`` time each refit's two steps; ``random_at`` holds the places
    in ``order`` where the queue showed a record drawn at random instead of the model's first.
    """

    priors: tuple[int, int]
    order: np.ndarray
    fits: int
    fit_seconds: tuple[float, ...]
    score_seconds: tuple[float, ...]
    random_at: tuple[int, ...]


def prior_rows(labels: np.ndarray, seed: int) -> tuple[int, int]:
    """Return one relevant and one irrelevant row drawn as ``asreview simulate --prior-seed seed`` does.

    ASReview draws each with a fresh ``numpy.random.RandomState(seed)`` (``check_random_state``), so the
    same seed gives the peer and us the same prior records.
    """
    relevant = np.flatnonzero(labels)
    irrelevant = np.flatnonzero(~labels)
    return (
        int(np.random.RandomState(seed).choice(relevant, 1, replace=False)[0]),
        int(np.random.RandomState(seed).choice(irrelevant, 1, replace=False)[0]),
    )


class _Refit(NamedTuple):
    ranking: np.ndarray
    scores: np.ndarray | None
    relevant_from: float | None
    fit_seconds: float
    score_seconds: float


def _refit(
    features: sparse.csr_matrix, rows: np.ndarray, labels: np.ndarray, settings: ModelSettings, seed: int
) -> _Refit:
    """Fit on ``rows`` and rank every row as the queue would (random order while there is no model)."""
    start = time.perf_counter()
    model = fit(features[rows], labels[rows], settings)
    fitted = time.perf_counter()
    ids = np.arange(len(labels))
    if model is None:
        return _Refit(np.asarray(shuffled(ids, seed=seed)), None, None, fitted - start, 0.0)
    scores = score(model, features)
    # Stored as float32 by the product (store.ranking_write); compared the same way here.
    values = scores.values.astype(np.float32)
    scored = time.perf_counter()
    ranking = np.asarray(rank(ids, ids, values, seed=seed))
    return _Refit(ranking, values, scores.relevant_from, fitted - start, scored - fitted)


def simulate(
    features: sparse.csr_matrix,
    labels: np.ndarray,
    *,
    seed: int,
    settings: ModelSettings = DEFAULT_SETTINGS,
    random_share: float = DEFAULT_RANDOM_SHARE,
    stop_after_last_relevant: bool = False,
) -> SimulationRun:
    """Screen the rows of ``features`` in the product's queue order and return the order.

    Every row is screened, or with ``stop_after_last_relevant`` only up to the last relevant one (as
    ``asreview simulate`` stops; what follows is irrelevant, so no metric changes).
    """
    labels = np.asarray(labels, dtype=bool)
    n = len(labels)
    priors = prior_rows(labels, seed)
    screened = list(priors)
    is_screened = np.zeros(n, dtype=bool)
    is_screened[list(priors)] = True
    found, to_find = 1, int(labels.sum()) if stop_after_last_relevant else -1
    dry, refit, at_last_fit = 1, None, 0  # the priors: relevant, then irrelevant
    ids = np.arange(n)
    fit_seconds, score_seconds, random_at = [], [], []
    while len(screened) < n and found != to_find:
        if refit is None or retrain_due(len(screened), at_last_fit, n):
            refit = _refit(features, np.asarray(screened), labels, settings, seed)
            fit_seconds.append(refit.fit_seconds)
            score_seconds.append(refit.score_seconds)
            at_last_fit = len(screened)
        waiting = refit.ranking[~is_screened[refit.ranking]]
        # The reviewer is shown the head of the queue, as the screening page does.
        queue_seed = seed * 1_000_003 + len(screened)
        expects = (
            dry >= dry_run_length(random_share)
            and refit.scores is not None
            and expects_relevant(waiting, ids, refit.scores, refit.relevant_from)
        )
        pick = mix_random(waiting, random_share, seed=queue_seed, head=1, dry_run=dry, model_expects_relevant=expects)[
            0
        ]
        if pick != waiting[0]:
            random_at.append(len(screened) - 2)
        screened.append(pick)
        is_screened[pick] = True
        found += labels[pick]
        dry = 0 if labels[pick] else dry + 1
    return SimulationRun(
        priors,
        np.asarray(screened[2:]),
        len(fit_seconds),
        tuple(fit_seconds),
        tuple(score_seconds),
        tuple(random_at),
    )
