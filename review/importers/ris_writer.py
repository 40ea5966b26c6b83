"""Write records as RIS, with standard tags only, so any reference manager (and our own reader) reads them.

Tags: TY, TI, T2 (and JO), AU, PY, VL, IS, SP/EP, DO, AN, AB, KW, N1, UR, SN, LA, DB. A value never spans
lines: line breaks inside a value become spaces, since an untagged line would be read as a continuation.
"""

from __future__ import annotations

from collections.abc import Iterable

from .base import ParsedRecord
from .normalise import clean

# Publication types we can name with an RIS type code; everything else is JOUR (the common case).
_TYPE_CODES = {
    "book": "BOOK",
    "book section": "CHAP",
    "chapter": "CHAP",
    "thesis": "THES",
    "report": "RPRT",
    "conference paper": "CPAPER",
    "conference proceeding": "CONF",
    "web page": "ELEC",
    "dataset": "DATA",
}


def _type_code(record: ParsedRecord) -> str:
    for kind in record.publication_types:
        code = _TYPE_CODES.get(kind.strip().lower())
        if code:
            return code
    return "JOUR"


def _line(tag: str, value: object) -> str:
    return f"{tag}  - {clean(str(value))}"


def _page_lines(pages: str) -> list[str]:
    start, sep, end = pages.partition("-")
    if sep and start.strip() and end.strip():
        return [_line("SP", start), _line("EP", end)]
    return [_line("SP", pages)] if pages.strip() else []


def record_to_ris(record: ParsedRecord, notes: Iterable[str] = ()) -> str:
    """Return one record as RIS text, ending with its "ER  - " line."""
    lines = [_line("TY", _type_code(record))]
    pairs: list[tuple[str, object]] = [("TI", record.title)]
    pairs += [("AU", author) for author in record.authors]
    pairs += [
        ("T2", record.journal),
        ("JO", record.journal),
        ("PY", record.year or ""),
        ("VL", record.volume),
        ("IS", record.issue),
    ]
    lines += [_line(tag, value) for tag, value in pairs if clean(str(value))]
    lines += _page_lines(record.pages)
    more: list[tuple[str, object]] = [
        ("SN", record.issn),
        ("DO", record.doi),
        ("AN", record.accession),
        ("AB", record.abstract),
    ]
    more += [("KW", keyword) for keyword in record.keywords]
    more += [("N1", note) for note in notes]
    more += [("UR", record.url), ("LA", record.language), ("DB", record.source_database)]
    lines += [_line(tag, value) for tag, value in more if clean(str(value))]
    lines.append("ER  - ")
    return "\n".join(lines)


def records_to_ris(records: Iterable[ParsedRecord], extra_notes: dict[int, list[str]] | None = None) -> str:
    """Return the records as one RIS file (blank line between records).

    ``extra_notes`` maps the position of a record (0-based) to notes written as N1 lines, such as a
    screening decision or a label in an export.
    """
    extra_notes = extra_notes or {}
    parts = [record_to_ris(record, extra_notes.get(index, ())) for index, record in enumerate(records)]
    return "\n\n".join(parts) + ("\n" if parts else "")
