"""Every real export in shared/fixtures/imports parses, format and encoding detected, with its documented count."""

from __future__ import annotations

import pytest

from review.importers import parse_bytes

from .files import data, provenance_counts

# The format each fixture folder holds (by content: two files have a misleading extension).
FORMAT_OF_FOLDER = {
    "bibtex": "bibtex",
    "cinahl-csv": "csv",
    "cinahl-ris": "ris",
    "cnki-endnote": "enw",
    "cnki-estudy": "cnki-estudy",
    "cnki-noteexpress": "noteexpress",
    "cochrane-csv": "csv",
    "cochrane-ris": "ris",
    "csl-json": "csl-json",
    "embase-csv": "csv",
    "embase-ris": "ris",
    "endnote-xml": "endnote-xml",
    "googlescholar-csv": "csv",
    "googlescholar-ris": "ris",
    "ovid-ris": "ris",
    "proquest-ris": "ris",
    "pubmed-csv": "csv",
    "pubmed-medline": "medline",
    "pubmed-ris": "medline",
    "pubmed-xml": "pubmed-xml",
    "scopus-bibtex": "bibtex",
    "scopus-csv": "scopus-csv",
    "scopus-ris": "ris",
    "wanfang-noteexpress": "noteexpress",
    "wos-ris": "ris",
    "wos-tabdelimited": "wos-tab",
    "wos-tagged": "wos-tagged",
}
COUNTS = provenance_counts()


def test_provenance_lists_every_fixture_folder():
    """The table read from PROVENANCE.md covers every folder, so no fixture escapes the tests below."""
    assert {name.split("/")[0] for name in COUNTS} == set(FORMAT_OF_FOLDER)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_fixture_parses_with_its_documented_record_count(name):
    """Auto-detected format and encoding give exactly the records PROVENANCE.md counts, none skipped."""
    result = parse_bytes(data(name), filename=name)
    assert result.format == FORMAT_OF_FOLDER[name.split("/")[0]]
    assert len(result.records) == COUNTS[name]
    assert result.skipped == []
    assert all(record.title or record.translated_title for record in result.records)
    assert all(record.line >= 1 and record.raw for record in result.records)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_record_lines_point_at_the_start_of_each_record(name):
    """Each record's line is within the file and the lines increase (records come in file order)."""
    result = parse_bytes(data(name), filename=name)
    lines = [record.line for record in result.records]
    total = data(name).count(b"\n") + 1
    assert lines == sorted(lines)
    assert all(1 <= line <= total for line in lines)
