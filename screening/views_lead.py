"""Pages of the lead and the third reviewer: conflicts, reveal, settings, bulk exclusion, stopping."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from review.access import Action, review_view
from review.models import Record, Review
from screening import services
from screening.forms import BulkExcludeForm, QueueSettingsForm, ResolveForm, StageSettingsForm
from screening.models import BulkExclusion, Stage
from screening.page import included_at_full_text
from screening.selectors import (
    conflicts,
    decision_rows,
    record_outcome,
    stage_settings,
    visible_comments,
    visible_notes,
)
from screening.services_lead import (
    BulkQuery,
    bulk_exclude,
    bulk_exclude_undo,
    bulk_matches,
    screening_resume,
    screening_stop,
)
from screening.services_queue import queue_settings_of, queue_settings_update
from screening.views import _stage

PREVIEW = 20


@review_view(Action.RESOLVE)
def conflict_list(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    stage = _stage(stage)
    review = request.review  # type: ignore[attr-defined]
    settings = stage_settings(review, stage)
    # Under blind screening even the list would tell who disagreed with whom: it waits for the reveal.
    found = conflicts(review, stage) if settings.others_visible else []
    rows = decision_rows([record.pk for record, _ in found], stage, settings.required_decisions)
    items = [(record, outcome, rows[record.pk]) for record, outcome in found]
    context = {"stage": stage, "stage_label": Stage(stage).label, "settings": settings, "items": items}
    return render(request, "screening/conflicts.html", context)


@review_view(Action.RESOLVE)
def conflict_detail(request: HttpRequest, slug: str, stage: str, record_id: int) -> HttpResponse:
    stage = _stage(stage)
    review = request.review  # type: ignore[attr-defined]
    record = get_object_or_404(Record, pk=record_id, review=review)
    settings = stage_settings(review, stage)
    form = ResolveForm(request.POST or None, reasons=review.exclusion_reasons.all())
    if request.method == "POST" and form.is_valid():
        companion = Record.objects.filter(review=review, pk=request.POST.get("companion_of") or 0).first()
        try:
            services.conflict_resolve(
                review=review,
                record=record,
                stage=stage,
                actor=request.user,
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                reason=form.cleaned_data["reason"],
                companion_of=companion,
            )
            messages.success(request, "Conflict resolved; the original decisions are kept.")
            return redirect("screening:conflicts", slug=slug, stage=stage)
        except ValidationError as exc:
            form.add_error(None, exc)
    context = {
        "stage": stage,
        "stage_label": Stage(stage).label,
        "record": record,
        "settings": settings,
        "form": form,
        "outcome": record_outcome(record, stage) if settings.others_visible else None,
        "decision_rows": (
            decision_rows([record.pk], stage, settings.required_decisions)[record.pk] if settings.others_visible else []
        ),
        "notes": visible_notes(record=record, stage=stage, viewer=request.user),
        "comments": visible_comments(record=record, stage=stage, viewer=request.user),
        "fulltext": getattr(record, "fulltext", None),
        "companions": included_at_full_text(review, exclude=record.pk) if stage == Stage.FULL_TEXT else [],
    }
    return render(request, "screening/conflict.html", context)


@review_view(Action.RESOLVE)
@require_POST
def reveal(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    services.stage_reveal(review=request.review, stage=_stage(stage), actor=request.user)  # type: ignore[attr-defined]
    messages.success(request, "Decisions revealed: members now see each other's decisions at this stage.")
    return redirect("screening:conflicts", slug=slug, stage=stage)


def _stage_form(request: HttpRequest, review: Review, stage: str, bound: bool) -> StageSettingsForm:
    current = stage_settings(review, stage)
    initial = {
        "required_decisions": current.required_decisions,
        "blind": current.blind,
        "maybe_passes": current.maybe_passes,
        "include_keywords": "\n".join(current.include_keywords),
        "exclude_keywords": "\n".join(current.exclude_keywords),
    }
    return StageSettingsForm(request.POST if bound else None, initial=initial, prefix=stage)


def _queue_form(request: HttpRequest, review: Review, stage: str, bound: bool) -> QueueSettingsForm:
    current = queue_settings_of(review, stage)
    initial = {"order": current["order"], "random_percent": round(100 * current["random_share"], 1)}
    return QueueSettingsForm(request.POST if bound else None, initial=initial, prefix=f"{stage}-queue")


def _save_stage(request: HttpRequest, review: Review, stage: str, form: StageSettingsForm) -> None:
    include, exclude = form.keywords()
    services.stage_settings_update(
        review=review,
        stage=stage,
        actor=request.user,
        required_decisions=form.cleaned_data["required_decisions"],
        blind=form.cleaned_data["blind"],
        maybe_passes=form.cleaned_data["maybe_passes"],
        include_keywords=include,
        exclude_keywords=exclude,
    )


def _save_queue(request: HttpRequest, review: Review, stage: str, form: QueueSettingsForm) -> None:
    queue_settings_update(
        review=review,
        stage=stage,
        actor=request.user,
        order=form.cleaned_data["order"],
        random_share=form.random_share(),
    )


@review_view(Action.MANAGE)
def settings_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Per stage, two forms: the stage's rules and keywords, and its queue (``part=queue``)."""
    review = request.review  # type: ignore[attr-defined]
    posted = request.POST.get("stage") if request.method == "POST" else None
    part = request.POST.get("part", "stage")
    rows = []
    for stage in Stage:
        stage_form = _stage_form(request, review, stage, posted == stage and part == "stage")
        queue_form = _queue_form(request, review, stage, posted == stage and part == "queue")
        rows.append((Stage(stage).label, stage, stage_form, queue_form))
        form, save = (queue_form, _save_queue) if part == "queue" else (stage_form, _save_stage)
        if posted != stage or not form.is_valid():
            continue
        try:
            save(request, review, stage, form)
            messages.success(request, f"{Stage(stage).label} {'queue ' if part == 'queue' else ''}settings saved.")
            return redirect("screening:settings", slug=slug)
        except ValidationError as exc:
            form.add_error(None, exc)
    rows = [(label, s, f, q, stage_settings(review, s)) for label, s, f, q in rows]
    return render(request, "screening/settings.html", {"rows": rows})


