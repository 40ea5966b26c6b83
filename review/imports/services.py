"""Importing files into a source, and undoing an import. Every import is all-or-nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from review.audit import audit_record
from review.importers.base import ImportFormatError, ParseResult
from review.imports import parse_worker, streaming
from review.imports.writing import MAX_LENGTHS, Progress, batch_notes, dedup_after_commit, rows_write
from review.models import DuplicateGroup, ImportBatch, ImportStatus, Record, Source

log = logging.getLogger(__name__)


class ImportRefused(Exception):
    """An import the product will not run (limits, empty file, screened records): a message for people."""


def import_limits() -> tuple[int, int]:
    """Return the largest file (bytes) and the most records one import may bring."""
    return settings.IMPORT_MAX_FILE_BYTES, settings.IMPORT_MAX_RECORDS


def parse_upload(
    *, data: bytes, filename: str, format: str = "auto", encoding: str = "auto", mapping: dict[str, str] | None = None
) -> ParseResult:
    """Parse a whole file after checking it against the limits; return its records (for dry runs).

    Raises ImportRefused (too large, empty, too many records, nothing identifiable) or ImportFormatError
    (unknown format or encoding, or a file unreadable as its format, naming file, line and reason).
    """
    from review.importers import parse_bytes

    check_size(data, filename)
    check_format(format, filename)
    _, max_records = import_limits()
    result = parse_bytes(data, filename=filename, format=format or "auto", encoding=encoding or "auto", mapping=mapping)
    if len(result.records) > max_records:
        raise ImportRefused(
            f"{filename or 'The file'} holds {len(result.records):,} records; the limit is "
            f"{max_records:,} per import (IMPORT_MAX_RECORDS). Split the export."
        )
    if not result.records:
        why = f" ({len(result.skipped)} empty records skipped)" if result.skipped else ""
        raise ImportRefused(f"{filename or 'The file'} holds no record with a title, DOI or PMID{why}.")
    return result


def record_import(
    *,
    source: Source,
    user: Any,
    data: bytes,
    filename: str,
    format: str = "auto",
    encoding: str = "auto",
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportBatch:
    """Parse ``data`` and write all its records into a new batch of ``source`` in one transaction.

    Returns the finished batch. On any error nothing is left behind (no batch, no records, no file).
    """
    check_size(data, filename)
    batch = ImportBatch(
        review_id=source.review_id,
        source=source,
        filename=filename[:255],
        format=format,
        encoding="",
        status=ImportStatus.RUNNING,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            batch.original.save(_stored_name(filename), ContentFile(data), save=False)
            batch.save()
            _import_into(batch, data, user, format=format, encoding=encoding, mapping=mapping, progress=progress)
    except BaseException:
        if batch.original:
            batch.original.delete(save=False)
        raise
    return batch


def check_size(data: bytes, filename: str) -> None:
    """Refuse a file over IMPORT_MAX_FILE_BYTES, or an empty one."""
    max_bytes, _ = import_limits()
    if len(data) > max_bytes:
        raise ImportRefused(
            f"{filename or 'The file'} is {len(data):,} bytes; the limit is {max_bytes:,} bytes "
            "(IMPORT_MAX_FILE_BYTES). Split the export into smaller files."
        )
    if not data or data.isspace():  # not data.strip(): that would copy a file of hundreds of MB
        raise ImportRefused(f"{filename or 'The file'} is empty.")


def check_format(format: str, filename: str) -> None:
    """Refuse a format name the importers do not know, listing those they do."""
    from review.importers import FORMATS

    if format not in ("", "auto") and format not in FORMATS:
        accepted = ", ".join(sorted(FORMATS))
        raise ImportFormatError(f"unknown format {format!r}; accepted formats: auto, {accepted}", filename=filename)


def _import_into(
    batch: ImportBatch,
    data: bytes,
    user: Any,
    *,
    format: str,
    encoding: str,
    mapping: dict[str, str] | None,
    progress: Progress | None,
) -> None:
    """Parse ``data`` piece by piece and write each piece's records (inside the caller's transaction)."""
    check_format(format, batch.filename)
    _, max_records = import_limits()
    parts = streaming.plan(data, filename=batch.filename, format=format or "auto", encoding=encoding or "auto")
    expected: int | None = None
    skipped: list[str] = []
    warnings: list[str] = []
    imported = 0
    if progress:
        progress(0, 0, f"Reading {batch.filename}")
    for piece in _pieces(batch, parts, mapping):
        if len(parts) > 1 and expected is None:
            # Counted once the parsing processes run (it reads the whole file), not before they start.
            expected = streaming.estimate_records(data, parts[0].format)
        if imported + len(piece.rows) > max_records:
            count = f"{imported + len(piece.rows):,}" if len(parts) == 1 else f"at least {max_records + 1:,}"
            raise ImportRefused(
                f"{batch.filename or 'The file'} holds {count} records; the limit "
                f"is {max_records:,} per import (IMPORT_MAX_RECORDS). Split the export."
            )
        batch.format, batch.encoding = piece.format, piece.encoding
        if progress:
            progress(imported, expected or len(piece.rows), f"Saving {len(piece.rows):,} records")
        total = expected or imported + len(piece.rows)
        rows_write(batch=batch, rows=piece.rows, start_position=imported, progress=progress, total=total)
        warnings += [*piece.warnings, *piece.cut]
        skipped += piece.skipped
        imported += len(piece.rows)
    if not imported:
        why = f" ({len(skipped)} empty records skipped)" if skipped else ""
        raise ImportRefused(f"{batch.filename or 'The file'} holds no record with a title, DOI or PMID{why}.")
    _finish(batch, user, imported, skipped, warnings)


def _pieces(
    batch: ImportBatch, parts: list[streaming.Piece], mapping: dict[str, str] | None
) -> Iterator[streaming.PieceRows]:
    """Yield the parsed pieces as rows: from parsing processes running ahead when the file is large, else here."""
    if len(parts) > 1 and getattr(settings, "IMPORT_PARSE_WORKER", True) and _local_path(batch):
        stats: dict[str, float] = {}
        yield from parse_worker.parsed_pieces(
            _local_path(batch),
            parts,
            filename=batch.filename,
            mapping=mapping,
            limits=MAX_LENGTHS,
            workers=settings.IMPORT_PARSE_WORKERS,
            stats=stats,
        )
        batch.state = {**batch.state, "parse_worker_peak_mb": stats.get("peak_mb", 0)}  # shown by the benchmark
        return
    for part in parts:
        yield streaming.parse_piece_rows(part, filename=batch.filename, mapping=mapping, limits=MAX_LENGTHS)


def _local_path(batch: ImportBatch) -> str:
    try:
        return batch.original.path if batch.original else ""
    except NotImplementedError:  # a storage without local files: parse in this process
        return ""


def batch_upload(*, source: Source, user: Any, data: bytes, filename: str) -> ImportBatch:
    """Keep an uploaded file as a pending batch of ``source`` (previewed, then committed or discarded)."""
    check_size(data, filename)
    batch = ImportBatch(
        review_id=source.review_id,
        source=source,
        filename=filename[:255],
        format="auto",
        status=ImportStatus.PENDING,
        created_by=user,
    )
    batch.original.save(_stored_name(filename), ContentFile(data), save=False)
    batch.save()
    return batch


def batch_commit(
    *,
    batch_id: int,
    user: Any,
    format: str = "auto",
    encoding: str = "auto",
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportBatch:
    """Import a pending batch's file in one transaction; safe to run twice (a done batch is left alone).

    On failure the batch is marked failed with the reason (file, line, why) and holds no record.
    """
    batch = ImportBatch.objects.select_related("source").get(pk=batch_id)
    runnable = {ImportStatus.PENDING, ImportStatus.RUNNING}
    if not ImportBatch.objects.filter(pk=batch_id, status__in=runnable).update(status=ImportStatus.RUNNING):
        return batch
    try:
        if progress:
            progress(0, 0, f"Reading {batch.filename}")
        with batch.original.open("rb") as handle:
            data = handle.read()
        check_size(data, batch.filename)
        with transaction.atomic():
            _import_into(batch, data, user, format=format, encoding=encoding, mapping=mapping, progress=progress)
    except (ImportFormatError, ImportRefused) as exc:
        ImportBatch.objects.filter(pk=batch_id).update(status=ImportStatus.FAILED, error=str(exc))
        raise
    except Exception as exc:
        ImportBatch.objects.filter(pk=batch_id).update(status=ImportStatus.FAILED, error=f"Unexpected error: {exc}")
        raise
    return batch


def batch_discard(*, batch: ImportBatch, user: Any) -> None:
    """Forget a pending upload that was never committed (its file too)."""
    if batch.status != ImportStatus.PENDING:
        raise ImportRefused("Only a file waiting for confirmation can be discarded; undo an import instead.")
    if batch.original:
        batch.original.delete(save=False)
    batch.delete()


def _finish(batch: ImportBatch, user: Any, imported: int, skipped: list[str], warnings: list[str]) -> None:
    batch.status = ImportStatus.DONE
    batch.records_imported = imported
    batch.records_skipped = len(skipped)
    batch.warnings = batch_notes(skipped, warnings)
    batch.error = ""
    batch.save()
    audit_record(
        actor=user,
        action="import.file",
        obj=batch,
        review=batch.review,
        after={
            "source": batch.source.name,
            "filename": batch.filename,
            "format": batch.format,
            "encoding": batch.encoding,
            "records": batch.records_imported,
            "skipped": batch.records_skipped,
        },
    )
    dedup_after_commit(review=batch.review, user=user)


def _stored_name(filename: str) -> str:
    base = (filename or "upload").replace("/", "_").replace("\\", "_")[-120:]
    return f"{timezone.now():%Y%m%d-%H%M%S}-{base}"


def screened_record_count(batch: ImportBatch) -> int:
    """Return how many of the batch's records carry a screening decision (0 without the screening app)."""
    try:
        decision = apps.get_model("screening", "Decision")
    except LookupError:
        return 0
    return decision.objects.filter(record__batch=batch).values("record_id").distinct().count()


