"""Queue order from scores, with random records mixed in (screening/prioritisation/ordering.py)."""

from __future__ import annotations

import numpy as np
import pytest

from screening.prioritisation.ordering import (
    PROBE_SIZES,
    RandomFirst,
    dry_run_length,
    expects_relevant,
    follow_order,
    irrelevant_run,
    mix_random,
    rank,
    shuffled,
)


def test_rank_orders_candidates_by_score():
    """The highest-scored candidate comes first; non-candidates are ignored."""
    scored = np.array([10, 11, 12, 13])
    scores = np.array([0.1, 0.9, 0.5, 0.7])
    assert rank([10, 12, 13], scored, scores, seed=0) == [13, 12, 10]


def test_unscored_candidates_take_the_median_place():
    """A record imported after the last refit is neither buried nor put first."""
    scored = np.array([1, 2, 3])
    scores = np.array([0.0, 0.5, 1.0])
    assert rank([1, 2, 3, 99], scored, scores, seed=0).index(99) in (1, 2)


def _chance_places(mixed: list[int]) -> int:
    """Count the places not taken by the best-ranked record still waiting (ids are their ranks)."""
    placed, next_ranked, chance = set(), 0, 0
    for pk in mixed:
        while next_ranked in placed:
            next_ranked += 1
        chance += pk != next_ranked
        placed.add(pk)
    return chance


def test_random_share_is_respected():
    """About ``share`` of the mixed head of the queue comes from chance; every id appears exactly once."""
    ranked = list(range(10_000))
    mixed = mix_random(ranked, 0.1, seed=7, head=1000)
    assert sorted(mixed) == ranked
    assert 70 <= _chance_places(mixed[:1000]) <= 130
    assert _chance_places(mixed) == _chance_places(mixed[:1000])  # beyond the head: the ranking


def test_first_place_is_random_with_the_set_probability():
    """Over many decisions the record shown is a random one in about ``share`` of the steps."""
    ranked = list(range(1000))
    shown = [mix_random(ranked, 0.2, seed=seed)[0] for seed in range(2000)]
    assert 0.15 <= np.mean([pk != 0 for pk in shown]) <= 0.25


def test_a_zero_share_keeps_the_ranking():
    """With no random share the queue is the ranking."""
    assert mix_random([5, 3, 9], 0.0, seed=1) == [5, 3, 9]


def test_the_order_is_deterministic_for_a_seed():
    """The same seed gives the same queue (a reload shows the same record); another seed another."""
    ranked = list(range(500))
    assert mix_random(ranked, 0.3, seed=4) == mix_random(ranked, 0.3, seed=4)
    assert mix_random(ranked, 0.3, seed=4) != mix_random(ranked, 0.3, seed=5)
    assert shuffled(ranked, seed=1) == shuffled(ranked, seed=1) != ranked


def test_a_share_outside_zero_to_one_is_refused():
    """A share of 1.5 is a mistake, said plainly."""
    with pytest.raises(ValueError, match="between 0 and 1"):
        mix_random([1, 2], 1.5, seed=0)


def test_random_places_open_only_after_a_run_of_irrelevant_decisions():
    """At a share of 20%, five irrelevant decisions in a row open the random places; fewer keep the ranking."""
    ranked = list(range(1000))
    assert dry_run_length(0.2) == 5 and dry_run_length(0.02) == 50 and dry_run_length(0.0) == 0
    assert all(mix_random(ranked, 0.2, seed=seed, dry_run=4) == ranked for seed in range(50))
    shown = [mix_random(ranked, 0.2, seed=seed, dry_run=5)[0] for seed in range(2000)]
    assert 0.15 <= np.mean([pk != 0 for pk in shown]) <= 0.25


def test_the_irrelevant_run_counts_back_to_the_latest_relevant_decision():
    """Newest first: two exclusions since the last inclusion make a run of 2; none at all, the whole list."""
    assert irrelevant_run([False, False, True, False]) == 2
    assert irrelevant_run([True, False]) == 0
    assert irrelevant_run([False] * 7) == 7
    assert irrelevant_run([]) == 0


