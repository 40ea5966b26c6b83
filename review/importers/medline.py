"""MEDLINE tagged text: PubMed's .nbib ("PubMed format") and Ovid MEDLINE's "Citation Manager" text.

PubMed tags are up to four letters padded to four columns ("PMID- ", "TI  - ", "LID - "); values continue
on lines indented by six spaces; records are separated by a blank line. Ovid's Citation Manager export
uses the same line shape with its own tags (VN, DB, UI/AN, FA, JN, VO, YR, LG); no real Ovid sample was
found, so its mapping follows Ovid's field guide and is tested on a hand-made file only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import ParsedRecord
from .normalise import issn, parse_year
from .tagged import Layout, TaggedRecord, read

_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}) *- ?(.*)$")


def split_tag(line: str) -> tuple[str, str] | None:
    """Return (tag, value) of a MEDLINE line such as "PMID- 28441597" or "TI  - A title"."""
    if len(line) < 5 or line[4] != "-" or line[0] == " ":
        return None
    match = _TAG.match(line)
    if not match:
        return None
    return match.group(1), match.group(2).strip()


LAYOUT = Layout(
    name="MEDLINE",
    split=split_tag,
    start_tags=frozenset({"PMID", "VN"}),
    blank_ends=True,
    any_tag_opens=True,
)


def _doi(rec: TaggedRecord) -> str:
    # LID and AID repeat ("S0048-9697(17)30912-9 [pii]", "10.1016/... [doi]"): keep the one marked [doi].
    for value in rec.all("LID", "AID"):
        if value.endswith("[doi]"):
            return value
    return rec.first("DO")


def _is_ovid(rec: TaggedRecord) -> bool:
    return "VN" in rec.fields or ("UI" in rec.fields and "PMID" not in rec.fields)


def to_record(rec: TaggedRecord) -> ParsedRecord:
    """Map one MEDLINE record onto a ParsedRecord."""
    ovid = _is_ovid(rec)
    record = ParsedRecord(line=rec.line, raw=rec.raw)
    record.title = rec.first("TI", "BTI")
    record.abstract = "\n".join(rec.all("AB"))
    record.authors = (rec.all("FAU", "FA") or rec.all("AU")) + rec.all("CN")
    date = rec.first("DP", "YR", "DEP")
    record.year = parse_year(date)
    if date and record.year is None:
        record.warnings.append(f"no year in date {date!r}")
    record.journal = rec.first("JT", "JN", "TA", "JA")
    record.issn = issn(rec.all("IS"))
    record.volume = rec.first("VI", "VO")
    record.issue = rec.first("IP")
    record.pages = rec.first("PG")
    record.doi = _doi(rec)
    record.pmid = rec.first("PMID", "UI")
    record.pmcid = rec.first("PMC")
    record.keywords = rec.all("OT", "KW")
    record.mesh_terms = rec.all("MH")
    record.language = rec.first("LA", "LG")
    record.publication_types = rec.all("PT")
    record.url = rec.first("UR")
    if ovid:
        record.source_database = rec.first("DB") or "Ovid"
        record.accession = rec.first("AN", "UI")
        if not record.pmid and "medline" in record.source_database.lower() and record.accession.isdigit():
            record.pmid = record.accession
    else:
        record.source_database = "PubMed"
        record.accession = record.pmid
    return record


def parse(text: str, *, filename: str = "") -> Iterator[ParsedRecord]:
    """Yield the records of a MEDLINE (.nbib) or Ovid Citation Manager file."""
    for rec in read(text, LAYOUT, filename=filename):
        yield to_record(rec)
