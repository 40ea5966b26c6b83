"""Writing records to files reviewers take back to EndNote, Zotero or a spreadsheet.

Each writer takes (Record, Annotation) pairs and returns bytes. Spreadsheet cells go through safe_cell;
XML is built with ElementTree (escaped) after removing the control characters XML 1.0 forbids.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from xml.etree import ElementTree as ET

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from review.importers.base import ParsedRecord
from review.imports.selectors import Annotation
from review.models import Record
from review.spreadsheet import safe_cell

Row = tuple[Record, Annotation]
EXPORT_FORMATS = {
    "ris": ("RIS (EndNote, Zotero, Mendeley)", "ris", "application/x-research-info-systems"),
    "endnote-xml": ("EndNote XML", "xml", "application/xml"),
    "bibtex": ("BibTeX", "bib", "application/x-bibtex"),
    "csv": ("CSV (spreadsheet)", "csv", "text/csv"),
    "xlsx": (
        "Excel workbook (XLSX)",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}
COLUMNS = [
    "uuid",
    "title",
    "translated_title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "issn",
    "keywords",
    "mesh_terms",
    "publication_types",
    "language",
    "abstract",
    "translated_abstract",
    "url",
    "source_database",
    "accession",
    "search",
    "file",
    "stage",
    "decisions",
    "exclusion_reason",
    "labels",
]
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BIBTEX_SPECIAL = re.compile(r"([{}%&#$_\\])")


def to_parsed(record: Record) -> ParsedRecord:
    """Return the record's current values as a ParsedRecord (the shape the RIS writer takes)."""
    names = [f for f in ParsedRecord.__dataclass_fields__ if f not in {"line", "warnings"}]
    return ParsedRecord(**{name: getattr(record, name) for name in names})


def row_values(record: Record, note: Annotation) -> list[object]:
    """Return one record as the cells of COLUMNS (lists joined with "; ")."""
    values: dict[str, object] = {name: getattr(record, name, "") for name in COLUMNS[:22]}
    values["uuid"] = str(record.uuid)
    for name in ("authors", "keywords", "mesh_terms", "publication_types"):
        values[name] = "; ".join(values[name])  # type: ignore[arg-type]
    values.update(
        search=record.batch.source.name,
        file=record.batch.filename,
        stage=note.stage,
        decisions="; ".join(note.decisions),
        exclusion_reason=note.exclusion_reason,
        labels="; ".join(note.labels),
    )
    return ["" if values[c] is None else values[c] for c in COLUMNS]


def write_csv(rows: Iterable[Row]) -> bytes:
    """Return the records as UTF-8 CSV (with a BOM, so Excel reads the accents), formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for record, note in rows:
        writer.writerow([safe_cell(v) for v in row_values(record, note)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(rows: Iterable[Row]) -> bytes:
    """Return the records as an XLSX workbook, formulas neutralised."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Records")
    sheet.append(COLUMNS)
    for record, note in rows:
        sheet.append([_xlsx_cell(v) for v in row_values(record, note)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(value: object) -> object:
    if isinstance(value, str):
        # Excel caps a cell at 32,767 characters; openpyxl refuses control characters.
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value)[:32_767])
    return value


def write_ris(rows: Iterable[Row]) -> bytes:
    """Return the records as RIS, with each record's review annotations in N1 and its labels in KW."""
    from review.importers.ris_writer import records_to_ris

    records, notes = [], {}
    for index, (record, note) in enumerate(rows):
        parsed = to_parsed(record)
        parsed.keywords = [*parsed.keywords, *note.labels]
        records.append(parsed)
        if note.notes():
            notes[index] = note.notes()
    return records_to_ris(records, extra_notes=notes).encode("utf-8")


