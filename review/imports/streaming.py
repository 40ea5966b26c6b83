"""Parsing a large file piece by piece, so an import's memory stays flat.

A 100,000-record export is 300-500 MB; parsed whole it holds the bytes, the decoded text and every record at
once (1.7 GB for RIS). The formats such exports come in have records that stand alone (RIS ends each with
``ER  -``, MEDLINE starts each with ``PMID-``, PubMed XML wraps each in ``<PubmedArticle>``), so a file over
PIECE_BYTES is cut at record boundaries into pieces parsed one after the other with the format and encoding
detected once. Line numbers in records, warnings and errors are shifted back to lines of the whole file.
Other formats, and files of other encodings than single-byte-newline ones, are parsed whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii
from operator import attrgetter
from typing import Any

from review.importers.base import LIST_FIELDS, ImportFormatError, ParsedRecord, ParseResult

PIECE_BYTES = 8 * 1024 * 1024
SNIFF_BYTES = 64 * 1024
# Encodings in which byte 0x0A is always a newline, so cutting at b"\n" never splits a character.
NEWLINE_SAFE = {"utf-8", "utf-8-sig", "ascii", "gb18030", "gbk", "cp1252", "latin-1", "iso8859-1"}
_LINE = re.compile(r"^line (\d+)")
_XML_CLOSE = b"</PubmedArticleSet>"
_START = {"ris": b"TY  -", "medline": b"PMID-", "pubmed-xml": b"<PubmedArticle>"}

# The Record columns a parsed record fills, in the order of a row's values (writing.py adds the rest).
TEXT_FIELDS = (
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
)
ROW_FIELDS = (*TEXT_FIELDS, *LIST_FIELDS, "year")
_texts = attrgetter(*TEXT_FIELDS)
_lists = attrgetter(*LIST_FIELDS)


@dataclass
class Piece:
    """A part of the file that parses on its own; ``line_offset`` lines of the file precede its first line.

    The bytes are cut from the whole file only when asked for (``data``), so the pieces of a file never
    hold a second copy of it at once.
    """

    whole: bytes
    start: int
    end: int
    line_offset: int
    format: str = "auto"
    encoding: str = "auto"
    header: bytes = b""
    close: bytes = b""

    @property
    def data(self) -> bytes:
        if self.start == 0 and self.end == len(self.whole) and not self.header and not self.close:
            return self.whole
        return self.header + self.whole[self.start : self.end] + self.close


def choose(data: bytes, *, filename: str, format: str, encoding: str) -> tuple[str, str]:
    """Return the (format, encoding) the whole file will be parsed with; "auto" values are detected."""
    from review.importers import decode, detect_encoding, detect_format, xlsx

    if xlsx.is_zip(data):
        return (format if format not in ("", "auto") else "csv"), "xlsx"
    sample = data[: SNIFF_BYTES * 16]
    sample = sample[: sample.rfind(b"\n") + 1] or sample  # never cut a multi-byte character in two
    used = detect_encoding(sample) if encoding in ("", "auto") else encoding
    if format not in ("", "auto"):
        return format, used
    head = data[:SNIFF_BYTES]
    cut = head.rfind(b"\n")
    head = head[: cut + 1] if cut > 0 and len(data) > SNIFF_BYTES else head
    text, used = decode(head, used, filename=filename)
    return detect_format(text.replace("\r\n", "\n"), filename), used


def _cut_points(data: bytes, fmt: str) -> Iterator[int]:
    """Yield offsets where a new piece may start, about PIECE_BYTES apart."""
    start = 0
    while start + PIECE_BYTES < len(data):
        target = start + PIECE_BYTES
        if fmt == "ris":
            found = data.find(b"\nER  -", target)
            end = data.find(b"\n", found + 1) if found >= 0 else -1
            cut = end + 1 if end >= 0 else -1
        elif fmt == "medline":
            found = data.find(b"\nPMID-", target)
            cut = found + 1 if found >= 0 else -1
        else:  # pubmed-xml
            found = data.find(b"</PubmedArticle>", target)
            cut = found + len(b"</PubmedArticle>") if found >= 0 else -1
        if cut <= 0 or cut >= len(data) or data.find(_START[fmt], cut) < 0:
            return  # nothing but a trailer left: it stays with the last piece
        yield cut
        start = cut


def plan(data: bytes, *, filename: str, format: str, encoding: str) -> list[Piece]:
    """Return the pieces to parse with ``format``/``encoding`` as given: the whole file when it is small.

    A large file is cut only when its format and encoding (detected once, if "auto") allow it; each piece
    then carries them, so every piece is read the same way.
    """
    if len(data) <= PIECE_BYTES:
        return [Piece(data, 0, len(data), 0, format, encoding)]
    fmt, used = choose(data, filename=filename, format=format, encoding=encoding)
    return pieces(data, fmt, used)


def _splittable(fmt: str, encoding: str) -> bool:
    return fmt in _START and encoding.lower().replace("_", "-") in NEWLINE_SAFE


def pieces(data: bytes, fmt: str, encoding: str) -> list[Piece]:
    """Return the file as pieces that parse alone (one piece when it is small or not splittable)."""
    if len(data) <= PIECE_BYTES or not _splittable(fmt, encoding):
        return [Piece(data, 0, len(data), 0, fmt, encoding)]
    bounds = [0, *_cut_points(data, fmt), len(data)]
    if fmt != "pubmed-xml":
        offsets = _line_offsets(data, bounds)
        return [Piece(data, a, b, offsets[a], fmt, encoding) for a, b in zip(bounds, bounds[1:], strict=False)]
    first = data.find(b"<PubmedArticle>")
    header = data[:first] if first > 0 else b""
    header_lines = header.count(b"\n")
    offsets = _line_offsets(data, bounds)
    result = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        # Later pieces get the same declaration, DOCTYPE and root (so refused entities stay refused).
        offset = offsets[a] - (header_lines if a > 0 else 0)
        result.append(
            Piece(
                data,
                a,
                b,
                offset,
                fmt,
                encoding,
                header=header if a > 0 else b"",
                close=b"\n" + _XML_CLOSE + b"\n" if b < len(data) else b"",
            )
        )
    return result


def _line_offsets(data: bytes, bounds: list[int]) -> dict[int, int]:
    """Return {offset: newlines before it} for each bound, counting each stretch of the file once."""
    offsets, lines = {0: 0}, 0
    for a, b in zip(bounds, bounds[1:], strict=False):
        lines += data.count(b"\n", a, b)
        offsets[b] = lines
    return offsets


def parse_piece(piece: Piece, *, filename: str, mapping: dict[str, str] | None) -> ParseResult:
    """Parse one piece; return its result with line numbers of the whole file."""
    from review.importers import parse_bytes

    try:
        result = parse_bytes(
            piece.data, filename=filename, format=piece.format, encoding=piece.encoding, mapping=mapping
        )
    except ImportFormatError as exc:
        if piece.line_offset and exc.line is not None:
            raise ImportFormatError(exc.reason, filename=exc.filename, line=exc.line + piece.line_offset) from None
        raise
    if piece.line_offset:
        shift = piece.line_offset
        for record in result.records:
            record.line += shift
        result.warnings = [_shift(message, shift) for message in result.warnings]
        result.skipped = [_shift(message, shift) for message in result.skipped]
    return result


@dataclass
class PieceRows:
    """A parsed piece as rows ready for the database: what the parse worker sends the writing process.

    Each row holds the values of ROW_FIELDS; ``cut`` lists the values cut to their column's length.
    """

    format: str
    encoding: str
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    cut: list[str] = field(default_factory=list)


RowMaker = Callable[[ParsedRecord, list[str]], tuple[Any, ...]]


def row_maker(limits: dict[str, int]) -> RowMaker:
    """Return a function giving the values of ROW_FIELDS for a record, noting in a list the values it cut.

    ``limits`` are the column lengths ({field: characters}); a longer value is cut, with a note.
    """
    checks = [(index, name, limits[name]) for index, name in enumerate(TEXT_FIELDS) if name in limits]

    def values(record: ParsedRecord, cut: list[str]) -> tuple[Any, ...]:
        texts = [value or "" for value in _texts(record)]
        for index, name, limit in checks:
            if len(texts[index]) > limit:
                cut.append(f"line {record.line}: {name} longer than {limit} characters, cut")
                texts[index] = texts[index][:limit]
        lists = [_json_list(value) for value in _lists(record)]
        year = record.year if isinstance(record.year, int) and 0 < record.year < 10_000 else None
        return (*texts, *lists, year)

    return values


def _json_list(values: list[str]) -> str:
    """Return the list as Django's JSONField stores it (json.dumps with its defaults), as cheaply as possible.

    Done here rather than through the field API, which cost the writing process seconds per 100,000 records;
    a list of strings is joined from json's own string encoder (a third of json.dumps's time per call).
    """
    if not values:
        return "[]"
    try:
        return "[" + ", ".join(map(encode_basestring_ascii, values)) + "]"
    except TypeError:  # not all strings
        return json.dumps(list(values))


def to_rows(result: ParseResult, limits: dict[str, int]) -> PieceRows:
    """Return a parsed piece's records as database rows (see PieceRows); ``result`` gives up its records."""
    rows = PieceRows(result.format, result.encoding, warnings=result.warnings, skipped=result.skipped)
    values = row_maker(limits)
    rows.rows = [values(record, rows.cut) for record in result.records]
    result.records = []
    return rows


def parse_piece_rows(
    piece: Piece, *, filename: str, mapping: dict[str, str] | None, limits: dict[str, int]
) -> PieceRows:
    """Parse one piece into database rows, line numbers those of the whole file."""
    return to_rows(parse_piece(piece, filename=filename, mapping=mapping), limits)


def _shift(message: str, offset: int) -> str:
    return _LINE.sub(lambda m: f"line {int(m.group(1)) + offset}", message, count=1)


def estimate_records(data: bytes, fmt: str) -> int | None:
    """Return a fast count of the record markers of a splittable format, or None."""
    markers = {"ris": b"\nER  -", "medline": b"\nPMID-", "pubmed-xml": b"<PubmedArticle>"}
    marker = markers.get(fmt)
    return data.count(marker) + (fmt != "pubmed-xml") if marker else None
