"""Pages of screening: overview, the screening page and its htmx actions (decide, undo, notes).

Views authorise (``review_view``), call one service or selector, and render. The record panel is a
partial of ``screening/screen.html`` that htmx swaps after every decision.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from review.access import Action, allows, review_view
from review.models import ExclusionReason, Record
from screening import services
from screening.models import QueueOrder, Stage
from screening.page import after_decision, panel_context, pick_record, progress_context
from screening.prisma import prisma_screening_counts, stopped
from screening.queue import own_queue_order
from screening.queue_sql import review_record
from screening.selectors import stage_settings
from screening.services_lead import estimate_summary, stopping_estimate
from screening.services_prefs import queue_order_set
from screening.services_records import comment_add, note_save


def _stage(stage: str) -> str:
    if stage not in Stage.values:
        raise Http404("No such screening stage.")
    return stage


def _record(request: HttpRequest, record_id: int) -> Record:
    """Fetch the review's record, with whether a bulk exclusion removed it (the decision service asks)."""
    record = review_record(request.review.pk, record_id)  # type: ignore[attr-defined]
    if record is None:
        raise Http404("No such record in this review.")
    return record


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _panel(request: HttpRequest, stage: str, record: Record | None, status: int = 200) -> HttpResponse:
    context = panel_context(request.review, request.membership, stage, record, request.user)  # type: ignore[attr-defined]
    return render(request, "screening/screen.html#record-panel", context, status=status)


@review_view(Action.VIEW)
def home(request: HttpRequest, slug: str) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    context = {
        "stages": [(s, stage_settings(review, s)) for s in Stage],
        "counts": prisma_screening_counts(review),
        "stop": stopped(review),
        "can_screen": allows(request.membership, Action.SCREEN),  # type: ignore[attr-defined]
        "can_resolve": allows(request.membership, Action.RESOLVE),  # type: ignore[attr-defined]
        "can_manage": allows(request.membership, Action.MANAGE),  # type: ignore[attr-defined]
        "order": own_queue_order(review, request.user) or "",
        "orders": [("", "The lead's default for each stage"), *QueueOrder.choices],
    }
    if context["can_resolve"]:
        context["estimate"] = estimate_summary(stopping_estimate(review, request.user))
    return render(request, "screening/home.html", context)


@review_view(Action.SCREEN)
def screen(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    stage = _stage(stage)
    record = pick_record(request.review, stage, request.user, _int_or_none(request.GET.get("record")))  # type: ignore[attr-defined]
    context = panel_context(request.review, request.membership, stage, record, request.user)  # type: ignore[attr-defined]
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "screening/screen.html#record-panel", context)
    return render(request, "screening/screen.html", context)


@review_view(Action.SCREEN)
def progress_view(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    context = progress_context(request.review, _stage(stage), request.user)  # type: ignore[attr-defined]
    return render(request, "screening/partials/progress.html", context)


def _decision_inputs(request: HttpRequest) -> tuple[str, ExclusionReason | None, Record | None]:
    review = request.review  # type: ignore[attr-defined]
    reason_id = _int_or_none(request.POST.get("reason"))
    companion_id = _int_or_none(request.POST.get("companion_of"))
    reason = review.exclusion_reasons.filter(pk=reason_id).first() if reason_id else None
    companion = Record.objects.filter(review=review, pk=companion_id).first() if companion_id else None
    return request.POST.get("value", ""), reason, companion


@review_view(Action.SCREEN)
@require_POST
def decide(request: HttpRequest, slug: str, stage: str, record_id: int) -> HttpResponse:
    stage, record, review = _stage(stage), _record(request, record_id), request.review  # type: ignore[attr-defined]
    value, reason, companion = _decision_inputs(request)
    settings = stage_settings(review, stage)
    try:
        decision = services.decision_record(
            review=review,
            record=record,
            stage=stage,
            reviewer=request.user,
            value=value,
            reason=reason,
            companion_of=companion,
        )
    except ValidationError as exc:
        if request.htmx:  # type: ignore[attr-defined]
            context = panel_context(review, request.membership, stage, record, request.user, settings)  # type: ignore[attr-defined]
            context["error"] = " ".join(exc.messages)
            return render(request, "screening/screen.html#record-panel", context, status=422)
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('screening:screen', args=[slug, stage])}?record={record.pk}")
    following, timeline = after_decision(review, stage, request.user, record, decision, settings)
    if request.htmx:  # type: ignore[attr-defined]
        context = panel_context(
            review,
            request.membership,
            stage,
            following,
            request.user,
            settings,
            timeline,
            with_keys=False,  # type: ignore[attr-defined]
        )
        return render(request, "screening/screen.html#record-panel", context)
    query = f"?record={following.pk}" if following else ""
    return redirect(reverse("screening:screen", args=[slug, stage]) + query)


