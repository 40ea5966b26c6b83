"""Cohen's and Fleiss' kappa (screening/kappa.py) against published and hand-computed examples."""

import pytest

from screening.kappa import cohen_kappa, cohen_kappa_from_table, fleiss_kappa

# Fleiss JL (1971). Measuring nominal scale agreement among many raters. Psychological Bulletin
# 76(5):378-382, Table 1: 30 psychiatric patients, 6 diagnoses each, 5 categories (depression,
# personality disorder, schizophrenia, neurosis, other). Counts per patient and category. The paper
# reports kappa = .430; R's irr::kappam.fleiss(diagnoses) gives 0.430 with P = 0.556, Pe = 0.220.
FLEISS_1971 = [
    [0, 0, 0, 6, 0],
    [0, 3, 0, 0, 3],
    [0, 1, 4, 0, 1],
    [0, 0, 0, 0, 6],
    [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0],
    [0, 0, 4, 0, 2],
    [2, 0, 3, 1, 0],
    [2, 0, 0, 4, 0],
    [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0],
    [1, 1, 0, 4, 0],
    [0, 3, 3, 0, 0],
    [1, 0, 0, 5, 0],
    [0, 2, 0, 3, 1],
    [0, 0, 5, 0, 1],
    [3, 0, 0, 1, 2],
    [5, 1, 0, 0, 0],
    [0, 2, 0, 4, 0],
    [1, 0, 2, 0, 3],
    [0, 0, 0, 0, 6],
    [0, 1, 0, 5, 0],
    [0, 2, 0, 1, 3],
    [2, 0, 0, 4, 0],
    [1, 0, 0, 4, 1],
    [0, 5, 0, 1, 0],
    [4, 0, 0, 0, 2],
    [0, 2, 0, 4, 0],
    [1, 0, 5, 0, 0],
    [0, 0, 0, 0, 6],
]
# The same patients rated by raters 2 and 3 of irr's `diagnoses` data (Fleiss 1971 in rater layout):
# irr::kappa2(diagnoses[, 2:3]) gives Kappa = 0.631 (30 subjects, z = 7.56).
RATERS_2_3 = list(
    zip(
        [4, 2, 3, 5, 2, 1, 3, 1, 1, 5, 4, 2, 2, 4, 2, 3, 1, 1, 2, 3, 5, 4, 2, 1, 4, 2, 1, 2, 3, 5],
        [4, 2, 3, 5, 2, 3, 3, 3, 4, 5, 4, 4, 2, 4, 4, 3, 1, 1, 4, 3, 5, 4, 4, 4, 4, 2, 1, 4, 3, 5],
        strict=True,
    )
)


def test_fleiss_kappa_reproduces_fleiss_1971():
    """Fleiss' kappa of Fleiss (1971) Table 1 is 0.430, with mean agreement 0.556 and chance 0.220."""
    result = fleiss_kappa(FLEISS_1971)
    assert (result.n_subjects, result.n_raters) == (30, 6)
    assert result.kappa == pytest.approx(0.4302, abs=5e-5)
    assert result.mean_agreement == pytest.approx(0.5556, abs=5e-5)
    assert result.expected_agreement == pytest.approx(0.2199, abs=5e-5)


def test_cohen_kappa_matches_irr_on_the_fleiss_1971_raters():
    """Cohen's kappa of raters 2 and 3 of the Fleiss (1971) data is 0.631, as irr::kappa2 reports."""
    pairs = [(str(a), str(b)) for a, b in RATERS_2_3]
    result = cohen_kappa(pairs, ["1", "2", "3", "4", "5"])
    assert result.n == 30
    assert result.kappa == pytest.approx(0.6311, abs=5e-5)


def test_cohen_kappa_matches_a_hand_computed_example():
    """A 3 x 3 table worked by hand.

    include/maybe/exclude, rows rater A, columns rater B: [[20, 5, 5], [3, 7, 5], [2, 3, 50]], n = 100.
    p_o = (20 + 7 + 50) / 100 = 0.77. Row shares .30 .15 .55, column shares .25 .15 .60.
    p_e = .30 x .25 + .15 x .15 + .55 x .60 = .075 + .0225 + .33 = .4275.
    kappa = (.77 - .4275) / (1 - .4275) = .3425 / .5725 = 0.598253...
    """
    result = cohen_kappa_from_table([[20, 5, 5], [3, 7, 5], [2, 3, 50]], ["include", "maybe", "exclude"])
    assert result.percent_agreement == pytest.approx(0.77)
    assert result.expected_agreement == pytest.approx(0.4275)
    assert result.kappa == pytest.approx(0.3425 / 0.5725)
    assert result.kappa == pytest.approx(0.598253, abs=1e-6)


def test_two_category_collapse_by_hand():
    """Collapsing include+maybe: [[35, 10], [5, 50]]; p_o = .85, p_e = .45 x .40 + .55 x .60 = .51, kappa = .34/.49."""
    result = cohen_kappa_from_table([[35, 10], [5, 50]], ["include or maybe", "exclude"])
    assert result.kappa == pytest.approx(0.34 / 0.49)


def test_kappa_is_not_defined_with_one_category_only():
    """Both reviewers excluding everything: agreement is 100% but kappa has no value, and says why."""
    result = cohen_kappa([("exclude", "exclude")] * 8, ["include", "maybe", "exclude"])
    assert result.percent_agreement == 1.0
    assert result.kappa is None
    assert "one and the same category" in result.undefined_reason


def test_kappa_is_not_defined_without_shared_records():
    """No record decided by both: neither agreement nor kappa has a value."""
    result = cohen_kappa([], ["include", "exclude"])
    assert (result.n, result.percent_agreement, result.kappa) == (0, None, None)
    assert result.undefined_reason


def test_fleiss_kappa_not_defined_when_everyone_used_one_category():
    """Fleiss' kappa has no value when every rating falls in one category."""
    result = fleiss_kappa([[3, 0], [3, 0]])
    assert result.kappa is None and result.undefined_reason


def test_fleiss_kappa_refuses_uneven_numbers_of_ratings():
    """Fleiss (1971) needs the same number of ratings per subject; a plain error says so."""
    with pytest.raises(ValueError, match="same number of ratings"):
        fleiss_kappa([[2, 1], [1, 1]])


def test_unknown_ratings_are_refused():
    """A rating outside the categories is an error, not a silent miscount."""
    with pytest.raises(ValueError, match="not among the categories"):
        cohen_kappa([("include", "perhaps")], ["include", "exclude"])
