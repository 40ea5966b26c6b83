"""Small builders shared by the dedup tests: records from a named search, prepared core records."""

from __future__ import annotations

from typing import Any

from review.dedup.record import DedupRecord, prepare
from tests.factories import ImportBatchFactory, RecordFactory, SourceFactory

TRIAL = {
    "title": "Menatetrenone versus placebo for fracture prevention in postmenopausal osteoporosis",
    "authors": ["Shiraki, M.", "Shiraki, Y.", "Aoki, C."],
    "year": 2000,
    "journal": "Journal of Bone and Mineral Research",
    "volume": "15",
    "issue": "3",
    "pages": "515-521",
    "abstract": "",
}


def core(record_id: Any = 1, **fields: Any) -> DedupRecord:
    """Return a prepared core record: the trial above with ``fields`` changed."""
    return prepare({"id": record_id, **TRIAL, **fields})


def batch_of(review: Any, source: str) -> Any:
    """Return a new import batch of the search named ``source`` (created if needed)."""
    from review.models import Source

    found = Source.objects.filter(review=review, name=source).first() or SourceFactory(review=review, name=source)
    return ImportBatchFactory(source=found, review=review)


def record(review: Any, source: str = "PubMed", batch: Any = None, **fields: Any) -> Any:
    """Create a Record of ``review`` found by ``source``: the trial above with ``fields`` changed."""
    return RecordFactory(batch=batch or batch_of(review, source), review=review, **{**TRIAL, **fields})


def screen(record: Any, reviewer: Any) -> Any:
    """Record one include decision on ``record`` by ``reviewer`` at title/abstract."""
    from screening.models import Decision

    return Decision.objects.create(
        review=record.review, record=record, stage="title_abstract", reviewer=reviewer, value="include"
    )
