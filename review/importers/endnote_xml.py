"""EndNote XML (EndNote "Export > XML", and the same schema written by Mendeley and Zotero).

No maintained library reads it (FORMATS.md, section 3), so it is read with lxml here. EndNote wraps every
value in one or more ``<style>`` runs (their text is joined) and joins several values of one field with a
carriage return (``&#13;``), as in "0005-9366 (Print)&#13;0005-9366".
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from .base import ParsedRecord
from .normalise import issn, parse_year
from .xml_safety import iter_elements, text_of


def _text(record: etree._Element, path: str) -> str:
    return text_of(record.find(path)).strip()


def _all(record: etree._Element, path: str) -> list[str]:
    return [value for value in (text_of(node).strip() for node in record.iterfind(path)) if value]


def _source_database(rec: etree._Element) -> str:
    provider = _text(rec, "remote-database-provider")
    name = _text(rec, "remote-database-name")
    if provider == "NLM" or "pubmed" in name.lower():
        return "PubMed"
    return name or provider


def to_record(rec: etree._Element) -> ParsedRecord:
    """Map one EndNote XML <record> onto a ParsedRecord."""
    record = ParsedRecord(line=rec.sourceline or 0, raw=etree.tostring(rec, encoding="unicode"))
    record.title = _text(rec, "titles/title")
    record.translated_title = _text(rec, "titles/translated-title")
    record.abstract = _text(rec, "abstract")
    record.authors = _all(rec, "contributors/authors/author")
    date = _text(rec, "dates/year") or _text(rec, "dates/pub-dates/date")
    record.year = parse_year(date)
    if date and record.year is None:
        record.warnings.append(f"no year in date {date!r}")
    record.journal = _text(rec, "periodical/full-title") or _text(rec, "titles/secondary-title")
    record.issn = issn(_text(rec, "isbn").split("\r"))
    record.volume = _text(rec, "volume")
    record.issue = _text(rec, "number")
    record.pages = _text(rec, "pages")
    record.doi = _text(rec, "electronic-resource-num").split("\r")[0]
    record.accession = _text(rec, "accession-num")
    record.source_database = _source_database(rec)
    if record.source_database == "PubMed" and record.accession.isdigit():
        record.pmid = record.accession
    record.keywords = [k for value in _all(rec, "keywords/keyword") for k in value.split("\r")]
    record.language = _text(rec, "language")
    ref_type = rec.find("ref-type")
    record.publication_types = [ref_type.get("name", "")] if ref_type is not None else []
    record.publication_types += _all(rec, "work-type")
    record.url = next(iter(_all(rec, "urls/related-urls/url")), "")
    return record


def parse(data: bytes, *, filename: str = "") -> Iterator[ParsedRecord]:
    """Yield the records of an EndNote XML file, given its bytes."""
    for rec in iter_elements(data, ("record",), filename=filename):
        yield to_record(rec)
