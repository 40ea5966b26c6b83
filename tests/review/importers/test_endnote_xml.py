"""EndNote XML: <style> runs joined, CR-joined values split, PubMed-sourced accession numbers as PMIDs."""

from __future__ import annotations

import re

from review.importers import parse_bytes

from .files import data

NAME = "endnote-xml/asysd_endnote20_export_truncated.xml"


def _styled(tag: str) -> list[str]:
    return re.findall(rf"<{tag}>\s*<style[^>]*>(.*?)</style>", data(NAME).decode())


def test_fields_follow_the_file():
    """Titles, PMIDs (accession-num of NLM records), years and DOIs are those in the file."""
    records = parse_bytes(data(NAME)).records
    titles = [t.replace("&amp;", "&") for t in _styled("title")]
    assert [r.title for r in records] == titles
    assert [r.pmid for r in records] == _styled("accession-num")
    assert [r.year for r in records] == [int(y) for y in _styled("year")]
    assert [r.doi for r in records if r.doi] == [d.lower() for d in _styled("electronic-resource-num")]
    assert all(r.source_database == "PubMed" for r in records)


def test_issn_joined_with_carriage_return_gives_the_first_issn():
    """ "0005-9366 (Print)&#13;0005-9366" becomes one ISSN."""
    assert parse_bytes(data(NAME)).records[0].issn == "0005-9366"


def test_authors_and_keywords_of_a_mendeley_style_file():
    """Mendeley/Zotero write the same schema without <style> runs; authors and keywords are read."""
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?><xml><records><record><ref-type name="Journal Article">17'
        b"</ref-type><contributors><authors><author>Smith, Jane</author><author>Li, Wei</author></authors>"
        b"</contributors><titles><title>A trial</title><secondary-title>BMJ</secondary-title></titles>"
        b"<keywords><keyword>pain</keyword><keyword>knee</keyword></keywords><dates><year>2020</year></dates>"
        b"</record></records></xml>"
    )
    record = parse_bytes(xml).records[0]
    assert record.authors == ["Smith, Jane", "Li, Wei"]
    assert record.keywords == ["pain", "knee"]
    assert record.journal == "BMJ" and record.year == 2020
    assert record.publication_types == ["Journal Article"]