def batch_undo(*, batch: ImportBatch, user: Any) -> int:
    """Delete every record a batch brought, unless one was screened; return how many were removed."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("source").get(pk=batch.pk)
        if batch.status not in {ImportStatus.DONE, ImportStatus.FAILED}:
            raise ImportRefused(f"This import is {batch.get_status_display().lower()}; it cannot be undone.")
        screened = screened_record_count(batch)
        if screened:
            raise ImportRefused(
                f"{screened:,} records of this import have screening decisions; "
                "an import can only be undone before screening starts."
            )
        _release_duplicate_groups(batch)
        count = batch.records.count()
        batch.records.all().delete()
        before = {"records": count, "status": batch.status}
        batch.status, batch.undone_at = ImportStatus.UNDONE, timezone.now()
        batch.save(update_fields=["status", "undone_at"])
        audit_record(
            actor=user,
            action="import.undo",
            obj=batch,
            review=batch.review,
            before=before,
            after={"records": 0, "status": batch.status},
        )
    return count


def _release_duplicate_groups(batch: ImportBatch) -> None:
    """Keep duplicate groups valid when some of their records go: a new primary, or no group at all."""
    group_ids = set(batch.records.exclude(duplicate_group=None).values_list("duplicate_group_id", flat=True))
    for group in DuplicateGroup.objects.filter(pk__in=group_ids):
        staying = Record.objects.filter(duplicate_group=group).exclude(batch=batch).order_by("id")
        remaining = list(staying.values_list("id", flat=True)[:2])
        if len(remaining) < 2:
            staying.update(duplicate_group=None)
            Record.objects.filter(duplicate_group=group).update(duplicate_group=None)
            group.delete()
        elif group.primary_id not in set(staying.values_list("id", flat=True)):
            group.primary_id = remaining[0]
            group.save(update_fields=["primary"])
