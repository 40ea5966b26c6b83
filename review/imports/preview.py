"""What a pending upload would import: detected format and encoding, the first records, the problems."""

from __future__ import annotations

from dataclasses import dataclass, field

from review.importers.base import ImportFormatError, ParsedRecord
from review.imports import streaming
from review.imports.services import ImportRefused, check_format, check_size
from review.models import ImportBatch

PREVIEW_RECORDS = 10
PREVIEW_NOTES = 30
TABLE_FORMATS = {"csv"}


@dataclass
class Preview:
    """The parse of a pending file as the page shows it; ``error`` is set when it cannot be imported."""

    format: str = ""
    encoding: str = ""
    total: int = 0
    estimated: bool = False
    records: list[ParsedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    more_notes: int = 0
    error: str = ""


def _read(batch: ImportBatch) -> bytes:
    with batch.original.open("rb") as handle:
        return handle.read()


def batch_preview(
    batch: ImportBatch, format: str = "auto", encoding: str = "auto", mapping: dict[str, str] | None = None
) -> Preview:
    """Parse the pending file as the import would, and return what the page shows of it.

    A large file is previewed from its first piece (see streaming.py); the total is then an estimate.
    """
    data = _read(batch)
    try:
        check_size(data, batch.filename)
        check_format(format, batch.filename)
        parts = streaming.plan(data, filename=batch.filename, format=format, encoding=encoding)
        result = streaming.parse_piece(parts[0], filename=batch.filename, mapping=mapping)
    except (ImportFormatError, ImportRefused) as exc:
        return Preview(format=format, encoding=encoding, error=str(exc))
    if not result.records:
        error = f"{batch.filename}: no record with a title, DOI or PMID ({len(result.skipped)} empty records)"
        return Preview(format=result.format, encoding=result.encoding, error=error)
    total = len(result.records)
    estimated = len(parts) > 1
    if estimated:
        total = streaming.estimate_records(data, parts[0].format) or total
    notes = len(result.warnings) + len(result.skipped)
    return Preview(
        format=result.format,
        encoding=result.encoding,
        total=total,
        estimated=estimated,
        records=result.records[:PREVIEW_RECORDS],
        warnings=result.warnings[:PREVIEW_NOTES],
        skipped=result.skipped[:PREVIEW_NOTES],
        more_notes=max(0, notes - 2 * PREVIEW_NOTES),
    )


def csv_columns_of(batch: ImportBatch, format: str = "auto", encoding: str = "auto") -> list[str] | None:
    """Return the columns of a generic table file (for the mapping form), or None for other formats."""
    from review.importers import csv_columns, decode, detect_format, xlsx

    data = _read(batch)
    try:
        if format in ("", "auto") and xlsx.is_zip(data):
            format = "csv"
        elif format in ("", "auto"):
            text, _ = decode(data, encoding, filename=batch.filename)
            format = detect_format(text.replace("\r\n", "\n"), batch.filename)
        if format not in TABLE_FORMATS:
            return None
        return list(csv_columns(data, encoding=encoding))
    except ImportFormatError:
        return None
