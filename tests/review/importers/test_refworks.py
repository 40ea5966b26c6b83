"""RefWorks tagged text. No real CNKI/VIP/SinoMed RefWorks export was found: these files are hand-made
from RefWorks' tagged-format guide and the tags other projects read from CNKI exports."""

from __future__ import annotations

from review.importers import parse_bytes

CNKI_REFWORKS = """RT Journal Article
SR 1
A1 张三;李四;
AD 北京大学医学部;
T1 针刺治疗膝骨关节炎的随机对照试验
JF 中国针灸
YR 2020
IS 05
VO 40
OP 481-485
K1 针刺;膝骨关节炎;随机对照试验
AB 目的 观察针刺疗效。
SN 0255-2930
CN 11-2024/R
LA 中文;
DS CNKI
LK https://kns.cnki.net/kcms/detail/detail.aspx?FileName=ZGZE202005008&DbName=CJFQ2020

RT Journal Article
A1 Smith, Jane
T1 An English record
OT 一个中文标题
YR 2019
DO 10.1000/ABC
DS 万方数据
"""


def test_cnki_refworks_fields():
    """Authors and keywords split on ';', pages from OP, accession from the CNKI link, provider from DS."""
    result = parse_bytes(CNKI_REFWORKS.encode(), filename="cnki.txt")
    first = result.records[0]
    assert result.format == "refworks"
    assert first.authors == ["张三", "李四"]
    assert first.keywords == ["针刺", "膝骨关节炎", "随机对照试验"]
    assert (first.year, first.volume, first.issue, first.pages) == (2020, "40", "05", "481-485")
    assert first.accession == "ZGZE202005008" and first.source_database == "CNKI"


def test_chinese_original_title_stays_the_title():
    """When T1 is English and OT the Chinese original, the Chinese one is the title."""
    second = parse_bytes(CNKI_REFWORKS.encode()).records[1]
    assert second.title == "一个中文标题"
    assert second.translated_title == "An English record"
    assert second.source_database == "Wanfang" and second.doi == "10.1000/abc"
    assert second.line == 19