@review_view(Action.SCREEN)
@require_POST
def undo(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    stage = _stage(stage)
    record = services.decision_undo_last(review=request.review, stage=stage, reviewer=request.user)  # type: ignore[attr-defined]
    if request.htmx:  # type: ignore[attr-defined]
        return _panel(request, stage, record or pick_record(request.review, stage, request.user, None))  # type: ignore[attr-defined]
    query = f"?record={record.pk}" if record else ""
    return redirect(reverse("screening:screen", args=[slug, stage]) + query)


def _back_to_record(request: HttpRequest, slug: str, stage: str, record: Record) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return _panel(request, stage, record)
    return redirect(f"{reverse('screening:screen', args=[slug, stage])}?record={record.pk}")


@review_view(Action.SCREEN)
@require_POST
def note(request: HttpRequest, slug: str, stage: str, record_id: int) -> HttpResponse:
    stage, record = _stage(stage), _record(request, record_id)
    tags = [t for t in request.POST.get("tags", "").split(",")]
    try:
        note_save(record=record, stage=stage, author=request.user, text=request.POST.get("text", ""), tags=tags)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back_to_record(request, slug, stage, record)


@review_view(Action.SCREEN)
@require_POST
def comment(request: HttpRequest, slug: str, stage: str, record_id: int) -> HttpResponse:
    stage, record = _stage(stage), _record(request, record_id)
    try:
        comment_add(record=record, stage=stage, author=request.user, text=request.POST.get("text", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back_to_record(request, slug, stage, record)


@review_view(Action.RESOLVE)
@require_POST
def reset(request: HttpRequest, slug: str, stage: str, record_id: int) -> HttpResponse:
    stage, record = _stage(stage), _record(request, record_id)
    try:
        n = services.record_reset(
            review=request.review,
            record=record,
            stage=stage,
            actor=request.user,  # type: ignore[attr-defined]
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, f"Record reset to unscreened ({n} decisions withdrawn; the history keeps them).")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('screening:screen', args=[slug, stage])}?record={record.pk}")


@review_view(Action.SCREEN)
@require_POST
def queue_order(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        queue_order_set(review=request.review, user=request.user, order=request.POST.get("order", ""))  # type: ignore[attr-defined]
        messages.success(request, "Queue order saved.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("screening:home", slug=slug)


@review_view(Action.SCREEN)
def score(request: HttpRequest, slug: str, stage: str, record_id: int) -> HttpResponse:
    stage, record = _stage(stage), _record(request, record_id)
    value = None
    try:
        from screening.prioritisation.services import relevance_scores
    except ImportError:
        relevance_scores = None
    if relevance_scores is not None:
        scores = relevance_scores(
            review=request.review,
            stage=stage,
            reviewer=request.user,  # type: ignore[attr-defined]
            record_ids=[record.pk],
        )
        value = scores.get(record.pk) if scores else None
    return render(request, "screening/partials/score.html", {"score": value, "available": relevance_scores is not None})
