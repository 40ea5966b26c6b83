"""BibTeX: Zotero and Scopus exports, a GBK file, repeated fields, syntax errors."""

from __future__ import annotations

import re

import pytest

from review.importers import ImportFormatError, parse_bytes

from .files import data

ZOTERO = "bibtex/asysd_zotero_export_truncated.bib"
SCOPUS = "scopus-bibtex/synthesisr_Scopus_bib_example.bib"


def test_zotero_fields_follow_the_file():
    """Braces protecting capitals are dropped; DOIs, years and ' and '-joined authors are read."""
    text = data(ZOTERO).decode()
    records = parse_bytes(data(ZOTERO)).records
    assert [r.doi for r in records if r.doi] == [d.lower() for d in re.findall(r"\tdoi = \{(.*?)\}", text)]
    assert records[0].title == "Microangiography of the humeral condyle in Cocker Spaniel and non-Cocker Spaniel dogs"
    assert records[0].authors[:2] == ["Larsen, LJ", "Roush, JK"]
    assert [r.year for r in records] == [int(y) for y in re.findall(r"\tyear = \{(\d{4})\}", text)]
    assert records[0].pages == "134-137"


def test_scopus_entry_with_a_repeated_field_is_kept_with_a_warning():
    """bibtexparser rejects an entry repeating funding_details; it is recovered, and the warning names its line."""
    result = parse_bytes(data(SCOPUS), filename="scopus.bib")
    first = result.records[0]
    assert first.title.startswith("Soil fauna diversity")
    assert first.doi == "10.1080/20964129.2020.1722034"
    assert first.accession == "2-s2.0-85079532227"
    assert "&doi=10.1080%2f20964129" in first.url  # LaTeX decoding never touches URLs
    assert result.warnings == ["line 2: entry repeats a field; the first value was kept"]


def test_gbk_file_is_decoded_and_chinese_kept():
    """The GBK fixture is detected as GB18030 (its superset); the Chinese author and journal survive."""
    result = parse_bytes(data("bibtex/bibtexparser_gbk_test.bib"))
    record = result.records[0]
    assert result.encoding == "gb18030"
    assert record.authors == ["凯撒"] and record.journal == "测试期刊" and record.year == 2013


def test_pmid_in_a_zotero_note_is_read():
    """Zotero keeps PMIDs in note/extra as 'PMID: 123'."""
    text = b"@article{a, title={T}, year={2020}, note={PMID: 123456 PMCID: PMC765}}\n"
    record = parse_bytes(text).records[0]
    assert (record.pmid, record.pmcid) == ("123456", "PMC765")


def test_unclosed_entry_is_an_error_naming_its_line():
    """A field left open is a syntax error at the entry's line."""
    text = b"@article{a, title={One}, year={2020}}\n\n@article{b, title={Two, year=2021\n@article{c, title={x}}\n"
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(text, filename="bad.bib")
    assert caught.value.line == 3
