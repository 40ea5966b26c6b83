"""EndNote tagged text (%0, .enw) and CNKI's EndNote export."""

from __future__ import annotations

from review.importers import parse_bytes

from .files import data, tag_values

CNKI = "cnki-endnote/cnki_converter_demo_endnote.txt"


def test_cnki_endnote_fields_follow_the_file():
    """Chinese titles and authors are kept exactly; ';;'-joined keywords are split; %W names CNKI."""
    records = parse_bytes(data(CNKI)).records
    first = records[0]
    assert [r.title for r in records] == tag_values(CNKI, r"^%T (.*?)\s*$")
    assert first.authors == ["吴继琴"]
    assert first.keywords == tag_values(CNKI, r"^%K (.*?)\s*$")[0].split(";;")
    assert first.issn == "1009-9522" and first.year == 2019
    assert all(r.source_database == "CNKI" for r in records)


def test_theses_keep_their_degree_type():
    """CNKI theses: %0 Thesis and %9 (硕士/博士) become the publication types."""
    theses = [r for r in parse_bytes(data(CNKI)).records if "Thesis" in r.publication_types]
    assert len(theses) == data(CNKI).count(b"%0 Thesis")
    assert all(len(r.publication_types) == 2 for r in theses)


def test_english_abstract_line_break_markers_are_removed():
    """CNKI writes '(#br)' for line breaks in English abstracts."""
    text = b"%0 Journal Article\n%A Smith, J\n%T Title\n%X First part.(#br)Second part.\n%W CNKI\n"
    assert parse_bytes(text).records[0].abstract == "First part. Second part."


def test_enw_from_a_reference_manager():
    """A plain .enw: one %A per author, %R DOI, %M accession, %U URL; CRLF line endings."""
    text = (
        b"%0 Journal Article\r\n%A Smith, Jane\r\n%A Li, Wei\r\n%T Knee pain\r\n%J BMJ\r\n%D 2021\r\n"
        b"%V 3\r\n%N 1\r\n%P 1-9\r\n%R 10.1136/BMJ.1\r\n%M 33445566\r\n%U https://x.org/1\r\n\r\n"
        b"%0 Book\r\n%T Second\r\n"
    )
    result = parse_bytes(text, filename="refs.enw")
    first = result.records[0]
    assert result.format == "enw"
    assert (first.authors, first.doi, first.accession, first.pages) == (
        ["Smith, Jane", "Li, Wei"],
        "10.1136/bmj.1",
        "33445566",
        "1-9",
    )
    assert result.records[1].line == 14
