"""The matching view of a record: normalised once, compared many times (pure Python, no Django)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from review.dedup.authors import AuthorKey, author_keys, split_author_string
from review.dedup.normalize import (
    cjk_compact,
    first_page,
    has_cjk,
    normalize_digits,
    normalize_doi,
    normalize_pmcid,
    normalize_text,
    normalize_title,
    normalize_volume,
    page_range,
)
from review.dedup.relations import ReportKind, report_kind, strip_retracted_prefix

MAX_ISSUE_DIGITS = 2
ABSTRACT_CHARS = 600  # the opening of an abstract tells two reports apart; the rest costs memory
_JOURNAL_NOISE = re.compile(r"\b(the|of|and|electronic resource|print|online)\b")


@dataclass(slots=True)
class DedupRecord:
    """One record's normalised fields. ``titles`` holds the original and the translated title."""

    id: Any
    titles: tuple[str, ...]
    authors: tuple[AuthorKey, ...]
    year: int | None
    journal: str
    issns: frozenset[str]
    volume: str
    issue: str
    page: str
    pages: str  # the whole range "205-226" when it spans two pages or more, else ""
    doi: str
    pmid: str
    pmcid: str
    accession: str
    abstract: str
    kind: ReportKind
    cjk: bool
    numbers: tuple[str, ...] = ()  # the numbers in the title, sorted ("part 2", "phase III" -> "2", "3")

    @property
    def has_title(self) -> bool:
        """Return True when the record has a usable title (two words, or four CJK characters)."""
        return any(len(title.split()) >= 2 or (has_cjk(title) and len(title) >= 4) for title in self.titles)


@lru_cache(maxsize=50_000)  # a review has far fewer journals than records
def normalize_journal(journal: str) -> str:
    """Return a journal name's words without articles, punctuation or "[Electronic Resource]".

    MEDLINE joins alternative names with "=" ("Ai zheng = Chinese journal of cancer"): each is kept,
    separated by " = ".
    """
    variants = (" ".join(_JOURNAL_NOISE.sub(" ", normalize_text(part)).split()) for part in journal.split("="))
    return " = ".join(variant for variant in variants if variant)


_ISSN = re.compile(r"\d{4}-?\d{3}[\dXx]")
_YEAR = re.compile(r"\d{4}")


def _issns(value: str) -> frozenset[str]:
    if not value:
        return frozenset()
    found = _ISSN.findall(value)
    return frozenset(item.replace("-", "").lower() for item in found)


def _year(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    match = _YEAR.search(str(value or ""))
    return int(match.group(0)) if match else None


def _authors(value: Any) -> tuple[AuthorKey, ...]:
    names = split_author_string(value) if isinstance(value, str) else list(value or [])
    return author_keys(names)


_NUMBER = re.compile(r"\b\d+\b")
_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9"}
# "i", "v" and "x" are numbers only after a word that numbers things ("part I", not "vitamin E").
_NUMBERED = re.compile(r"\b(part|phase|type|stage|grade|study|trial|section|chapter|class|volume)\s+(i|v|x)\b")
_ROMAN_ONE = {"i": "1", "v": "5", "x": "10"}


def title_numbers(titles: tuple[str, ...]) -> tuple[str, ...]:
    """Return the numbers of a record's titles (normalised, Roman numerals as digits), sorted.

    "Part 1" and "Part 2" of a series, or "phase II" and "phase III" trials of one drug, share
    nearly every word of their titles; their numbers tell them apart.
    """
    found: list[str] = []
    for title in titles:
        if has_cjk(title):
            continue
        text = _NUMBERED.sub(lambda m: f"{m.group(1)} {_ROMAN_ONE[m.group(2)]}", title)
        words = [_ROMAN.get(word, word) for word in text.split()]
        numbers = sorted(word.lstrip("0") or "0" for word in words if _NUMBER.fullmatch(word))
        if len(numbers) > len(found):
            found = numbers
    return tuple(found)


_BRACKETED_TAIL = re.compile(r"^(?P<main>[^\[\]]{12,}?)\s*\[(?P<other>[^\[\]]{12,})\]\W*$")


def _title_variants(raw: str) -> list[str]:
    # "English title [Original-language title]" (Scopus, WoS) carries two titles of one report.
    raw = strip_retracted_prefix(raw)
    match = _BRACKETED_TAIL.match(raw)
    parts = [raw, match.group("main"), match.group("other")] if match else [raw]
    return [cjk_compact(part) if has_cjk(part) else normalize_title(part) for part in parts]


def _titles(row: dict[str, Any]) -> tuple[str, ...]:
    variants: list[str] = []
    for field in ("title", "translated_title"):
        for title in _title_variants(row.get(field) or ""):
            if title and title not in variants:
                variants.append(title)
    return tuple(variants)


def prepare(row: dict[str, Any]) -> DedupRecord:
    """Return the matching view of one record given as a dict of Record field values plus ``id``."""
    abstract = row.get("abstract") or ""
    year = _year(row.get("year"))
    if has_cjk(abstract) and row.get("translated_abstract"):
        abstract = row["translated_abstract"]
    titles = _titles(row)
    return DedupRecord(
        id=row["id"],
        titles=titles,
        authors=_authors(row.get("authors")),
        year=year,
        journal=normalize_journal(row.get("journal") or ""),
        issns=_issns(row.get("issn") or ""),
        volume=_volume(row.get("volume") or "", year),
        issue=_issue(row.get("issue") or ""),
        page=first_page(row.get("pages") or ""),
        pages=page_range(row.get("pages") or ""),
        doi=normalize_doi(row.get("doi") or ""),
        pmid=normalize_digits(row.get("pmid") or ""),
        pmcid=normalize_pmcid(row.get("pmcid") or ""),
        accession=_accession(row),
        abstract=normalize_text(abstract[:ABSTRACT_CHARS]),
        kind=report_kind(row),
        cjk=has_cjk(row.get("title") or ""),
        numbers=title_numbers(titles),
    )


def _volume(value: str, year: int | None) -> str:
    # Magazines without volumes are exported by some databases with the year as the volume
    # ("Harvard Business Review 2016" beside "94"): such a volume says nothing.
    volume = normalize_volume(value)
    return "" if year and volume == str(year) else volume


def _issue(value: str) -> str:
    # Issue numbers above 99 are rare and ambiguous (continuous numbering, or a reference manager's
    # record number exported as "number"): they neither confirm nor contradict a match.
    issue = normalize_volume(value)
    return issue if len(issue) <= MAX_ISSUE_DIGITS else ""


def _accession(row: dict[str, Any]) -> str:
    # An accession number identifies a record only within its own database.
    accession = (row.get("accession") or "").strip().lower()
    database = normalize_text(row.get("source_database") or "")
    return f"{database}:{accession}" if accession else ""
