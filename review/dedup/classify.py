"""From field similarities to one of three outcomes: certain duplicate, possible duplicate, distinct;
or "related, not duplicate" for a different report of the same study.

The score is a sum of hand-set log-odds weights per field (Fellegi-Sunter style) mapped to 0-1.
Hard conflicts (two different DOIs, PMIDs, years more than one apart, a missing title) forbid an
automatic merge whatever the threshold, so lowering the threshold can only queue more pairs for a
person, never merge such pairs silently.
"""

from __future__ import annotations

import enum
import math
import re
from collections import Counter
from dataclasses import dataclass, replace

from review.dedup.compare import FieldScores
from review.dedup.record import DedupRecord
from review.dedup.relations import ReportKind, kinds_relation

DEFAULT_AUTO_MERGE = 0.95
DEFAULT_QUEUE = 0.5
PRIOR = -4.0  # most candidate pairs from blocking are not duplicates
DUAL_PUBLICATION = "other journal (translation or dual publication)"
# (minimum title similarity, weight): the first row the similarity reaches applies.
TITLE_WEIGHTS = ((0.98, 7.0), (0.95, 5.5), (0.90, 3.5), (0.85, 1.5), (0.75, -1.0), (0.0, -6.0))
IDENTIFIER_WEIGHTS = {"doi": 6.0, "pmid": 8.0, "pmcid": 6.0, "accession": 6.0}
MIN_TITLE_FOR_AUTO = 0.8
SAME_TITLE = 0.98  # word for word but for a character or two of typography
MIN_TITLE_PINNED = 0.7
MIN_JOURNAL_FOR_AUTO = 0.75
SAME_ABSTRACT = 0.95  # abstracts this similar (first 600 characters) are one text
MIN_TITLE_FULLY_PINNED = 0.4  # a title translated by one database (German original, English in another)
_DOI_VERSION = re.compile(r"\.(pub|v)\d+$")  # Cochrane ".pub2", preprint ".v3": versions of one work
# A reprint is recognised by its text: a title of at least this many words (not a heading such as
# "Editorial Notes") and an abstract opening of at least this many characters (not a boilerplate line).
MIN_REPRINT_TITLE_WORDS = 4
MIN_REPRINT_ABSTRACT = 300
SAME_REPRINT_ABSTRACT = 0.98


class Outcome(enum.StrEnum):
    AUTO = "auto_merged"
    QUEUE = "queued"
    RELATED = "related"
    DISTINCT = "distinct"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """A review's settings: the score from which pairs merge automatically, and are queued."""

    auto_merge: float = DEFAULT_AUTO_MERGE
    queue: float = DEFAULT_QUEUE


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: Outcome
    score: float
    matched_on: str
    relation: str
    conflicts: tuple[str, ...]


def _bool_weight(value: bool | None, agree: float, disagree: float) -> float:
    if value is None:
        return 0.0
    return agree if value else disagree


def fully_pinned(s: FieldScores) -> bool:
    """Return True when journal, volume, the whole page range, year and authors agree (and no issue differs).

    No two articles share all of these: the records are one article, whatever language its title
    is given in (one database gives the German or Spanish original, another the English translation).
    """
    return (
        s.pages is True
        and s.volume is True
        and s.issue is not False
        and (s.journal or 0) >= 0.85
        and s.first_author is True
        and (s.authors or 0) >= 0.8
        and s.year_diff == 0
    )


def doi_conflict_waived(a: DedupRecord, b: DedupRecord, s: FieldScores) -> bool:
    """Return True when two different DOIs do not forbid a merge: everything else agrees word for word.

    Same title, authors, year, first page and abstract text: one record's DOI is a database's error
    (ASySD's diabetes set has one abstract filed under two journals' DOIs). Recurring editorials
    (no abstract) and versions of one work (``.pub2``, ``.v3``) never qualify.
    """
    if s.doi is not False or s.pmid is False or s.pmcid is False or _doi_versions(a, b):
        return False
    return (
        s.title >= 0.98
        and s.first_author is True
        and (s.authors or 0) >= 0.8
        and s.year_diff == 0
        and s.page is True
        and s.volume is not False
        and (s.abstract or 0) >= SAME_ABSTRACT
    )


