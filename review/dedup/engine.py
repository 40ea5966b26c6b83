"""Detection over plain dicts: prepare, block, compare, classify. No Django, so benchmarks run it fast."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from review.dedup.blocking import candidate_pairs
from review.dedup.classify import Outcome, Thresholds, Verdict, classify
from review.dedup.compare import FieldScores, compare, title_similarity
from review.dedup.record import DedupRecord, prepare

Progress = Callable[[int, int, str], None]
PROGRESS_EVERY = 20_000
# Below this title similarity a pair without a shared identifier cannot reach the queue in practice
# (the title weight alone outweighs every other field agreeing), so it is not compared further;
# unless both give one volume and page range (a title translated by one database).
TITLE_FLOOR = 0.5


@dataclass(frozen=True, slots=True)
class PairResult:
    """A candidate pair worth keeping (not distinct), ids ordered a < b."""

    a: Any
    b: Any
    verdict: Verdict
    scores: FieldScores


def _quiet(done: int, total: int, message: str) -> None:
    """Progress callback that reports nowhere."""


def prepare_all(rows: Iterable[dict[str, Any]]) -> list[DedupRecord]:
    """Return the matching view of every row (dicts of Record fields plus ``id``)."""
    return [prepare(row) for row in rows]


def detect(
    records: list[DedupRecord], thresholds: Thresholds | None = None, progress: Progress = _quiet
) -> list[PairResult]:
    """Return every candidate pair that is a certain, possible or related duplicate."""
    thresholds = thresholds or Thresholds()
    pairs = sorted(candidate_pairs(records))
    total = len(pairs)
    found: list[PairResult] = []
    for done, (i, j) in enumerate(pairs, 1):
        a, b = records[i], records[j]
        if a.id > b.id:
            a, b = b, a
        if _clearly_different(a, b):
            continue
        scores = compare(a, b)
        verdict = classify(a, b, scores, thresholds)
        if verdict.outcome != Outcome.DISTINCT:
            found.append(PairResult(a.id, b.id, verdict, scores))
        if done % PROGRESS_EVERY == 0:
            progress(done, total, f"Compared {done:,} of {total:,} candidate pairs")
    progress(total, total, f"Compared {total:,} candidate pairs")
    return found


def _clearly_different(a: DedupRecord, b: DedupRecord) -> bool:
    # Most blocked pairs (same first author and year, same volume and page) have unrelated titles:
    # skip the full comparison unless an identifier says otherwise.
    if a.doi and a.doi == b.doi or a.pmid and a.pmid == b.pmid or a.pmcid and a.pmcid == b.pmcid:
        return False
    if a.accession and a.accession == b.accession:
        return False
    if a.pages and a.pages == b.pages and a.volume and a.volume == b.volume:
        return False  # one page range of one volume: perhaps one article under a translated title
    return title_similarity(a.titles, b.titles) < TITLE_FLOOR


def identifiers(record: DedupRecord) -> dict[str, str]:
    """Return the identifiers that must agree within one duplicate group."""
    return {"doi": record.doi, "pmid": record.pmid}
