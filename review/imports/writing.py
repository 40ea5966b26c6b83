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
from review.imports.streaming import ROW_FIELDS, TEXT_FIELDS, row_maker
from review.models import ImportBatch, Record, Review

log = logging.getLogger(__name__)

CHUNK = 2_000
# A batch keeps at most this many warnings for its summary page; the rest are counted.
MAX_STORED_NOTES = 2_000
Progress = Callable[[int, int, str], None]
# The columns a batch fills for every row, after streaming.ROW_FIELDS (those parsing fills).
BATCH_FIELDS = ("uuid", "position", "review_id", "batch_id", "created_at", "original_values", "duplicate_group_id")


def _max_lengths() -> dict[str, int]:
    return {
        f.name: f.max_length
        for f in Record._meta.get_fields()
        if isinstance(f, models.CharField) and f.name in TEXT_FIELDS and f.max_length
    }


MAX_LENGTHS = _max_lengths()


class _Inserter:
    """One INSERT (COPY on PostgreSQL) for many rows made by ``streaming.row_maker``.

    Why not bulk_create: for ~30 columns the ORM prepares every value through the field API, which was
    most of an import's write time (the benchmark's 100,000 records). The rows arrive ready (text, JSON
    text, year), from the parse worker for large files, so this process only adds the batch's columns:
    the position, a UUID (one call to the random source per chunk) and values shared by every row.
    """

    def __init__(self, batch: ImportBatch) -> None:
        connection = transaction.get_connection()
        self.connection = connection
        fields = [Record._meta.get_field(name) for name in (*ROW_FIELDS, *BATCH_FIELDS)]
        unfilled = {f.attname for f in Record._meta.concrete_fields if not f.primary_key} - {f.attname for f in fields}
        assert not unfilled, f"Record columns the import does not fill: {sorted(unfilled)}"
        quote = connection.ops.quote_name
        table, columns = quote(Record._meta.db_table), ", ".join(quote(f.column) for f in fields)
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN" if connection.vendor == "postgresql" else ""
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        created_at = Record._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
        # JSON columns take JSON text on both databases (COPY reads it as jsonb input).
        self.tail = (batch.review_id, batch.pk, created_at, "{}", None)
        self.uuid_objects = connection.features.has_native_uuid_field and not self.copy_sql

    def insert(self, rows: list[tuple[Any, ...]], start_position: int) -> None:
        tail = self.tail
        positions = range(start_position, start_position + len(rows))
        params = [(*row, uid, at, *tail) for row, uid, at in zip(rows, self._uuids(len(rows)), positions, strict=True)]
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
        """Return ``count`` random (version 4) UUIDs as the database takes them (32 hex digits unless native)."""
        raw = bytearray(os.urandom(16 * count))
        raw[6::16] = bytes((b & 0x0F) | 0x40 for b in raw[6::16])
        raw[8::16] = bytes((b & 0x3F) | 0x80 for b in raw[8::16])
        if self.uuid_objects:
            return [uuid.UUID(bytes=bytes(raw[i : i + 16])) for i in range(0, 16 * count, 16)]
        text = raw.hex()
        return [text[i : i + 32] for i in range(0, 32 * count, 32)]


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Yield lists of ``size`` items (the last one shorter)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def rows_write(
    *,
    batch: ImportBatch,
    rows: list[tuple[Any, ...]],
    start_position: int = 0,
    progress: Progress | None = None,
    total: int | None = None,
) -> None:
    """Insert rows (the values of streaming.ROW_FIELDS) into ``batch`` in chunks, numbered from ``start_position``.

    Must run inside the caller's transaction: the caller decides what is all-or-nothing.
    """
    assert transaction.get_connection().in_atomic_block, "rows_write needs the caller's transaction"
    total = total if total is not None else start_position + len(rows)
    inserter = _Inserter(batch)
    done = start_position
    for chunk in chunked(rows, CHUNK):
        inserter.insert(chunk, done)
        done += len(chunk)
        if progress:
            progress(done, total, f"Saved {done:,} of {total:,} records")


def records_write(
    *,
    batch: ImportBatch,
    records: list[ParsedRecord],
    start_position: int = 0,
    progress: Progress | None = None,
    total: int | None = None,
) -> list[str]:
    """Insert ``records`` into ``batch`` in chunks; return warnings about values cut to their column.

    Must run inside the caller's transaction: the caller decides what is all-or-nothing.
    """
    cut: list[str] = []
    values = row_maker(MAX_LENGTHS)
    rows = [values(record, cut) for record in records]
    rows_write(batch=batch, rows=rows, start_position=start_position, progress=progress, total=total)
    return cut


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
