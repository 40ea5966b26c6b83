"""Read bibliographic export files into normalised records.

The one entry point is :func:`parse_bytes`: it detects the encoding and the format (both overridable),
runs the format's parser, cleans every record (review/importers/normalise.py), keeps records that can be
identified with their warnings, and skips empty ones. Every failure is an :class:`ImportFormatError`
naming the file, the line and the reason.
"""

from __future__ import annotations

import csv
import gc
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from lxml import etree

from . import (
    bibtex,
    cnki_estudy,
    csl_json,
    csv_table,
    endnote_xml,
    medline,
    noteexpress,
    pubmed_xml,
    refer,
    refworks,
    ris,
    wos,
    xlsx,
)
from .base import ImportFormatError, ParsedRecord, ParseResult
from .csv_layouts import FIELDS
from .detect import detect_format
from .encoding import decode, decode_head, detect_encoding
from .normalise import finish

__all__ = [
    "FIELDS",
    "FORMATS",
    "ImportFormatError",
    "ParseResult",
    "ParsedRecord",
    "csv_columns",
    "decode",
    "detect_encoding",
    "detect_format",
    "parse_bytes",
    "parse_stream",
]

FORMATS: dict[str, str] = {
    "ris": "RIS (Embase, Scopus, Cochrane CENTRAL, CINAHL/EBSCO, Web of Science, Ovid, ProQuest, CNKI...)",
    "medline": "MEDLINE / PubMed .nbib tagged text, Ovid MEDLINE Citation Manager text",
    "pubmed-xml": "PubMed XML (efetch or Save > XML)",
    "wos-tagged": "Web of Science plain text (tagged)",
    "wos-tab": "Web of Science tab-delimited",
    "scopus-csv": "Scopus CSV",
    "endnote-xml": "EndNote XML",
    "enw": "EndNote tagged (%0 ... ; .enw, CNKI/VIP/SinoMed EndNote export)",
    "bibtex": "BibTeX / BibLaTeX",
    "csl-json": "CSL-JSON",
    "noteexpress": "NoteExpress (CNKI, Wanfang, VIP)",
    "refworks": "RefWorks tagged (CNKI, Wanfang, VIP, SinoMed)",
    "cnki-estudy": "CNKI E-Study text",
    "csv": "CSV/TSV/XLSX table (database CSVs recognised; others need a column mapping)",
}
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .xls and .doc files
_XML_FORMATS = frozenset({"pubmed-xml", "endnote-xml"})
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Errors the libraries underneath raise on malformed input; each becomes an ImportFormatError.
_LIBRARY_ERRORS = (
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    RecursionError,
    UnicodeError,
    LookupError,
    OverflowError,
    csv.Error,
    etree.LxmlError,
    zipfile.BadZipFile,
)

TextParser = Callable[..., Iterator[ParsedRecord]]
_TEXT_PARSERS: dict[str, TextParser] = {
    "ris": ris.parse,
    "medline": medline.parse,
    "wos-tagged": wos.parse_tagged,
    "wos-tab": wos.parse_tab,
    "enw": refer.parse,
    "bibtex": bibtex.parse,
    "csl-json": csl_json.parse,
    "noteexpress": noteexpress.parse,
    "refworks": refworks.parse,
    "cnki-estudy": cnki_estudy.parse,
}


def _check_format(format: str) -> None:
    if format != "auto" and format not in FORMATS:
        accepted = ", ".join(["auto", *FORMATS])
        raise ImportFormatError(f"unknown format {format!r}; accepted formats: {accepted}")


def _xml_bytes(text: str) -> bytes:
    # The text is already decoded: drop the declaration, whose encoding no longer applies.
    return _XML_DECLARATION.sub("", text, count=1).encode("utf-8")


def _records(
    data: bytes, text: str | None, format: str, filename: str, mapping: dict[str, str] | None
) -> Iterator[ParsedRecord]:
    if format in _XML_FORMATS:
        source = data if text is None else _xml_bytes(text)
        module = pubmed_xml if format == "pubmed-xml" else endnote_xml
        return module.parse(source, filename=filename)
    assert text is not None
    if format == "csv":
        return csv_table.parse(text, filename=filename, mapping=mapping)
    if format == "scopus-csv":
        return csv_table.parse(text, filename=filename, mapping=mapping, require="" if mapping else "Scopus")
    return _TEXT_PARSERS[format](text, filename=filename)


Stream = tuple[ParseResult, Iterator[ParsedRecord]]


def _cleaned(result: ParseResult, records: Iterable[ParsedRecord], filename: str) -> Iterator[ParsedRecord]:
    """Yield each record cleaned, skipping empty ones; warnings and skips go on the result as they come."""
    kept = 0
    try:
        for record in records:
            finish(record)
            if record.is_empty():
                result.skipped.append(f"line {record.line}: empty record skipped (no title, DOI or PMID)")
                continue
            result.warnings.extend(f"line {record.line}: {warning}" for warning in record.warnings)
            kept += 1
            yield record
    except _LIBRARY_ERRORS as error:
        raise _translated(error, result.format, filename) from None
    if not kept and not result.skipped:
        raise ImportFormatError(f"no {FORMATS[result.format].split(' (')[0]} record found", filename=filename, line=1)


