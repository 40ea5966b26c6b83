"""Exports: RIS that re-imports to the same records, spreadsheets without formulas, EndNote XML, BibTeX."""

import csv
import io

import pytest
from openpyxl import load_workbook

from review.importers import parse_bytes
from review.imports import selectors
from review.imports.exports import records_export
from review.imports.selectors import Annotation
from review.imports.services import record_import
from tests.factories import RecordFactory
from tests.review.imports.helpers import fixture, source_for

COMPARED = ["title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid", "abstract", "keywords"]


def _values(record):
    return {name: getattr(record, name) for name in COMPARED}


@pytest.fixture
def imported(cast):
    """A review holding the real Scopus RIS and PubMed MEDLINE fixtures."""
    record_import(
        source=source_for(cast.review, "Scopus"),
        user=cast.lead,
        filename="scopus.ris",
        data=fixture("scopus-ris/synthesisr_Scopus_ris_example.ris"),
    )
    record_import(
        source=source_for(cast.review, "PubMed"),
        user=cast.lead,
        filename="pubmed.txt",
        data=fixture("pubmed-medline/synthesisr_PubMed_example.txt"),
    )
    return cast.review


def test_an_ris_export_reimports_as_the_same_records(imported, cast):
    """Export as RIS, import into another source: every compared field is equal, record by record."""
    name, content = records_export(review=imported, which="all", format="ris")
    assert name.endswith(".ris")
    originals = [_values(r) for r in selectors.records_for_export(imported, "all")]
    again = record_import(source=source_for(imported, "Round trip"), user=cast.lead, data=content, filename=name)
    copies = [_values(r) for r in again.records.order_by("position")]
    assert len(copies) == len(originals) == 6
    assert copies == originals


def test_csv_neutralises_formulas_in_imported_text(cast):
    """A title starting with = (a CSV injection) is written with a leading quote, as are + - @ starts."""
    RecordFactory(batch__source__review=cast.review, title='=HYPERLINK("http://evil","x")', journal="+1", pages="-2")
    _, content = records_export(review=cast.review, which="all", format="csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil","x")'
    assert rows[0]["journal"] == "'+1" and rows[0]["pages"] == "'-2"


def test_xlsx_neutralises_formulas_and_keeps_text(cast):
    """The workbook holds text, never a formula, even for a title starting with @ or =."""
    RecordFactory(batch__source__review=cast.review, title="@SUM(A1:A9)", abstract="=1+1 and \x07 bell")
    _, content = records_export(review=cast.review, which="all", format="xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    row = {h: c.value for h, c in zip(header, sheet[2], strict=True)}
    assert row["title"] == "'@SUM(A1:A9)"
    assert row["abstract"].startswith("'=1+1")
    assert sheet.cell(row=2, column=header.index("title") + 1).data_type == "s"


def test_endnote_xml_and_bibtex_read_back_with_our_importers(imported):
    """EndNote XML and BibTeX exports parse back to the same titles and DOIs."""
    expected = sorted((r.title, r.doi) for r in selectors.records_for_export(imported, "all"))
    for fmt in ("endnote-xml", "bibtex"):
        _, content = records_export(review=imported, which="all", format=fmt)
        result = parse_bytes(content, format=fmt)
        assert sorted((r.title, r.doi) for r in result.records) == expected, fmt


def test_review_annotations_travel_in_standard_fields(cast, monkeypatch):
    """A registered annotator's stage, decision, reason and labels land in RIS N1/KW and EndNote notes/label."""
    record = RecordFactory(batch__source__review=cast.review, title="Annotated trial", keywords=["bone"])

    def annotate(review, ids):
        return {
            record.pk: Annotation(
                stage="Full text",
                decisions=["excluded by reviewer"],
                exclusion_reason="Wrong population",
                labels=["RCT"],
            )
        }

    monkeypatch.setattr(selectors, "EXPORT_ANNOTATORS", [annotate])
    ris = records_export(review=cast.review, which="all", format="ris")[1].decode()
    assert "N1  - Exclusion reason: Wrong population" in ris
    assert "N1  - Stage: Full text" in ris
    assert "KW  - RCT" in ris and "KW  - bone" in ris
    xml = records_export(review=cast.review, which="all", format="endnote-xml")[1].decode()
    assert "<label>RCT</label>" in xml and "Exclusion reason: Wrong population" in xml
    rows = list(
        csv.DictReader(
            io.StringIO(records_export(review=cast.review, which="all", format="csv")[1].decode("utf-8-sig"))
        )
    )
    assert rows[0]["exclusion_reason"] == "Wrong population" and rows[0]["stage"] == "Full text"


def test_an_unknown_export_set_names_the_known_ones(cast):
    """records_for_export refuses an unknown set, listing those it knows."""
    with pytest.raises(KeyError, match="known: all"):
        selectors.records_for_export(cast.review, "included-somewhere")


def test_bibtex_braces_in_titles_stay_balanced(cast):
    """Unbalanced braces and percent signs in imported text are escaped, so the file still parses."""
    RecordFactory(batch__source__review=cast.review, title="A {broken title 100% sure", doi="10.1/x")
    content = records_export(review=cast.review, which="all", format="bibtex")[1]
    result = parse_bytes(content, format="bibtex")
    assert result.records[0].doi == "10.1/x"
    assert "broken title" in result.records[0].title
