"""The ranking model: ASReview LAB's default, a class-balanced linear SVM on TF-IDF, refitted after each label.

Pure functions over a sparse feature matrix and the labelled rows (no Django), shared by the retrain
job and by ``bench/screening_sim.py``, so the benchmark measures what the product does.

The model is ASReview LAB 3's default "ELAS u4" with its settings as shipped (asreview 3.0.8,
``asreview/models/models.py``: ``LinearSVC(loss="squared_hinge", C=0.11)``, the "balanced" sample weight
with ratio 9.8, "max" query, TF-IDF of uni- and bigrams), which its authors tuned over the SYNERGY sets;
nothing here is tuned on our benchmark sets. Like ASReview we refit after every label (up to 10,000 records,
see :func:`retrain_batch`); against refitting in batches of a tenth of the labels that gained 0.012 and
0.017 of WSS@95 on nudging and ACE (docs/prioritisation.md). Adding ASReview's former default, Naive
Bayes, to the SVM helped on some sets and cost 0.03-0.07 on others, so the product keeps the SVM alone.

References
----------
Cortes C, Vapnik V (1995). Support-vector networks. Machine Learning 20:273-297.
Yu Z, Menzies T (2019). FAST2: an intelligent assistant for finding relevant papers. Expert Systems with
Applications 120:57-71 (certainty sampling for reviews; weighting up the rare relevant class).
van de Schoot R, et al. (2021). An open source machine learning framework for efficient and transparent
systematic reviews. Nature Machine Intelligence 3:125-133. doi:10.1038/s42256-020-00287-7 (ASReview).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import sparse
from scipy.stats import rankdata
from sklearn.svm import LinearSVC


@dataclass(frozen=True)
class ModelSettings:
    """The model's hyper-parameters; the defaults (ASReview's ELAS u4) are what product and benchmark use."""

    svm_c: float = 0.11  # ELAS u4
    balance_ratio: float = 9.8  # ELAS u4: relevant weight / irrelevant weight = 9.8 x (n_irrelevant / n_relevant)
    random_state: int = 0  # liblinear shuffles the rows it visits; fixed so a refit is reproducible


DEFAULT_SETTINGS = ModelSettings()


def class_weights(labels: np.ndarray, ratio: float) -> np.ndarray:
    """Return per-row weights that give the relevant rows ``ratio`` times the irrelevant rows' total weight.

    ASReview's "balanced" sample weight (``asreview/models/balancers.py``); the weights are scaled to sum
    to the number of rows so the regularisation strength C keeps its meaning whatever the class sizes.
    """
    n_relevant = int(labels.sum())
    n_irrelevant = len(labels) - n_relevant
    weights = np.where(labels, 1.0, n_relevant / (ratio * n_irrelevant))
    return weights * (len(labels) / weights.sum())


def can_fit(labels: np.ndarray) -> bool:
    """Return True when the labels hold both a relevant and an irrelevant record (a model is possible)."""
    labels = np.asarray(labels, dtype=bool)
    return bool(labels.any() and not labels.all())


def fit(
    features: sparse.csr_matrix, labels: np.ndarray, settings: ModelSettings = DEFAULT_SETTINGS
) -> LinearSVC | None:
    """Fit the SVM on the labelled rows ``features`` (one per label); None when all labels agree.

    With one class only no model can be fitted: the caller falls back to random order and says so.
    """
    labels = np.asarray(labels, dtype=bool)
    if not can_fit(labels) or features.shape[1] == 0:
        return None
    svm = LinearSVC(C=settings.svm_c, random_state=settings.random_state)
    return svm.fit(features, labels, sample_weight=class_weights(labels, settings.balance_ratio))


class Scores(NamedTuple):
    """Every record's score in [0, 1] (1 = the most likely relevant) and where the model's "relevant" begins.

    ``relevant_from`` is the lowest score of a record the SVM classes as relevant (decision value >= 0),
    None when it classes none so: the queue's random places open only when the model expects no relevant
    record among those left (:mod:`screening.prioritisation.ordering`).
    """

    values: np.ndarray
    relevant_from: float | None


def score(model: LinearSVC, features: sparse.csr_matrix) -> Scores:
    """Return every row's relevance score and the score from which the SVM calls a record relevant.

    The score is the record's rank under the SVM's decision value, scaled to [0, 1]: the order is
    ASReview's "max" query, and a rank reads the same on the page whatever the model's scale. Scores are
    stored as float32, so ``relevant_from`` is taken from the float32 values the queue compares against.
    """
    decision = model.decision_function(features)
    values = _scale(rankdata(decision))
    relevant = decision >= 0
    cutoff = float(values[relevant].astype(np.float32).min()) if relevant.any() else None
    return Scores(values, cutoff)


def fit_scores(
    features: sparse.csr_matrix,
    rows: np.ndarray,
    labels: np.ndarray,
    settings: ModelSettings = DEFAULT_SETTINGS,
) -> Scores | None:
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


# A refit scores every record: about 0.1 s per 10,000 records from the cached matrix (fit included, at
# 1,000 labels). Refitting after every ceil(records / 10,000) labels keeps a decision's share of worker
# time near 0.1 s whatever the review's size; reviews of up to 10,000 records refit after every label.
RECORDS_PER_REFIT_LABEL = 10_000
RETRAIN_BATCH_CAP = 50


def retrain_batch(n_records: int) -> int:
    """Return how many new labels to wait for before the next refit of a review of ``n_records`` records.

    ASReview refits after every label, and so do we up to 10,000 records: early labels move the model
    most, and such a refit costs a fraction of a second against the seconds a reviewer spends on a record.
    The cost of a refit grows with the records it scores, not with the labels, so larger reviews wait
    for a few labels (5 at 50,000 records; at most 50). A refit requested while another waits for a
    worker is folded into it (``services.retrain_maybe``), so a busy worker batches on its own. Batching
    by labels instead (every 1/500 of the labels past 1,000) cost up to 0.0015 of WSS@95 on the
    benchmark sets that pass 1,000 labels (docs/prioritisation.md).
    """
    return max(1, min(RETRAIN_BATCH_CAP, math.ceil(n_records / RECORDS_PER_REFIT_LABEL)))


def retrain_due(n_labelled: int, n_labelled_at_last_fit: int, n_records: int) -> bool:
    """Return True when enough labels arrived since the last refit (see :func:`retrain_batch`)."""
    return n_labelled - n_labelled_at_last_fit >= retrain_batch(n_records)
