"""RIS: vendor quirks (BOM, L3 DOIs, DOI URLs, C5/C3 PMIDs, accessions), repeated tags and broken files."""

from __future__ import annotations

import pytest

from review.importers import ImportFormatError, parse_bytes

from .files import data, tag_values


def parse(name):
    return parse_bytes(data(name), filename=name).records


def test_first_record_after_a_byte_order_mark_is_kept():
    """Embase RIS starts with a BOM; rispy loses its first record, we keep it (title from T1 line 1)."""
    records = parse("embase-ris/asreview_embase.ris")
    first_title = tag_values("embase-ris/asreview_embase.ris", r"^T1  - (.*)$")[0]
    assert data("embase-ris/asreview_embase.ris").startswith(b"\xef\xbb\xbf")
    assert records[0].title == first_title
    assert records[0].line == 1


def test_embase_pmid_comes_from_c5_and_accession_from_u2():
    """Embase writes the PMID in C5 and its own L-number in U2."""
    name = "embase-ris/asreview_embase.ris"
    records = parse(name)
    pmids = tag_values(name, r"^C5  - (\d+)")
    accessions = tag_values(name, r"^U2  - (\S+)")
    assert {r.pmid for r in records if r.pmid} == set(pmids)
    assert [r.accession for r in records] == accessions
    assert all(r.source_database == "Embase" for r in records)


def test_repeated_tags_keep_every_value():
    """Embase repeats SN and KW; every keyword survives (rispy keeps only the last value of such tags)."""
    name = "embase-ris/asreview_embase.ris"
    first = parse(name)[0]
    block = data(name).decode("utf-8-sig").split("ER  -")[0]
    keywords = [line[6:].strip() for line in block.splitlines() if line.startswith("KW  - ")]
    assert first.keywords == keywords
    assert first.issn == "2226-7190"


def test_cinahl_doi_is_read_from_l3():
    """CINAHL (EBSCO) puts the DOI in L3, not DO."""
    name = "cinahl-ris/cff_baseline_cinahl.ris"
    dois = tag_values(name, r"^L3  - (10\.\S+)")
    assert [r.doi for r in parse(name) if r.doi][:3] == [d.lower() for d in dois[:3]]


def test_ovid_doi_url_is_normalised():
    """Ovid writes the DOI as a dx.doi.org URL; it is stored bare and lower-case."""
    name = "ovid-ris/synthesisr_Ovid_ris_example.ris"
    urls = tag_values(name, r"^DO  - (\S+)")
    record = parse(name)[1]
    assert urls[1].startswith("http://dx.doi.org/")
    assert record.doi == urls[1].removeprefix("http://dx.doi.org/").lower()


def test_cochrane_headers_pmid_in_c3_and_accession_in_an():
    """Cochrane CENTRAL precedes records with 'Record #' lines, writes 'TY  -  ', PMIDs as 'PUBMED n' in C3."""
    name = "cochrane-ris/cff_baseline_cochrane_endnote.ris"
    records = parse(name)
    assert [r.accession for r in records] == tag_values(name, r"^AN  -  (CN-\d+)")
    assert [r.pmid for r in records] == tag_values(name, r"^C3  -  PUBMED (\d+)")
    assert records[0].publication_types == ["Journal article"]
    assert records[0].source_database == "Cochrane CENTRAL"


def test_wos_scopus_and_proquest_accessions():
    """WoS AN (WOS:...), Scopus EID (from the UR link) and ProQuest's document id are the accessions."""
    wos = parse("wos-ris/cff_baseline_webofscience.ris")
    scopus = parse("scopus-ris/synthesisr_Scopus_ris_example.ris")
    proquest = parse("proquest-ris/asreview_proquest.ris")
    assert wos[0].accession == tag_values("wos-ris/cff_baseline_webofscience.ris", r"^AN  - (\S+)")[0]
    assert scopus[0].accession == tag_values("scopus-ris/synthesisr_Scopus_ris_example.ris", r"eid=([^&]+)")[0]
    assert proquest[0].accession == tag_values("proquest-ris/asreview_proquest.ris", r"^AN  - (\d+);")[0]
    assert wos[0].source_database == "Web of Science" and scopus[0].source_database == "Scopus"


