"""Text features for screening prioritisation: TF-IDF of title and abstract.

Pure functions on strings and sparse matrices (no Django), so the benchmark and the retrain job share them.

References
----------
Salton G, Buckley C (1988). Term-weighting approaches in automatic text retrieval. Information Processing
& Management 24(5):513-523 (TF-IDF, sublinear term frequency).
Ferdinands G, et al. (2023). Performance of active learning models for screening prioritization in
systematic reviews: a simulation study into the Average Time to Discover relevant records. Systematic
Reviews 12:100. doi:10.1186/s13643-023-02257-7 (TF-IDF as the feature extractor of record).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

# Word unigrams and bigrams with sublinear tf, as ASReview's default ("ELAS u4") uses; terms in more than
# 95% of records carry no signal. min_df=2 drops hapax bigrams: they cannot generalise from one record to
# another, and dropping them shrinks the vocabulary about 3.5 times, which makes the fit faster.
NGRAM_RANGE = (1, 2)
MIN_DF = 2
MAX_DF = 0.95


def record_text(title: str | None, abstract: str | None) -> str:
    """Return the text a record is featurised from: its title and abstract, either may be missing."""
    return f"{title or ''}\n{abstract or ''}".strip()


def featurise(texts: Sequence[str]) -> sparse.csr_matrix:
    """Return the L2-normalised TF-IDF matrix (one row per text, float64 as liblinear wants) of ``texts``.

    The vocabulary is learned from all the texts, labelled or not (transductive, as in ASReview): it is
    the same whoever screens, so one matrix serves every reviewer of a review without leaking decisions.
    """
    if not texts:
        return sparse.csr_matrix((0, 0), dtype=np.float32)
    # With very few records min_df=2 could leave no term at all; fall back to every term then.
    min_df = MIN_DF if len(texts) >= 20 else 1
    vectoriser = TfidfVectorizer(
        ngram_range=NGRAM_RANGE,
        sublinear_tf=True,
        min_df=min_df,
        max_df=MAX_DF if len(texts) >= 20 else 1.0,
        strip_accents="unicode",
        dtype=np.float64,
    )
    try:
        matrix = vectoriser.fit_transform(texts)
    except ValueError:  # every text empty or stop-words only: no vocabulary
        return sparse.csr_matrix((len(texts), 0), dtype=np.float32)
    return sparse.csr_matrix(matrix, dtype=np.float64)


def matrix_to_bytes(matrix: sparse.csr_matrix) -> bytes:
    """Return ``matrix`` serialised in scipy's compressed .npz format (for a file in MEDIA_ROOT)."""
    buffer = io.BytesIO()
    sparse.save_npz(buffer, sparse.csr_matrix(matrix), compressed=False)
    return buffer.getvalue()


def matrix_from_bytes(data: bytes) -> sparse.csr_matrix:
    """Return the sparse matrix that :func:`matrix_to_bytes` wrote."""
    return sparse.csr_matrix(sparse.load_npz(io.BytesIO(data)))
