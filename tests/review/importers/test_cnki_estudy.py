"""CNKI E-Study text: bilingual labels, no blank line between records, online-first records."""

from __future__ import annotations

from review.importers import parse_bytes

from .files import data, tag_values

NAME = "cnki-estudy/mrhelper_demo_cnki_202101.txt"


def test_fields_follow_the_file():
    """Titles, ';'-joined authors with a trailing ';', the FileName accession and CNKI as source."""
    records = parse_bytes(data(NAME)).records
    first = records[0]
    assert [r.title for r in records] == tag_values(NAME, r"^Title-题名: (.*)$")
    assert first.authors == ["柯洪琴", "陈璿英", "王启斌"]
    assert first.accession == "ZNYX202101034"
    assert (first.year, first.volume, first.issue, first.pages) == (2021, "19", "01", "168-170")
    assert all(r.source_database == "CNKI" for r in records)


def test_online_first_record_takes_its_year_from_pubtime():
    """The second record has no Year-年 line; PubTime gives 2021."""
    second = parse_bytes(data(NAME)).records[1]
    assert second.year == 2021 and second.volume == ""


def test_main_text_marker_is_removed_from_abstracts():
    """Abstracts taken from the body start with '<正>'; the marker goes."""
    first = parse_bytes(data(NAME)).records[0]
    assert first.abstract.startswith("苯妥英钠作为一种传统抗癫痫药物")
