"""RefWorks tagged text (``RT Journal Article``), as exported by CNKI, Wanfang, VIP and SinoMed.

No library reads it; it shares the tagged-line reader. Two-letter tags and a space, "RT" opens a record,
a blank line closes it. No real Chinese RefWorks export could be found (FORMATS.md, section 5): the tag
list follows RefWorks' tagged-format guide and the CNKI tags other projects' code reads (A1 joined by ";",
T1, JF, YR, VO, IS, OP, K1, AB, SN, LA, DS, LK), and is tested on hand-made files only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import ParsedRecord
from .chinese import accession_from_link, clean_text, provider_name, title_pair
from .normalise import issn, pages, parse_year, split_authors, split_values
from .tagged import Layout, TaggedRecord, read

_TAG = re.compile(r"^([A-Z][A-Z0-9]) (.*)$")
_LIST_SEPARATORS = r";;|;|；|\n"


def split_tag(line: str) -> tuple[str, str] | None:
    """Return (tag, value) of a line such as "T1 A title"."""
    if len(line) < 3 or line[2] != " ":
        return None
    match = _TAG.match(line)
    return (match.group(1), match.group(2).strip()) if match else None


LAYOUT = Layout(
    name="RefWorks",
    split=split_tag,
    start_tags=frozenset({"RT"}),
    any_tag_opens=True,
)


def _values(rec: TaggedRecord, *tags: str) -> list[str]:
    return [part for value in rec.all(*tags) for part in split_values(value, _LIST_SEPARATORS)]


def to_record(rec: TaggedRecord) -> ParsedRecord:
    """Map one RefWorks record onto a ParsedRecord."""
    record = ParsedRecord(line=rec.line, raw=rec.raw)
    record.title, record.translated_title = title_pair(rec.first("T1"), rec.first("OT"))
    record.abstract = clean_text(rec.first("AB"))
    record.authors = [name for value in rec.all("A1", "AU") for name in split_authors(value)]
    date = rec.first("YR", "FD")
    record.year = parse_year(date)
    if date and record.year is None:
        record.warnings.append(f"no year in date {date!r}")
    record.journal = rec.first("JF", "JO", "T2")
    record.issn = issn(rec.all("SN"))
    record.volume = rec.first("VO")
    record.issue = rec.first("IS")
    record.pages = pages(rec.first("SP"), rec.first("OP")) if rec.first("SP") else rec.first("OP")
    record.doi = rec.first("DO")
    record.url = rec.first("UL", "LK")
    record.keywords = _values(rec, "K1")
    record.language = rec.first("LA")
    record.publication_types = rec.all("RT")
    record.source_database = provider_name(rec.first("DS", "DB"), url=record.url)
    record.accession = rec.first("AN") or accession_from_link(rec.first("LK", "UL"))
    return record


def parse(text: str, *, filename: str = "") -> Iterator[ParsedRecord]:
    """Yield the records of a RefWorks tagged file."""
    for rec in read(text, LAYOUT, filename=filename):
        yield to_record(rec)
