"""Web of Science plain text (tagged) and tab-delimited exports."""

from __future__ import annotations

from review.importers import parse_bytes

from .files import data, tag_values

TAGGED = "wos-tagged/synthesisr_WoS_txt_example.txt"
TAB = "wos-tabdelimited/vos_citespace_savedrecs1_truncated.txt"


def test_tagged_fields_follow_the_file():
    """UT accessions, DOIs, years and continuation-line authors come from the file."""
    records = parse_bytes(data(TAGGED)).records
    assert [r.accession for r in records] == tag_values(TAGGED, r"^UT (\S+)")
    assert [r.doi for r in records if r.doi] == [d.lower() for d in tag_values(TAGGED, r"^DI (\S+)")]
    assert records[0].authors[:3] == ["Li, Wei", "Dou, Zhiguo", "Cui, Lijuan"]
    assert records[0].title == (
        "Soil fauna diversity at different stages of reed restoration in a lakeshore wetland at Lake Taihu, China"
    )
    assert records[0].year == 2020 and records[0].source_database == "Web of Science"


def test_current_tags_unknown_to_rispy_are_accepted():
    """Z8, ZB, ZR, ZS (which crash rispy's WoS parser) are simply carried in the raw record."""
    record = parse_bytes(data(TAGGED)).records[0]
    assert "\nZB 0" in record.raw


def test_keywords_wrapping_across_lines_stay_whole():
    """DE/ID keyword lists wrap mid-list; a keyword is never cut at the line break."""
    name = "wos-tagged/rispy_example_wos.ris"
    record = parse_bytes(data(name)).records[1]
    assert "RESONANCE RAMAN-SCATTERING" in record.keywords
    assert all("\n" not in keyword for keyword in record.keywords)


def test_zoological_record_emails_are_removed_from_authors():
    """Zoological Record writes 'Name (email)'; the email goes, the name stays."""
    name = "wos-tagged/synthesisr_zoorec_truncated.txt"
    first = parse_bytes(data(name)).records[0]
    assert first.authors[0] == "Stillman, Andrew N."
    assert first.source_database == "Zoological Record"
    assert first.accession == tag_values(name, r"^UT (\S+)")[0]


def test_tab_delimited_rows_follow_the_file():
    """Tab-delimited: one record per line after the header; UT, DOI, PMID and '; '-separated authors."""
    records = parse_bytes(data(TAB)).records
    rows = data(TAB).decode("utf-8-sig").split("\n")
    header = rows[0].split("\t")
    third = dict(zip(header, rows[3].split("\t"), strict=False))
    assert records[2].line == 4
    assert records[2].accession == third["UT"]
    assert records[2].doi == third["DI"].lower()
    assert records[2].pmid == third["PM"]
    assert records[2].authors == third["AF"].split("; ")
    assert records[2].year == int(third["PY"])
