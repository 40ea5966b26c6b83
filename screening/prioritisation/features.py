"""Text features for screening prioritisation: TF-IDF of the word uni- and bigrams of title and abstract.

Pure functions on strings and sparse matrices (no Django), so the benchmark and the retrain job share them.

The matrix is the one scikit-learn's ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
max_df=0.95)`` returns, the feature extractor of ASReview LAB's default model "ELAS u4" (asreview 3.0.8,
``asreview/models/models.py``), up to the order of the columns (which no linear model sees). It is built
with numpy instead of the vectoriser's Python loops over tokens and n-grams, tokenising all the texts at
once and telling words apart exactly (no hashing): 10,000 records (the nudging set repeated) take about
1.0 s of CPU instead of 6.7 s with scikit-learn and 1.9 s with the previous regex-and-hash version, so a
retrain that must rebuild the matrix fits in 2 s with room for the model.

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
# scikit-learn's default token pattern r"(?u)\b\w\w+\b" finds the maximal runs of two or more word characters;
# Python's re tells which characters are word characters (Unicode letters, digits and the underscore).
_WORD_CHARACTER = re.compile(r"\w")
_ASCII_CHARACTERS = np.array([code if _WORD_CHARACTER.match(chr(code)) else 0 for code in range(128)], dtype=np.uint8)
# _LOW_BYTES[n] keeps the first n bytes of a little-endian 8-byte integer.
_LOW_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)
# pandas sizes its hash table for all the values by default; growing it from small is twice as fast here.
_SIZE_HINT = 1024


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
    if len(keep) < counts.shape[1]:
        counts, df = counts[:, keep], df[keep]
    idf = np.log((1 + n_texts) / (1 + df)) + 1
    counts.data = (1 + np.log(counts.data)) * idf[counts.indices]
    norms = np.sqrt(np.bincount(_rows_of(counts), weights=counts.data**2, minlength=n_texts))
    counts.data /= np.repeat(np.where(norms > 0, norms, 1.0), np.diff(counts.indptr))
    return counts


def term_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """Return the raw counts of every word unigram and bigram per text (columns: the words, then the bigrams)."""
    words, lengths = _word_ids(texts)
    n_texts = len(texts)
    if len(words) == 0:
        return sparse.csr_matrix((n_texts, 0), dtype=np.float64)
    n_words = int(words.max()) + 1
    text_of = np.repeat(np.arange(n_texts, dtype=np.int64), lengths)
    same_text = text_of[:-1] == text_of[1:]
    bigram_rows = text_of[:-1][same_text]
    # A bigram's column is n_words plus the dense id of its pair of word ids.
    bigrams, pairs = pd.factorize(words[:-1][same_text] * n_words + words[1:][same_text], size_hint=_SIZE_HINT)
    n_columns = n_words + len(pairs)
    # One sort of the (text, column) keys counts each term per text and leaves every row's columns in
    # ascending order, as CSR wants (half the CPU of building a COO matrix and summing its duplicates).
    keys, counts = np.unique(
        np.concatenate([text_of * n_columns + words, bigram_rows * n_columns + (n_words + bigrams)]),
        return_counts=True,
    )
    indptr = np.searchsorted(keys, np.arange(n_texts + 1, dtype=np.int64) * n_columns)
    return sparse.csr_matrix(
        (counts.astype(np.float64), keys % n_columns, indptr), shape=(n_texts, n_columns), dtype=np.float64
    )


def _word_ids(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return every token's word id (dense from 0) in reading order, and each text's token count.

    The texts are tokenised at once in numpy rather than by the regex one text at a time (a Python string
    per token was half the CPU): tokens are the maximal runs of two or more word characters of the joined
    lower-cased texts.
    """
    # Lower-cased one text at a time, as scikit-learn does: str.lower of the joined string may differ
    # (a Greek capital sigma lowers to the final or the medial form depending on its neighbours).
    lowered = [text.lower() for text in texts]
    # "\n" is no word character, so no token spans two texts.
    chars = _characters("\n".join(lowered))
    edges = np.flatnonzero(np.diff(chars != 0, prepend=False, append=False))
    starts, ends = edges[0::2], edges[1::2]
    long = ends - starts >= 2
    starts, ends = starts[long], ends[long]
    text_ends = np.cumsum(np.fromiter(map(len, lowered), dtype=np.int64, count=len(lowered)) + 1)
    lengths = np.diff(np.searchsorted(starts, text_ends), prepend=0)
    return _substring_ids(chars, starts, ends), lengths


def _characters(text: str) -> np.ndarray:
    """Return one small unsigned integer per code point of ``text``: 0 for a non-word character (not ``\\w``,
    as Python's re decides), and a distinct non-zero value per word character (ASCII ones keep their code)."""
    if text.isascii():
        return _ASCII_CHARACTERS[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]
    # UTF-16 is half the bytes to encode; only a character beyond the BMP (a surrogate pair, 0xD800-0xDFFF,
    # found with wrapping uint16 arithmetic) needs UTF-32.
    codes = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype="<u2")
    if (codes - np.uint16(0xD800) < 0x800).any():
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    others = np.unique(codes[codes >= 128]).tolist()
    words = [code for code in others if _WORD_CHARACTER.match(chr(code))]
    size = 128 + len(words)
    table = np.zeros(max(others) + 1, dtype=np.uint8 if size <= 2**8 else np.uint16 if size <= 2**16 else np.uint32)
    table[:128] = _ASCII_CHARACTERS
    table[words] = np.arange(128, size)
    characters: np.ndarray = table[codes]
    return characters


def _substring_ids(chars: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Return dense ids of the substrings ``chars[start:end]``, equal exactly when the substrings are equal.

    No hashing: each round reads the next 8 bytes of every substring as one integer (1, 2 or 4 characters)
    and numbers the pairs (id of the prefix, chunk), so most words (8 ASCII letters or fewer) take one round.
    """
    per_chunk = 8 // chars.itemsize
    padded = np.concatenate([chars, np.zeros(per_chunk, dtype=chars.dtype)])
    # The little-endian 8 bytes from every character on (an unaligned, overlapping view, no copy).
    windows = np.ndarray((len(chars),), dtype="<u8", buffer=padded, strides=(chars.itemsize,))
    ids = np.empty(len(starts), dtype=np.int64)
    active = np.arange(len(starts))
    first = starts
    prefix: np.ndarray | None = None
    n_ids = 0
    while len(active):
        left = ends[active] - first
        # Bytes past a substring's end are zeroed, so "ab" and "abc" differ (no word character is 0).
        chunk = windows[first] & _LOW_BYTES[np.minimum(left, per_chunk) * chars.itemsize]
        key, chunks = pd.factorize(chunk, size_hint=_SIZE_HINT)
        if prefix is not None:
            key, chunks = pd.factorize(prefix * len(chunks) + key, size_hint=_SIZE_HINT)
        # A substring ending in this round gets its id for good; ids of later rounds come after.
        ids[active] = n_ids + key
        n_ids += len(chunks)
        more = left > per_chunk
        active, first, prefix = active[more], first[more] + per_chunk, key[more]
    used = np.zeros(n_ids, dtype=bool)
    used[ids] = True
    return (np.cumsum(used) - 1)[ids]


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