def write_endnote_xml(rows: Iterable[Row]) -> bytes:
    """Return the records as EndNote XML (File > Import > EndNote generated XML)."""
    root = ET.Element("xml")
    container = ET.SubElement(root, "records")
    for number, (record, note) in enumerate(rows, start=1):
        container.append(_endnote_record(number, record, note))
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def _endnote_record(number: int, record: Record, note: Annotation) -> ET.Element:
    element = ET.Element("record")
    _text(element, "rec-number", str(number))
    ref_type = ET.SubElement(element, "ref-type", name="Journal Article")
    ref_type.text = "17"
    authors = ET.SubElement(ET.SubElement(element, "contributors"), "authors")
    for name in record.authors:
        _text(authors, "author", name)
    titles = ET.SubElement(element, "titles")
    _text(titles, "title", record.title)
    _text(titles, "secondary-title", record.journal)
    _text(titles, "translated-title", record.translated_title)
    _text(ET.SubElement(element, "periodical"), "full-title", record.journal)
    for tag, value in (("pages", record.pages), ("volume", record.volume), ("number", record.issue)):
        _text(element, tag, value)
    keywords = ET.SubElement(element, "keywords")
    for keyword in [*record.keywords, *record.mesh_terms]:
        _text(keywords, "keyword", keyword)
    _text(ET.SubElement(element, "dates"), "year", str(record.year or ""))
    for tag, value in (
        ("isbn", record.issn),
        ("accession-num", record.pmid or record.accession),
        ("electronic-resource-num", record.doi),
        ("abstract", record.abstract),
        ("notes", "\n".join(note.notes())),
        ("label", "; ".join(note.labels)),
        ("remote-database-name", record.source_database),
        ("language", record.language),
        ("custom1", record.batch.source.name),
        ("custom2", record.pmcid),
        ("custom3", str(record.uuid)),
    ):
        _text(element, tag, value)
    if record.url:
        _text(ET.SubElement(ET.SubElement(element, "urls"), "related-urls"), "url", record.url)
    return element


def _text(parent: ET.Element, tag: str, value: str) -> None:
    if value:
        ET.SubElement(parent, tag).text = _XML_ILLEGAL.sub("", value)


def write_bibtex(rows: Iterable[Row]) -> bytes:
    """Return the records as BibTeX, special characters escaped so braces always balance."""
    entries, keys = [], set()
    for record, note in rows:
        key = _bibtex_key(record, keys)
        fields = [
            ("title", record.title),
            ("author", " and ".join(record.authors)),
            ("journal", record.journal),
            ("year", str(record.year or "")),
            ("volume", record.volume),
            ("number", record.issue),
            ("pages", record.pages),
            ("doi", record.doi),
            ("pmid", record.pmid),
            ("issn", record.issn),
            ("language", record.language),
            ("url", record.url),
            ("abstract", record.abstract),
            ("keywords", ", ".join([*record.keywords, *note.labels])),
            ("note", "; ".join(note.notes())),
        ]
        body = ",\n".join(f"  {name} = {{{_bibtex_escape(value)}}}" for name, value in fields if value)
        kind = "article" if record.journal else "misc"
        entries.append(f"@{kind}{{{key},\n{body}\n}}\n")
    return "\n".join(entries).encode("utf-8")


def _bibtex_escape(value: str) -> str:
    return _BIBTEX_SPECIAL.sub(
        lambda m: "\\textbackslash{}" if m.group(1) == "\\" else "\\" + m.group(1),
        _XML_ILLEGAL.sub("", value),
    )


def _bibtex_key(record: Record, taken: set[str]) -> str:
    family = record.first_author.split(",")[0] if record.authors else "anon"
    ascii_name = unicodedata.normalize("NFKD", family).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9]", "", ascii_name).lower() or f"record{record.pk}"
    key = f"{base}{record.year or ''}"
    candidate, n = key, 0
    while candidate in taken:
        n += 1
        candidate = f"{key}{chr(ord('a') + n - 1)}" if n <= 26 else f"{key}-{n}"
    taken.add(candidate)
    return candidate


WRITERS = {
    "ris": write_ris,
    "endnote-xml": write_endnote_xml,
    "bibtex": write_bibtex,
    "csv": write_csv,
    "xlsx": write_xlsx,
}
