"""MEDLINE / PubMed .nbib: repeated LID/AID lines, full author names, continuation lines, Ovid tagged text."""

from __future__ import annotations

from review.importers import parse_bytes

from .files import data, tag_values

NBIB = "pubmed-medline/synthesisr_PubMed_example.txt"


def test_doi_is_the_lid_marked_doi_not_the_pii():
    """LID repeats ("... [pii]", "... [doi]"); Bio.Medline joins them, we keep the DOI alone."""
    record = parse_bytes(data(NBIB)).records[0]
    doi = tag_values(NBIB, r"^LID - (\S+) \[doi\]")[0]
    assert record.doi == doi.lower()


def test_fields_follow_the_file():
    """PMID, full author names (FAU), year from DP, journal, MeSH and the wrapped title are read."""
    records = parse_bytes(data(NBIB)).records
    first = records[0]
    assert [r.pmid for r in records] == tag_values(NBIB, r"^PMID- (\d+)")
    assert first.authors[0] == tag_values(NBIB, r"^FAU - (.*)$")[0]
    assert first.year == int(tag_values(NBIB, r"^DP  - (\d{4})")[0])
    assert first.title.startswith("Differences in nitrate and phosphorus export")
    assert "riparian zones from farmland" in first.title  # the continuation line is joined
    assert first.journal == tag_values(NBIB, r"^JT  - (.*)$")[0]
    assert first.source_database == "PubMed" and first.accession == first.pmid
    assert first.mesh_terms == [] and records[1].mesh_terms  # PubMed-not-MEDLINE has no MeSH


def test_pmcid_and_leading_blank_line():
    """The Biopython file starts with a blank line; its PMC tag fills pmcid."""
    name = "pubmed-medline/biopython_pubmed_result2.txt"
    records = parse_bytes(data(name)).records
    assert records[0].line == 2
    assert records[0].pmcid == tag_values(name, r"^PMC - (PMC\d+)")[0]


def test_medline_saved_as_ris_is_detected_by_content():
    """The .ris file that is really MEDLINE is read as MEDLINE."""
    result = parse_bytes(data("pubmed-ris/cff_baseline_pubmed_nbib_truncated.ris"), filename="x.ris")
    assert result.format == "medline"


def test_ovid_citation_manager_text_is_read():
    """Ovid MEDLINE's tagged text (hand-made sample: no real one was found) maps UI to PMID and JN/YR."""
    text = (
        b"<1>\nVN  - Ovid Technologies\nDB  - Ovid MEDLINE(R) ALL\nUI  - 31234567\n"
        b"TI  - Exercise for knee pain.\nFA  - Smith, Jane\nFA  - Li, Wei\nJN  - Journal of Pain\n"
        b"VO  - 12\nIP  - 3\nPG  - 100-110\nYR  - 2019\nLG  - English\nDO  - https://dx.doi.org/10.1000/JP.1\n"
        b"\n<2>\nVN  - Ovid Technologies\nDB  - Ovid MEDLINE(R) ALL\nUI  - 31234568\nTI  - Second.\n"
    )
    result = parse_bytes(text, filename="ovid.txt")
    first = result.records[0]
    assert result.format == "medline"
    assert (first.pmid, first.title, first.year, first.journal) == (
        "31234567",
        "Exercise for knee pain.",
        2019,
        "Journal of Pain",
    )
    assert first.authors == ["Smith, Jane", "Li, Wei"]
    assert first.doi == "10.1000/jp.1"
    assert first.source_database == "Ovid MEDLINE(R) ALL"
    assert result.records[1].line == 17
