"""The estimate of relevant records remaining (screening/prioritisation/stopping.py).

Callaghan MW, Mueller-Hansen F (2020), Systematic Reviews 9:273: the last records screened, treated as
a random sample of those then left, bound what remains.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from screening.prioritisation.features import featurise, record_text
from screening.prioritisation.simulation import simulate
from screening.prioritisation.stopping import CITATION, recall_test_p_value, stopping_estimate
from tests.conftest import SHARED

ADHD = SHARED / "benchmarks" / "screening" / "cohen2006_adhd" / "ADHD.csv"


def test_nothing_screened_gives_no_estimate_but_names_the_method():
    """Before any decision there is no number, yet the method and its citation are there."""
    estimate = stopping_estimate([], 100)
    assert estimate.remaining is None and estimate.recall_estimate is None
    assert "Callaghan" in estimate.method and "10.1186/s13643-020-01521-4" in CITATION


def test_everything_screened_leaves_nothing():
    """With every record screened nothing remains, with certainty."""
    estimate = stopping_estimate([True, False, False], 3)
    assert (estimate.remaining, estimate.remaining_low, estimate.remaining_high) == (0.0, 0, 0)


def test_a_random_sample_gives_an_estimate_near_the_truth():
    """Screening in random order, 500 of 2000 records with 100 relevant: remaining about 75."""
    rng = np.random.default_rng(3)
    labels = rng.permutation(np.r_[np.ones(100, bool), np.zeros(1900, bool)])
    estimate = stopping_estimate(labels[:500], 2000)
    truth = int(labels[500:].sum())
    assert estimate.remaining_low == 0 and truth <= estimate.remaining_high
    assert abs(estimate.remaining - truth) < 25


def test_a_long_run_of_irrelevant_records_supports_stopping():
    """After 95 relevant in the first 300 and 1500 irrelevant since, recall >= 95% is likely: p < 0.05."""
    labels = np.r_[np.ones(95, bool), np.zeros(205, bool), np.zeros(1500, bool)]
    assert recall_test_p_value(labels, 2000, 0.95) < 0.05
    assert stopping_estimate(labels, 2000).remaining_high <= 5


def test_a_short_run_does_not_support_stopping():
    """Right after finding relevant records, the test does not let the lead stop."""
    labels = np.r_[np.zeros(50, bool), np.ones(20, bool)]
    assert recall_test_p_value(labels, 2000, 0.95) > 0.5


def test_bad_arguments_are_refused():
    """More screened than the review holds, or a confidence of 1, is a plain error."""
    with pytest.raises(ValueError, match="holds only"):
        stopping_estimate([True, False], 1)
    with pytest.raises(ValueError, match="confidence"):
        stopping_estimate([True], 10, confidence=1.0)


@pytest.mark.skipif(not ADHD.exists(), reason=f"shipped benchmark set {ADHD} not found")
def test_the_interval_covers_the_truth_in_simulated_screening():
    """On Cohen's ADHD set (851 records, 20 relevant), at 25, 50, 75 and 95% found, most runs are covered.

    The interval is one-sided ([0, upper]); the test also checks that it is informative by the end: at
    95% found the upper bound is under a tenth of the records. Two seeds: with a refit after every label
    a run takes seconds (the benchmark runs five).
    """
    frame = pd.read_csv(ADHD)
    labels = frame["label_included"].to_numpy().astype(bool)
    features = featurise([record_text(t, a) for t, a in zip(frame.title, frame.abstract, strict=True)])
    covered = checked = 0
    for seed in range(2):
        run = simulate(features, labels, seed=seed, stop_after_last_relevant=True)
        in_order = np.concatenate([labels[list(run.priors)], labels[run.order]])
        found = np.cumsum(in_order)
        for share in (0.25, 0.5, 0.75, 0.95):
            at = int(np.argmax(found >= share * labels.sum())) + 1
            estimate = stopping_estimate(in_order[:at], len(labels))
            truth = int(labels.sum() - found[at - 1])
            covered += estimate.remaining_low <= truth <= estimate.remaining_high
            checked += 1
        assert estimate.remaining_high < 0.1 * len(labels)
    assert covered >= 0.8 * checked
