"""Field-by-field similarity of two prepared records (pure Python, rapidfuzz for strings)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rapidfuzz import fuzz

from review.dedup.authors import author_overlap, first_author_agrees
from review.dedup.record import DedupRecord

# A title that opens the other title is that title without its subtitle: likely the same title
# when it is long, plausible when it has three words or more.
SUBTITLE_RULES = ((6, 0.96), (3, 0.9))


@dataclass(frozen=True, slots=True)
class FieldScores:
    """Similarity per field: 0-1 for strings, True/False for exact fields, None when a side lacks it."""

    title: float
    first_author: bool | None
    authors: float | None
    year_diff: int | None
    journal: float | None
    volume: bool | None
    page: bool | None
    issue: bool | None
    pages: bool | None  # the whole page range, when both records give one spanning two pages or more
    abstract: float | None
    doi: bool | None
    pmid: bool | None
    pmcid: bool | None
    accession: bool | None

    def as_dict(self) -> dict[str, float | bool | int | None]:
        """Return the scores as a JSON-ready dict (stored on the pair, shown in the page)."""
        return {key: (round(value, 3) if isinstance(value, float) else value) for key, value in asdict(self).items()}


def _same(a: str, b: str) -> bool | None:
    return (a == b) if a and b else None


def title_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Return the best similarity (0-1) between any title variant of ``a`` and any of ``b``."""
    best = 0.0
    for left in a:
        for right in b:
            score = fuzz.ratio(left, right) / 100
            shorter, longer = sorted((left, right), key=len)
            if longer.startswith(shorter + " "):
                words = len(shorter.split())
                score = max([score] + [value for minimum, value in SUBTITLE_RULES if words >= minimum])
            best = max(best, score)
    return best


def _abbreviates(short: list[str], long: list[str]) -> bool:
    # "surg today" abbreviates "surgery today": each word opens the next unmatched word, in order.
    position = 0
    for word in short:
        while position < len(long) and not long[position].startswith(word):
            position += 1
        if position == len(long):
            return False
        position += 1
    return True


_ACRONYM_SKIP = {"on", "in", "for", "de", "a", "an", "to", "at"}


def _acronym_of(short: list[str], long: list[str]) -> bool:
    # "ICIS 2018" names the "International Conference on Information Systems".
    named = []
    for word in long:  # "international conference on information systems 2017 icis 2017": up to the year
        if word.isdigit():
            break
        named.append(word)
    letters = "".join(word[0] for word in named if word not in _ACRONYM_SKIP)
    return len(letters) >= 3 and any(word == letters for word in short[:2])


def journal_similarity(a: DedupRecord, b: DedupRecord) -> float | None:
    """Return 1 for the same journal (name, abbreviation or ISSN), else a string similarity; None if absent."""
    if a.issns & b.issns:
        return 1.0
    if not a.journal or not b.journal:
        return None
    best = 0.0
    for left in a.journal.split(" = "):
        for right in b.journal.split(" = "):
            if left.replace(" ", "") == right.replace(" ", ""):
                return 1.0
            one, other = left.split(), right.split()
            if (
                one
                and other
                and (
                    _abbreviates(one, other)
                    or _abbreviates(other, one)
                    or _acronym_of(one, other)
                    or _acronym_of(other, one)
                )
            ):
                best = max(best, 0.9)
            best = max(best, fuzz.token_set_ratio(left, right) / 100 * 0.9)
    return best


def compare(a: DedupRecord, b: DedupRecord) -> FieldScores:
    """Return the field similarities of two records."""
    abstract = None
    if a.abstract and b.abstract:
        abstract = fuzz.token_sort_ratio(a.abstract, b.abstract) / 100
    return FieldScores(
        title=title_similarity(a.titles, b.titles),
        first_author=first_author_agrees(a.authors, b.authors),
        authors=author_overlap(a.authors, b.authors),
        year_diff=abs(a.year - b.year) if a.year and b.year else None,
        journal=journal_similarity(a, b),
        volume=_same(a.volume, b.volume),
        page=_same(a.page, b.page),
        issue=_same(a.issue, b.issue),
        pages=_same(a.pages, b.pages),
        abstract=abstract,
        doi=_same(a.doi, b.doi),
        pmid=_same(a.pmid, b.pmid),
        pmcid=_same(a.pmcid, b.pmcid),
        accession=_same(a.accession, b.accession),
    )
