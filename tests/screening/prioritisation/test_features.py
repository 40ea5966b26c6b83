"""TF-IDF features of title and abstract (screening/prioritisation/features.py)."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from screening.prioritisation.features import featurise, matrix_from_bytes, matrix_to_bytes, record_text, term_counts
from tests.screening.prioritisation.corpus import synthetic_corpus


def test_record_text_joins_title_and_abstract_and_tolerates_missing_parts():
    """Title and abstract are joined; a missing one leaves no stray text."""
    assert record_text("Title", "Abstract") == "Title\nAbstract"
    assert record_text(None, "Abstract") == "Abstract"
    assert record_text("Title", None) == "Title"


def test_every_record_gets_a_unit_length_row():
    """One L2-normalised row per text, so long abstracts do not outweigh short ones."""
    texts, _ = synthetic_corpus()
    matrix = featurise(texts)
    assert matrix.shape[0] == len(texts)
    assert np.allclose(np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1, 1.0)


def test_bigrams_are_features():
    """Word pairs such as "bone mineral" are features of their own (as in ASReview's default)."""
    matrix = featurise(["bone mineral density"] * 3 + ["heart rate"] * 30)
    assert matrix.shape[1] > 5


def test_empty_texts_give_an_empty_vocabulary_not_an_error():
    """Records without title and abstract yield zero columns, which the model treats as no model."""
    assert featurise(["", ""]).shape == (2, 0)
    assert featurise([]).shape == (0, 0)


def test_matrix_survives_a_round_trip_through_bytes():
    """The cached matrix file reads back identical."""
    texts, _ = synthetic_corpus()
    matrix = featurise(texts)
    back = matrix_from_bytes(matrix_to_bytes(matrix))
    assert (back != matrix).nnz == 0
    assert back.dtype == matrix.dtype


def test_the_matrix_is_scikit_learns_tfidf_of_asreviews_default_up_to_column_order():
    """Same rows as TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_df=0.95), ELAS u4's features.

    Columns may come in another order, which no linear model sees, so the test compares the records'
    pairwise similarities (and the vocabulary size), with punctuation, digits, accents and one-letter words.
    """
    texts, _ = synthetic_corpus(seed=8)
    texts = [*texts, "Café au lait: a 2-arm RCT (n=40) of vitamin-K2; résumé.", "x y z", "", "Ça va? Ça va."]
    ours = featurise(texts)
    reference = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_df=0.95).fit_transform(texts)
    assert ours.shape == reference.shape
    assert np.allclose((ours @ ours.T).toarray(), (reference @ reference.T).toarray(), atol=1e-12)
    _assert_equal_up_to_column_order(ours, reference)


# Texts that exercise the tokeniser's corners: non-ASCII letters (accents, ß, Greek with its final sigma,
# Cyrillic, Chinese runs without spaces, a letter beyond the BMP, a lone surrogate), digits, underscores,
# marks and symbols that are no word characters, words sharing 8 or 16 leading letters (the tokeniser
# compares 8 bytes at a time), one-character tokens only, and empty texts.
TRICKY_TEXTS = [
    "Café au lait: a 2-arm RCT (n=40) of vitamin-K2; résumé. Straße STRASSE straße",
    "ΟΔΥΣΣΕΥΣ ΣΟΦΟΣ ΑΣ\nΣΑ σοφοσ Σ σ ς",
    "ΑΣ",
    "Βήτα-λακτάμες και ΣΦΑΙΡΑ; Здоровье и ЗДОРОВЬЕ",
    "维生素K2对骨密度的影响 一项随机对照试验 维生素K2 骨密度",
    "İstanbul ÇAĞ ǅemal ﬁnancial ﬀ 𝐁𝐨𝐧𝐞 𝐁𝐨𝐧𝐞 😀😀 x😀y ab😀cd \ud800ab",
    "snake_case __init__ _ __ 3.14 2024 x2 2x 10,000 ½ ²² ٣٤ ७८",
    "abcdefgh abcdefghi abcdefghij abcdefghijklmnop abcdefghijklmnopq abcdefgh abcdefghijklmnopq",
    "abcdefgi abcdefghijklmnoq internationalisation internationalization",
    "x y z",
    "a b c d e f",
    "",
    "   \n\t ",
    "Ça va? Ça va. ça VA",
    "- – — , ; : ! ? ( ) [ ] { } @ # $ % ^ & * + = < > / \\ | ~ `",
]


def test_the_matrix_is_scikit_learns_tfidf_also_for_tricky_texts():
    """Same matrix as scikit-learn's, up to column order, for non-ASCII, digits, underscores and empty texts."""
    texts, _ = synthetic_corpus(n_relevant=5, n_other=20, seed=3)
    # Also a text with hundreds of distinct non-ASCII letters (characters wider than one byte each).
    texts = [*texts, *TRICKY_TEXTS, "".join(chr(0x4E00 + i) for i in range(300)) + " 一丁 丁一"]
    ours = featurise(texts)
    reference = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_df=0.95).fit_transform(texts)
    _assert_equal_up_to_column_order(ours, reference)
    # The term counts, before any weighting, are scikit-learn's too.
    counts = CountVectorizer(ngram_range=(1, 2)).fit_transform(texts)
    _assert_equal_up_to_column_order(term_counts(texts), counts)


def _assert_equal_up_to_column_order(ours, reference):
    """Both matrices' columns, each sorted in the same (lexicographic) order, are equal."""
    assert ours.shape == reference.shape
    ours, reference = ours.toarray(), reference.toarray()

    def canonical(matrix):
        return matrix[:, np.lexsort(np.round(matrix, 9)[::-1])]

    assert np.allclose(canonical(ours), canonical(reference), rtol=0, atol=1e-12)


def test_bigrams_do_not_span_two_records_and_repeats_are_counted():
    """The last word of one record and the first of the next never make a bigram."""
    counts = term_counts(["alpha beta", "gamma alpha alpha"])
    # unigrams alpha, beta, gamma; bigrams "alpha beta", "gamma alpha", "alpha alpha" (no "beta gamma")
    assert counts.shape == (2, 6)
    assert sorted(counts.toarray()[1].tolist()) == [0, 0, 1, 1, 1, 2]
