"""RIS, as written by Embase, Scopus, Cochrane CENTRAL, CINAHL/EBSCO, Web of Science, Ovid, ProQuest,
Google Scholar and the Chinese databases.

The tags are standard but vendors put identifiers in different places (FORMATS.md, section 1): CINAHL the
DOI in L3, Ovid the DOI as a URL in DO, Embase the PMID in C5 and its accession in U2, Cochrane the PMID in
C3 ("PUBMED 21314913") and the accession in AN, CINAHL the accession inside N1. This module reads them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import ImportFormatError, ParsedRecord
from .normalise import issn, normalise_doi, pages, parse_year
from .tagged import Layout, TaggedRecord, match_tag, read

_TAG = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: +(.*)|\s*)$")
_PUBMED_IN_C3 = re.compile(r"PUBMED\s+(\d+)", re.IGNORECASE)
_ACCESSION_IN_N1 = re.compile(r"Accession Number:\s*(\S+)", re.IGNORECASE)
_DOI_IN_URL = re.compile(r"doi\.org/(10\.\S+)", re.IGNORECASE)
_SCOPUS_EID = re.compile(r"eid=(2-s2\.0-\d+)")
# One tag line of the common shape, found after its newline (a literal first character lets the regex
# engine skip ahead quickly); the lookahead makes sure the whole line was read.
_COMMON_TAG = re.compile(r"\n([A-Z][A-Z0-9])  -( [^\n]*|)(?![^\n])")
TYPE_NAMES = {
    "JOUR": "Journal Article",
    "JFULL": "Journal Article",
    "ABST": "Abstract",
    "BOOK": "Book",
    "CHAP": "Book Section",
    "CONF": "Conference Proceeding",
    "CPAPER": "Conference Paper",
    "THES": "Thesis",
    "RPRT": "Report",
    "ELEC": "Web Page",
    "NEWS": "Newspaper Article",
    "PAT": "Patent",
    "GEN": "Generic",
    "EJOUR": "Electronic Article",
    "DATA": "Dataset",
}
# EBSCOhost writes a database code in DB; the codes of the databases reviewers search most.
EBSCO_DATABASES = {
    "cin20": "CINAHL",
    "ccm": "CINAHL",
    "rzh": "CINAHL",
    "aph": "Academic Search Premier",
    "psyh": "APA PsycInfo",
    "mdc": "MEDLINE",
    "cmedm": "MEDLINE",
    "eric": "ERIC",
}


def split_tag(line: str) -> tuple[str, str] | None:
    """Return (tag, value) of an RIS line such as "TY  - JOUR" or Cochrane's "TY  -  JOUR"."""
    if line[2:5] == "  -" and line[:2].isalnum() and line[:2].isupper() and line[5:6] in (" ", ""):
        return line[:2], line[6:].strip()  # the common shape, without a regex (hot loop)
    if len(line) < 5 or line[2] != " ":
        return None
    return match_tag(_TAG, line)


LAYOUT = Layout(
    name="RIS",
    split=split_tag,
    start_tags=frozenset({"TY"}),
    end_tag="ER",
    needs_end=True,
    strict_outside=True,
)


def _doi(rec: TaggedRecord) -> str:
    for value in rec.all("DO", "L3"):
        candidate = normalise_doi(value)
        if candidate:
            return candidate
    for value in rec.all("L2", "UR"):  # only doi.org links: resolver URLs merely mention a DOI
        url = _DOI_IN_URL.search(value)
        if url:
            return normalise_doi(url.group(1))
    return ""


def _pmid(rec: TaggedRecord) -> str:
    c5 = rec.first("C5")
    if c5.isdigit():
        return c5
    for value in rec.all("C3"):
        match = _PUBMED_IN_C3.search(value)
        if match:
            return match.group(1)
    database = " ".join(rec.all("DB", "DP")).lower()
    an = rec.first("AN")
    if an.isdigit() and ("pubmed" in database or "medline" in database):
        return an
    return ""


def _accession(rec: TaggedRecord) -> str:
    for value in rec.all("AN", "U2", "ID"):
        return value.split(";")[0].strip()
    for value in rec.all("UR"):
        match = _SCOPUS_EID.search(value)
        if match:
            return match.group(1)
    for value in rec.all("N1"):
        match = _ACCESSION_IN_N1.search(value)
        if match:
            return match.group(1).rstrip(".;,")
    return ""


