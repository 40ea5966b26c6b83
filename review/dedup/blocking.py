"""Candidate pairs by blocking, so the cost grows near-linearly with the number of records.

Each record gets a few keys (identifiers, the opening and the end of its title, first author and
year, volume and first page); only records sharing a key are compared. A key shared by very many
records (a common surname in a common year) is not compared all-to-all: its records are sorted by
title and each is compared with its neighbours only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from review.dedup.record import DedupRecord

TITLE_KEY_CHARS = 22  # long enough to be selective, short enough to survive a changed subtitle
MIN_TITLE_KEY_CHARS = 12
MAX_BLOCK = 60  # above this a block is compared by sorted neighbourhood instead of all pairs
NEIGHBOURS = 8


def record_keys(record: DedupRecord) -> Iterator[tuple[str, ...]]:
    """Yield the blocking keys of one record."""
    for name in ("doi", "pmid", "pmcid", "accession"):
        value = getattr(record, name)
        if value:
            yield (name, value)
    for title in record.titles:
        compact = title.replace(" ", "")
        if len(compact) >= MIN_TITLE_KEY_CHARS:
            yield ("title-head", compact[:TITLE_KEY_CHARS])
            yield ("title-tail", compact[-TITLE_KEY_CHARS:])
    if record.authors and record.year:
        yield ("author-year", record.authors[0].family, str(record.year))
    if record.volume and record.page:
        yield ("volume-page", record.volume, record.page)


def _block_pairs(members: list[int], records: list[DedupRecord]) -> Iterator[tuple[int, int]]:
    if len(members) <= MAX_BLOCK:
        for position, left in enumerate(members):
            for right in members[position + 1 :]:
                yield left, right
        return
    ordered = sorted(members, key=lambda index: records[index].titles[:1])
    for position, left in enumerate(ordered):
        for right in ordered[position + 1 : position + 1 + NEIGHBOURS]:
            yield left, right


def candidate_pairs(records: list[DedupRecord], keys: Iterable[tuple[str, ...]] | None = None) -> set[tuple[int, int]]:
    """Return index pairs (i < j) of records that share at least one blocking key."""
    blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        for key in set(record_keys(record)):
            blocks[key].append(index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        for left, right in _block_pairs(members, records):
            pairs.add((left, right) if left < right else (right, left))
    return pairs
