"""Simulated screening on a labelled set, with the product's own model, schedule and queue.

Used by ``bench/screening_sim.py`` and the tests: it calls the same pure functions as the retrain job
(:func:`model.fit_scores`, :func:`model.retrain_due`) and the queue (:func:`ordering.rank`,
:func:`ordering.mix_random`), with the product's defaults, so what the benchmark measures is what a
reviewer gets. A simulated reviewer screens the first record of the queue each step; the model is
refitted whenever the product's retrain job would be started.

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

from screening.prioritisation.model import DEFAULT_SETTINGS, ModelSettings, fit_scores, retrain_due
from screening.prioritisation.ordering import DEFAULT_RANDOM_SHARE, mix_random, rank, shuffled


class SimulationRun(NamedTuple):
    """One simulated review: the prior rows, then every other row in the order it was screened."""

    priors: tuple[int, int]
    order: np.ndarray
    fits: int
    fit_seconds: tuple[float, ...]


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


def simulate(
    features: sparse.csr_matrix,
    labels: np.ndarray,
    *,
    seed: int,
    settings: ModelSettings = DEFAULT_SETTINGS,
    random_share: float = DEFAULT_RANDOM_SHARE,
) -> SimulationRun:
    """Screen every row of ``features`` in the product's queue order and return the order."""
    labels = np.asarray(labels, dtype=bool)
    n = len(labels)
    priors = prior_rows(labels, seed)
    screened = list(priors)
    is_screened = np.zeros(n, dtype=bool)
    is_screened[list(priors)] = True
    ranking: np.ndarray | None = None
    at_last_fit, fit_seconds = 0, []
    while len(screened) < n:
        if ranking is None or retrain_due(len(screened), at_last_fit):
            rows = np.asarray(screened)
            start = time.perf_counter()
            scores = fit_scores(features, rows, labels[rows], settings)
            fit_seconds.append(time.perf_counter() - start)
            at_last_fit = len(screened)
            ids = np.arange(n)
            ranking = np.asarray(shuffled(ids, seed=seed) if scores is None else rank(ids, ids, scores, seed=seed))
        waiting = ranking[~is_screened[ranking]]
        # The reviewer is shown the head of the queue, as the screening page does.
        pick = mix_random(waiting, random_share, seed=seed * 1_000_003 + len(screened))[0]
        screened.append(pick)
        is_screened[pick] = True
    return SimulationRun(priors, np.asarray(screened[2:]), len(fit_seconds), tuple(fit_seconds))
