"""PRISMA 2020 counts of the screening stages, computed from decisions, resolutions and full texts.

Keys follow ``shared/reference/prisma2020_fields.json`` (the PRISMA2020 R package's CSV template).
Records from sources of kind "other method" count in the ``other_*`` boxes; all others in ``dbr_*``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from review.models import ExclusionReason, Review, SourceKind
from screening.models import BulkExclusion, BulkExclusionCategory, FullText, Stage, StoppingDecision
from screening.rules import Outcome


def _removed_before_screening(review: Review) -> dict[int, str]:
    """Return record id -> category for records removed by an active bulk exclusion."""
    through = BulkExclusion.records.through
    rows = through.objects.filter(bulkexclusion__review=review, bulkexclusion__undone_at__isnull=True).values_list(
        "record_id", "bulkexclusion__category"
    )
    return dict(rows)


def stopped(review: Review, stage: str = Stage.TITLE_ABSTRACT) -> StoppingDecision | None:
    """Return the active stopping decision of the stage, if the lead recorded one."""
    return StoppingDecision.objects.filter(review=review, stage=stage, withdrawn_at__isnull=True).first()


def prisma_screening_counts(review: Review) -> dict[str, Any]:
    """Return the screening boxes of the PRISMA 2020 flow diagram for ``review``.

    ``records_screened`` counts the records that entered title/abstract screening; records the lead
    removed in bulk, and records left unscreened after a stopping decision, count as removed before
    screening (``excluded_automatic`` / ``excluded_other``), never as screened. ``*_pending`` counts
    records whose stage outcome is not final yet (unscreened, awaiting decisions or in conflict).
    """
    from screening.selectors import screenable_records, stage_outcomes

    kinds = dict(screenable_records(review).values_list("id", "batch__source__kind"))
    removed = {rec: cat for rec, cat in _removed_before_screening(review).items() if rec in kinds}
    ta = stage_outcomes(review, Stage.TITLE_ABSTRACT)
    stop = stopped(review)
    automatic = sum(cat == BulkExclusionCategory.AUTOMATION for cat in removed.values())
    if stop is not None:
        automatic += sum(1 for rec in kinds if rec not in removed and rec not in ta)
    other = sum(cat == BulkExclusionCategory.OTHER for cat in removed.values())
    screened = [rec for rec in kinds if rec not in removed and (stop is None or rec in ta)]
    ta_out = Counter(ta[rec].outcome if rec in ta else Outcome.UNSCREENED for rec in screened)
    passed = [rec for rec in screened if rec in ta and ta[rec].outcome == Outcome.INCLUDED]
    counts: dict[str, Any] = {
        "records_screened": sum(kinds[rec] != SourceKind.OTHER for rec in screened),
        "records_excluded": sum(
            kinds[rec] != SourceKind.OTHER and ta[rec].outcome == Outcome.EXCLUDED for rec in screened if rec in ta
        ),
        "excluded_automatic": automatic,
        "excluded_other": other,
        "title_abstract_pending": ta_out[Outcome.UNSCREENED] + ta_out[Outcome.AWAITING] + ta_out[Outcome.CONFLICT],
    }
    counts.update(_full_text_counts(review, passed, kinds))
    return counts


def _full_text_counts(review: Review, passed: list[int], kinds: dict[int, str]) -> dict[str, Any]:
    """Return the full-text boxes for the records that passed title/abstract screening."""
    from screening.selectors import stage_outcomes

    ft = stage_outcomes(review, Stage.FULL_TEXT, passed)
    missing = set(FullText.objects.filter(record_id__in=passed, not_retrieved=True).values_list("record_id", flat=True))
    labels = dict(ExclusionReason.objects.filter(review=review).values_list("id", "label"))
    counts: dict[str, Any] = {}
    for column, in_column in (
        ("dbr", lambda k: k != SourceKind.OTHER),
        ("other", lambda k: k == SourceKind.OTHER),
    ):
        sought = [rec for rec in passed if in_column(kinds[rec])]
        assessed = [rec for rec in sought if rec not in missing]
        reasons = Counter(
            labels.get(ft[rec].reason_id, "No reason given")
            for rec in assessed
            if rec in ft and ft[rec].outcome == Outcome.EXCLUDED
        )
        counts[f"{column}_sought_reports"] = len(sought)
        counts[f"{column}_notretrieved_reports"] = len(sought) - len(assessed)
        counts[f"{column}_assessed"] = len(assessed)
        counts[f"{column}_excluded"] = dict(sorted(reasons.items()))
    included = [ft[rec] for rec in passed if rec not in missing and rec in ft and ft[rec].outcome == Outcome.INCLUDED]
    pending = [
        rec
        for rec in passed
        if rec not in missing and (rec not in ft or ft[rec].outcome not in (Outcome.INCLUDED, Outcome.EXCLUDED))
    ]
    counts["new_reports"] = len(included)
    # A companion report belongs to a study already counted through the report it is linked to.
    counts["new_studies"] = sum(out.companion_of_id is None for out in included)
    counts["full_text_pending"] = len(pending)
    return counts


def dashboard_counts(review: Review) -> list[tuple[str, int]]:
    """Return the screening stages for the review dashboard, in flow order."""
    counts = prisma_screening_counts(review)
    removed = counts["excluded_automatic"] + counts["excluded_other"]
    rows = [("Removed before screening", removed)] if removed else []
    return rows + [
        # During screening the PRISMA box "records screened" (all that entered screening) would read as
        # progress; the dashboard shows how many still wait for an outcome beside it.
        ("Records screened", counts["records_screened"]),
        ("Title/abstract still to decide", counts["title_abstract_pending"]),
        ("Excluded at title/abstract", counts["records_excluded"]),
        ("Reports assessed (full text)", counts["dbr_assessed"] + counts["other_assessed"]),
        ("Studies included", counts["new_studies"]),
    ]
