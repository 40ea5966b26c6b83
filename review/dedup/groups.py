"""Duplicate groups as the connected merges between records, and the election of their primary.

Groups are never edited one by one: after any change to the pairs (detection, a person's merge,
split or undo, an import undone) they are rebuilt from the merge pairs, so a group always equals
what the pairs say. A group keeps its id while it keeps most of its members, and keeps its primary
while that record has been screened: a record that joins a screened group never becomes its
primary, and the screening of a primary that loses its place moves to the new primary.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Length

from review.dedup.cluster import cluster
from review.dedup.normalize import normalize_digits, normalize_doi
from review.models import DuplicateGroup, DuplicatePair, PairStatus, Record, Review

log = logging.getLogger(__name__)

MERGE_STATUSES = (PairStatus.AUTO_MERGED, PairStatus.MERGED)
APART_STATUSES = (PairStatus.DISTINCT, PairStatus.RELATED)
COMPLETENESS_FIELDS = ("doi", "pmid", "journal", "volume", "issue", "pages", "issn", "translated_title")
WRITE_CHUNK = 2000


def screened_record_ids(review: Review) -> set[int]:
    """Return the ids of the review's records that hold screening decisions."""
    try:
        from screening.models import Decision
    except ImportError:  # the screening app is optional for deduplication
        return set()
    return set(Decision.objects.filter(review=review).values_list("record_id", flat=True).distinct())


def transfer_screening(from_record_id: int, to_record_id: int, actor: Any = None) -> None:
    """Move a record's screening (decisions, notes, full text) onto the group's new primary."""
    try:
        from screening.services import screening_transfer
    except ImportError:
        log.warning("screening app without screening_transfer; nothing moved %s -> %s", from_record_id, to_record_id)
        return
    records = Record.objects.in_bulk([from_record_id, to_record_id])
    screening_transfer(from_record=records[from_record_id], to_record=records[to_record_id], actor=actor)


def completeness(review: Review, ids: Collection[int]) -> dict[int, int]:
    """Return a completeness score per record: filled fields, then abstract and author list length."""
    scores: dict[int, int] = {}
    fields = ("id", "abstract_length", "authors", *COMPLETENESS_FIELDS)
    rows = Record.objects.filter(review=review, id__in=list(ids)).annotate(abstract_length=Length("abstract"))
    for row in rows.values(*fields).iterator(chunk_size=WRITE_CHUNK):
        filled = sum(bool(row[name]) for name in COMPLETENESS_FIELDS) + bool(row["abstract_length"])
        scores[row["id"]] = filled * 100_000 + min(row["abstract_length"] or 0, 50_000) + len(row["authors"] or [])
    return scores


def _merge_graph(review: Review, removing: Collection[int]) -> tuple[dict, list, list, list, list]:
    pairs = DuplicatePair.objects.filter(review=review).exclude(
        Q(record_a_id__in=list(removing)) | Q(record_b_id__in=list(removing))
    )
    edges, forced, apart, same = [], [], [], []
    rows = pairs.values_list("record_a_id", "record_b_id", "status", "score", "field_scores")
    for a, b, status, score, field_scores in rows.iterator():
        if status == PairStatus.MERGED:
            forced.append((a, b))
        elif status == PairStatus.AUTO_MERGED:
            edges.append((score, a, b))
            if (field_scores or {}).get("doi") is False:  # merged despite two DOIs: one is an error
                same.append((a, b))
        elif status in APART_STATUSES:
            apart.append((a, b))
    ids = {a for _, a, _ in edges} | {b for _, _, b in edges} | {n for pair in forced for n in pair}
    nodes: dict[int, dict[str, str]] = {}
    for pk, doi, pmid in Record.objects.filter(id__in=list(ids)).values_list("id", "doi", "pmid").iterator():
        nodes[pk] = {"doi": normalize_doi(doi), "pmid": normalize_digits(pmid)}
    return nodes, edges, forced, apart, same


@dataclass(slots=True)
class GroupChanges:
    """What one rebuild changed: groups created, joined or left by records, re-primaried, dissolved.

    Keys are group ids; values are record ids (``primary``: the old and the new primary). Detection
    writes them to the audit log as one event per run, not one per pair, so large runs stay fast.
    """

    created: dict[int, list[int]] = field(default_factory=dict)
    joined: dict[int, list[int]] = field(default_factory=dict)
    left: dict[int, list[int]] = field(default_factory=dict)
    primary: dict[int, list[int | None]] = field(default_factory=dict)  # group -> [old, new]
    dissolved: dict[int, list[int]] = field(default_factory=dict)  # group -> its former members

    def as_dict(self) -> dict[str, Any]:
        """Return the changes as a JSON-ready dict (JSON object keys are strings)."""
        return {
            "created": {str(gid): ids for gid, ids in self.created.items()},
            "joined": {str(gid): ids for gid, ids in self.joined.items()},
            "left": {str(gid): ids for gid, ids in self.left.items()},
            "primary": {str(gid): pks for gid, pks in self.primary.items()},
            "dissolved": {str(gid): ids for gid, ids in self.dissolved.items()},
        }

    def counts(self) -> dict[str, int]:
        """Return how many groups were created, joined, left, re-primaried, dissolved."""
        return {
            "groups_created": len(self.created),
            "groups_joined": len(self.joined),
            "groups_left": len(self.left),
            "groups_new_primary": len(self.primary),
            "groups_dissolved": len(self.dissolved),
            "records_joined": sum(map(len, self.joined.values())),
        }