def _translated(error: Exception, format: str, filename: str) -> ImportFormatError:
    # The boundary: whatever a library raises on malformed input becomes the one error type.
    return ImportFormatError(
        f"the file could not be read as {format}: {type(error).__name__}: {error}", filename=filename
    )


def _table_stream(data: bytes, format: str, filename: str, mapping: dict[str, str] | None) -> Stream:
    if format not in ("auto", "csv"):
        raise ImportFormatError(f"an Excel/ZIP file cannot be read as {format}", filename=filename, line=1)
    header, body = xlsx.sheet_rows(data, filename=filename)
    if not any(header):
        raise ImportFormatError("the workbook's first sheet is empty", filename=filename, line=1)
    layout = csv_table.choose_layout(header, mapping, filename=filename)
    result = ParseResult(format="csv", encoding="xlsx")
    return result, _cleaned(result, csv_table.records(header, body, layout), filename)


def _text_stream(data: bytes, filename: str, format: str, encoding: str, mapping: dict[str, str] | None) -> Stream:
    auto_encoding = encoding in ("", "auto")
    used = detect_encoding(data) if auto_encoding else encoding
    chosen = format
    if format == "auto":
        head = decode_head(data, used).replace("\r\n", "\n").replace("\r", "\n")
        chosen = detect_format(head, filename)
    text: str | None = None
    if not (chosen in _XML_FORMATS and auto_encoding):
        # (XML with a detected encoding is read by lxml from the bytes: no decoded copy in memory.)
        text, used = decode(data, used, filename=filename)
        if not text.strip():
            raise ImportFormatError("the file is empty", filename=filename, line=1)
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
    result = ParseResult(format=chosen, encoding=used)
    return result, _cleaned(result, _records(data, text, chosen, filename, mapping), filename)


def parse_stream(
    data: bytes,
    *,
    filename: str = "",
    format: str = "auto",
    encoding: str = "auto",
    mapping: dict[str, str] | None = None,
) -> Stream:
    """Return (result, records): the records come one at a time, so an import can write them in chunks.

    ``result.records`` stays empty; its warnings and skipped lists fill while the records are consumed.
    Format and encoding are known at once. ImportFormatError may come at once (unknown format, empty file,
    undetectable layout) or while iterating (a broken record further down the file).
    """
    _check_format(format)
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFormatError("the file is empty", filename=filename, line=1)
    if encoding not in ("", "auto"):
        decode(b"", encoding, filename=filename)  # refuses an unknown encoding name up front
    if data.startswith(_OLE2_MAGIC):
        raise ImportFormatError(
            "an old Excel .xls (or other Office 97) file cannot be read: save it as .xlsx or CSV", filename=filename
        )
    try:
        if xlsx.is_zip(data):
            return _table_stream(data, format, filename, mapping)
        return _text_stream(data, filename, format, encoding, mapping)
    except _LIBRARY_ERRORS as error:
        raise _translated(error, format, filename) from None


def parse_bytes(
    data: bytes,
    *,
    filename: str = "",
    format: str = "auto",
    encoding: str = "auto",
    mapping: dict[str, str] | None = None,
) -> ParseResult:
    """Return the records of a file, with the format and encoding used, warnings and skipped records.

    ``format`` is a key of FORMATS or "auto"; ``encoding`` a Python codec name or "auto"; ``mapping``
    ({field: column}, fields as in FIELDS) is for CSV/XLSX tables whose layout is not recognised.
    Raises ImportFormatError (and nothing else) for an unknown format or encoding, an empty file or one
    that cannot be read as its format.
    """
    result, records = parse_stream(data, filename=filename, format=format, encoding=encoding, mapping=mapping)
    with _gc_paused():
        result.records = list(records)
    return result


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while records pile up.

    100,000 records are millions of lists and dicts; the collector would walk all of them again and again
    as they accumulate (parsing took three times as long). Records hold no reference cycles, so nothing
    is left uncollected: reference counting frees them as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def csv_columns(data: bytes, encoding: str = "auto") -> list[str]:
    """Return the column names of a CSV/TSV or XLSX table, for the column-mapping form."""
    if xlsx.is_zip(data):
        header, _ = xlsx.sheet_rows(data)
        return header
    text, _ = decode(data, encoding)
    return csv_table.columns(text.replace("\r\n", "\n"))


def to_json_lines(records: Iterable[ParsedRecord]) -> Iterator[str]:
    """Yield one JSON object per record (the ``import_records --dry-run --json`` output)."""
    for record in records:
        yield json.dumps(record.to_json(), ensure_ascii=False)
