"""The ranking model and its refit schedule (screening/prioritisation/model.py)."""

from __future__ import annotations

import numpy as np

from screening.prioritisation.features import featurise
from screening.prioritisation.model import (
    DEFAULT_SETTINGS,
    class_weights,
    fit,
    fit_scores,
    retrain_batch,
    retrain_due,
    score,
)
from tests.screening.prioritisation.corpus import synthetic_corpus


def test_ranking_puts_the_relevant_records_first():
    """Trained on 2 relevant and 10 irrelevant records, the model ranks the other relevant ones on top.

    At random, a tenth of the top places would be relevant; the SVM puts them in 16 of 18.
    """
    texts, labels = synthetic_corpus(seed=1)
    features = featurise(texts)
    rows = np.r_[np.flatnonzero(labels)[:2], np.flatnonzero(~labels)[:10]]
    scored = fit_scores(features, rows, labels[rows])
    assert scored is not None
    scores = scored.values
    unlabelled = np.setdiff1d(np.arange(len(labels)), rows)
    top = unlabelled[np.argsort(-scores[unlabelled])][: int(labels.sum()) - 2]
    assert labels[top].mean() >= 0.85


def test_scores_lie_between_zero_and_one():
    """Scores are ranks scaled to [0, 1], readable on the page."""
    texts, labels = synthetic_corpus(seed=2)
    scored = fit_scores(featurise(texts), np.arange(40), labels[:40])
    assert scored is not None
    assert scored.values.min() == 0.0 and scored.values.max() == 1.0


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


def test_refits_come_after_every_label_up_to_10000_records_then_every_few_labels():
    """After every label (as ASReview) up to 10,000 records, then one label more per 10,000 records, at most 50."""
    sizes = (0, 200, 10_000, 10_001, 50_000, 100_000, 500_000, 10**7)
    assert [retrain_batch(n) for n in sizes] == [1, 1, 1, 2, 5, 10, 50, 50]
    assert retrain_due(3, 2, 2_000) and retrain_due(1_501, 1_500, 10_000)
    assert not retrain_due(1_001, 1_000, 50_000)
    assert not retrain_due(1_004, 1_000, 50_000) and retrain_due(1_005, 1_000, 50_000)


def test_the_model_is_asreviews_default_and_ranks_by_its_decision_values():
    """ELAS u4 as shipped in asreview 3.0.8: C = 0.11, balance ratio 9.8; the score orders as the SVM's value."""
    assert (DEFAULT_SETTINGS.svm_c, DEFAULT_SETTINGS.balance_ratio) == (0.11, 9.8)
    texts, labels = synthetic_corpus(seed=6)
    features = featurise(texts)
    model = fit(features[:60], labels[:60])
    assert model is not None and model.C == 0.11
    decision = model.decision_function(features)
    scores = score(model, features).values
    assert (np.argsort(-decision, kind="stable")[:20] == np.argsort(-scores, kind="stable")[:20]).all()


def test_the_model_says_from_which_score_it_classes_a_record_relevant():
    """``relevant_from`` splits the scores where the SVM's decision value crosses zero; None when none is relevant."""
    texts, labels = synthetic_corpus(seed=6)
    features = featurise(texts)
    model = fit(features[:60], labels[:60])
    assert model is not None
    # Weighted up 9.8 times, the few relevant labels of this small set make the SVM class nearly every
    # record relevant; moved to the median, half are classed each way.
    model.intercept_ = model.intercept_ - np.median(model.decision_function(features))
    decision = model.decision_function(features)
    scored = score(model, features)
    assert scored.relevant_from is not None and 0.3 < (decision >= 0).mean() < 0.7
    values = scored.values.astype(np.float32)
    assert ((values >= scored.relevant_from) == (decision >= 0)).all()
    model.intercept_ = model.intercept_ - decision.max() - 1  # every decision value below zero
    assert score(model, features).relevant_from is None