def test_random_places_stay_shut_while_the_model_expects_a_relevant_record():
    """After a long dry run the random places open only when the model classes no candidate relevant."""
    ranked = list(range(1000))
    assert all(
        mix_random(ranked, 0.2, seed=seed, dry_run=50, model_expects_relevant=True) == ranked for seed in range(50)
    )
    assert any(
        mix_random(ranked, 0.2, seed=seed, dry_run=50, model_expects_relevant=False) != ranked for seed in range(50)
    )


def test_the_model_expects_a_relevant_record_when_a_candidate_scores_from_its_cutoff():
    """Scores from ``relevant_from`` up are classed relevant; unscored candidates and no cutoff count for nothing."""
    scored_ids = np.array([10, 20, 30, 40])
    scores = np.array([0.1, 0.4, 0.7, 1.0], dtype=np.float32)
    cutoff = float(np.float32(0.7))
    assert expects_relevant([10, 30], scored_ids, scores, cutoff)
    assert not expects_relevant([10, 20], scored_ids, scores, cutoff)
    assert not expects_relevant([10, 20, 99], scored_ids, scores, cutoff)  # 99: imported after the refit
    assert not expects_relevant([30, 40], scored_ids, scores, None)
    assert not expects_relevant([], scored_ids, scores, cutoff)
    # Ranked ids: the head decides; a candidate classed relevant beyond the first 50 places is not looked at.
    assert not expects_relevant([10] * 50 + [30], scored_ids, scores, cutoff)


def test_following_a_refits_order_keeps_its_sequence_and_puts_unscored_records_in_the_middle():
    """Candidates come in the refit's order; one it never scored (imported since) takes the median place."""
    order = np.array([5, 3, 9, 1, 7], dtype=np.int64)
    assert follow_order([1, 9, 7, 5], order, seed=0) == [5, 9, 1, 7]
    assert follow_order([1, 9, 42], order, seed=0) == [9, 42, 1]
    assert follow_order([], order, seed=0) == []
    assert follow_order([42], order, seed=0) == [42]


def test_the_first_place_is_random_with_the_share_as_its_probability():
    """Over 2,000 seeds the first place is a random one about share of the time (within four standard errors)."""
    share, n = 0.2, 2_000
    hits = sum(RandomFirst(seed, share).is_random for seed in range(n))
    assert abs(hits - share * n) < 4 * (n * share * (1 - share)) ** 0.5
    assert not any(RandomFirst(seed, 0.0).is_random for seed in range(200))
    assert all(RandomFirst(seed, 1.0).is_random for seed in range(200))


def test_the_random_first_place_is_any_candidate_with_equal_chance():
    """Drawing ids from the whole range and keeping the first candidate (rejection sampling) picks each of a
    few scattered candidates equally often: a chi-square test over 3,000 draws does not reject uniformity."""
    from scipy.stats import chisquare

    candidates = {3, 4, 517, 518, 998}  # neighbours and loners: a pivot pick would favour 3 and 517
    counts = dict.fromkeys(candidates, 0)
    for seed in range(3_000):
        pick = RandomFirst(seed, 1.0).pick(1, 1_000, lambda ids: next((i for i in ids if i in candidates), None))
        counts[pick] += 1
    assert chisquare(list(counts.values())).pvalue > 0.001, counts


def test_the_random_first_place_asks_about_each_drawn_id_once_in_the_order_drawn():
    """Each batch passed on holds distinct ids from the range; with no candidate among them, every batch is
    tried and the answer is None (the caller then ranks every candidate)."""
    batches: list[list[int]] = []

    def nothing_open(ids: list[int]) -> None:
        batches.append(ids)

    assert RandomFirst(7, 1.0).pick(50, 90, nothing_open) is None
    assert len(batches) == len(PROBE_SIZES)
    for ids in batches:
        assert len(ids) == len(set(ids)) and all(50 <= i <= 90 for i in ids)
    assert batches[0] != sorted(batches[0])  # the order drawn, not the ids' order
    again: list[list[int]] = []
    RandomFirst(7, 1.0).pick(50, 90, lambda ids: again.append(ids))
    assert again == batches  # fixed by the seed: a reload shows the same record
