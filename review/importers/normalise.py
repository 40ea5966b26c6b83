"""Small normalisers shared by every format: DOIs, years, names, separators, markup.

Each format module maps its own tags to :class:`ParsedRecord` fields; the values are then cleaned here so
that a DOI or an author looks the same whichever database exported it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

from .base import ParsedRecord

_DOI_PREFIX = re.compile(r"^(?:https?://)?(?:dx\.)?(?:doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI_SUFFIX = re.compile(r"\s*\[doi\]\s*$", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"^10\.\d{3,9}/\S+$")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|2100)(?!\d)")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]{0,200})?/?>")
# "Liu R.", "Adler D.G.", "Griffin DK", "Wilson L.N.": a family name followed by initials only.
_FAMILY_INITIALS = re.compile(r"^(?P<family>[^\s,][^,]*?)\s+(?P<initials>(?:[A-Z]\.?-?){1,4}\.?)$")
# Words that mark a corporate (group) author, kept whole.
_CORPORATE = re.compile(
    r"\b(group|consortium|committee|collaborat\w*|society|association|investigators|organi[sz]ation|"
    r"institute|university|council|network|team|trial|working|study|foundation|agency|ministry)\b",
    re.IGNORECASE,
)
PMID_SHAPE = re.compile(r"^\d{1,9}$")
_PMID_LABELLED = re.compile(r"^(?:PUBMED|PMID|MEDLINE)[:\s]*(\d{1,9})$", re.IGNORECASE)
_ISSN = re.compile(r"\b(\d{4})-?(\d{3}[\dXx])\b")


def clean(value: str | None) -> str:
    """Return the value with runs of whitespace (tabs, line breaks, U+2003...) collapsed to one space."""
    if not value:
        return ""
    # Most values need only a strip; checking for that is several times cheaper than split-and-join on a
    # 1,500-character abstract. str.split() also splits on U+2003, U+2009 and other Unicode spaces.
    if (
        "  " in value
        or "\n" in value
        or "\t" in value
        or "\r" in value
        or "\f" in value
        or "\v" in value
        or not value.isascii()
    ):
        return " ".join(value.split())
    return value.strip()


def strip_markup(value: str) -> str:
    """Return text without HTML-like tags (``<i>``, ``<span class="nocase">``) and with entities decoded."""
    if "<" in value:
        value = _TAG.sub("", value)
    if "&" in value:
        value = html.unescape(value)
    return clean(value)


def normalise_doi(value: str) -> str:
    """Return a DOI lower-cased, without URL prefix, trailing "[doi]" or trailing punctuation; "" if none."""
    value = clean(unicodedata.normalize("NFKC", value)) if value else ""
    if not value:
        return ""
    value = _DOI_SUFFIX.sub("", value)
    value = _DOI_PREFIX.sub("", value).strip().rstrip(".;,")
    start = value.find("10.")
    if start > 0:
        value = value[start:]
    return value.lower()


def doi_looks_valid(doi: str) -> bool:
    """Return True when a normalised DOI has the 10.NNNN/suffix shape."""
    return bool(_DOI_SHAPE.match(doi))


def parse_year(value: str | int | None) -> int | None:
    """Return the first plausible year (1500-2100) in a date string such as "2017 Nov 15" or "2024/04/03/"."""
    if value is None:
        return None
    if isinstance(value, int):
        return value if 1500 <= value <= 2100 else None
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None


def has_cjk(value: str) -> bool:
    """Return True when the text holds Chinese, Japanese or Korean characters."""
    return not value.isascii() and bool(_CJK.search(value))


def person_name(value: str) -> str:
    """Return an author as "Family, Given"; CJK and corporate names come back whole.

    Names that already carry a comma are trusted; "Liu R." and "Griffin DK" become "Liu, R." and
    "Griffin, DK". A given-name-first name without a comma is ambiguous (it may be a romanised Chinese
    name in family-first order), so it is kept as written rather than guessed.
    """
    name = clean(value).strip(" ;,")
    if not name or has_cjk(name):
        return name
    if "," in name:
        family, _, given = name.partition(",")
        return f"{family.strip()}, {given.strip()}" if given.strip() else family.strip()
    if _CORPORATE.search(name):
        return name
    match = _FAMILY_INITIALS.match(name)
    if match:
        return f"{match.group('family')}, {match.group('initials')}"
    return name


def split_values(value: str, separators: str = r";;|;|；") -> list[str]:
    """Return the non-empty, stripped parts of a value joined by any of the separators (a regex)."""
    if not value:
        return []
    return [part for part in (clean(p) for p in re.split(separators, value)) if part]


def split_authors(value: str) -> list[str]:
    """Return the authors of a joined list: ";"-separated, or for Chinese names also ","/"、"-separated."""
    if has_cjk(value):
        return split_values(value, r"[;；,，、\n]")
    return split_values(value, r"[;；\n]")


def unique(values: Iterable[str]) -> list[str]:
    """Return the non-empty values in their first order, without repeats."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        value = clean(value)
        if value and value not in seen:
            seen.add(value)
            out.append(value)
    return out


def issn(values: Iterable[str]) -> str:
    """Return the first ISSN found among the values, written NNNN-NNNN; "" if none."""
    for value in values:
        match = _ISSN.search(value)
        if match:
            return f"{match.group(1)}-{match.group(2).upper()}"
    return ""


def pages(start: str, end: str = "") -> str:
    """Return "start-end", or the one that is present."""
    start, end = clean(start), clean(end)
    if start and end and end != start:
        return f"{start}-{end}"
    return start or end


def finish(record: ParsedRecord) -> ParsedRecord:
    """Clean every field of a record in place, add warnings for what looks wrong, and return it."""
    for name in ("title", "abstract", "translated_title", "translated_abstract"):
        setattr(record, name, strip_markup(getattr(record, name)))
    for name in (
        "journal",
        "volume",
        "issue",
        "pages",
        "language",
        "url",
        "issn",
        "source_database",
        "accession",
        "pmcid",
    ):
        setattr(record, name, clean(getattr(record, name)))
    record.authors = unique(person_name(a) for a in record.authors)
    record.keywords = unique(record.keywords)
    record.mesh_terms = unique(record.mesh_terms)
    record.publication_types = unique(record.publication_types)
    record.issn = issn([record.issn]) or record.issn
    record.doi = normalise_doi(record.doi)
    if record.doi and not doi_looks_valid(record.doi):
        record.warnings.append(f"DOI {record.doi!r} does not look like a DOI (10.prefix/suffix); kept as given")
    record.pmid = clean(record.pmid)
    labelled = _PMID_LABELLED.match(record.pmid)  # Cochrane: "PUBMED 21314913"
    if labelled:
        record.pmid = labelled.group(1)
    if record.pmid and not PMID_SHAPE.match(record.pmid):
        record.warnings.append(f"PMID {record.pmid!r} is not a number; dropped")
        record.pmid = ""
    if record.pmcid and not record.pmcid.upper().startswith("PMC"):
        record.pmcid = f"PMC{record.pmcid}"
    if not record.title and not record.is_empty():
        record.warnings.append("record has no title")
    return record
