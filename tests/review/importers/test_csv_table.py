"""Tables: the databases' own CSVs recognised by their header, user column mappings, unknown layouts."""

from __future__ import annotations

import csv
import io

import pytest

from review.importers import ImportFormatError, csv_columns, parse_bytes

from .files import data, text


def rows_of(name: str, skip: int = 0) -> list[dict[str, str]]:
    lines = text(name).split("\n")[skip:]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def test_embase_csv_preamble_is_skipped_and_fields_mapped():
    """Embase CSV starts with 'SEARCH QUERY' and a dashed line; the header comes after."""
    name = "embase-csv/cff_baseline_embase.csv"
    rows = rows_of(name, skip=3)
    records = parse_bytes(data(name)).records
    assert [r.title for r in records] == [row["Title"] for row in rows]
    assert records[0].doi == rows[0]["DOI"].lower()
    assert records[0].authors[0] == "Yang, Z."  # "Yang Z., Jiang B., ..." split after each initial
    assert [r.pmid for r in records] == [row["Medline PMID"] for row in rows]
    assert records[0].accession == (rows[0]["Embase Accession ID"] or rows[0]["PUI"])
    assert records[0].line == 5 and records[0].source_database == "Embase"


def test_cochrane_csv():
    """Cochrane CSV: CENTRAL ID accession, 'PUBMED n' PubMed IDs reduced to the number."""
    name = "cochrane-csv/cff_baseline_cochrane.csv"
    rows = rows_of(name)
    records = parse_bytes(data(name)).records
    assert [r.accession for r in records] == [row["CENTRAL ID"] for row in rows]
    assert [r.pmid for r in records] == [row["PubMed ID"].split()[-1] for row in rows]
    assert records[0].authors == rows[0]["Author(s)"].split("; ")


def test_cinahl_csv_excel_escapes_are_unwrapped():
    """CINAHL writes ISSN and dates as ="..." formulas; the value inside is used."""
    name = "cinahl-csv/cff_baseline_cinahl.csv"
    rows = rows_of(name)
    first = parse_bytes(data(name)).records[0]
    assert rows[0]["ISSN"] == '="19326203"'
    assert first.issn == "1932-6203" and first.year == 2024
    assert first.accession == rows[0]["Accession Number"] and first.doi == rows[0]["DOI"].lower()
    assert first.pages == "1-60"


def test_pubmed_csv_volume_issue_pages_come_from_the_citation():
    """PubMed CSV has no volume/issue/pages columns; they are read from the Citation string."""
    name = "pubmed-csv/cff_baseline_pubmed.csv"
    first = parse_bytes(data(name)).records[0]
    assert rows_of(name)[0]["Citation"].startswith("Eur J Med Genet. 2020 Feb;63(2):103640.")
    assert (first.volume, first.issue, first.pages) == ("63", "2", "103640")
    assert first.authors == ["Griffin, DK", "Larkin, DM", "O'Connor, RE"]
    assert first.pmcid == "PMC7026692" and first.source_database == "PubMed"


def test_google_scholar_trailing_author_separator():
    """Google Scholar ends its author list with '; '; no empty author appears."""
    first = parse_bytes(data("googlescholar-csv/cff_baseline_googlescholar.csv")).records[0]
    assert first.authors == ["Barrett, Paul M", "Willis, Katherine J"]
    assert first.issue == "3" and first.pages == "411-447"


def test_scopus_csv_is_its_own_format():
    """Scopus CSV: author full names without Scopus ids, EID accession, page start-end."""
    name = "scopus-csv/cff_baseline_scopus_truncated.csv"
    rows = rows_of(name)
    result = parse_bytes(data(name))
    first = result.records[0]
    assert result.format == "scopus-csv"
    assert first.authors[0] == "Wilson, Lauren N."
    assert [r.accession for r in result.records] == [row["EID"] for row in rows]
    assert first.pmid == rows[0]["PubMed ID"]


def test_unknown_header_needs_a_mapping_and_lists_its_columns():
    """A table of unknown layout is refused with the columns found, so the user can map them."""
    table = b"Heading,Writers,When\nA study,Smith J,2020\n"
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(table, filename="mine.csv")
    assert "Columns found: Heading, Writers, When" in caught.value.reason


def test_user_mapping_reads_an_unknown_layout():
    """With {field: column} the same table imports; list fields split on ';'."""
    table = b"Heading\tWriters\tWhen\tId\nA study\tSmith J; Li W\t2020\t10.1/X\n"
    mapping = {"title": "Heading", "authors": "Writers", "year": "When", "doi": "Id"}
    record = parse_bytes(table, filename="mine.csv", format="csv", mapping=mapping).records[0]
    assert (record.title, record.authors, record.year, record.doi) == ("A study", ["Smith, J", "Li, W"], 2020, "10.1/x")


def test_mapping_naming_a_missing_column_is_refused():
    """A mapping to a column the file lacks is a clear error."""
    with pytest.raises(ImportFormatError, match="columns not in the file: Nope"):
        parse_bytes(b"a,b\n1,2\n", format="csv", mapping={"title": "Nope"})


def test_csv_columns_lists_the_header_after_a_preamble():
    """csv_columns feeds the mapping form; Embase's preamble is skipped."""
    columns = csv_columns(data("embase-csv/cff_baseline_embase.csv"))
    assert columns[:3] == ["Title", "Original Title", "Author Names"]


def test_cp1252_asysd_benchmark_file_reads_with_field_named_columns():
    """The ASySD benchmark CSV (cp1252, columns named after our fields) imports without a mapping."""
    from tests.conftest import SHARED

    raw = (SHARED / "benchmarks/dedup/asysd_diabetes/labelled_test_set.csv").read_bytes()
    result = parse_bytes(raw, filename="asysd.csv")
    expected = list(csv.DictReader(io.StringIO(raw.decode("cp1252"))))
    assert result.encoding == "cp1252"
    assert len(result.records) + len(result.skipped) == len(expected)
    assert result.records[0].title == expected[0]["title"]
