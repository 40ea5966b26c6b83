"""Reports that share a title without being the same report: errata, retraction notices, preprints,
conference abstracts, translations. Such pairs are "related, not duplicate": linked, never merged.
"""

from __future__ import annotations

import enum
import re
from typing import Any

from review.dedup.normalize import normalize_text


class ReportKind(enum.StrEnum):
    ARTICLE = "article"
    ERRATUM = "erratum"
    RETRACTION = "retraction notice"
    PREPRINT = "preprint"
    CONFERENCE = "conference abstract"


# "Correction of scoliosis" is an article; "Correction:" / "Correction to ..." is a notice.
_ERRATUM_TITLE = re.compile(r"^\W*((erratum|errata|corrigendum)\b|(author\s+)?corrections?\s*(:|to\b|\]|$))", re.I)
_RETRACTION_TITLE = re.compile(r"^\W*(notice of retraction|retraction\s*(notice|note)?\s*(:|to\b|of:|$))", re.I)
_RETRACTED_PREFIX = re.compile(r"^\W*(retracted|withdrawn)\s*(article)?\s*[:.\-]\s*", re.I)
_PREPRINT_SERVERS = (
    "biorxiv",
    "medrxiv",
    "arxiv",
    "ssrn",
    "research square",
    "preprints",
    "chemrxiv",
    "psyarxiv",
    "socarxiv",
    "osf preprints",
    "authorea",
    "europe pmc preprint",
)
_PREPRINT_DOI = (
    "10.1101/",
    "10.21203/",
    "10.2139/ssrn",
    "10.48550/arxiv",
    "10.20944/preprints",
    "10.22541/au.",
    "10.31234/",
    "10.31219/",
)
_CONFERENCE_TYPES = (
    "conference abstract",
    "meeting abstract",
    "congress",
    "conference review",
    "inproceedings",
    "proceedings",
    "conference paper",
    "poster",
)
_CONFERENCE_VENUE = re.compile(r"\b(conference|congress|meeting|proceedings|symposium|abstracts)\b")


def strip_retracted_prefix(title: str) -> str:
    """Return a title without "RETRACTED:" - the retracted article is still the same report."""
    return _RETRACTED_PREFIX.sub("", title or "")


def report_kind(row: dict[str, Any]) -> ReportKind:
    """Return what kind of report a record is, from its title, publication types, journal and DOI."""
    title = row.get("title") or ""
    types = " ".join(normalize_text(t) for t in (row.get("publication_types") or []))
    if "erratum" in types or "correction" in types or _ERRATUM_TITLE.match(title):
        return ReportKind.ERRATUM
    if "retraction of publication" in types or _RETRACTION_TITLE.match(title):
        return ReportKind.RETRACTION
    journal = normalize_text(row.get("journal") or "")
    doi = (row.get("doi") or "").lower()
    if "preprint" in types or journal.startswith(_PREPRINT_SERVERS) or any(p in doi for p in _PREPRINT_DOI):
        return ReportKind.PREPRINT
    if any(kind in types for kind in _CONFERENCE_TYPES) or _CONFERENCE_VENUE.search(journal):
        return ReportKind.CONFERENCE
    return ReportKind.ARTICLE


# An erratum or a retraction notice is told apart by its own title or type: always another report.
# "Conference" and "preprint" are guessed from the venue, which databases describe differently for
# the same abstract ("Circulation" / "Circulation. Conference: ..."), so those need a different place too.
NOTICE_KINDS = (ReportKind.ERRATUM, ReportKind.RETRACTION)
VENUE_KINDS = (ReportKind.PREPRINT, ReportKind.CONFERENCE)


def kinds_relation(a: ReportKind, b: ReportKind, same_place: bool) -> str:
    """Return the relation between two reports of the given kinds, or "" when they may be duplicates.

    ``same_place``: nothing says the two were published in different places (journal, volume, pages).
    """
    if a == b:
        return ""
    for kind in NOTICE_KINDS:
        if kind in (a, b):
            return kind.value
    for kind in VENUE_KINDS:
        if kind in (a, b) and not same_place:
            return kind.value
    return ""
