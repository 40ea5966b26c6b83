"""The ranking model: a class-balanced linear SVM on TF-IDF features, refitted on a growing schedule.

Pure functions over a sparse feature matrix and the labelled rows (no Django), shared by the retrain
job and by ``bench/screening_sim.py``, so the benchmark measures what the product does.

The model follows ASReview LAB's default ("ELAS u4": TF-IDF uni- and bigrams, linear SVM with C = 0.11,
relevant records weighted up to a 9.8 : 1 balance, certainty-based querying), which the ASReview team
tuned over the SYNERGY sets. We keep it, add a multinomial Naive Bayes model on the same features and rank
by a weighted sum of the two models' ranks (SVM 1, Naive Bayes 0.5): the two err on different records,
and the combination ranks relevant records earlier than either alone in our simulations, which matters
because we refit in batches where ASReview refits after every label (docs/prioritisation.md).

References
----------
Cortes C, Vapnik V (1995). Support-vector networks. Machine Learning 20:273-297.
McCallum A, Nigam K (1998). A comparison of event models for Naive Bayes text classification.
AAAI-98 Workshop on Learning for Text Categorization.
Yu Z, Menzies T (2019). FAST2: an intelligent assistant for finding relevant papers. Expert Systems with
Applications 120:57-71 (certainty sampling for reviews; weighting up the rare relevant class).
van de Schoot R, et al. (2021). An open source machine learning framework for efficient and transparent
systematic reviews. Nature Machine Intelligence 3:125-133. doi:10.1038/s42256-020-00287-7 (ASReview).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import sparse
from scipy.stats import rankdata
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC


@dataclass(frozen=True)
class ModelSettings:
    """The model's hyper-parameters; the defaults are what the product and the benchmark use."""

    svm_c: float = 0.11  # ASReview ELAS u4
    balance_ratio: float = 9.8  # ASReview ELAS u4: relevant weight / irrelevant weight ~ 9.8 x their ratio
    nb_alpha: float = 3.8  # ASReview ELAS u3 (its Naive Bayes default)
    nb_weight: float = 0.5  # weight of the Naive Bayes ranks against the SVM's; 0 = SVM alone
    random_state: int = 0


DEFAULT_SETTINGS = ModelSettings()


def class_weights(labels: np.ndarray, ratio: float) -> np.ndarray:
    """Return per-row weights that give the relevant rows ``ratio`` times the irrelevant rows' total weight.

    ASReview's "balanced" sample weight; the weights are scaled to sum to the number of rows so the
    regularisation strength C keeps its meaning whatever the class sizes.
    """
    n_relevant = int(labels.sum())
    n_irrelevant = len(labels) - n_relevant
    weights = np.where(labels, 1.0, n_relevant / (ratio * n_irrelevant))
    return weights * (len(labels) / weights.sum())


def can_fit(labels: np.ndarray) -> bool:
    """Return True when the labels hold both a relevant and an irrelevant record (a model is possible)."""
    labels = np.asarray(labels, dtype=bool)
    return bool(labels.any() and not labels.all())


class FittedModel(NamedTuple):
    """The two fitted models of one refit."""

    svm: LinearSVC
    nb: MultinomialNB | None
    nb_weight: float


def fit(
    features: sparse.csr_matrix, labels: np.ndarray, settings: ModelSettings = DEFAULT_SETTINGS
) -> FittedModel | None:
    """Fit the models on the labelled rows ``features`` (one per label); None when all labels agree.

    With one class only no model can be fitted: the caller falls back to random order and says so.
    """
    labels = np.asarray(labels, dtype=bool)
    if not can_fit(labels) or features.shape[1] == 0:
        return None
    weights = class_weights(labels, settings.balance_ratio)
    svm = LinearSVC(C=settings.svm_c, random_state=settings.random_state)
    svm.fit(features, labels, sample_weight=weights)
    nb = None
    if settings.nb_weight > 0:
        nb = MultinomialNB(alpha=settings.nb_alpha)
        nb.fit(features, labels, sample_weight=weights)
    return FittedModel(svm, nb, settings.nb_weight)


def score(model: FittedModel, features: sparse.csr_matrix) -> np.ndarray:
    """Return a relevance score in [0, 1] for every row (1 = the most likely relevant).

    The score is the record's rank among all records, a weighted mean over the SVM and the Naive Bayes
    model: ranks make the two models' scales comparable, and stay comparable across refits.
    """
    combined = rankdata(model.svm.decision_function(features))
    if model.nb is not None:
        log_joint = model.nb.predict_joint_log_proba(features)
        combined = combined + model.nb_weight * rankdata(log_joint[:, 1] - log_joint[:, 0])
    return _scale(combined)


def fit_scores(
    features: sparse.csr_matrix,
    rows: np.ndarray,
    labels: np.ndarray,
    settings: ModelSettings = DEFAULT_SETTINGS,
) -> np.ndarray | None:
    """Fit on the labelled ``rows`` of ``features`` and return every row's score (see :func:`score`).

    None when the labels are all of one class.
    """
    model = fit(features[np.asarray(rows)], labels, settings)
    return None if model is None else score(model, features)


def _scale(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if high == low:
        return np.full(len(values), 0.5)
    return (values - low) / (high - low)


def retrain_batch(n_labelled: int) -> int:
    """Return how many new labels to wait for before the next refit, given ``n_labelled`` so far.

    One at first, when every label moves the model most, then a tenth of the labels so far, at most 50:
    refits stay frequent relative to what they can learn, and a worker refits a 10,000-record review a
    few hundred times at most. ASReview refits after every label; our simulations show the schedule
    costs under a point of WSS@95 (docs/prioritisation.md).
    """
    return max(1, min(RETRAIN_BATCH_CAP, n_labelled // RETRAIN_BATCH_DIVISOR))


RETRAIN_BATCH_DIVISOR = 10
RETRAIN_BATCH_CAP = 50


def retrain_due(n_labelled: int, n_labelled_at_last_fit: int) -> bool:
    """Return True when enough labels arrived since the last refit (see :func:`retrain_batch`)."""
    return n_labelled - n_labelled_at_last_fit >= retrain_batch(n_labelled_at_last_fit)
