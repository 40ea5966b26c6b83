"""Writes a lead makes by hand: logging searches (sources) and correcting a record's metadata."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from review.audit import audit_record, snapshot
from review.models import Record, Review, Source
from review.models.records import BIBLIOGRAPHIC_FIELDS

SOURCE_FIELDS = ["kind", "name", "interface", "date_run", "query", "filters", "hits_reported", "notes"]
# A lead corrects what the record says, not where it came from (database, accession), nor the MeSH
# terms the form does not show; the list fields are edited as one value per line.
NOT_CORRECTABLE = frozenset({"mesh_terms", "source_database", "accession"})
CORRECTABLE_FIELDS = [name for name in BIBLIOGRAPHIC_FIELDS if name not in NOT_CORRECTABLE]


def unique_source_name(review: Review, name: str) -> str:
    """Return ``name``, or ``name (2)``, ``name (3)``... if the review already has a source called so."""
    taken = set(review.sources.values_list("name", flat=True))
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


@transaction.atomic
def source_create(
    *,
    review: Review,
    user: Any,
    name: str,
    kind: str = "database",
    interface: str = "",
    date_run: date | None = None,
    query: str = "",
    filters: str = "",
    hits_reported: int | None = None,
    notes: str = "",
) -> Source:
    """Log a search of the review (a source) and return it."""
    if review.sources.filter(name=name).exists():
        raise ValidationError({"name": f"This review already has a source called {name!r}."})
    source = Source.objects.create(
        review=review,
        kind=kind,
        name=name,
        interface=interface,
        date_run=date_run,
        query=query,
        filters=filters,
        hits_reported=hits_reported,
        notes=notes,
    )
    audit_record(actor=user, action="source.create", obj=source, review=review, after=snapshot(source, SOURCE_FIELDS))
    return source


@transaction.atomic
def source_update(*, source: Source, user: Any, **changes: Any) -> Source:
    """Change a source's search details; the audit log keeps the values before and after."""
    unknown = set(changes) - set(SOURCE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown source fields: {', '.join(sorted(unknown))}.")
    if "name" in changes and source.review.sources.exclude(pk=source.pk).filter(name=changes["name"]).exists():
        raise ValidationError({"name": f"This review already has a source called {changes['name']!r}."})
    changed = [name for name, value in changes.items() if getattr(source, name) != value]
    if not changed:
        return source
    before = snapshot(source, changed)
    for name in changed:
        setattr(source, name, changes[name])
    source.save(update_fields=changed)
    audit_record(
        actor=user,
        action="source.update",
        obj=source,
        review=source.review,
        before=before,
        after=snapshot(source, changed),
    )
    return source


@transaction.atomic
def record_correct(*, record: Record, user: Any, **changes: Any) -> Record:
    """Correct a record's metadata, keeping each field's imported value in ``original_values`` (audited).

    Returns the record. Setting a field back to its imported value drops it from ``original_values``.
    """
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be corrected: {', '.join(sorted(unknown))}.")
    record = Record.objects.select_for_update().get(pk=record.pk)
    changed = [name for name, value in changes.items() if getattr(record, name) != value]
    if not changed:
        return record
    before = snapshot(record, changed)
    originals = dict(record.original_values)
    for name in changed:
        originals.setdefault(name, before[name])
        setattr(record, name, changes[name])
        if originals[name] == changes[name]:
            del originals[name]
    record.original_values = originals
    record.full_clean(exclude=["review", "batch", "duplicate_group", "uuid"])
    record.save(update_fields=[*changed, "original_values"])
    audit_record(
        actor=user,
        action="record.correct",
        obj=record,
        review=record.review,
        before=before,
        after=snapshot(record, changed),
    )
    return record
