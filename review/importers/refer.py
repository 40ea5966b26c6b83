"""EndNote tagged text (Refer-style ``%`` tags: ``.enw``, and CNKI's, VIP's and SinoMed's "EndNote" export).

No Python library reads this format; it shares the tagged-line reader. One tag a line ("%A" repeats per
author), a blank line between records. CNKI packs keywords into one "%K" joined by ";;", writes "(#br)" for
line breaks in English abstracts, and names itself in "%W".
"""

from __future__ import annotations

from collections.abc import Iterator

from .base import ParsedRecord
from .chinese import accession_from_link, clean_text, provider_name
from .normalise import issn, parse_year, split_authors, split_values
from .tagged import Layout, TaggedRecord, read


def split_tag(line: str) -> tuple[str, str] | None:
    """Return (tag, value) of a line such as "%T A title" (tag without the "%")."""
    if len(line) < 2 or line[0] != "%" or (len(line) > 2 and line[2] not in " \t"):
        return None
    return line[1], line[3:].strip()


LAYOUT = Layout(
    name="EndNote tagged (%)",
    split=split_tag,
    start_tags=frozenset({"0"}),
    any_tag_opens=True,
)


def to_record(rec: TaggedRecord) -> ParsedRecord:
    """Map one %-tagged record onto a ParsedRecord."""
    record = ParsedRecord(line=rec.line, raw=rec.raw)
    record.title = rec.first("T")
    record.translated_title = rec.first("Q")
    record.abstract = clean_text("\n".join(rec.all("X")))
    record.authors = [name for value in rec.all("A") for name in split_authors(value)]
    date = rec.first("D", "8")
    record.year = parse_year(date)
    if date and record.year is None:
        record.warnings.append(f"no year in date {date!r}")
    kind = rec.first("0")
    record.journal = rec.first("J") or (rec.first("B") if kind != "Book" else "")
    record.issn = issn(rec.all("@"))
    record.volume = rec.first("V")
    record.issue = rec.first("N")
    record.pages = rec.first("P")
    record.doi = rec.first("R")
    record.url = rec.first("U")
    record.keywords = [k for value in rec.all("K") for k in split_values(value, r";;|;|；|\n")]
    record.language = rec.first("G")
    record.publication_types = [t for t in (kind, rec.first("9")) if t]
    record.source_database = provider_name(rec.first("W"), url=record.url)
    record.accession = rec.first("M") or accession_from_link(record.url)
    return record


def parse(text: str, *, filename: str = "") -> Iterator[ParsedRecord]:
    """Yield the records of a %-tagged EndNote file."""
    for rec in read(text, LAYOUT, filename=filename):
        yield to_record(rec)
