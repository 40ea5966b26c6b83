"""Web of Science exports: plain text ("FN Clarivate Analytics Web of Science", tagged) and tab-delimited.

Both use the same two-letter field codes, so one mapping serves both. rispy's WoS parser is not used: it
raises KeyError on the tags current exports add (Z8, ZB, ZR, ZS; 3 of 6 real files failed, FORMATS.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import ImportFormatError, ParsedRecord
from .normalise import issn, pages, parse_year
from .tagged import Layout, TaggedRecord, match_tag, read

_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
_EMAIL_NOTE = re.compile(r"\s*\([^()]*@[^()]*\)")  # Zoological Record: "Stillman, Andrew N. (a@b.edu)"
_LIST = re.compile(r"[\n;]")
_TYPE_CODES = {"J": "Journal", "B": "Book", "S": "Series", "P": "Patent"}


def split_tag(line: str) -> tuple[str, str] | None:
    """Return (tag, value) of a WoS line such as "TI Soil fauna ..." or the bare "ER"."""
    if len(line) < 2 or line[0] == " " or (len(line) > 2 and line[2] != " "):
        return None
    return match_tag(_TAG, line)


LAYOUT = Layout(
    name="Web of Science",
    split=split_tag,
    start_tags=frozenset({"PT"}),
    end_tag="ER",
    needs_end=True,
    any_tag_opens=True,
    ignore=frozenset({"FN", "VR", "EF"}),
)


def _list(rec: TaggedRecord, *tags: str, lines_split: bool = True) -> list[str]:
    """Return the values of the first tag present, split on ";" (and on line breaks when lines_split)."""
    for tag in tags:
        values = []
        for value in rec.all(tag):
            value = value if lines_split else value.replace("\n", " ")
            values += [part.strip() for part in _LIST.split(value) if part.strip()]
        if values:
            return values
    return []


def to_record(rec: TaggedRecord) -> ParsedRecord:
    """Map one WoS record (tagged, or a row of the tab-delimited file) onto a ParsedRecord."""
    record = ParsedRecord(line=rec.line, raw=rec.raw)
    record.title = rec.first("TI")
    record.abstract = rec.first("AB")
    record.authors = [_EMAIL_NOTE.sub("", name) for name in _list(rec, "AF", "AU")] + _list(rec, "CA")
    record.year = parse_year(rec.first("PY")) or parse_year(rec.first("EA", "PD"))
    record.journal = rec.first("SO", "J9", "JI")
    record.issn = issn(rec.all("SN", "EI"))
    record.volume = rec.first("VL")
    record.issue = rec.first("IS")
    record.pages = pages(rec.first("BP"), rec.first("EP")) or rec.first("AR", "PS")
    record.doi = rec.first("DI")
    record.pmid = rec.first("PM")
    # Keyword lists wrap mid-keyword, author lists put one name a line.
    record.keywords = _list(rec, "DE", lines_split=False) + _list(rec, "ID", lines_split=False)
    record.language = rec.first("LA")
    record.publication_types = _list(rec, "DT") or [_TYPE_CODES.get(rec.first("PT"), rec.first("PT"))]
    record.accession = rec.first("UT", "AN")
    record.source_database = "Zoological Record" if record.accession.startswith("ZOOR") else "Web of Science"
    if not rec.closed:
        record.warnings.append("record not closed by an 'ER' line")
    return record


def parse_tagged(text: str, *, filename: str = "") -> Iterator[ParsedRecord]:
    """Yield the records of a WoS plain-text (tagged) export."""
    for rec in read(text, LAYOUT, filename=filename):
        yield to_record(rec)


def parse_tab(text: str, *, filename: str = "") -> Iterator[ParsedRecord]:
    """Yield the records of a WoS tab-delimited export (a header row of field codes, one record a line).

    The file has no quoting at all, so each line is split on tabs rather than read by the csv module.
    """
    lines = text.split("\n")
    header = [cell.strip() for cell in lines[0].split("\t")]
    if not header or header[0] not in ("PT", "FN") or "TI" not in header:
        raise ImportFormatError(
            "not a Web of Science tab-delimited file (the header row should be field codes: PT, AU, TI...)",
            filename=filename,
            line=1,
        )
    for index, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        rec = TaggedRecord(line=index, raw=line)
        rec.fields = {tag: [cell.strip()] for tag, cell in zip(header, cells, strict=False) if tag and cell.strip()}
        record = to_record(rec)
        if len(cells) < len(header) - 2:
            record.warnings.append(f"{len(cells)} cells where the header has {len(header)}")
        yield record
