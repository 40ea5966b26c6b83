"""Tables: CSV/TSV (any delimiter) and XLSX, mapped onto records by a recognised layout or a user mapping.

Read with the csv module rather than pandas: it reports on which line each row starts (quoted cells may
span lines), keeps every cell as text, and streams. Embase CSV starts with a "SEARCH QUERY" preamble and a
dashed line; CINAHL writes Excel-style ``="19326203"`` cells; Scopus cells can exceed csv's default size
limit (its References column), so the limit is raised.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable, Iterator

from .base import LIST_FIELDS, ImportFormatError, ParsedRecord
from .csv_layouts import FIELDS, TableLayout, from_mapping, recognise
from .normalise import pages, parse_year, split_values

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
_DELIMITERS = (",", ";", "\t", "|")
_EXCEL_TEXT = re.compile(r'^="(.*)"$', re.DOTALL)

Rows = Iterator[tuple[int, list[str], str]]


def _skip_preamble(lines: list[str]) -> int:
    """Return the index of the header line: after Embase's "SEARCH QUERY" preamble, else the first line."""
    if lines and lines[0].lstrip('"').upper().startswith("SEARCH QUERY"):
        for index, line in enumerate(lines[1:], start=1):
            if line.startswith("---"):
                index += 1
                while index < len(lines) and not lines[index].strip():
                    index += 1
                return index
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def rows(text: str, *, filename: str = "") -> tuple[list[str], Rows]:
    """Return the header and an iterator of (1-based line, cells, verbatim text) for a delimited table."""
    lines = text.split("\n")
    start = _skip_preamble(lines)
    if start >= len(lines):
        return [], iter(())
    reader = csv.reader(iter(lines[start:]), delimiter=_delimiter(lines[start]))
    header = [cell.strip() for cell in next(reader, [])]

    def body() -> Rows:
        previous = reader.line_num
        try:
            for cells in reader:
                line = start + previous + 1
                raw = "\n".join(lines[line - 1 : start + reader.line_num])
                previous = reader.line_num
                if any(cell.strip() for cell in cells):
                    yield line, cells, raw
        except csv.Error as error:
            raise ImportFormatError(f"CSV error: {error}", filename=filename, line=start + previous + 1) from None

    return header, body()


def _cell(value: str) -> str:
    match = _EXCEL_TEXT.match(value.strip())
    return match.group(1) if match else value.strip()


def _first(row: dict[str, str], columns: tuple[str, ...]) -> str:
    return next((row[column] for column in columns if row.get(column)), "")


def to_record(row: dict[str, str], layout: TableLayout, *, line: int, raw: str) -> ParsedRecord:
    """Map one row (keys lower-cased) onto a ParsedRecord following the layout."""
    record = ParsedRecord(line=line, raw=raw, source_database=layout.source_database)
    for name, columns in layout.columns.items():
        values = [row.get(column, "") for column in columns]
        if name == "authors":
            # PubMed's comma-separated list ends with a full stop ("..., O'Connor RE.").
            trail = "." if layout.author_separator == "," else ""
            record.authors = [a.rstrip(trail) for v in values for a in split_values(v, layout.author_separator)]
        elif name in LIST_FIELDS:
            setattr(record, name, [item for v in values for item in split_values(v, layout.list_separator)])
        elif name == "year":
            date = _first(row, columns)
            record.year = parse_year(date)
            if date and record.year is None:
                record.warnings.append(f"no year in {date!r}")
        elif name not in ("start_page", "end_page"):
            setattr(record, name, _first(row, columns))
    start = _first(row, layout.columns.get("start_page", ()))
    if start:
        record.pages = pages(start, _first(row, layout.columns.get("end_page", ())))
    if layout.fix is not None:
        layout.fix(record, row)
    return record


def choose_layout(header: list[str], mapping: dict[str, str] | None, *, filename: str = "") -> TableLayout:
    """Return the user's mapping as a layout, or the recognised layout; refuse an unknown header."""
    if mapping:
        unknown = sorted(set(mapping) - set(FIELDS))
        missing = sorted(
            c for c in mapping.values() if c and c.strip().lower() not in {h.strip().lower() for h in header}
        )
        if unknown or missing:
            raise ImportFormatError(
                (
                    f"unknown fields in the mapping: {', '.join(unknown)} (fields: {', '.join(FIELDS)}). "
                    if unknown
                    else ""
                )
                + (f"columns not in the file: {', '.join(missing)}" if missing else ""),
                filename=filename,
                line=1,
            )
        return from_mapping(mapping)
    layout = recognise(header)
    if layout is None:
        raise ImportFormatError(
            "unknown table layout: map its columns to fields (title, abstract, authors, year, journal, doi, "
            f"pmid, ...). Columns found: {', '.join(h for h in header if h) or '(none)'}",
            filename=filename,
            line=1,
        )
    return layout


def records(
    header: list[str], body: Iterable[tuple[int, list[str], str]], layout: TableLayout
) -> Iterator[ParsedRecord]:
    """Yield a record per row of (line, cells, verbatim text)."""
    keys = [h.strip().lower() for h in header]
    for line, cells, raw in body:
        row = {key: _cell(cell) for key, cell in zip(keys, cells, strict=False) if key}
        record = to_record(row, layout, line=line, raw=raw)
        if len(cells) > len(keys):
            record.warnings.append(f"{len(cells)} cells where the header has {len(keys)} columns")
        yield record


def parse(
    text: str, *, filename: str = "", mapping: dict[str, str] | None = None, require: str = ""
) -> Iterator[ParsedRecord]:
    """Yield the records of a delimited table. ``require`` names a layout the header must match."""
    header, body = rows(text, filename=filename)
    if not any(header):
        raise ImportFormatError("the table has no header row", filename=filename, line=1)
    layout = choose_layout(header, mapping, filename=filename)
    if require and layout.name != require:
        raise ImportFormatError(
            f"not a {require} CSV export (columns found: {', '.join(header)})", filename=filename, line=1
        )
    yield from records(header, body, layout)


def columns(text: str) -> list[str]:
    """Return the header of a delimited table (after any Embase preamble)."""
    header, _ = rows(text)
    return header
