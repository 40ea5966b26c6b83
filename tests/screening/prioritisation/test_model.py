"""The ranking model and its refit schedule (screening/prioritisation/model.py)."""

from __future__ import annotations

import numpy as np

from screening.prioritisation.features import featurise
from screening.prioritisation.model import class_weights, fit_scores, retrain_batch, retrain_due
from tests.screening.prioritisation.corpus import synthetic_corpus


def test_ranking_puts_the_relevant_records_first():
    """Trained on 2 relevant and 10 irrelevant records, the model ranks the other relevant ones on top."""
    texts, labels = synthetic_corpus(seed=1)
    features = featurise(texts)
    rows = np.r_[np.flatnonzero(labels)[:2], np.flatnonzero(~labels)[:10]]
    scores = fit_scores(features, rows, labels[rows])
    assert scores is not None
    unlabelled = np.setdiff1d(np.arange(len(labels)), rows)
    top = unlabelled[np.argsort(-scores[unlabelled])][: int(labels.sum()) - 2]
    assert labels[top].mean() >= 0.9


def test_scores_lie_between_zero_and_one():
    """Scores are ranks scaled to [0, 1], readable on the page."""
    texts, labels = synthetic_corpus(seed=2)
    scores = fit_scores(featurise(texts), np.arange(40), labels[:40])
    assert scores is not None
    assert scores.min() == 0.0 and scores.max() == 1.0


def test_one_class_gives_no_model():
    """With only irrelevant (or only relevant) labels there is no model: the caller falls back to random."""
    texts, labels = synthetic_corpus(seed=3)
    features = featurise(texts)
    irrelevant = np.flatnonzero(~labels)[:5]
    assert fit_scores(features, irrelevant, labels[irrelevant]) is None
    relevant = np.flatnonzero(labels)[:5]
    assert fit_scores(features, relevant, labels[relevant]) is None


def test_class_weights_give_the_relevant_records_the_set_ratio():
    """Relevant rows carry ``ratio`` times the irrelevant rows' total weight, summing to the row count."""
    labels = np.array([True] + [False] * 9)
    weights = class_weights(labels, 9.8)
    assert weights.sum() == np.float64(10.0)
    assert abs(weights[labels].sum() / weights[~labels].sum() - 9.8) < 1e-9


def test_refits_come_after_every_label_at_first_then_in_growing_batches():
    """One label at first, then a tenth of those so far, never more than 50."""
    assert [retrain_batch(n) for n in (0, 5, 19, 20, 100, 499, 5000)] == [1, 1, 1, 2, 10, 49, 50]
    assert retrain_due(3, 2)
    assert not retrain_due(105, 100)
    assert retrain_due(110, 100)
