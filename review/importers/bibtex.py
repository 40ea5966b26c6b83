"""BibTeX and BibLaTeX (Zotero, Scopus, JabRef...), read with bibtexparser 2.

Two traps from FORMATS.md: Scopus repeats fields inside one entry (``funding_details``), which bibtexparser
moves to ``failed_blocks`` as a DuplicateFieldKeyBlock; the entry is recovered from its
``ignore_error_block`` (first value of each field kept) with a warning. Zotero keeps PMIDs in ``note`` or
``extra`` ("PMID: 123"). Encoding is detected before parsing (the GBK fixture).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.library import Library
from bibtexparser.model import DuplicateFieldKeyBlock, Entry, ParsingFailedBlock

from .base import ImportFormatError, ParsedRecord
from .normalise import issn, parse_year, split_values

_PMID_NOTE = re.compile(r"\bPMID:\s*(\d+)", re.IGNORECASE)
_PMCID_NOTE = re.compile(r"\bPMCID:\s*(PMC\d+)", re.IGNORECASE)
_SCOPUS_EID = re.compile(r"eid=(2-s2\.0-\d+)")
_BRACES = re.compile(r"[{}]")


def _name(parts: middlewares.NameParts | str) -> str:
    if isinstance(parts, str):
        return _BRACES.sub("", parts)
    family = " ".join(parts.von + parts.last)
    given = " ".join(parts.first + parts.jr)
    name = f"{family}, {given}" if given else family
    return _BRACES.sub("", name)


def _field(entry: Entry, *keys: str) -> str:
    for key in keys:
        field = entry.fields_dict.get(key)
        if field is not None and str(field.value).strip():
            return _BRACES.sub("", str(field.value)).strip()
    return ""


def _notes(entry: Entry) -> str:
    return " ".join(_field(entry, key) for key in ("note", "extra", "annote"))


def to_record(entry: Entry, verbatim: dict[str, str] | None = None) -> ParsedRecord:
    """Map one decoded BibTeX entry onto a ParsedRecord; ``verbatim`` holds its url and doi before LaTeX
    decoding (which reads "%" as a comment and "&" as a column separator)."""
    verbatim = verbatim or {}
    record = ParsedRecord(line=entry.start_line + 1, raw=entry.raw or "")
    record.title = _field(entry, "title")
    record.abstract = _field(entry, "abstract")
    authors = entry.fields_dict.get("author")
    if authors is not None:
        values = authors.value if isinstance(authors.value, list) else [authors.value]
        record.authors = [_name(name) for name in values]
    date = _field(entry, "year", "date")
    record.year = parse_year(date)
    if date and record.year is None:
        record.warnings.append(f"no year in date {date!r}")
    record.journal = _field(entry, "journal", "journaltitle", "booktitle")
    record.issn = issn([_field(entry, "issn")])
    record.volume = _field(entry, "volume")
    record.issue = _field(entry, "number", "issue")
    record.pages = _field(entry, "pages").replace("--", "-").replace("–", "-") or _field(entry, "art_number")
    record.doi = verbatim.get("doi") or _field(entry, "doi")
    notes = _notes(entry)
    pmid = _PMID_NOTE.search(notes)
    record.pmid = _field(entry, "pmid", "pubmed_id") or (pmid.group(1) if pmid else "")
    pmcid = _PMCID_NOTE.search(notes)
    record.pmcid = _field(entry, "pmcid") or (pmcid.group(1) if pmcid else "")
    separators = r";" if ";" in _field(entry, "keywords", "author_keywords") else r","
    record.keywords = split_values(_field(entry, "author_keywords"), separators) + split_values(
        _field(entry, "keywords"), separators
    )
    record.language = _field(entry, "langid", "language")
    record.publication_types = [_field(entry, "document_type") or entry.entry_type]
    record.url = verbatim.get("url") or _field(entry, "url")
    eid = _SCOPUS_EID.search(record.url)
    record.accession = eid.group(1) if eid else _field(entry, "eprint")
    record.source_database = _field(entry, "source")
    return record


Verbatim = dict[tuple[str, int], dict[str, str]]


def _entries(text: str, filename: str) -> tuple[list[Entry], set[tuple[str, int]], Verbatim]:
    """Return the decoded entries, the (key, start line) of those recovered from a repeated field, and
    the url and doi of each entry as written."""
    library = bibtexparser.parse_string(text)
    recovered = []
    for block in library.failed_blocks:
        if isinstance(block, DuplicateFieldKeyBlock) and block.ignore_error_block is not None:
            recovered.append(block.ignore_error_block)
        elif isinstance(block, ParsingFailedBlock):
            raise ImportFormatError(
                "BibTeX syntax error: an entry is not closed (a field value lacks its closing brace, quote or comma)",
                filename=filename,
                line=block.start_line + 1,
            )
    if recovered:
        # The recovered entries skipped the default parse stack, so their values are still enclosed.
        recovered = list(middlewares.RemoveEnclosingMiddleware().transform(Library(blocks=recovered)).entries)
    verbatim = {
        (entry.key, entry.start_line): {key: _field(entry, key) for key in ("url", "doi")}
        for entry in [*library.entries, *recovered]
    }
    decoded = Library(blocks=sorted([*library.entries, *recovered], key=lambda entry: entry.start_line))
    for middleware in (
        middlewares.LatexDecodingMiddleware(),
        middlewares.SeparateCoAuthors(),
        middlewares.SplitNameParts(),
    ):
        decoded = middleware.transform(decoded)
    return list(decoded.entries), {(entry.key, entry.start_line) for entry in recovered}, verbatim


def parse(text: str, *, filename: str = "") -> Iterator[ParsedRecord]:
    """Yield the records of a BibTeX file; an entry that repeats a field is kept with a warning."""
    entries, repeated, verbatim = _entries(text, filename)
    for entry in entries:
        record = to_record(entry, verbatim.get((entry.key, entry.start_line)))
        if (entry.key, entry.start_line) in repeated:
            record.warnings.append("entry repeats a field; the first value was kept")
        yield record