def _doi_versions(a: DedupRecord, b: DedupRecord) -> bool:
    return bool(a.doi and b.doi) and _DOI_VERSION.sub("", a.doi) == _DOI_VERSION.sub("", b.doi)


def republished(a: DedupRecord, b: DedupRecord, s: FieldScores) -> bool:
    """Return True when a journal printed one article twice: same text, new DOI, volume and pages.

    Publishers reprint an article (a production error, a lost figure) in a later issue under a new
    DOI. The word-for-word title (four words or more), the same author list, the same journal and
    the same abstract (its first 300 characters or more) make it one report. Recurring items that
    share a heading ("Editorial Notes") have short or no abstracts; a commentary printed under the
    article's title has other authors; an update (``.pub2``) or another year apart does not qualify.
    """
    return (
        a.kind == b.kind == ReportKind.ARTICLE
        and s.title == 1.0
        and max((len(title.split()) for title in a.titles), default=0) >= MIN_REPRINT_TITLE_WORDS
        and (s.journal or 0) >= 0.85
        and s.first_author is True
        and s.authors == 1.0
        and len(a.authors) == len(b.authors)
        and s.year_diff is not None
        and s.year_diff <= 1
        and min(len(a.abstract), len(b.abstract)) >= MIN_REPRINT_ABSTRACT
        and (s.abstract or 0) >= SAME_REPRINT_ABSTRACT
        and s.pmid is not False
        and s.pmcid is not False
        and not _doi_versions(a, b)
    )


def reprint_neutral(s: FieldScores) -> FieldScores:
    """Return the scores without the fields that say where a printing appeared (DOI, volume, pages, year)."""
    return replace(s, doi=None, volume=None, issue=None, page=None, pages=None, year_diff=None)


def log_odds(s: FieldScores) -> float:
    """Return the evidence for "same report" in log-odds (positive: more likely a duplicate)."""
    title_weight = next(weight for floor, weight in TITLE_WEIGHTS if s.title >= floor)
    if fully_pinned(s):  # a translated title neither confirms nor contradicts the article
        title_weight = max(title_weight, 0.0)
    total = PRIOR + title_weight
    total += _bool_weight(s.first_author, 1.5, -3.0)
    if s.authors is not None:
        total += 1.0 if s.authors >= 0.8 else (-2.0 if s.authors < 0.3 else 0.0)
    if s.year_diff is not None:
        total += 1.0 if s.year_diff == 0 else (-1.0 if s.year_diff == 1 else -5.0)
    if s.journal is not None:
        total += 1.0 if s.journal >= 0.85 else (-1.0 if s.journal < 0.5 else 0.0)
    total += _bool_weight(s.volume, 1.5, -3.0) + _bool_weight(s.page, 2.0, -3.0)
    total += _bool_weight(s.issue, 0.5, 0.0)
    if s.abstract is not None:
        total += 2.0 if s.abstract >= 0.8 else (-2.0 if s.abstract < 0.4 else 0.0)
    for name, weight in IDENTIFIER_WEIGHTS.items():
        total += _bool_weight(getattr(s, name), weight, -weight)
    return total


def numbers_differ(a: DedupRecord, b: DedupRecord) -> bool:
    """Return True when each title has a number the other lacks ("part 1" / "part 2").

    A number missing on one side only (a truncated title, "[Review] [33 refs]") is no contradiction.
    """
    if a.numbers == b.numbers or not a.numbers or not b.numbers:
        return False
    left, right = Counter(a.numbers), Counter(b.numbers)
    return bool(left - right) and bool(right - left)


