"""CSL-JSON: markup in titles, date-part ranges, literal names, one object or an array."""

from __future__ import annotations

import json

import pytest

from review.importers import ImportFormatError, parse_bytes

from .files import data

NAME = "csl-json/bbt_pandoc_citation.csl.json"


def test_fields_follow_the_file():
    """Titles lose their markup, years come from the first date-part, authors are 'Family, Given'."""
    items = json.loads(data(NAME))
    records = parse_bytes(data(NAME)).records
    assert records[0].title == items[0]["title"].replace("<b>", "").replace("</b>", "")
    assert records[0].year == items[0]["issued"]["date-parts"][0][0]
    assert records[0].authors[0] == f"{items[0]['author'][0]['family']}, {items[0]['author'][0]['given']}"
    assert records[0].pages == "493-518"
    assert "<sub>" not in records[3].title and "(g1)" in records[3].title


def test_each_item_keeps_its_line_and_raw_text():
    """Items are decoded one at a time, so each has its own line and verbatim JSON."""
    records = parse_bytes(data(NAME)).records
    lines = data(NAME).decode().split("\n")
    assert all(lines[r.line - 1].strip() == "{" for r in records)
    assert json.loads(records[1].raw)["id"] == json.loads(data(NAME))[1]["id"]


def test_identifiers_and_literal_authors():
    """DOI, PMID, PMCID and an institution as a literal name."""
    item = {
        "type": "article-journal",
        "title": "T",
        "DOI": "https://doi.org/10.5/X",
        "PMID": "77",
        "PMCID": "PMC8",
        "author": [{"literal": "WHO"}],
        "issued": {"date-parts": [["2019"]]},
    }
    record = parse_bytes(json.dumps([item]).encode()).records[0]
    assert (record.doi, record.pmid, record.pmcid, record.authors, record.year) == (
        "10.5/x",
        "77",
        "PMC8",
        ["WHO"],
        2019,
    )


def test_invalid_json_names_the_line():
    """A JSON syntax error is reported with its line."""
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(b'[\n{"type": "book", "title": "A"},\n{"title": }\n]', filename="x.json")
    assert caught.value.line == 3
