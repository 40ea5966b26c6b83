"""NoteExpress (CNKI and Wanfang): full-width colons, per-line authors, translated English fields."""

from __future__ import annotations

from review.importers import parse_bytes

from .files import data, tag_values

WANFANG = "wanfang-noteexpress/mrhelper_demo_wanfang_202101.NET"
CNKI = "cnki-noteexpress/cnki2bibtex_mixed.net"


def test_wanfang_translated_fields_go_beside_the_chinese_ones():
    """The Chinese title stays the title; {Translated Title} fills translated_title; one {Author} per line."""
    first = parse_bytes(data(WANFANG)).records[0]
    assert first.title == tag_values(WANFANG, r"^\{Title\}: (.*)$")[0]
    assert first.translated_title == tag_values(WANFANG, r"^\{Translated Title\}: (.*)$")[0]
    assert first.authors == ["江文杰", "韩超", "顾达民"]
    assert first.keywords[:3] == ["前锯肌平面阻滞", "乳腺癌改良根治术", "基质金属蛋白酶"]
    assert first.source_database == "Wanfang"
    assert first.accession == "lcjyzz-d202001100"


def test_wanfang_full_width_doi_is_normalised():
    """A DOI written with full-width punctuation (／, －) is normalised to ASCII."""
    dois = [r.doi for r in parse_bytes(data(WANFANG)).records if r.doi]
    assert dois and all(d.isascii() and d.startswith("10.") for d in dois)


def test_cnki_authors_and_keywords_are_split():
    """CNKI joins authors with ';' (or ',') on one line and keywords with ';;'."""
    records = parse_bytes(data(CNKI)).records
    assert records[0].authors == tag_values(CNKI, r"^\{Author\}: (.*)$")[0].rstrip(";").split(";")
    assert records[0].keywords == tag_values(CNKI, r"^\{Keywords\}: (.*)$")[0].split(";;")
    assert all(r.source_database == "CNKI" for r in records if r.source_database)


def test_full_width_colon_and_missing_space_are_accepted():
    """'{Abstract}：...' and '{ISBN/ISSN}:0253-3766' are tags too."""
    record = parse_bytes(data("cnki-noteexpress/cnki2bibtex_ChineseColon.net")).records[0]
    assert record.abstract.startswith("软组织肉瘤是一类间叶来源的恶性肿瘤")
    assert record.issn == "0253-3766"
    assert record.authors == ["中国抗癌协会肉瘤专业委员会", "中国临床肿瘤学会"]