def _bulk_query(form: BulkExcludeForm) -> BulkQuery:
    data = form.cleaned_data
    return BulkQuery(
        publication_type=data["publication_type"],
        title_contains=data["title_contains"],
        year_before=data["year_before"],
    )


@review_view(Action.RESOLVE)
def bulk(request: HttpRequest, slug: str) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    form = BulkExcludeForm(request.POST or request.GET or None)
    preview = None
    if form.is_bound and form.is_valid() and not _bulk_query(form).is_empty():
        query = _bulk_query(form)
        if request.method == "POST":
            try:
                done = bulk_exclude(
                    review=review, actor=request.user, query=query, category=form.cleaned_data["category"]
                )
                messages.success(request, f"{done.records.count()} records removed before screening.")
                return redirect("screening:bulk", slug=slug)
            except ValidationError as exc:
                form.add_error(None, exc)
        ids = bulk_matches(review, query)
        preview = {"count": len(ids), "records": Record.objects.filter(pk__in=ids[:PREVIEW]).order_by("pk")}
    done = BulkExclusion.objects.filter(review=review).select_related("created_by")
    return render(request, "screening/bulk.html", {"form": form, "preview": preview, "done": done})


@review_view(Action.RESOLVE)
@require_POST
def bulk_undo(request: HttpRequest, slug: str, bulk_id: int) -> HttpResponse:
    try:
        bulk_exclude_undo(review=request.review, actor=request.user, bulk_id=bulk_id)  # type: ignore[attr-defined]
        messages.success(request, "Bulk exclusion undone; its records are back in the queue.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("screening:bulk", slug=slug)


@review_view(Action.RESOLVE)
@require_POST
def stop(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        if request.POST.get("resume"):
            screening_resume(review=request.review, actor=request.user)  # type: ignore[attr-defined]
            messages.success(request, "Screening resumed.")
        else:
            screening_stop(review=request.review, actor=request.user, note=request.POST.get("note", ""))  # type: ignore[attr-defined]
            messages.success(request, "Screening stopped; unscreened records count as excluded by automation.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("screening:home", slug=slug)