def source_database(rec: TaggedRecord) -> str:
    """Return the database the record came from, from DB/DP or from the shape of its identifiers."""
    database = rec.first("DB")
    provider = rec.first("DP")
    if database:
        database = EBSCO_DATABASES.get(database.lower(), database)
        return re.sub(r"\s*<[^>]*>\s*$", "", database)  # Ovid's "ERIC <1992 to June 2024>"
    an, urls = rec.first("AN"), " ".join(rec.all("UR"))
    if an.startswith("CN-"):
        return "Cochrane CENTRAL"
    if an.startswith("WOS:"):
        return "Web of Science"
    if "scopus.com" in urls:
        return "Scopus"
    if "proquest.com" in urls:
        return "ProQuest"
    return provider


def _abstract(rec: TaggedRecord) -> str:
    # CINAHL adds the publisher's copyright notice as a second AB line; it is not part of the abstract.
    parts = [v for v in rec.all("AB", "N2") if v[:13].lower() != "copyright of "]
    return "\n".join(parts)


def to_record(rec: TaggedRecord) -> ParsedRecord:
    """Map one tagged RIS record onto a ParsedRecord."""
    record = ParsedRecord(line=rec.line, raw=rec.raw)
    record.title = rec.first("TI", "T1", "CT", "BT")
    record.abstract = _abstract(rec)
    record.authors = rec.all("AU", "A1")
    date = rec.first("PY", "Y1", "DA", "Y2")
    record.year = parse_year(date)
    if date and record.year is None:
        record.warnings.append(f"no year in date {date!r}")
    record.journal = rec.first("JF", "T2", "JO", "JA", "J2", "T3")
    record.issn = issn(rec.all("SN"))
    record.volume = rec.first("VL")
    record.issue = rec.first("IS", "CP")
    record.pages = pages(rec.first("SP"), rec.first("EP"))
    record.doi = _doi(rec)
    record.pmid = _pmid(rec)
    pmcid = rec.first("C2")
    record.pmcid = pmcid if pmcid.upper().startswith("PMC") else ""
    record.accession = _accession(rec)
    record.keywords = [k for value in rec.all("KW", "DE") for k in value.split("\n")]
    record.language = rec.first("LA")
    types = rec.all("M3", "PT")
    kind = rec.first("TY")
    record.publication_types = types or ([TYPE_NAMES.get(kind, kind)] if kind else [])
    record.url = rec.first("UR")
    record.source_database = source_database(rec)
    if not rec.closed:
        record.warnings.append("record not closed by an 'ER  -' line")
    return record


def _read_slow(chunk: str, first_line: int, filename: str) -> Iterator[TaggedRecord]:
    try:
        for rec in read(chunk, LAYOUT, filename=filename):
            rec.line += first_line - 1
            yield rec
    except ImportFormatError as error:
        line = None if error.line is None else error.line + first_line - 1
        raise ImportFormatError(error.reason, filename=filename, line=line) from None


def _record_ends(text: str) -> Iterator[int]:
    """Yield the offset just after each "ER  -" line (str.find: several times faster than a regex here)."""
    position = 0
    while True:
        found = text.find("\nER  -", position)
        if found < 0:
            return
        end = text.find("\n", found + 1)
        position = len(text) if end < 0 else end
        yield position


def _read(text: str, filename: str) -> Iterator[TaggedRecord]:
    """Yield the tagged records, reading plain records (TY to ER, one tag a line) by regex in C.

    A record with anything unusual (an untagged or continuation line, vendor header lines, a missing ER)
    goes through the line-by-line reader, which knows every case; the result is the same either way.
    """
    position, line = 0, 1
    for end in _record_ends(text):
        chunk = text[position:end]
        body = chunk.lstrip()
        newlines, body_newlines = chunk.count("\n"), body.count("\n")
        pairs = _COMMON_TAG.findall("\n" + body) if body.startswith("TY  -") else []
        # Plain when every line of the body is a tag line and only one record starts in it.
        if len(pairs) == body_newlines + 1 and "\nTY  -" not in body:
            rec = TaggedRecord(line=line + newlines - body_newlines, raw=body)
            fields = rec.fields
            for tag, value in pairs:
                fields.setdefault(tag, []).append(value.strip())
            yield rec
        else:
            yield from _read_slow(chunk, line, filename)
        line += newlines
        position = end
    rest = text[position:]
    if any(split_tag(candidate) for candidate in rest.split("\n")):
        yield from _read_slow(rest, line, filename)
    elif position == 0:
        raise ImportFormatError("no RIS record found", filename=filename, line=1)


def parse(text: str, *, filename: str = "") -> Iterator[ParsedRecord]:
    """Yield the records of an RIS file."""
    for rec in _read(text, filename):
        yield to_record(rec)
