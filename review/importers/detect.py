"""Which format a file is, from its content (never from its extension: FORMATS.md section 0 lists real
exports whose extension lies, such as MEDLINE and WoS text saved as ``.ris``)."""

from __future__ import annotations

import re

from .csv_layouts import recognise
from .csv_table import rows

_HEAD_LINES = 60
_HEAD_CHARS = 8192
_RIS_TY = re.compile(r"^TY {1,2}-", re.MULTILINE)
_MEDLINE = re.compile(r"^(PMID- |VN  - Ovid)", re.MULTILINE)
_WOS = re.compile(r"^(FN .*\n(\ufeff)?VR |PT [A-Z]\n)", re.MULTILINE)
_REFER = re.compile(r"^%0 ", re.MULTILINE)
_NOTEEXPRESS = re.compile(r"^\{Reference Type\}\s*[:：]", re.MULTILINE)
_ESTUDY = re.compile(r"^DataType\s*[:：]", re.MULTILINE)
_REFWORKS = re.compile(r"^RT \S", re.MULTILINE)
_BIBTEX = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_WOS_TAB = re.compile(r"^(PT|FN)\t(AU|[A-Z][A-Z0-9])\t")

# (pattern, format) tried in order on the head of the file; the first match wins.
_LINE_FORMATS = (
    (_MEDLINE, "medline"),
    (_WOS, "wos-tagged"),
    (_RIS_TY, "ris"),
    (_NOTEEXPRESS, "noteexpress"),
    (_ESTUDY, "cnki-estudy"),
    (_REFER, "enw"),
    (_REFWORKS, "refworks"),
    (_BIBTEX, "bibtex"),
)


def _head(text: str) -> str:
    text = text.lstrip("\ufeff")
    cut = text[:_HEAD_CHARS]
    return "\n".join(cut.split("\n")[:_HEAD_LINES])


def _xml_format(head: str) -> str:
    if re.search(r"<(PubmedArticleSet|PubmedArticle|PubmedBookArticle)\b", head):
        return "pubmed-xml"
    if re.search(r"<(xml|records|record)\b", head):
        return "endnote-xml"
    return ""


def detect_format(text: str, filename: str = "") -> str:
    """Return the format key of a decoded file ("csv" when nothing more specific matches)."""
    head = _head(text)
    stripped = head.lstrip()
    if stripped.startswith("<"):
        found = _xml_format(head)
        if found:
            return found
    if stripped.startswith(("[", "{")) and re.search(r'"(type|title|id)"\s*:', head):
        return "csl-json"
    if _WOS_TAB.match(stripped):
        return "wos-tab"
    for pattern, name in _LINE_FORMATS:
        if pattern.search(head):
            return name
    header, _ = rows(head)
    layout = recognise(header)
    if layout is not None and layout.name == "Scopus":
        return "scopus-csv"
    return "csv"
