"""Reads of the import feature: the search log, the records list, and the sets of records to export."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from review.jobs import job_with_live_progress
from review.models import ImportBatch, ImportStatus, Job, Record, Review, Source

LIVE_BATCH = ~Q(batch__status__in=[ImportStatus.UNDONE, ImportStatus.PENDING])


@dataclass
class SourceRow:
    """A search of the log with what was actually imported from it."""

    source: Source
    identified: int
    batches: list[ImportBatch]

    @property
    def differs(self) -> bool:
        """Return True when the database reported a different number of hits than were imported."""
        return self.source.hits_reported is not None and self.source.hits_reported != self.identified


def search_log(review: Review) -> list[SourceRow]:
    """Return each source of the review with its imports and the records identified through it."""
    sources = review.sources.annotate(
        identified=Sum("batches__records_imported", filter=Q(batches__status__in=_counted_statuses()))
    ).order_by("created_at", "id")
    batches: dict[int, list[ImportBatch]] = {}
    for batch in review.import_batches.order_by("created_at", "id"):
        batches.setdefault(batch.source_id, []).append(batch)
    return [SourceRow(s, s.identified or 0, batches.get(s.pk, [])) for s in sources]


def _counted_statuses() -> list[str]:
    # A failed PubMed run keeps the records it committed before failing; they count until undone.
    return [ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.RUNNING]


def review_records(review: Review, *, query: str = "", source_id: int | None = None) -> QuerySet[Record]:
    """Return the review's records, filtered by a text (title, author, DOI, PMID) and a source."""
    records = Record.objects.filter(review=review).filter(LIVE_BATCH)
    if source_id:
        records = records.filter(batch__source_id=source_id)
    query = query.strip()
    if query:
        doi = query.lower().removeprefix("https://doi.org/")
        # Authors are JSON: SQLite keeps non-ASCII letters \u-escaped in it, PostgreSQL as they are.
        escaped = json.dumps(query)[1:-1]
        records = records.filter(
            Q(title__icontains=query)
            | Q(authors__icontains=query)
            | Q(authors__icontains=escaped)
            | Q(doi=doi)
            | Q(pmid=query)
            | Q(translated_title__icontains=query)
        )
    return (
        records.select_related("batch__source", "duplicate_group")
        .annotate(group_size=Count("duplicate_group__records"))
        .order_by("id")
    )


def group_members(record: Record) -> QuerySet[Record]:
    """Return the other records of ``record``'s duplicate group (none when it has no group)."""
    if record.duplicate_group_id is None:
        return Record.objects.none()
    return (
        Record.objects.filter(duplicate_group_id=record.duplicate_group_id)
        .exclude(pk=record.pk)
        .select_related("batch__source")
        .order_by("id")
    )


# ---- export sets ------------------------------------------------------------------------------------

ExportSet = Callable[[Review], QuerySet[Record]]


def _all_records(review: Review) -> QuerySet[Record]:
    return Record.objects.filter(review=review).filter(LIVE_BATCH)


# Which sets of records can be exported: key -> (label, function). The screening feature adds its
# sets here ("included:title_abstract", "excluded:full_text", ...) from its AppConfig.ready().
EXPORT_SETS: dict[str, tuple[str, ExportSet]] = {
    "all": ("All records", _all_records),
}


def export_set_choices() -> list[tuple[str, str]]:
    """Return (key, label) of every export set, "all" first."""
    return [(key, label) for key, (label, _) in EXPORT_SETS.items()]


def records_for_export(review: Review, which: str = "all") -> QuerySet[Record]:
    """Return the records of export set ``which`` in file order, or raise KeyError naming the sets."""
    try:
        _, chooser = EXPORT_SETS[which]
    except KeyError:
        raise KeyError(f"unknown record set {which!r}; known: {', '.join(EXPORT_SETS)}") from None
    return chooser(review).select_related("batch__source").order_by("batch_id", "position", "id")


@dataclass
class Annotation:
    """What a review decided about a record, written into exports (RIS N1/KW, EndNote notes/labels)."""

    stage: str = ""
    decisions: list[str] = field(default_factory=list)
    exclusion_reason: str = ""
    labels: list[str] = field(default_factory=list)

    def notes(self) -> list[str]:
        """Return the annotation as lines of a note."""
        lines = [f"Stage: {self.stage}"] if self.stage else []
        lines += [f"Decision: {d}" for d in self.decisions]
        if self.exclusion_reason:
            lines.append(f"Exclusion reason: {self.exclusion_reason}")
        return lines


# Functions (review, record ids) -> {record id: Annotation}. The screening feature registers one that
# follows its blind rules; without it exports carry the bibliographic data only.
Annotator = Callable[[Review, list[int]], dict[int, Annotation]]
EXPORT_ANNOTATORS: list[Annotator] = []


def record_annotations(review: Review, record_ids: list[int]) -> dict[int, Annotation]:
    """Return the merged annotations of every registered annotator for ``record_ids``."""
    merged: dict[int, Annotation] = {}
    for annotate in EXPORT_ANNOTATORS:
        for record_id, note in annotate(review, record_ids).items():
            into = merged.setdefault(record_id, Annotation())
            into.stage = note.stage or into.stage
            into.decisions += note.decisions
            into.exclusion_reason = note.exclusion_reason or into.exclusion_reason
            into.labels += [label for label in note.labels if label not in into.labels]
    return merged


def batch_job(batch: ImportBatch) -> Job | None:
    """Return the latest job that ran (or runs) ``batch``, if any, with its live progress."""
    kinds = ["file_import", "pubmed_import"]
    job = batch.review.jobs.filter(kind__in=kinds, params__batch_id=batch.pk).order_by("-created_at", "-id").first()
    return job_with_live_progress(job)