def _note_changes(
    changes: GroupChanges, group_id: int, members: set[int], before: set[int], primaries: tuple[int | None, int]
) -> None:
    # An existing group kept: who joined, who left, and whether its primary changed.
    joined, left = sorted(members - before), sorted(before - members)
    if joined:
        changes.joined[group_id] = joined
    if left:
        changes.left[group_id] = left
    if primaries[0] != primaries[1]:
        changes.primary[group_id] = list(primaries)


def elect_primary(members: set[int], kept_primaries: list[int], screened: set[int], scores: dict[int, int]) -> int:
    """Return the member to screen for a group.

    In order: a screened former primary (largest former group first); any screened member; a former
    primary (a person may have chosen it); else the most complete record (ties: the oldest).
    """
    for candidate in kept_primaries:
        if candidate in screened:
            return candidate
    screened_members = sorted(members & screened)
    if screened_members:
        return screened_members[0]
    if kept_primaries:
        return kept_primaries[0]
    return max(sorted(members), key=lambda pk: scores.get(pk, 0))


@transaction.atomic
def groups_rebuild(review: Review, *, actor: Any = None, removing: Collection[int] = ()) -> dict[str, int]:
    """Rebuild the review's duplicate groups from its pairs; return counts of groups and transfers.

    ``removing``: records about to be deleted (an import being undone); they leave their groups and
    their screening moves to the record that replaces them as primary.
    """
    counts, _ = groups_rebuild_changes(review, actor=actor, removing=removing)
    return counts


@transaction.atomic
def groups_rebuild_changes(
    review: Review, *, actor: Any = None, removing: Collection[int] = ()
) -> tuple[dict[str, int], GroupChanges]:
    """Rebuild the groups as :func:`groups_rebuild` does; also return what changed, group by group."""
    removing = set(removing)
    nodes, edges, forced, apart, same = _merge_graph(review, removing)
    components, _refused = cluster(nodes, edges, apart, forced, same)
    current = dict(
        Record.objects.filter(review=review, duplicate_group__isnull=False).values_list("id", "duplicate_group_id")
    )
    before: dict[int, set[int]] = {}
    for pk, gid in current.items():
        before.setdefault(gid, set()).add(pk)
    primaries = dict(DuplicateGroup.objects.filter(review=review).values_list("id", "primary_id"))
    screened = screened_record_ids(review)
    scores = completeness(review, set().union(*components)) if components else {}
    assignment: dict[int, int | None] = {}
    claimed: set[int] = set()
    changes = GroupChanges()
    transfers = 0
    for members in sorted(components, key=lambda m: (-len(m), min(m))):
        former = Counter(current[pk] for pk in members if pk in current)
        group_id = next((gid for gid, _ in former.most_common() if gid not in claimed), None)
        # Former primaries of these members, including one being removed (it hands over).
        kept = [
            primaries[gid]
            for gid, _ in former.most_common()
            if primaries.get(gid) in members or primaries.get(gid) in removing
        ]
        primary = elect_primary(members, [pk for pk in kept if pk in members], screened, scores)
        transfers += _hand_over(members, kept, primary, screened, actor)
        saved = _save_group(review, group_id, primary)
        if group_id is None:
            changes.created[saved] = sorted(members)
        else:
            _note_changes(changes, group_id, members, before.get(group_id, set()), (primaries.get(group_id), primary))
        claimed.add(saved)
        assignment.update(dict.fromkeys(members, saved))
    transfers += _orphans(review, current, primaries, assignment, removing, screened, actor)
    _write_assignment(review, current, assignment, removing)
    changes.dissolved = {gid: sorted(before.get(gid, ())) for gid in sorted(set(primaries) - claimed)}
    DuplicateGroup.objects.filter(review=review).exclude(id__in=claimed).delete()
    return {"groups": len(claimed), "transfers": transfers}, changes


def _hand_over(members: set[int], kept: list[int], primary: int, screened: set[int], actor: Any) -> int:
    # Screened records of the component other than the primary give their screening to the primary:
    # two screened groups merged, or a removed primary replaced.
    givers = [pk for pk in dict.fromkeys(kept + sorted(members & screened)) if pk != primary and pk in screened]
    for giver in givers:
        transfer_screening(giver, primary, actor)
    return len(givers)


def _orphans(
    review: Review, current: dict, primaries: dict, assignment: dict, removing: set[int], screened: set[int], actor: Any
) -> int:
    # A removed, screened primary whose remaining members joined no group (one record left, or the
    # removed record was what linked them) gives its screening to the most complete of them.
    transfers = 0
    for group_id, primary in primaries.items():
        if primary not in removing or primary not in screened:
            continue
        left = [pk for pk, gid in current.items() if gid == group_id and pk not in removing]
        if left and not any(pk in assignment for pk in left):
            scores = completeness(review, left)
            transfer_screening(primary, max(sorted(left), key=lambda pk: scores.get(pk, 0)), actor)
            transfers += 1
    return transfers


def _save_group(review: Review, group_id: int | None, primary: int) -> int:
    if group_id is None:
        return DuplicateGroup.objects.create(review=review, primary_id=primary).pk
    DuplicateGroup.objects.filter(pk=group_id).exclude(primary_id=primary).update(primary_id=primary)
    return group_id


def _write_assignment(review: Review, current: dict, assignment: dict, removing: set[int]) -> None:
    changed: dict[int | None, list[int]] = {}
    for pk, group_id in assignment.items():
        if current.get(pk) != group_id:
            changed.setdefault(group_id, []).append(pk)
    for pk in current:
        if pk not in assignment:
            changed.setdefault(None, []).append(pk)
    for group_id, ids in changed.items():
        for start in range(0, len(ids), WRITE_CHUNK):
            Record.objects.filter(review=review, id__in=ids[start : start + WRITE_CHUNK]).update(
                duplicate_group_id=group_id
            )
