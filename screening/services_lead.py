"""The lead's screening tools: bulk exclusion before screening, and the stopping decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from review.audit import audit_record
from review.models import Review
from screening.models import BulkExclusion, BulkExclusionCategory, Decision, Stage, StoppingDecision
from screening.prisma import stopped

PREVIEW_SIZE = 20


@dataclass(frozen=True)
class BulkQuery:
    """Which unscreened records a bulk exclusion takes; empty parts match everything."""

    publication_type: str = ""
    title_contains: str = ""
    year_before: int | None = None

    def is_empty(self) -> bool:
        """Return True when the query would match every record."""
        return not (self.publication_type.strip() or self.title_contains.strip() or self.year_before)

    def describe(self) -> str:
        """Return the query in words, for the list of bulk exclusions and the audit log."""
        parts = []
        if self.publication_type.strip():
            parts.append(f"publication type is “{self.publication_type.strip()}”")
        if self.title_contains.strip():
            parts.append(f"title contains “{self.title_contains.strip()}”")
        if self.year_before:
            parts.append(f"published before {self.year_before}")
        return " and ".join(parts)

    def matches(self, publication_types: list[str], title: str, year: int | None) -> bool:
        """Return True when a record with these fields matches every part of the query."""
        wanted = self.publication_type.strip().casefold()
        if wanted and wanted not in {p.casefold() for p in publication_types or []}:
            return False
        if self.title_contains.strip() and self.title_contains.strip().casefold() not in (title or "").casefold():
            return False
        return not (self.year_before and (year is None or year >= self.year_before))


def bulk_matches(review: Review, query: BulkQuery) -> list[int]:
    """Return the ids of the records the query matches among those with no title/abstract decision yet."""
    from screening.queue import stage_records

    decided = Decision.objects.filter(review=review, stage=Stage.TITLE_ABSTRACT).values("record_id")
    rows = (
        stage_records(review, Stage.TITLE_ABSTRACT)
        .exclude(pk__in=decided)
        .values_list("pk", "publication_types", "title", "year")
    )
    return [pk for pk, types, title, year in rows.iterator(chunk_size=2000) if query.matches(types, title, year)]


@transaction.atomic
def bulk_exclude(*, review: Review, actor: Any, query: BulkQuery, category: str) -> BulkExclusion:
    """Remove every unscreened record matching ``query`` before screening (reversible)."""
    if query.is_empty():
        raise ValidationError("Give at least one condition; an empty query would exclude every record.")
    if category not in BulkExclusionCategory.values:
        raise ValidationError(f"Choose how PRISMA reports them: {', '.join(BulkExclusionCategory.values)}.")
    ids = bulk_matches(review, query)
    if not ids:
        raise ValidationError("No unscreened record matches this query.")
    bulk = BulkExclusion.objects.create(
        review=review, description=query.describe(), category=category, query=query.__dict__, created_by=actor
    )
    through = BulkExclusion.records.through
    through.objects.bulk_create([through(bulkexclusion_id=bulk.pk, record_id=pk) for pk in ids], batch_size=2000)
    audit_record(
        actor=actor,
        action="screening.bulk_exclude",
        obj=bulk,
        review=review,
        after={"query": bulk.description, "category": category, "records": len(ids)},
    )
    return bulk


@transaction.atomic
def bulk_exclude_undo(*, review: Review, actor: Any, bulk_id: int) -> BulkExclusion:
    """Undo a bulk exclusion: its records return to the title/abstract queue."""
    bulk = BulkExclusion.objects.select_for_update().filter(review=review, pk=bulk_id).first()
    if bulk is None or bulk.undone_at is not None:
        raise ValidationError("No such bulk exclusion in force.")
    bulk.undone_at = timezone.now()
    bulk.save(update_fields=["undone_at"])
    audit_record(
        actor=actor,
        action="screening.bulk_exclude.undo",
        obj=bulk,
        review=review,
        before={"query": bulk.description},
    )
    return bulk


def stopping_estimate(review: Review, reviewer: Any) -> dict[str, Any] | None:
    """Return the prioritisation model's estimate of relevant records left, or None without the model.

    The estimate's fields as a JSON-ready dict (kept with a stopping decision, shown on the page).
    """
    try:
        from screening.prioritisation.services import stopping_estimate as estimate
    except ImportError:
        return None
    result = estimate(review=review, stage=Stage.TITLE_ABSTRACT, reviewer=reviewer)
    if result is None:
        return None
    fields = result._asdict() if hasattr(result, "_asdict") else dict(result)
    return {str(k): _jsonable(v) for k, v in fields.items()}


def estimate_summary(estimate: dict[str, Any] | None) -> list[tuple[str, Any]]:
    """Return the lines of the estimate a lead reads before stopping (label, value)."""
    if not estimate or estimate.get("remaining") is None:
        return []
    low, high = estimate.get("remaining_low"), estimate.get("remaining_high")
    rows = [("Relevant records left (estimate)", round(float(estimate["remaining"]), 1))]
    if low is not None and high is not None:
        rows.append((f"{round(100 * float(estimate.get('confidence', 0.95)))}% interval", f"{low} to {high}"))
    if estimate.get("p_value") is not None:
        rows.append((f"p-value that recall is below {estimate.get('target_recall')}", round(estimate["p_value"], 4)))
    rows.append(("Screened by you / relevant found", f"{estimate.get('screened')} / {estimate.get('relevant_found')}"))
    if estimate.get("method"):
        rows.append(("Method", estimate["method"]))
    return rows


@transaction.atomic
def screening_stop(*, review: Review, actor: Any, note: str) -> StoppingDecision:
    """Stop title/abstract screening; the records nobody decided count as excluded by automation."""
    if not note.strip():
        raise ValidationError("Say why screening stops here (e.g. the stopping estimate and rule used).")
    if stopped(review) is not None:
        raise ValidationError("Screening is already stopped.")
    decision = StoppingDecision.objects.create(
        review=review,
        stage=Stage.TITLE_ABSTRACT,
        note=note.strip(),
        estimate=_jsonable(stopping_estimate(review, actor)),
        decided_by=actor,
    )
    audit_record(actor=actor, action="screening.stop", obj=decision, review=review, after={"note": decision.note})
    return decision


@transaction.atomic
def screening_resume(*, review: Review, actor: Any) -> None:
    """Withdraw the stopping decision: the unscreened records return to the queues."""
    decision = stopped(review)
    if decision is None:
        raise ValidationError("Screening is not stopped.")
    decision.withdrawn_at = timezone.now()
    decision.save(update_fields=["withdrawn_at"])
    audit_record(actor=actor, action="screening.resume", obj=decision, review=review)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)
