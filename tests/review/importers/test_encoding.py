"""Encoding detection: BOMs, UTF-16, GBK/GB18030 and cp1252 (which GB18030 would happily misread)."""

from __future__ import annotations

import pytest

from review.importers import ImportFormatError, decode, detect_encoding, parse_bytes

from .files import data

RIS = "TY  - JOUR\nTI  - Étude de Martínez sur la santé\nAU  - Müller, Jürgen\nAU  - García, José\nER  - \n"


def test_cp1252_accents_are_not_read_as_chinese():
    """cp1252 bytes that GB18030 would decode (accents inside words) are recognised as cp1252."""
    raw = "Martínez,Müller,Gómez-Pérez,Françoise\nÉlodie,Björnsson,Sørensen,Núñez\n".encode("cp1252")
    raw.decode("gb18030")  # the trap: this "succeeds"
    assert detect_encoding(raw) == "cp1252"
    text, used = decode(raw)
    assert "Martínez" in text and used == "cp1252"


def test_cp1252_ris_keeps_accented_names():
    """A cp1252 RIS file imports with its accents intact."""
    record = parse_bytes(RIS.encode("cp1252")).records[0]
    assert record.authors == ["Müller, Jürgen", "García, José"]
    assert record.title == "Étude de Martínez sur la santé"


def test_asysd_benchmark_csv_is_cp1252():
    """The ASySD benchmark file (real cp1252 export) is not mistaken for GB18030."""
    from tests.conftest import SHARED

    raw = (SHARED / "benchmarks/dedup/asysd_diabetes/labelled_test_set.csv").read_bytes()
    assert detect_encoding(raw) == "cp1252"


def test_gbk_file_is_gb18030():
    """Real Chinese GBK bytes are read as GB18030."""
    assert detect_encoding(data("bibtex/bibtexparser_gbk_test.bib")) == "gb18030"
    gbk = "{Reference Type}: Journal Article\n{Title}: 针刺治疗膝骨关节炎\n{Author}: 张三;李四\n".encode("gbk")
    record = parse_bytes(gbk).records[0]
    assert record.title == "针刺治疗膝骨关节炎" and record.authors == ["张三", "李四"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_bom(codec):
    """UTF-16 with a BOM, and without one (detected from its NUL bytes), both read."""
    result = parse_bytes(RIS.encode(codec))
    assert result.records[0].title == "Étude de Martínez sur la santé"
    assert result.encoding.startswith("utf-16")


def test_utf8_bom_is_removed():
    """A UTF-8 BOM is reported as utf-8-sig and never reaches the parser."""
    result = parse_bytes(b"\xef\xbb\xbf" + RIS.encode())
    assert result.encoding == "utf-8-sig" and result.records[0].line == 1


def test_chosen_encoding_overrides_detection():
    """The preview can force an encoding; a wrong one for the bytes is an error naming the line."""
    raw = "TY  - JOUR\nAU  - Smith, J\nTI  - café\nER  - \n".encode("cp1252")
    assert parse_bytes(raw, encoding="latin-1").records[0].title == "café"
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(raw, encoding="utf-8", filename="f.ris")
    assert caught.value.line == 3


def test_unknown_encoding_name_is_refused():
    """An encoding Python does not know is an ImportFormatError."""
    with pytest.raises(ImportFormatError, match="unknown encoding"):
        parse_bytes(RIS.encode(), encoding="klingon")