def conflicts(a: DedupRecord, b: DedupRecord, s: FieldScores) -> tuple[str, ...]:
    """Return the reasons that forbid an automatic merge (a person may still merge)."""
    if republished(a, b, s):  # DOI, volume, issue and pages are those of each printing
        s = reprint_neutral(s)
    waived = doi_conflict_waived(a, b, s)
    found = [
        f"different {name}"
        for name in ("doi", "pmid", "pmcid")
        if getattr(s, name) is False and not (name == "doi" and waived)
    ]
    if not (a.has_title and b.has_title):
        found.append("no title")
    # The same first page of the same volume of one journal by the same first author pins the article:
    # a title translated or truncated differently by one database may then differ more.
    pinned = s.page is True and s.volume is True and (s.journal or 0) >= 0.85 and s.first_author is True
    floor = MIN_TITLE_FULLY_PINNED if fully_pinned(s) else MIN_TITLE_PINNED if pinned else MIN_TITLE_FOR_AUTO
    if s.title < floor:
        found.append("titles differ")
    # Parts of a series by the same authors in one journal differ only in their numbers; unless
    # one identifier or the same place (volume and first page) vouches for a typing error.
    identified = any(getattr(s, name) for name in IDENTIFIER_WEIGHTS)
    if numbers_differ(a, b) and not identified and not (s.volume is True and s.page is True):
        found.append("numbers in titles differ")
    if s.year_diff is not None and s.year_diff > 1:
        found.append("years differ")
    # Volume and issue numbers are noisy (supplements, online-first); agreeing pages or a shared
    # identifier outweigh them.
    confirmed = s.page is True or (s.abstract or 0) >= SAME_ABSTRACT or identified
    if s.volume is False and not confirmed:
        found.append("different volume")
    if s.issue is False and not confirmed:
        found.append("different issue")
    # Within one volume other pages are another article unless the title agrees word for word
    # (page fields are noisy: a date made of "1-6", an issue number, a list of ranges).
    same_title = s.title >= SAME_TITLE or (s.abstract or 0) >= SAME_ABSTRACT
    if s.page is False and not identified and (s.volume is not True or not same_title):
        found.append("different pages")
    if s.journal is not None and s.journal < MIN_JOURNAL_FOR_AUTO and not confirmed:
        found.append("different journals")
    return tuple(found)


def matched_on(s: FieldScores) -> str:
    """Return the identifier both records share ("doi", "pmid", ...) or "fuzzy"."""
    return next((name for name in IDENTIFIER_WEIGHTS if getattr(s, name)), "fuzzy")


def _same_place(s: FieldScores) -> bool:
    # Same volume and first page (or the same abstract text), or nothing contradicting one place:
    # same journal, no differing volume or pages. (A proceedings volume is named by its series in
    # one database, its conference in another.)
    if s.volume is True and (s.page is True or (s.abstract or 0) >= SAME_ABSTRACT):
        return True
    return s.page is not False and s.volume is not False and (s.journal is None or s.journal >= 0.85)


def _relation(a: DedupRecord, b: DedupRecord, s: FieldScores) -> str:
    relation = kinds_relation(a.kind, b.kind, _same_place(s))
    if relation:
        return relation
    # Same title and authors in another journal with other pages: a translation or a dual
    # publication is a different report of the same study, not the same report indexed twice.
    if s.title >= 0.95 and s.first_author and s.journal is not None and s.journal < 0.5 and s.page is False:
        return DUAL_PUBLICATION
    return ""


def classify(a: DedupRecord, b: DedupRecord, s: FieldScores, thresholds: Thresholds) -> Verdict:
    """Return the outcome for one candidate pair."""
    evidence = log_odds(s)
    if republished(a, b, s):  # where each printing appeared neither confirms nor contradicts the text
        evidence = max(evidence, log_odds(reprint_neutral(s)))
    score = 1 / (1 + math.exp(-evidence))
    how = matched_on(s)
    relation = _relation(a, b, s)
    found = conflicts(a, b, s)
    if relation and (score >= thresholds.queue or s.title >= 0.9):
        return Verdict(Outcome.RELATED, score, how, relation, found)
    if score >= thresholds.auto_merge and not found:
        return Verdict(Outcome.AUTO, score, how, "", found)
    # Two DOIs (or PMIDs) plus another disagreement: two items, such as a journal's recurring
    # editorials; one disagreement alone may be a database's error, for a person to see.
    id_conflict = any(reason in found for reason in ("different doi", "different pmid", "different pmcid"))
    if id_conflict and len(found) > 1:
        return Verdict(Outcome.DISTINCT, score, how, "", found)
    # A shared identifier alone does not queue a pair: a whole journal supplement can carry one DOI.
    if score >= thresholds.queue:
        return Verdict(Outcome.QUEUE, score, how, "", found)
    return Verdict(Outcome.DISTINCT, score, how, "", found)
