"""Blocking finds candidate pairs without comparing every record with every other."""

from review.dedup.blocking import MAX_BLOCK, candidate_pairs
from tests.review.dedup.helpers import core


def test_pairs_sharing_a_title_opening_are_candidates():
    """Two spellings of one title land in one block."""
    records = [
        core(1),
        core(2, title="Menatetrenone versus placebo for fracture prevention: a trial"),
        core(3, title="Completely different work on asthma in children", authors=["Li, X."], pages="1-2"),
    ]
    assert (0, 1) in candidate_pairs(records)
    assert (0, 2) not in candidate_pairs(records)


def test_a_huge_block_is_compared_by_neighbourhood_not_all_pairs():
    """A common surname in a common year does not make the cost quadratic."""
    records = [
        core(
            i,
            title=f"Study number {i} of something else entirely {i * 7}",
            authors=["Wang, L."],
            pages=str(i),
            volume=str(i),
        )
        for i in range(MAX_BLOCK * 4)
    ]
    assert len(candidate_pairs(records)) < len(records) * 20
