"""Database and MEDIA_ROOT side of prioritisation: the cached feature matrix and the stored rankings.

The retrain job is the only writer. The feature matrix depends on the record texts alone, so it is
built once per review and rebuilt only when records or their texts change (featurising 10,000 records
takes about 0.6-1 s of CPU; loading the cached matrix 0.03-0.08 s).
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from datetime import datetime
from typing import Any, NamedTuple

import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from scipy import sparse

from review.models import Review
from screening.models import FeatureSet, Ranking, RankingStatus
from screening.prioritisation.features import (
    FEATURES_VERSION,
    featurise,
    matrix_from_bytes,
    matrix_to_bytes,
    record_text,
)
from screening.prioritisation.model import Scores
from screening.prioritisation.ordering import rank, seed_of
from screening.selectors import screenable_records


class Features(NamedTuple):
    """The review's feature matrix, its rows' record ids (ascending), whether it was rebuilt, its texts' hash."""

    record_ids: np.ndarray
    matrix: sparse.csr_matrix
    rebuilt: bool
    text_hash: str = ""


def _texts(review: Review) -> tuple[list[int], list[str], str]:
    rows = (
        screenable_records(review)
        .order_by("pk")
        .values_list("pk", "title", "translated_title", "abstract", "translated_abstract")
    )
    ids, texts = [], []
    # The features' version is part of the key, so a matrix built by an older featuriser is rebuilt.
    digest = hashlib.sha256(FEATURES_VERSION.encode())
    for pk, title, translated_title, abstract, translated_abstract in rows:
        # The English translation of a CJK record's title or abstract, when known, helps the model too.
        text = record_text(f"{title} {translated_title}", f"{abstract} {translated_abstract}")
        ids.append(pk)
        texts.append(text)
        digest.update(f"{pk}\x1f{text}\x1e".encode())
    return ids, texts, digest.hexdigest()


# The matrix last used for each review in this process, with when its texts were last checked. A refit
# at 50,000 records spent 0.56 s reading and hashing every record's text and 0.33 s decoding the stored
# matrix, against 0.04 s fitting and scoring: a worker refitting a reviewer's model every few decisions
# spent most of a core on that. Kept here, the matrix is reused while the stored feature set is the
# same one (a rebuild elsewhere, as after an import or a deduplication, changes it) and its texts were
# checked less than SCREENING_FEATURES_CHECK_S seconds ago; an edit of a record's text that rebuilds
# nothing is then seen by the first refit after that.
_KEPT: OrderedDict[int, tuple[float, Features]] = OrderedDict()  # review id: (texts checked at, matrix)
_KEPT_REVIEWS = 2  # about 90 MB each at 50,000 records


def features_for(review: Review, *, check_texts: bool = False) -> Features:
    """Return the review's feature matrix, from the cache when the record texts have not changed.

    ``check_texts``: read the texts now, whenever they were last checked (after records settle).
    """
    stored_hash = FeatureSet.objects.filter(review=review).values_list("text_hash", flat=True).first()
    checked_at, kept = _KEPT.get(review.pk, (0.0, None))
    if kept is not None and kept.text_hash != stored_hash:
        kept = None  # rebuilt elsewhere since
    if kept is not None and not check_texts and time.monotonic() - checked_at < settings.SCREENING_FEATURES_CHECK_S:
        _KEPT.move_to_end(review.pk)
        return kept._replace(rebuilt=False)
    features = _features_checked(review, kept)
    _KEPT[review.pk] = (time.monotonic(), features)
    _KEPT.move_to_end(review.pk)
    while len(_KEPT) > _KEPT_REVIEWS:
        _KEPT.popitem(last=False)
    return features


