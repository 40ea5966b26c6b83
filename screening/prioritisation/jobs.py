"""The retrain job: refit one reviewer's model on their labels and store every record's score.

Runs in a Celery worker through ``review.jobs`` (claimed with a conditional UPDATE, safe to run twice).
The worker must import this module to know the handler: ``screening/tasks.py`` imports it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.utils import timezone

from review.jobs import JobError, Progress, job_handler
from review.models import Job, Review
from screening.prioritisation.model import DEFAULT_SETTINGS, can_fit, fit, score
from screening.prioritisation.store import Timer, features_for, ranking_write
from screening.selectors import training_labels

RETRAIN_JOB = "screening_retrain"


def ranking_retrain(*, review: Review, stage: str, reviewer: Any) -> dict[str, Any]:
    """Refit ``reviewer``'s model at ``stage`` and store the scores; return what was done, with timings.

    With labels of one class only, no model is fitted and the ranking says so (the queue stays random).
    """
    timer = Timer()
    # Taken before the labels are read: a decision saved after this is either among the labels or known,
    # by its time, to be newer than them (services.next_prioritised leaves such decisions out).
    labels_read_at = timezone.now()
    labels = training_labels(review=review, stage=stage, reviewer=reviewer)
    labelled_ids = np.asarray(sorted(labels), dtype=np.int64)
    values = np.asarray([labels[int(pk)] for pk in labelled_ids], dtype=bool)
    timer.lap("labels")
    if not can_fit(values):
        ranking_write(
            review=review,
            stage=stage,
            reviewer=reviewer,
            record_ids=labelled_ids,
            scores=None,
            labels=values,
            seconds=timer.seconds,
        )
        return {"status": "one_class", "labels": len(values), "relevant": int(values.sum())}
    features = features_for(review)
    timer.lap("featurise" if features.rebuilt else "load_features")
    rows, known = _rows_of(features.record_ids, labelled_ids)
    model = fit(features.matrix[rows[known]], values[known], DEFAULT_SETTINGS)
    timer.lap("fit")
    scores = None if model is None else score(model, features.matrix)
    timer.lap("score")
    written = ranking_write(
        review=review,
        stage=stage,
        reviewer=reviewer,
        record_ids=features.record_ids,
        scores=scores,
        labels=values[known],
        seconds=timer.seconds,
        labelled_ids=labelled_ids,
        labels_read_at=labels_read_at,
    )
    timer.lap("write")
    return {
        "status": "ready" if scores is not None else "one_class",
        "labels": int(known.sum()),
        "relevant": int(values[known].sum()),
        "written": written,
        "seconds": {key: round(value, 4) for key, value in timer.seconds.items()},
    }


def _rows_of(record_ids: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the matrix rows of ``wanted`` ids and which of them are there at all.

    Labels of records no longer screened (an undone import, a merged duplicate) are dropped.
    """
    if len(record_ids) == 0:
        return np.zeros(len(wanted), dtype=np.int64), np.zeros(len(wanted), dtype=bool)
    rows = np.minimum(np.searchsorted(record_ids, wanted), len(record_ids) - 1)
    return rows, record_ids[rows] == wanted


@job_handler(RETRAIN_JOB)
def retrain_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Run a retrain job: its params name the stage and the reviewer."""
    if job.review is None:
        raise JobError("A retrain job needs a review.")
    reviewer = get_user_model().objects.filter(pk=job.params.get("reviewer")).first()
    if reviewer is None:
        raise JobError("The reviewer of this retrain job no longer exists.")
    progress(0, 1, "Refitting the ranking model")
    result = ranking_retrain(review=job.review, stage=job.params["stage"], reviewer=reviewer)
    progress(1, 1, "Ranking updated")
    return result
