"""CNKI E-Study text ("CNKI E-Study" export, ``.txt``): ``DataType:`` opens each record.

No library reads it; it shares the tagged-line reader. Labels are bilingual ("Title-题名:"), records follow
one another without a blank line, authors and keywords are joined by ";" with a trailing one, abstracts
taken from the article body start with "<正>", and online-first records lack year, volume and issue
(their "PubTime" gives the year).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import ParsedRecord
from .chinese import accession_from_link, clean_text
from .normalise import issn, parse_year, split_authors, split_values
from .tagged import Layout, TaggedRecord, read

# Only bilingual labels (or DataType) are tags, so an abstract line such as "Results: ..." is not one.
_TAG = re.compile(r"^(DataType|[A-Za-z]+)(?:-[^:：\s]*[\u4e00-\u9fff][^:：\s]*)?\s*[:：] ?(.*)$")


def split_tag(line: str) -> tuple[str, str] | None:
    """Return (tag, value) of a line such as "Title-题名: ..." (tag "Title") or "DataType: 1"."""
    match = _TAG.match(line)
    if not match or (match.group(1) != "DataType" and "-" not in line.split(":")[0].split("：")[0]):
        return None
    return match.group(1), match.group(2).strip()


LAYOUT = Layout(
    name="CNKI E-Study",
    split=split_tag,
    start_tags=frozenset({"DataType"}),
    any_tag_opens=True,
)


def to_record(rec: TaggedRecord) -> ParsedRecord:
    """Map one E-Study record onto a ParsedRecord."""
    record = ParsedRecord(line=rec.line, raw=rec.raw)
    record.title = rec.first("Title")
    record.abstract = clean_text(rec.first("Summary"))
    record.authors = split_authors(rec.first("Author"))
    date = rec.first("Year", "PubTime")
    record.year = parse_year(date)
    if date and record.year is None:
        record.warnings.append(f"no year in date {date!r}")
    record.journal = rec.first("Source")
    record.issn = issn(rec.all("ISSN"))
    record.volume = rec.first("Roll")
    record.issue = rec.first("Period")
    record.pages = rec.first("Page")
    record.doi = rec.first("DOI")
    record.url = rec.first("Link")
    record.keywords = split_values(rec.first("Keyword"))
    record.publication_types = rec.all("SrcDatabase")
    record.source_database = "CNKI"
    record.accession = accession_from_link(record.url)
    return record


def parse(text: str, *, filename: str = "") -> Iterator[ParsedRecord]:
    """Yield the records of a CNKI E-Study file."""
    for rec in read(text, LAYOUT, filename=filename):
        yield to_record(rec)
