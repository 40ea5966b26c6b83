"""Turning parsed records into Record rows, fast: bulk inserts in chunks inside the caller's transaction."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from review.importers.base import ParsedRecord
from review.models import ImportBatch, Record, Review

log = logging.getLogger(__name__)

CHUNK = 2_000
# A batch keeps at most this many warnings for its summary page; the rest are counted.
MAX_STORED_NOTES = 2_000
Progress = Callable[[int, int, str], None]

TEXT_FIELDS = [
    "title",
    "abstract",
    "journal",
    "issn",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "language",
    "url",
    "source_database",
    "accession",
    "translated_title",
    "translated_abstract",
    "raw",
]
LIST_FIELDS = ["authors", "keywords", "mesh_terms", "publication_types"]


def _max_lengths() -> dict[str, int]:
    return {
        f.name: f.max_length
        for f in Record._meta.get_fields()
        if isinstance(f, models.CharField) and f.name in TEXT_FIELDS and f.max_length
    }


MAX_LENGTHS = _max_lengths()


def record_row(batch: ImportBatch, parsed: ParsedRecord, position: int) -> tuple[dict[str, Any], list[str]]:
    """Return the column values (by attname) of a new Record for ``parsed``, and warnings about cut values."""
    values: dict[str, Any] = {name: getattr(parsed, name) or "" for name in TEXT_FIELDS}
    notes = []
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            notes.append(f"line {parsed.line}: {name} longer than {limit} characters, cut")
            values[name] = values[name][:limit]
    for name in LIST_FIELDS:
        values[name] = list(getattr(parsed, name) or [])
    year = parsed.year if isinstance(parsed.year, int) and 0 < parsed.year < 10_000 else None
    values.update(
        review_id=batch.review_id,
        batch_id=batch.pk,
        position=position,
        year=year,
        original_values={},
        duplicate_group_id=None,
    )
    return values, notes


class _Inserter:
    """One INSERT statement executed for many rows, converting only the values that need it.

    Why not bulk_create: for ~30 columns the ORM prepares every value through the field API, which
    is most of an import's write time (the benchmark's 100,000 records); text and integers pass as they
    are, JSON goes through its field's own conversion (empty lists once), time is one value for all rows,
    and the UUIDs are made from one call to the random source per chunk.
    """

    def __init__(self) -> None:
        connection = transaction.get_connection()
        self.connection = connection
        fields = [f for f in Record._meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {quote(Record._meta.db_table)} ({columns}) VALUES ({marks})"
        self.copy_sql = (
            f"COPY {quote(Record._meta.db_table)} ({columns}) FROM STDIN" if connection.vendor == "postgresql" else ""
        )
        self.names = [f.attname for f in fields]
        self.convert = [self._converter(f) for f in fields]
        self.created_at = Record._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
        self.native_uuid = connection.features.has_native_uuid_field

    def _converter(self, field: models.Field) -> Callable[[Any], Any] | None:
        if field.attname in {"created_at", "uuid"}:
            return None
        if isinstance(field, models.JSONField):
            empty = field.get_db_prep_save(type(field.get_default())(), self.connection)
            return lambda value, field=field: field.get_db_prep_save(value, self.connection) if value else empty
        if isinstance(field, models.CharField | models.TextField | models.IntegerField | models.ForeignKey):
            return _same
        return lambda value, field=field: field.get_db_prep_save(value, self.connection)

    def insert(self, rows: list[dict[str, Any]]) -> None:
        uuids = iter(self._uuids(len(rows)))
        params = [
            tuple(
                convert(row[name]) if convert else (self.created_at if name == "created_at" else next(uuids))
                for name, convert in zip(self.names, self.convert, strict=True)
            )
            for row in rows
        ]
        with self.connection.cursor() as cursor:
            if self.copy_sql:
                # PostgreSQL's COPY streams the rows in one command: several times faster than
                # executemany's INSERT per row (bench/import.py).
                # The raw psycopg cursor bypasses Django's wrapper: re-raise errors as Django's own.
                with self.connection.wrap_database_errors, cursor.cursor.copy(self.copy_sql) as copy:
                    for row in params:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, params)

    def _uuids(self, count: int) -> list[Any]:
        """Return ``count`` random (version 4) UUIDs as the database stores them."""
        raw = bytearray(os.urandom(16 * count))
        raw[6::16] = bytes((b & 0x0F) | 0x40 for b in raw[6::16])
        raw[8::16] = bytes((b & 0x3F) | 0x80 for b in raw[8::16])
        if self.native_uuid:
            return [uuid.UUID(bytes=bytes(raw[i : i + 16])) for i in range(0, 16 * count, 16)]
        text = raw.hex()
        return [text[i : i + 32] for i in range(0, 32 * count, 32)]


def _same(value: Any) -> Any:
    return value


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Yield lists of ``size`` items (the last one shorter)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def records_write(
    *,
    batch: ImportBatch,
    records: list[ParsedRecord],
    start_position: int = 0,
    progress: Progress | None = None,
    total: int | None = None,
) -> list[str]:
    """Insert ``records`` into ``batch`` in chunks; return warnings about cut values.

    Must run inside the caller's transaction: the caller decides what is all-or-nothing.
    """
    assert transaction.get_connection().in_atomic_block, "records_write needs the caller's transaction"
    notes: list[str] = []
    done = 0
    total = total if total is not None else len(records)
    inserter = _Inserter()
    for number, chunk in enumerate(chunked(records, CHUNK)):
        rows = []
        for offset, parsed in enumerate(chunk):
            row, cut = record_row(batch, parsed, start_position + number * CHUNK + offset)
            rows.append(row)
            notes.extend(cut)
        inserter.insert(rows)
        done += len(rows)
        if progress:
            progress(start_position + done, total, f"Saved {start_position + done:,} of {total:,} records")
    return notes


def batch_notes(skipped: list[str], warnings: list[str]) -> list[dict[str, str]]:
    """Return the batch's summary notes: skipped records and warnings, each naming its line."""
    notes = [{"kind": "skipped", "message": m} for m in skipped]
    notes += [{"kind": "warning", "message": m} for m in warnings]
    if len(notes) > MAX_STORED_NOTES:
        hidden = len(notes) - MAX_STORED_NOTES
        notes = notes[:MAX_STORED_NOTES] + [{"kind": "warning", "message": f"... and {hidden:,} more"}]
    return notes


def dedup_after_commit(*, review: Review, user: Any) -> None:
    """Start duplicate detection for ``review`` once the current transaction commits."""
    transaction.on_commit(lambda: _start_detection(review, user))


def _start_detection(review: Review, user: Any) -> None:
    try:
        from review.dedup.services import detection_start
    except ModuleNotFoundError as exc:
        # Tolerated only while the deduplication feature is not installed; any other import error is a bug.
        if exc.name not in {"review.dedup", "review.dedup.services"}:
            raise
        log.info("deduplication is not available yet; not started after the import")
        return
    detection_start(review=review, user=user)
