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
    assert run.fits == len(run.fit_seconds) == len(run.score_seconds) >= 2


def test_the_model_is_refitted_after_every_label_on_a_small_review():
    """200 records: one refit per screened record (the first refit comes with the priors), as ASReview."""
    texts, labels = synthetic_corpus(n_relevant=15, n_other=185, seed=4)
    run = simulate(featurise(texts), labels, seed=0, random_share=0.0)
    assert run.fits == len(labels) - 2 and run.random_at == ()


def test_stopping_after_the_last_relevant_record_keeps_every_relevant_one():
    """The shortened run ends on the last relevant record, as ``asreview simulate`` does."""
    texts, labels = synthetic_corpus(n_relevant=15, n_other=185, seed=4)
    run = simulate(featurise(texts), labels, seed=1, stop_after_last_relevant=True)
    assert labels[run.order[-1]] and labels[run.order].sum() == labels.sum() - 1
    assert len(run.order) < len(labels) - 2


def test_random_picks_come_only_after_dry_runs():
    """At a share of 20%, the queue draws at random only right after 5 irrelevant records in a row."""
    texts, labels = synthetic_corpus(n_relevant=15, n_other=185, seed=4)
    run = simulate(featurise(texts), labels, seed=3, random_share=0.2)
    assert len(run.random_at) >= 5
    seen = labels[np.concatenate([run.priors, run.order])]
    for place in run.random_at:
        before = seen[: place + 2]  # what was screened before this pick (priors included)
        assert not before[-5:].any(), f"random pick at {place} after a relevant record"
