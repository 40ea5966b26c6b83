"""Format detection by content, whatever the extension says."""

from __future__ import annotations

import pytest

from review.importers import detect_format

SAMPLES = {
    "ris": "Record #1 of 2\nProvider: John Wiley & Sons, Ltd.\n\nTY  -  JOUR\nTI  -  x\nER  -  \n",
    "medline": "\nPMID- 123\nTI  - x\n",
    "wos-tagged": "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI x\nER\nEF\n",
    "wos-tab": "PT\tAU\tTI\tSO\nJ\tSmith, J\tx\ty\n",
    "enw": "%0 Journal Article\n%T x\n",
    "noteexpress": "{Reference Type}: Journal Article\n{Title}: x\n",
    "cnki-estudy": "DataType: 1\nTitle-题名: x\n",
    "refworks": "RT Journal Article\nT1 x\n",
    "bibtex": "% exported\n\n@article{k, title={x}}\n",
    "csl-json": '[{"id": "a", "type": "book", "title": "x"}]',
    "pubmed-xml": '<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet>\n<PubmedArticleSet><PubmedArticle>',
    "endnote-xml": '<?xml version="1.0" encoding="UTF-8"?><xml><records><record>',
    "scopus-csv": '"Authors","Title","Year","Source title","EID"\n"A","B","2020","C","2-s2.0-1"\n',
    "csv": "title,year\nx,2020\n",
}


@pytest.mark.parametrize("expected", sorted(SAMPLES))
def test_each_format_is_recognised_from_its_first_lines(expected):
    """The sniffing rules of FORMATS.md section 0, one sample per format."""
    assert detect_format(SAMPLES[expected], "whatever.txt") == expected


def test_extension_is_ignored():
    """MEDLINE text named .ris is MEDLINE; WoS text named .ris is WoS."""
    assert detect_format("PMID- 1\nTI  - x\n", "export.ris") == "medline"
    assert detect_format(SAMPLES["wos-tagged"], "savedrecs.ris") == "wos-tagged"


def test_ovid_sequence_lines_before_ris():
    """Ovid puts a bare '1.' line before each RIS record."""
    assert detect_format("1.\nTY  - JOUR\nT1  - x\nER  -\n") == "ris"
