"""records_to_ris writes standard RIS that our reader reads back to the same records."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from review.importers import parse_bytes
from review.importers.base import ParsedRecord
from review.importers.ris_writer import records_to_ris

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÀéüøßABCDEFGHIJ0123456789-'", min_size=1, max_size=12)
PHRASE = st.lists(WORD, min_size=1, max_size=8).map(" ".join)
NAME = st.tuples(WORD.filter(lambda w: w[0].isalpha()), WORD).map(lambda p: f"{p[0]}, {p[1]}")
DOI = st.tuples(st.integers(1000, 99999), st.text("abcdefghij0123456789./-", min_size=1, max_size=15)).map(
    lambda p: f"10.{p[0]}/x{p[1]}0"
)
TYPES = st.sampled_from(["Journal Article", "Book", "Book Section", "Thesis", "Report"])

RECORD = st.builds(
    ParsedRecord,
    title=PHRASE,
    abstract=st.one_of(st.just(""), PHRASE),
    authors=st.lists(NAME, max_size=6, unique=True),
    year=st.one_of(st.none(), st.integers(1800, 2099)),
    journal=st.one_of(st.just(""), PHRASE),
    issn=st.one_of(st.just(""), st.integers(0, 9999999).map(lambda n: f"{n:08d}"[:4] + "-" + f"{n:08d}"[4:])),
    volume=st.one_of(st.just(""), st.integers(1, 999).map(str)),
    issue=st.one_of(st.just(""), st.integers(1, 99).map(str)),
    pages=st.one_of(st.just(""), st.integers(1, 500).map(lambda n: f"{n}-{n + 9}"), st.just("e1234")),
    doi=st.one_of(st.just(""), DOI),
    keywords=st.lists(PHRASE, max_size=5, unique=True),
    language=st.one_of(st.just(""), WORD),
    publication_types=TYPES.map(lambda t: [t]),
    url=st.one_of(st.just(""), WORD.map(lambda w: f"https://example.org/{w}")),
    source_database=st.one_of(st.just(""), st.sampled_from(["Embase", "Scopus", "Web of Science"])),
    accession=st.one_of(st.just(""), WORD),
)
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
    "doi",
    "keywords",
    "language",
    "publication_types",
    "url",
    "source_database",
    "accession",
)


def _fields(record: ParsedRecord) -> dict:
    return {name: getattr(record, name) for name in FIELDS}


@settings(max_examples=150, deadline=None)
@given(records=st.lists(RECORD, min_size=1, max_size=5))
def test_parse_of_write_gives_the_same_records(records):
    """Every written field comes back unchanged, record by record."""
    result = parse_bytes(records_to_ris(records).encode("utf-8"), format="ris")
    assert [_fields(r) for r in result.records] == [_fields(r) for r in records]
    assert result.warnings == []


def test_extra_notes_become_n1_lines():
    """Notes given per record position are written as N1 lines of that record."""
    text = records_to_ris([ParsedRecord(title="A"), ParsedRecord(title="B")], extra_notes={1: ["included"]})
    first, second = text.split("\n\n")
    assert "N1  - included" in second and "N1" not in first
    assert text.endswith("ER  - \n")