def test_authors_and_years_follow_the_file():
    """Authors keep their order and 'Family, Given' form; the year comes from PY or Y1 ('2020//')."""
    name = "ovid-ris/synthesisr_Ovid_ris_example.ris"
    first = parse(name)[0]
    block = data(name).decode().split("ER  -")[0]
    authors = [line[6:].strip() for line in block.splitlines() if line.startswith("A1  - ")]
    assert first.authors == authors
    assert first.year == int(tag_values(name, r"^Y1  - (\d{4})")[0])


def test_web_of_science_title_markup_is_stripped():
    """WoS RIS titles hold <i> tags; the text is kept without them."""
    titles = [r.title for r in parse("wos-ris/cff_baseline_webofscience.ris")]
    assert any("Kulindadromeus zabaikalicus" in t for t in titles)
    assert not any("<i>" in t for t in titles)


def test_record_without_er_is_kept_with_a_warning():
    """A truncated last record (no ER line) still imports, warned about, naming its line."""
    text = b"TY  - JOUR\nTI  - Complete\nER  - \n\nTY  - JOUR\nTI  - Cut short\nAU  - Smith, J\n"
    result = parse_bytes(text, filename="cut.ris")
    assert [r.title for r in result.records] == ["Complete", "Cut short"]
    assert result.warnings == ["line 5: record not closed by an 'ER  -' line"]


def test_untagged_lines_continue_the_previous_value():
    """A value wrapped onto an untagged line is joined to it."""
    text = b"TY  - JOUR\nTI  - A long title\n  that wraps\nER  - \n"
    assert parse_bytes(text).records[0].title == "A long title that wraps"


def test_tag_outside_a_record_is_an_error_naming_its_line():
    """A tag after ER and before the next TY means the file is broken: the error names that line."""
    text = b"TY  - JOUR\nTI  - One\nER  - \nTI  - Orphan\nTY  - JOUR\nTI  - Two\nER  - \n"
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(text, filename="broken.ris", format="ris")
    assert caught.value.line == 4
    assert "broken.ris, line 4" in str(caught.value)


def test_text_that_is_not_ris_is_refused_when_ris_is_forced():
    """Forcing RIS on a CSV gives a clear error, not an empty success."""
    with pytest.raises(ImportFormatError, match="no RIS record found"):
        parse_bytes(b"title,year\nA,2020\n", filename="x.csv", format="ris")


RIS_FIXTURES = [
    "cinahl-ris/cff_baseline_cinahl.ris",
    "cochrane-ris/cff_baseline_cochrane_endnote.ris",
    "embase-ris/asreview_embase.ris",
    "googlescholar-ris/cff_baseline_googlescholar.ris",
    "ovid-ris/cff_baseline_eric_ovid.ris",
    "ovid-ris/synthesisr_Ovid_ris_example.ris",
    "proquest-ris/asreview_proquest.ris",
    "scopus-ris/synthesisr_Scopus_ris_example.ris",
    "wos-ris/cff_baseline_webofscience.ris",
]


@pytest.mark.parametrize("name", RIS_FIXTURES)
def test_titles_and_first_authors_match_the_tag_lines(name):
    """For every RIS fixture, each record's title is its TI/T1 line and its first author its first AU/A1."""
    records = parse(name)
    titles = tag_values(name, r"^T[I1]  -  ?(.*?)\s*$")
    firsts = [block for block in data(name).decode("utf-8-sig").split("ER  -") if "TY  -" in block]
    authors = [next((ln[6:].strip() for ln in b.splitlines() if ln[:2] in ("AU", "A1")), "") for b in firsts]
    assert len(records) == len(titles) == len(authors)
    assert [r.title for r in records] == [t.replace("<i>", "").replace("</i>", "") for t in titles]
    # Embase's "Liu R." is stored as "Liu, R.": compare without the comma.
    assert [r.authors[0].replace(",", "") if r.authors else "" for r in records] == [
        " ".join(a.replace(",", "").split()) for a in authors
    ]
