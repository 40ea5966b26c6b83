"""Agreement (shown to the lead after the reveal) and the CSV exports, under the blind rules."""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from review.access import Action, review_view
from review.spreadsheet import safe_cell
from screening.agreement import agreement_csv_rows, stage_agreement
from screening.models import Stage
from screening.selectors import stage_settings, visible_decisions
from screening.views import _stage

DECISION_COLUMNS = [
    "record_id",
    "record_uuid",
    "title",
    "stage",
    "reviewer",
    "decision",
    "exclusion_reason",
    "companion_of",
    "decided_at",
    "changed_at",
]


def _csv(filename: str, rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return response


@review_view(Action.RESOLVE)
def agreement(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    stage = _stage(stage)
    settings = stage_settings(request.review, stage)  # type: ignore[attr-defined]
    result = stage_agreement(request.review, stage) if settings.others_visible else None  # type: ignore[attr-defined]
    return render(
        request,
        "screening/agreement.html",
        {"stage": stage, "stage_label": Stage(stage).label, "settings": settings, "result": result},
    )


@review_view(Action.RESOLVE)
def agreement_csv(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    stage = _stage(stage)
    if not stage_settings(request.review, stage).others_visible:  # type: ignore[attr-defined]
        return HttpResponse(
            "Agreement is available once the lead reveals this blind stage.",
            status=409,
            content_type="text/plain",
        )
    return _csv(f"agreement-{slug}-{stage}.csv", agreement_csv_rows(request.review, stage))  # type: ignore[attr-defined]


@review_view(Action.EXPORT)
def decisions_csv(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    """Export the decisions the member may see: all once revealed (or not blind), else their own."""
    stage = _stage(stage)
    decisions = visible_decisions(review=request.review, stage=stage, viewer=request.user)  # type: ignore[attr-defined]
    rows: list[list[Any]] = [DECISION_COLUMNS]
    for d in decisions.select_related("record").order_by("record_id", "created_at"):
        rows.append(
            [
                d.record_id,
                str(d.record.uuid),
                d.record.title,
                d.stage,
                d.reviewer.username,
                d.value,
                d.reason.label if d.reason_id else "",
                d.companion_of_id or "",
                d.created_at.isoformat(),
                d.updated_at.isoformat(),
            ]
        )
    return _csv(f"decisions-{slug}-{stage}.csv", rows)
