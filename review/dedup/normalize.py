"""Normalisation of bibliographic fields for matching: pure functions on strings, no Django.

Databases spell the same title differently: HTML entities (``&lt;i&gt;``), LaTeX (``{\\"o}``),
diacritics, full-width characters from Chinese exports, Greek letters written out or not, and
markers such as ``[Chinese]`` or PubMed's brackets around a translated title. Everything here
maps those variants onto one plain lower-case ASCII form so that string similarity measures
the words, not the typography.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote

# LaTeX accents and commands seen in BibTeX exports: \"{o}, {\'e}, \&, \textit{...}.
# Symbol accents (\"o, \'e) directly; letter accents (\c{c}, \v s) only before a brace or space,
# so that commands such as \textit are not read as the tie accent \t.
_LATEX_ACCENT = re.compile(r"\\(?:[`'^\"~=.]|[uvHcdbtkr](?=[\s{]))\s*\{?\\?([A-Za-z])\}?")
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+\s*")
_LATEX_ESCAPED = re.compile(r"\\([&%$#_{}])")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
# Trailing language / translation markers added by databases to translated titles.
_TITLE_MARKERS = re.compile(
    r"(\[\s*(in\s+)?(chinese|japanese|german|french|spanish|russian|korean|italian|portuguese|polish)"
    r"(\s+with\s+english\s+abstract)?\s*\]|\(\s*author'?s\s+transl\s*\)|\bla\s*:\s*[a-z]{3}\b)",
    re.IGNORECASE,
)
_GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ω": "omega",
    "τ": "tau",
    "σ": "sigma",
    "θ": "theta",
}
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DIGITS = re.compile(r"\d+")
_NON_DIGIT = re.compile(r"\D")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# British and American spellings that differ between databases indexing the same article.
_SPELLING = {
    "oesophageal": "esophageal",
    "oesophagus": "esophagus",
    "oesophagectomy": "esophagectomy",
    "haemorrhage": "hemorrhage",
    "anaemia": "anemia",
    "paediatric": "pediatric",
    "tumour": "tumor",
    "tumours": "tumors",
    "randomised": "randomized",
    "haemothorax": "hemothorax",
    "oedema": "edema",
    "colour": "color",
    "behaviour": "behavior",
    "centre": "center",
    "haematologic": "hematologic",
    "leukaemia": "leukemia",
    "anaesthesia": "anesthesia",
    "ischaemic": "ischemic",
    "faecal": "fecal",
}


def unescape_markup(text: str) -> str:
    """Return ``text`` with HTML entities and tags and LaTeX markup turned into plain characters."""
    for _ in range(3):  # doubly escaped entities (&amp;lt;) occur in RIS exports
        if "&" not in text:
            break
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    if "<" in text:
        text = _HTML_TAG.sub(" ", text)
    if "\\" in text or "{" in text:
        text = _LATEX_ACCENT.sub(r"\1", text)
        text = _LATEX_ESCAPED.sub(r"\1", text)
        text = _LATEX_COMMAND.sub("", text)
        text = text.replace("{", "").replace("}", "")
    return text


def fold(text: str) -> str:
    """Return ``text`` in lower case, full-width forms, diacritics and Greek letters folded to ASCII."""
    if text.isascii():  # the common case, and NFKC/NFKD would not change it
        return text.lower()
    text = unicodedata.normalize("NFKC", text).lower()
    for letter, name in _GREEK.items():
        if letter in text:
            text = text.replace(letter, f" {name} ")
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def normalize_text(text: str) -> str:
    """Return words of ``text`` in folded lower case, separated by single spaces."""
    if not text:
        return ""
    folded = fold(unescape_markup(text))
    return _NON_ALNUM.sub(" ", folded).strip()


def normalize_title(title: str) -> str:
    """Return a title's words without markup, language markers or translation brackets."""
    if not title:
        return ""
    text = unescape_markup(title).strip()
    text = _TITLE_MARKERS.sub(" ", text)
    words = normalize_text(text).split()
    return " ".join(_SPELLING.get(word, word) for word in words)


def has_cjk(text: str) -> bool:
    """Return True when ``text`` contains Chinese, Japanese or Korean characters."""
    return bool(_CJK.search(text or ""))


def normalize_doi(doi: str) -> str:
    """Return a DOI in lower case without resolver prefix, or "" when it does not look like one."""
    if not doi:
        return ""
    text = unquote(doi.strip()).lower()  # resolver URLs carry %28 for "(" and so on
    match = _DOI.search(text)
    return match.group(0).rstrip(".;,") if match else ""


def normalize_digits(value: str) -> str:
    """Return the digits of an identifier such as a PMID (``PMID: 123`` -> ``123``)."""
    return _NON_DIGIT.sub("", value or "").lstrip("0")


def normalize_pmcid(value: str) -> str:
    """Return ``PMC`` plus digits, or ""."""
    digits = normalize_digits(value)
    return f"pmc{digits}" if digits else ""


@lru_cache(maxsize=50_000)
def normalize_volume(value: str) -> str:
    """Return the leading number of a volume (``Vol. 12 (Suppl)`` -> ``12``), else the folded text."""
    if not value:
        return ""
    text = normalize_text(value)
    match = _DIGITS.search(text)
    return match.group(0).lstrip("0") if match else text


@lru_cache(maxsize=200_000)
def first_page(pages: str) -> str:
    """Return the number of the first page (``e182-5`` -> ``182``; ``S12-S14`` -> ``12``; ``P63`` -> ``63``).

    Prefixes (e, S, P, roman supplements) and suffixes (``811a``) vary between databases for the
    same article, so only the digits of the first page are kept. Pages without digits (roman
    front matter, "iii-xi") are shared by every editorial of a journal, so they count as no page.
    """
    text = normalize_text(pages)
    if not text:
        return ""
    token = text.split()[0]
    digits = _DIGITS.search(token)
    return (digits.group(0).lstrip("0") or "0") if digits else ""


def cjk_compact(text: str) -> str:
    """Return a CJK title as its characters and folded letters/digits only (CJK has no word spaces)."""
    folded = fold(unescape_markup(text or ""))
    return "".join(ch for ch in folded if ch.isalnum())


@lru_cache(maxsize=200_000)
def page_range(pages: str) -> str:
    """Return ``first-last`` of a range spanning two pages or more (``205--226``, ``182-5`` -> ``182-185``), else "".

    A whole range pins an article within its issue much more firmly than a first page alone.
    """
    numbers = [_DIGITS.search(token) for token in normalize_text(pages).split()]
    if len(numbers) != 2 or not all(numbers):
        return ""
    first, last = (match.group(0).lstrip("0") for match in numbers)  # type: ignore[union-attr]
    if 0 < len(last) < len(first):  # "182-5": the last page abbreviated
        last = first[: len(first) - len(last)] + last
    if not first or not last or int(last) <= int(first):
        return ""
    return f"{first}-{last}"
