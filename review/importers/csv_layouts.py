"""The column layouts of the databases' own CSV exports, recognised by their header, so those files import
without a hand-made column mapping (FORMATS.md, section 1). Columns are matched without regard to case.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .base import ParsedRecord
from .ris import EBSCO_DATABASES

Row = dict[str, str]

# Our field names: what a user's column mapping (``mapping``) may name, as {field: column}.
FIELDS = (
    "title",
    "abstract",
    "authors",
    "year",
    "journal",
    "issn",
    "volume",
    "issue",
    "pages",
    "start_page",
    "end_page",
    "doi",
    "pmid",
    "pmcid",
    "keywords",
    "mesh_terms",
    "language",
    "publication_types",
    "url",
    "source_database",
    "accession",
    "translated_title",
    "translated_abstract",
)


@dataclass(frozen=True)
class TableLayout:
    """One recognised CSV layout: the columns that identify it and where each of our fields is."""

    name: str
    signature: frozenset[str]
    columns: dict[str, tuple[str, ...]]
    source_database: str = ""
    author_separator: str = r";"
    list_separator: str = r";"
    fix: Callable[[ParsedRecord, Row], None] | None = field(default=None, compare=False)


_CITATION = re.compile(r";\s*(?P<volume>[^(:;]+)?(?:\((?P<issue>[^)]+)\))?:(?P<pages>[^.;]+)")
_EBSCO_DB = re.compile(r"[?&]db=([a-z0-9]+)", re.IGNORECASE)


def _pubmed_citation(record: ParsedRecord, row: Row) -> None:
    # PubMed's CSV has no volume/issue/pages columns, only "Eur J Med Genet. 2020 Feb;63(2):103640. doi: ..."
    match = _CITATION.search(row.get("citation", ""))
    if match:
        record.volume = (match.group("volume") or "").strip()
        record.issue = (match.group("issue") or "").strip()
        record.pages = match.group("pages").strip()


def _cinahl(record: ParsedRecord, row: Row) -> None:
    start, count = row.get("first page", ""), row.get("page count", "")
    if start.isdigit() and count.isdigit() and int(count) > 1:
        record.pages = f"{start}-{int(start) + int(count) - 1}"
    code = _EBSCO_DB.search(row.get("plink", ""))
    record.source_database = EBSCO_DATABASES.get(code.group(1).lower(), "EBSCOhost") if code else "EBSCOhost"


def _scopus(record: ParsedRecord, row: Row) -> None:
    # "Wilson, Lauren N. (58975547800); ..." (2024+ exports): drop the Scopus author ids.
    full = row.get("author full names", "")
    if full:
        record.authors = [re.sub(r"\s*\(\d+\)\s*$", "", name) for name in full.split(";") if name.strip()]


LAYOUTS: tuple[TableLayout, ...] = (
    TableLayout(
        name="Scopus",
        source_database="Scopus",
        fix=_scopus,
        signature=frozenset({"eid", "source title", "authors", "title"}),
        columns={
            "title": ("title",),
            "abstract": ("abstract",),
            "authors": ("authors",),
            "year": ("year",),
            "journal": ("source title",),
            "issn": ("issn",),
            "volume": ("volume",),
            "issue": ("issue",),
            "start_page": ("page start",),
            "end_page": ("page end",),
            "pages": ("art. no.",),
            "doi": ("doi",),
            "pmid": ("pubmed id",),
            "keywords": ("author keywords", "index keywords"),
            "language": ("language of original document",),
            "publication_types": ("document type",),
            "url": ("link",),
            "accession": ("eid",),
        },
    ),
    TableLayout(
        name="Embase",
        source_database="Embase",
        author_separator=r"(?<=\.),\s*",
        list_separator=r"[,;]",
        signature=frozenset({"embase accession id", "author names", "title"}),
        columns={
            "title": ("title",),
            "abstract": ("abstract",),
            "authors": ("author names",),
            "year": ("publication year", "date of publication"),
            "journal": ("source title", "source"),
            "issn": ("issn",),
            "volume": ("volume",),
            "issue": ("issue",),
            "start_page": ("first page",),
            "end_page": ("last page",),
            "doi": ("doi",),
            "pmid": ("medline pmid",),
            "keywords": ("author keywords", "emtree medical index terms", "emtree drug index terms"),
            "language": ("article language",),
            "publication_types": ("publication type",),
            "url": ("embase link", "full text link"),
            "accession": ("embase accession id", "pui"),
        },
    ),
    TableLayout(
        name="Cochrane CENTRAL",
        source_database="Cochrane CENTRAL",
        signature=frozenset({"central id", "author(s)", "title"}),
        columns={
            "title": ("title",),
            "abstract": ("abstract",),
            "authors": ("author(s)",),
            "year": ("year",),
            "journal": ("source",),
            "volume": ("volume",),
            "issue": ("issue",),
            "pages": ("pages",),
            "doi": ("doi",),
            "pmid": ("pubmed id",),
            "keywords": ("keywords",),
            "publication_types": ("publication type",),
            "url": ("url",),
            "accession": ("central id",),
        },
    ),
    TableLayout(
        name="CINAHL (EBSCOhost)",
        fix=_cinahl,
        signature=frozenset({"article title", "accession number", "journal title"}),
        columns={
            "title": ("article title",),
            "abstract": ("abstract",),
            "authors": ("author",),
            "year": ("publication date",),
            "journal": ("journal title",),
            "issn": ("issn",),
            "volume": ("volume",),
            "issue": ("issue",),
            "pages": ("first page",),
            "doi": ("doi",),
            "keywords": ("keywords", "subjects"),
            "publication_types": ("doctype",),
            "url": ("plink",),
            "accession": ("accession number",),
        },
    ),
    TableLayout(
        name="PubMed",
        source_database="PubMed",
        author_separator=r",",
        fix=_pubmed_citation,
        signature=frozenset({"pmid", "citation", "journal/book"}),
        columns={
            "title": ("title",),
            "authors": ("authors",),
            "year": ("publication year",),
            "journal": ("journal/book",),
            "doi": ("doi",),
            "pmid": ("pmid",),
            "pmcid": ("pmcid",),
            "accession": ("pmid",),
        },
    ),
    TableLayout(
        name="Google Scholar",
        source_database="Google Scholar",
        signature=frozenset({"authors", "title", "publication", "number", "pages", "year", "publisher"}),
        columns={
            "title": ("title",),
            "authors": ("authors",),
            "year": ("year",),
            "journal": ("publication",),
            "volume": ("volume",),
            "issue": ("number",),
            "pages": ("pages",),
        },
    ),
    # A table whose columns carry our own field names (or their common aliases), such as the CSVs of
    # reference managers and deduplication tools.
    TableLayout(
        name="generic (columns named after the fields)",
        signature=frozenset({"title"}),
        columns={
            "title": ("title", "primary_title"),
            "abstract": ("abstract", "abstract_note"),
            "authors": ("authors", "author"),
            "year": ("year", "publication_year", "py"),
            "journal": ("journal", "secondary_title", "journal_title", "container-title", "source", "publication"),
            "issn": ("issn", "isbn"),
            "volume": ("volume",),
            "issue": ("issue", "number"),
            "pages": ("pages", "page"),
            "doi": ("doi",),
            "pmid": ("pmid", "pubmed_id"),
            "pmcid": ("pmcid",),
            "keywords": ("keywords",),
            "language": ("language",),
            "publication_types": ("type", "entrytype", "publication_type"),
            "url": ("url",),
            "accession": ("accession",),
            "source_database": ("database",),
        },
    ),
)


def recognise(header: list[str]) -> TableLayout | None:
    """Return the layout whose signature columns are all in the header (case-insensitive), or None."""
    names = {column.strip().lower() for column in header}
    for layout in LAYOUTS:
        if layout.signature <= names:
            return layout
    return None


def from_mapping(mapping: dict[str, str]) -> TableLayout:
    """Return a layout from a user's {field: column} mapping (fields as in FIELDS)."""
    return TableLayout(
        name="user mapping",
        signature=frozenset(),
        columns={name: (column.strip().lower(),) for name, column in mapping.items() if column},
    )