def _features_checked(review: Review, kept: Features | None) -> Features:
    """Read the texts and return the matrix for them: ``kept`` (the one in memory), the stored one, or new."""
    ids, texts, text_hash = _texts(review)
    cached = FeatureSet.objects.filter(review=review).first()
    if cached is not None and cached.text_hash == text_hash and cached.matrix:
        # The matrix in memory is current when its texts are; its file must still be there for other workers.
        if kept is not None and kept.text_hash == text_hash and cached.matrix.storage.exists(cached.matrix.name):
            return kept._replace(rebuilt=False)
        try:
            with cached.matrix.open("rb") as handle:
                return Features(cached.ids(), matrix_from_bytes(handle.read()), rebuilt=False, text_hash=text_hash)
        except FileNotFoundError:
            pass  # the file is gone (MEDIA_ROOT moved or cleaned): the matrix is built again below
    matrix = featurise(texts)
    record_ids = np.asarray(ids, dtype=np.int64)
    old_file = cached.matrix.name if cached is not None and cached.matrix else ""
    feature_set = cached or FeatureSet(review=review)
    feature_set.text_hash = text_hash
    feature_set.record_ids = record_ids.tobytes()
    feature_set.n_records = len(ids)
    feature_set.matrix.save(
        f"review-{review.pk}-{text_hash[:16]}.npz", ContentFile(matrix_to_bytes(matrix)), save=False
    )
    feature_set.save()
    if old_file and old_file != feature_set.matrix.name:
        feature_set.matrix.storage.delete(old_file)
    return Features(record_ids, matrix, rebuilt=True, text_hash=text_hash)


def ranking_write(
    *,
    review: Review,
    stage: str,
    reviewer: Any,
    record_ids: np.ndarray,
    scores: Scores | None,
    labels: np.ndarray,
    seconds: dict[str, float],
    labelled_ids: np.ndarray | None = None,
    labels_read_at: datetime | None = None,
) -> bool:
    """Store a refit's scores (None: one class only) unless a refit that read its labels later already wrote.

    Returns True when written. One conditional UPDATE, so a job delivered twice, or two jobs racing,
    never leave a half-written or older ranking. The labels' reading time, not their number, says which
    refit is newer: after an undo or a reset the newer refit has fewer labels. The stored order
    (``ranked_ids``) leaves out ``labelled_ids``, the records the refit had labels for, read at
    ``labels_read_at`` (now when not given).
    """
    ranking, _ = Ranking.objects.get_or_create(review=review, stage=stage, reviewer=reviewer)
    read_at = labels_read_at or timezone.now()
    fields: dict[str, Any] = {
        "labels_read_at": read_at,
        "trained_on": len(labels),
        "relevant_labels": int(np.count_nonzero(labels)),
        "seconds": {key: round(value, 4) for key, value in seconds.items()},
        "fitted_at": timezone.now(),
    }
    if scores is None:
        fields.update(
            status=RankingStatus.ONE_CLASS,
            record_ids=b"",
            scores=b"",
            ranked_ids=b"",
            relevant_from=None,
            n_records=0,
            n_classed_relevant=0,
        )
    else:
        ids = record_ids.astype(np.int64)
        values = scores.values.astype(np.float32)
        # The queue walks this order (services.next_prioritised); ties take a random order fixed per refit.
        seed = seed_of(review.pk, stage, reviewer.pk, len(labels))
        ranked = np.asarray(rank(ids, ids, values, seed=seed), dtype=np.int64)
        # The labelled records are out of the reviewer's queue (an undo puts one back: it then waits as an
        # unscored record until the next refit). Left out, the order's head holds no more decided records
        # than the reviewer made since this refit, and the walk reads no more than that.
        labelled = labelled_ids if labelled_ids is not None else np.empty(0, dtype=np.int64)
        unlabelled = ~np.isin(ids, labelled)
        fields.update(
            status=RankingStatus.READY,
            record_ids=ids.tobytes(),
            scores=values.tobytes(),
            ranked_ids=ranked[~np.isin(ranked, labelled)].tobytes(),
            n_classed_relevant=0
            if scores.relevant_from is None
            else int(np.count_nonzero(values[unlabelled] >= scores.relevant_from)),
            relevant_from=scores.relevant_from,
            n_records=len(record_ids),
        )
    # On PostgreSQL the arrays are stored uncompressed (migration screening 0006): compressing the
    # megabyte they make took 0.14 s of a 0.2 s refit, for little space (ids and scores compress poorly).
    with transaction.atomic():
        return bool(Ranking.objects.filter(pk=ranking.pk, labels_read_at__lte=read_at).update(**fields))


class Timer:
    """Collects the seconds each named step takes (featurise, fit, score, write)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._start = time.perf_counter()

    def lap(self, step: str) -> None:
        """Record the time since the previous lap under ``step``."""
        now = time.perf_counter()
        self.seconds[step] = now - self._start
        self._start = now
