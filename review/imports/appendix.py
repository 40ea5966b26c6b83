"""The search appendix (PRISMA-S): every search of the review, as CSV or as Markdown text."""

from __future__ import annotations

import csv
import io

from django.template.loader import render_to_string

from review.imports.selectors import SourceRow, search_log
from review.models import Review
from review.spreadsheet import safe_cell

APPENDIX_COLUMNS = [
    "source",
    "kind",
    "interface",
    "date_run",
    "search_string",
    "filters_limits",
    "hits_reported",
    "records_imported",
    "files",
    "notes",
]


def _cells(row: SourceRow) -> list[object]:
    source = row.source
    files = "; ".join(b.filename or b.get_format_display() for b in row.batches if b.status == "done")
    return [
        source.name,
        source.get_kind_display(),
        source.interface,
        source.date_run.isoformat() if source.date_run else "",
        source.query,
        source.filters,
        "" if source.hits_reported is None else source.hits_reported,
        row.identified,
        files,
        source.notes,
    ]


def appendix_csv(review: Review) -> bytes:
    """Return the search appendix as UTF-8 CSV, one row per search, formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(APPENDIX_COLUMNS)
    for row in search_log(review):
        writer.writerow([safe_cell(value) for value in _cells(row)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def appendix_markdown(review: Review) -> bytes:
    """Return the search appendix as Markdown (readable as plain text), grouped by PRISMA 2020 column."""
    rows = search_log(review)
    groups = [
        (label, [r for r in rows if r.source.kind == kind])
        for kind, label in (("database", "Databases"), ("register", "Registers"), ("other", "Other methods"))
    ]
    text = render_to_string("review/imports/appendix.md", {"review": review, "groups": groups})
    return text.encode("utf-8")
