"""Simulated screening with the product's queue (screening/prioritisation/simulation.py)."""

from __future__ import annotations

import numpy as np

from screening.prioritisation.features import featurise
from screening.prioritisation.simulation import prior_rows, simulate
from tests.screening.prioritisation.corpus import synthetic_corpus


def test_priors_are_drawn_as_asreview_draws_them():
    """Seed 0 on Ferdinands' nudging labels gives ASReview 3.0.8's priors (rows 423 and 1239).

    Rebuilt here from the relevant rows' positions rather than the file, so the test needs no data:
    ASReview draws each prior with a fresh ``RandomState(seed).choice(rows, 1, replace=False)``.
    """
    labels = np.zeros(50, dtype=bool)
    labels[[3, 17, 30]] = True
    relevant, irrelevant = prior_rows(labels, 0)
    assert labels[relevant] and not labels[irrelevant]
    assert relevant == int(np.random.RandomState(0).permutation([3, 17, 30])[0])


def test_simulation_screens_every_record_once_relevant_first():
    """Every non-prior row is screened once, and the relevant rows mostly come early."""
    texts, labels = synthetic_corpus(n_relevant=15, n_other=185, seed=4)
    run = simulate(featurise(texts), labels, seed=0)
    assert sorted([*run.priors, *run.order.tolist()]) == list(range(len(labels)))
    found_early = labels[run.order[:40]].sum()
    assert found_early >= 0.8 * (labels.sum() - 1)
    assert run.fits == len(run.fit_seconds) >= 2


def test_simulation_is_deterministic_for_a_seed():
    """The same seed gives the same order, so benchmark figures are reproducible."""
    texts, labels = synthetic_corpus(seed=5)
    features = featurise(texts)
    assert (simulate(features, labels, seed=2).order == simulate(features, labels, seed=2).order).all()
