"""Duplicate groups from merge edges, refusing any union that would join records known to differ.

Plain transitive closure lets one wrong link chain two studies together. Here an edge joins two
groups only if no member of one was declared different from a member of the other (a person said
"not duplicates", or the records carry different DOIs or PMIDs). Edges are taken strongest first.
An automatic merge that detection made despite two DOIs (one of them a database's error) declares
those two values one identifier, so the groups on either side may join; no other value is excused.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable


class Clusters:
    """Union-find over hashable ids with cannot-link constraints."""

    def __init__(self) -> None:
        self._parent: dict[Hashable, Hashable] = {}
        self._members: dict[Hashable, set[Hashable]] = {}
        self._blocked: dict[Hashable, set[Hashable]] = {}
        self._ids: dict[Hashable, dict[str, set[str]]] = {}
        self._alias: dict[tuple[str, str], tuple[str, str]] = {}  # (name, value) -> its representative

    def add(self, node: Hashable, identifiers: dict[str, str] | None = None) -> None:
        """Add a node with its identifiers (e.g. {"doi": ..., "pmid": ...}); empty values ignored."""
        if node in self._parent:
            return
        self._parent[node] = node
        self._members[node] = {node}
        self._blocked[node] = set()
        self._ids[node] = {name: {value} for name, value in (identifiers or {}).items() if value}

    def find(self, node: Hashable) -> Hashable:
        """Return the representative of the node's group."""
        root = node
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[node] != root:
            self._parent[node], node = root, self._parent[node]
        return root

    def cannot_link(self, a: Hashable, b: Hashable) -> None:
        """Record that ``a`` and ``b`` must never end in one group."""
        self._blocked[self.find(a)].add(b)
        self._blocked[self.find(b)].add(a)

    def _canonical(self, key: tuple[str, str]) -> tuple[str, str]:
        while self._alias.get(key, key) != key:
            key = self._alias[key]
        return key

    def same_identifiers(self, a: Hashable, b: Hashable) -> None:
        """Declare that the differing identifier values of nodes ``a`` and ``b`` name one report."""
        ids_a, ids_b = self._ids[self.find(a)], self._ids[self.find(b)]
        for name in ids_a.keys() & ids_b.keys():
            if len(ids_a[name]) == 1 and len(ids_b[name]) == 1:
                left = self._canonical((name, next(iter(ids_a[name]))))
                right = self._canonical((name, next(iter(ids_b[name]))))
                if left != right:
                    self._alias[right] = left

    def _values(self, ids: dict[str, set[str]], name: str) -> set[tuple[str, str]]:
        return {self._canonical((name, value)) for value in ids.get(name, ())}

    def _compatible(self, ra: Hashable, rb: Hashable, check_ids: bool) -> bool:
        if self._blocked[ra] & self._members[rb] or self._blocked[rb] & self._members[ra]:
            return False
        if not check_ids:
            return True
        ids_a, ids_b = self._ids[ra], self._ids[rb]
        for name in ids_a:
            left, right = self._values(ids_a, name), self._values(ids_b, name)
            if left and right and not left & right:
                return False
        return True

    def union(self, a: Hashable, b: Hashable, check_ids: bool = True) -> bool:
        """Join the groups of ``a`` and ``b`` unless a constraint forbids it; return True if joined.

        ``check_ids=False`` (a person's merge) overrides differing identifiers, never a person's
        "not duplicates".
        """
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if not self._compatible(ra, rb, check_ids):
            return False
        if len(self._members[ra]) < len(self._members[rb]):
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._members[ra] |= self._members.pop(rb)
        self._blocked[ra] |= self._blocked.pop(rb)
        for name, values in self._ids.pop(rb).items():
            self._ids[ra].setdefault(name, set()).update(values)
        return True

    def groups(self) -> list[set[Hashable]]:
        """Return the groups of two or more nodes."""
        return [set(members) for members in self._members.values() if len(members) > 1]


def cluster(
    nodes: dict[Hashable, dict[str, str]],
    edges: Iterable[tuple[float, Hashable, Hashable]],
    cannot: Iterable[tuple[Hashable, Hashable]] = (),
    forced: Iterable[tuple[Hashable, Hashable]] = (),
    same: Iterable[tuple[Hashable, Hashable]] = (),
) -> tuple[list[set[Hashable]], list[tuple[Hashable, Hashable]]]:
    """Group ``nodes`` (id -> identifiers) by ``edges`` (score, a, b), strongest first.

    ``forced`` edges (a person's merges) are joined first and ignore identifiers. ``same``: pairs of
    nodes whose differing identifiers name one report (automatic merges made despite two DOIs).
    Returns the groups of 2+ nodes and the edges that a constraint refused.
    """
    clusters = Clusters()
    for node, identifiers in nodes.items():
        clusters.add(node, identifiers)
    for a, b in same:
        if a in nodes and b in nodes:
            clusters.same_identifiers(a, b)
    for a, b in cannot:
        if a in nodes and b in nodes:
            clusters.cannot_link(a, b)
    refused = [(a, b) for a, b in forced if not clusters.union(a, b, check_ids=False)]
    refused += [(a, b) for _, a, b in sorted(edges, key=lambda edge: -edge[0]) if not clusters.union(a, b)]
    return clusters.groups(), refused
