"""Reads for the duplicate pages and for PRISMA: the queue, one pair side by side, groups, overlap."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from review.dedup.diff import Segment, diff_segments
from review.models import DuplicateGroup, DuplicatePair, PairStatus, Record, Review

# (label, Record attribute, key in DuplicatePair.field_scores)
SIDE_BY_SIDE = (
    ("Title", "title", "title"),
    ("Translated title", "translated_title", "title"),
    ("Authors", "authors", "authors"),
    ("Year", "year", "year_diff"),
    ("Journal", "journal", "journal"),
    ("ISSN", "issn", None),
    ("Volume", "volume", "volume"),
    ("Issue", "issue", "issue"),
    ("Pages", "pages", "page"),
    ("DOI", "doi", "doi"),
    ("PMID", "pmid", "pmid"),
    ("PMCID", "pmcid", "pmcid"),
    ("Accession", "accession", "accession"),
    ("Publication types", "publication_types", None),
    ("Language", "language", None),
    ("Abstract", "abstract", "abstract"),
)


def records_removed_as_duplicates(review: Review) -> int:
    """Return how many records PRISMA counts as duplicates removed: group members beyond the primary."""
    in_groups = Record.objects.filter(review=review, duplicate_group__isnull=False).count()
    groups = DuplicateGroup.objects.filter(review=review, records__isnull=False).distinct().count()
    return in_groups - groups


def _already_together() -> Q:
    # A queued pair whose records other merges already put in one group needs no decision.
    return Q(record_a__duplicate_group__isnull=False) & Q(record_a__duplicate_group=F("record_b__duplicate_group"))


def pending(review: Review) -> QuerySet[DuplicatePair]:
    """Return the possible duplicates waiting for a person (not already joined by other merges)."""
    return DuplicatePair.objects.filter(review=review, status=PairStatus.QUEUED).exclude(_already_together())


def queue(review: Review, status: str = PairStatus.QUEUED) -> QuerySet[DuplicatePair]:
    """Return the review's pairs of ``status``, strongest first, with both records loaded.

    For queued pairs, only those still waiting for a person (see :func:`pending`).
    """
    pairs = (
        pending(review) if status == PairStatus.QUEUED else DuplicatePair.objects.filter(review=review, status=status)
    )
    return pairs.select_related("record_a__batch__source", "record_b__batch__source", "decided_by").order_by(
        "-score", "id"
    )


def status_counts(review: Review) -> dict[str, int]:
    """Return the number of pairs per status, every status present (queued: still waiting)."""
    counts = dict(DuplicatePair.objects.filter(review=review).values_list("status").annotate(n=Count("id")))
    counts[PairStatus.QUEUED.value] = pending(review).count()
    return {status.value: counts.get(status.value, 0) for status in PairStatus}


def _display(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return "" if value is None else str(value)


def _similarity(pair: DuplicatePair, key: str | None) -> str:
    value = (pair.field_scores or {}).get(key) if key else None
    if value is None:
        return ""
    if key == "year_diff":
        return "same" if value == 0 else f"{value} apart"
    if isinstance(value, bool):
        return "same" if value else "differs"
    return f"{round(100 * value)}%"


@dataclass
class FieldRow:
    label: str
    left: list[Segment]
    right: list[Segment]
    similarity: str
    differs: bool = field(default=False)


def side_by_side(pair: DuplicatePair) -> list[FieldRow]:
    """Return the pair's fields as rows with per-side difference segments and the field similarity."""
    rows = []
    for label, attribute, key in SIDE_BY_SIDE:
        left = _display(getattr(pair.record_a, attribute))
        right = _display(getattr(pair.record_b, attribute))
        if not left and not right:
            continue
        seg_left, seg_right = diff_segments(left, right)
        differs = left.strip().lower() != right.strip().lower()
        rows.append(FieldRow(label, seg_left, seg_right, _similarity(pair, key), differs))
    return rows


def pair_for_review(review: Review, pair_id: int) -> DuplicatePair:
    """Return one pair of the review with its records and sources (DoesNotExist if not in the review)."""
    return DuplicatePair.objects.select_related("record_a__batch__source", "record_b__batch__source", "decided_by").get(
        review=review, pk=pair_id
    )


def group_members(group: DuplicateGroup) -> list[dict[str, Any]]:
    """Return each member with its source and how it joined (the merge pairs touching it)."""
    members = list(group.records.select_related("batch__source").order_by("id"))
    ids = [m.pk for m in members]
    pairs = (
        DuplicatePair.objects.filter(record_a_id__in=ids, record_b_id__in=ids)
        .filter(status__in=[PairStatus.AUTO_MERGED, PairStatus.MERGED])
        .select_related("decided_by")
    )
    links: dict[int, list[DuplicatePair]] = defaultdict(list)
    for pair in pairs:
        links[pair.record_a_id].append(pair)
        links[pair.record_b_id].append(pair)
    return [{"record": m, "is_primary": m.pk == group.primary_id, "links": links[m.pk]} for m in members]


def related_pairs(review: Review, record: Record) -> QuerySet[DuplicatePair]:
    """Return the "related, not duplicate" links of a record (errata, preprints, translations...)."""
    return (
        DuplicatePair.objects.filter(review=review, status=PairStatus.RELATED)
        .filter(Q(record_a=record) | Q(record_b=record))
        .select_related("record_a", "record_b")
    )


def overlap_table(review: Review) -> dict[str, Any]:
    """Return, per source, records found, reports (after deduplication) found, unique to it and shared;
    and the number of reports each pair of sources shares.

    A report is a duplicate group or a record in no group. Sources are the review's search sources.
    """
    unit_sources: dict[tuple[str, int], set[str]] = defaultdict(set)
    records_per_source: dict[str, int] = defaultdict(int)
    rows = Record.objects.filter(review=review).values_list("id", "duplicate_group_id", "batch__source__name")
    for pk, group_id, source in rows.iterator(chunk_size=5000):
        unit = ("g", group_id) if group_id else ("r", pk)
        unit_sources[unit].add(source)
        records_per_source[source] += 1
    names = sorted(records_per_source)
    table = {
        name: {"source": name, "records": records_per_source[name], "reports": 0, "unique": 0, "shared": 0}
        for name in names
    }
    matrix = {a: dict.fromkeys(names, 0) for a in names}
    for sources in unit_sources.values():
        for name in sources:
            table[name]["reports"] += 1
            table[name]["unique" if len(sources) == 1 else "shared"] += 1
            for other in sources:
                matrix[name][other] += 1
    return {
        "sources": [table[n] for n in names],
        "names": names,
        "matrix": [{"source": a, "counts": [matrix[a][b] for b in names]} for a in names],
        "records": sum(records_per_source.values()),
        "reports": len(unit_sources),
    }
