"""NoteExpress (``.net``/``.NET``), as exported by CNKI, Wanfang and VIP.

No library reads it; it shares the tagged-line reader. Lines are ``{Tag}: value``; the colon may be
full-width ("：") and the space after it missing. CNKI joins authors with ";" on one line and keywords
with ";;"; Wanfang writes one ``{Author}``/``{Keywords}`` line per value (later ones with a leading space)
and gives English ``{Translated ...}`` fields beside the Chinese ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import ParsedRecord
from .chinese import accession_from_link, clean_text, provider_name, title_pair
from .normalise import issn, parse_year, split_authors, split_values
from .tagged import Layout, TaggedRecord, read

_TAG = re.compile(r"^\{([^{}]{1,40})\}\s*[:：]\s*(.*)$")
_LIST_SEPARATORS = r";;|;|；|\n"


def split_tag(line: str) -> tuple[str, str] | None:
    """Return (tag, value) of a line such as "{Title}: ..." or "{Abstract}：..."."""
    if not line.startswith("{"):
        return None
    match = _TAG.match(line)
    if not match:
        return None
    return match.group(1).strip(), match.group(2).strip()


LAYOUT = Layout(
    name="NoteExpress",
    split=split_tag,
    start_tags=frozenset({"Reference Type"}),
    any_tag_opens=True,
)


def _values(rec: TaggedRecord, tag: str) -> list[str]:
    return [part for value in rec.all(tag) for part in split_values(value, _LIST_SEPARATORS)]


def to_record(rec: TaggedRecord) -> ParsedRecord:
    """Map one NoteExpress record onto a ParsedRecord."""
    record = ParsedRecord(line=rec.line, raw=rec.raw)
    record.title, record.translated_title = title_pair(rec.first("Title"), rec.first("Translated Title"))
    record.abstract, record.translated_abstract = title_pair(
        clean_text(rec.first("Abstract")), clean_text(rec.first("Translated Abstract"))
    )
    record.authors = [n for v in rec.all("Author") or rec.all("Translated Author") for n in split_authors(v)]
    date = rec.first("Year", "Date")
    record.year = parse_year(date)
    if date and record.year is None:
        record.warnings.append(f"no year in date {date!r}")
    record.journal = rec.first("Journal", "Secondary Title", "Translated Journal")
    record.issn = issn(rec.all("ISBN/ISSN"))
    record.volume = rec.first("Volume")
    record.issue = rec.first("Issue")
    record.pages = rec.first("Pages")
    record.doi = rec.first("DOI")
    record.url = rec.first("URL")
    record.keywords = _values(rec, "Keywords") + _values(rec, "Translated Keywords")
    record.language = rec.first("Language")
    record.publication_types = rec.all("Reference Type")
    record.source_database = provider_name(rec.first("Database Provider"), url=record.url)
    record.accession = accession_from_link(record.url)
    return record


def parse(text: str, *, filename: str = "") -> Iterator[ParsedRecord]:
    """Yield the records of a NoteExpress file."""
    for rec in read(text, LAYOUT, filename=filename):
        yield to_record(rec)
