"""Groups never chain two known-different records together."""

from review.dedup.cluster import cluster


def test_union_is_refused_across_a_cannot_link():
    """A~B and B~C merge, but not when a person said A and C are different."""
    nodes = {1: {}, 2: {}, 3: {}}
    groups, refused = cluster(nodes, [(0.99, 1, 2), (0.98, 2, 3)], cannot=[(1, 3)])
    assert groups == [{1, 2}]
    assert refused == [(2, 3)]


def test_union_is_refused_between_different_dois():
    """A record without DOI cannot bridge two records carrying different DOIs."""
    nodes = {1: {"doi": "10.1/a"}, 2: {"doi": ""}, 3: {"doi": "10.1/b"}}
    groups, _ = cluster(nodes, [(0.99, 1, 2), (0.98, 2, 3)])
    assert groups == [{1, 2}]


def test_a_persons_merge_overrides_different_identifiers():
    """Forced edges (a person's merge) join records whose DOIs differ."""
    groups, _ = cluster({1: {"doi": "10.1/a"}, 2: {"doi": "10.1/b"}}, [], forced=[(1, 2)])
    assert groups == [{1, 2}]
