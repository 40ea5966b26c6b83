"""The shape every importer produces, and the one error every importer raises.

Each format module turns decoded text into :class:`ParsedRecord` objects; ``review/importers/__init__.py``
detects format and encoding and dispatches (see :func:`review.importers.parse_bytes`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class ImportFormatError(Exception):
    """A file that cannot be read as its format: names the file, the line and the reason."""

    def __init__(self, reason: str, *, filename: str = "", line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.filename = filename
        self.line = line

    def __str__(self) -> str:
        where = self.filename or "the file"
        if self.line is not None:
            where += f", line {self.line}"
        return f"{where}: {self.reason}"


@dataclass
class ParsedRecord:
    """One normalised bibliographic record (the keys of the ``import_records --dry-run --json`` output)."""

    title: str = ""
    abstract: str = ""
    authors: list[str] = field(default_factory=list)  # "Family, Given"; CJK and corporate names kept whole
    year: int | None = None
    journal: str = ""
    issn: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""  # lower-case, no URL prefix
    pmid: str = ""
    pmcid: str = ""
    keywords: list[str] = field(default_factory=list)
    mesh_terms: list[str] = field(default_factory=list)
    language: str = ""
    publication_types: list[str] = field(default_factory=list)
    url: str = ""
    source_database: str = ""
    accession: str = ""
    translated_title: str = ""  # e.g. the English title given beside a Chinese one
    translated_abstract: str = ""
    raw: str = ""  # the record verbatim
    line: int = 0  # line of the file where the record starts (1-based)
    warnings: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        """Return True when nothing identifies the record (no title, DOI, PMID or accession)."""
        return not (self.title.strip() or self.doi or self.pmid or self.accession or self.translated_title)

    def to_json(self) -> dict[str, Any]:
        """Return the record as a JSON-ready dict (without the verbatim raw text and line)."""
        data = asdict(self)
        data.pop("raw")
        return data


# The fields of a ParsedRecord (and columns of a Record) that hold a list of strings, stored as JSON.
LIST_FIELDS = ("authors", "keywords", "mesh_terms", "publication_types")


@dataclass
class ParseResult:
    """What a file gave: its detected (or chosen) format and encoding, the records and the warnings."""

    format: str
    encoding: str
    records: list[ParsedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # file-level and per-record, each naming its line
    skipped: list[str] = field(default_factory=list)  # empty records left out, each naming its line
