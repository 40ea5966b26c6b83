"""Which text encoding a file uses, and its text.

The chain is the one FORMATS.md recommends: a byte-order mark wins; then strict UTF-8; then GB18030 (the
superset of GBK/GB2312 that CNKI, Wanfang and Chinese Windows write); then cp1252. GB18030 accepts most
byte strings, so a cp1252 file with accents inside words ("Martínez") also "decodes" as GB18030, each
accent and the letter after it becoming one Chinese character. We therefore check that a GB18030 reading
is plausible: Chinese characters should come in runs, not one at a time wedged between Latin letters.
charset-normalizer is not in the chain: on short bibliographic files it guesses differently from run to
run of a few hundred bytes, and the preview lets the user override the encoding anyway.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from .base import ImportFormatError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE = 64 * 1024
_CHUNK = 1024 * 1024
_CJK_CHAR = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_CJK_RUN = re.compile(_CJK_CHAR + "+")
# One CJK character glued between two Latin letters: the mark of a cp1252 accent read as GB18030.
_WEDGED = re.compile(r"[A-Za-z]" + _CJK_CHAR + r"[A-Za-z]")
_IMPLAUSIBLE_SHARE = 0.2


def _utf16_without_bom(sample: bytes) -> str | None:
    """Return utf-16-le/-be when every other byte of an ASCII-looking sample is NUL."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _chunks(data: bytes, name: str) -> Iterator[str]:
    """Yield the text of the data decoded piece by piece (memory stays flat on a 500 MB file)."""
    decoder = codecs.getincrementaldecoder(name)()
    view = memoryview(data)
    for start in range(0, len(view), _CHUNK):
        yield decoder.decode(view[start : start + _CHUNK])
    yield decoder.decode(b"", final=True)


def _decodes(data: bytes, name: str) -> bool:
    try:
        for _text in _chunks(data, name):
            pass
    except UnicodeDecodeError:
        return False
    return True


def gb18030_plausible(data: bytes) -> bool:
    """Return True when the bytes read as GB18030 and its Chinese characters do not look like misread
    Latin accents (see the module note)."""
    runs = wedged = 0
    other = False
    try:
        for text in _chunks(data, "gb18030"):
            runs += len(_CJK_RUN.findall(text))
            wedged += len(_WEDGED.findall(text))
            other = other or not text.isascii()
    except UnicodeDecodeError:
        return False
    if runs == 0:
        return not other  # two-byte symbols but no Chinese at all: most likely a misreading
    return wedged <= _IMPLAUSIBLE_SHARE * runs


def detect_encoding(data: bytes) -> str:
    """Return the name of the encoding a file most likely uses (a Python codec name)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    utf16 = _utf16_without_bom(data[:_SAMPLE])
    if utf16:
        return utf16
    if _decodes(data, "utf-8"):
        return "utf-8"
    if gb18030_plausible(data):
        return "gb18030"
    return "cp1252" if _decodes(data, "cp1252") else "latin-1"


def decode_head(data: bytes, encoding: str, size: int = 64 * 1024) -> str:
    """Return the text of the first bytes of a file (enough to detect its format), BOM removed."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(data[:size]).lstrip("\ufeff")


def _line_of(data: bytes, position: int) -> int:
    """Return the 1-based line holding a byte offset."""
    return data.count(b"\n", 0, position) + 1


def decode(data: bytes, encoding: str = "auto", *, filename: str = "") -> tuple[str, str]:
    """Return (text, encoding used); "auto" detects. A BOM is removed from the text.

    Raises ImportFormatError for an unknown encoding name or bytes the chosen encoding cannot read,
    naming the line of the first bad byte.
    """
    name = detect_encoding(data) if encoding in ("", "auto") else encoding.strip()
    try:
        codec = codecs.lookup(name)
    except LookupError:
        raise ImportFormatError(f"unknown encoding {name!r}", filename=filename) from None
    if codec.name == "utf-8" and data.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"
    try:
        text = data.decode(name)
    except UnicodeDecodeError as error:
        raise ImportFormatError(
            f"the file is not valid {name} (byte {error.start}); choose another encoding",
            filename=filename,
            line=_line_of(data, error.start),
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, name
