"""Pages for duplicates: the queue of possible duplicates, one pair side by side with keyboard
decisions, groups with their provenance, the overlap between databases, and the thresholds."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from review.access import Action, allows, review_view
from review.dedup import decisions, selectors
from review.dedup.forms import BulkMergeForm, DedupSettingsForm
from review.dedup.services import dedup_settings, dedup_settings_update, detection_start
from review.models import DuplicateGroup, DuplicatePair, PairStatus, Record

PAGE_SIZE = 50
STATUS_TABS = [(s.value, s.label) for s in PairStatus]


def _pair(request: HttpRequest, pair_id: int) -> DuplicatePair:
    try:
        return selectors.pair_for_review(request.review, pair_id)  # type: ignore[attr-defined]
    except DuplicatePair.DoesNotExist as exc:
        raise Http404("No such pair in this review.") from exc


def _can_decide(request: HttpRequest) -> bool:
    return allows(request.membership, Action.DEDUPLICATE)  # type: ignore[attr-defined]


@review_view(Action.VIEW)
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    status = request.GET.get("status", PairStatus.QUEUED)
    if status not in PairStatus.values:
        status = PairStatus.QUEUED
    page = Paginator(selectors.queue(review, status), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "tabs": STATUS_TABS,
        "counts": selectors.status_counts(review),
        "bulk_form": BulkMergeForm(),
        "can_decide": _can_decide(request),
        "removed": selectors.records_removed_as_duplicates(review),
        "groups": DuplicateGroup.objects.filter(review=review).count(),
    }
    return render(request, "review/dedup/queue.html", context)


def _pair_context(request: HttpRequest, pair: DuplicatePair) -> dict:
    following = (
        selectors.queue(request.review, PairStatus.QUEUED)  # type: ignore[attr-defined]
        .exclude(pk=pair.pk)
        .first()
    )
    return {
        "pair": pair,
        "rows": selectors.side_by_side(pair),
        "can_decide": _can_decide(request),
        "next_pair": following,
    }


@review_view(Action.VIEW)
def pair_detail(request: HttpRequest, slug: str, pair_id: int) -> HttpResponse:
    pair = _pair(request, pair_id)
    return render(request, "review/dedup/pair.html", _pair_context(request, pair))


def _after_decision(request: HttpRequest, slug: str, pair: DuplicatePair, note: str) -> HttpResponse:
    """With htmx, answer the decided pair's card (its new status, an undo button, the next pair)."""
    pair = _pair(request, pair.pk)  # the groups were rebuilt: reload the records' memberships
    context = _pair_context(request, pair) | {"note": note}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "review/dedup/pair.html#pair-card", context)
    messages.success(request, note)
    return redirect("dedup:pair", slug=slug, pair_id=pair.pk)


@review_view(Action.DEDUPLICATE)
@require_POST
def pair_decide(request: HttpRequest, slug: str, pair_id: int) -> HttpResponse:
    pair = _pair(request, pair_id)
    try:
        decision = decisions.Decision(request.POST.get("decision", ""))
    except ValueError as exc:
        raise Http404("Unknown decision.") from exc
    decisions.pair_decide(pair=pair, user=request.user, decision=decision)
    return _after_decision(request, slug, pair, f"Pair marked “{pair.get_status_display()}”.")


@review_view(Action.DEDUPLICATE)
@require_POST
def pair_undo(request: HttpRequest, slug: str, pair_id: int) -> HttpResponse:
    pair = _pair(request, pair_id)
    decisions.pair_undo(pair=pair, user=request.user)
    return _after_decision(request, slug, pair, f"Undone: the pair is now “{pair.get_status_display()}”.")


@review_view(Action.DEDUPLICATE)
@require_POST
def bulk_merge(request: HttpRequest, slug: str) -> HttpResponse:
    form = BulkMergeForm(request.POST)
    if form.is_valid():
        merged = decisions.pairs_bulk_merge(
            review=request.review,
            user=request.user,  # type: ignore[attr-defined]
            min_score=form.cleaned_data["min_score"],
        )
        messages.success(
            request,
            f"Merged {merged} possible duplicate pair(s) scoring at least {form.cleaned_data['min_score']:.2f}.",
        )
    else:
        messages.error(request, "Give a score between 0 and 1.")
    return redirect("dedup:queue", slug=slug)


@review_view(Action.DEDUPLICATE)
@require_POST
def detect(request: HttpRequest, slug: str) -> HttpResponse:
    job = detection_start(review=request.review, user=request.user)  # type: ignore[attr-defined]
    return redirect("review:job", slug=slug, job_id=job.pk)


@review_view(Action.VIEW)
def groups(request: HttpRequest, slug: str) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    listing = DuplicateGroup.objects.filter(review=review).select_related("primary").order_by("-id")
    page = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "review/dedup/groups.html", {"page": page})


def _group(request: HttpRequest, group_id: int) -> DuplicateGroup:
    return get_object_or_404(DuplicateGroup, review=request.review, pk=group_id)  # type: ignore[attr-defined]


@review_view(Action.VIEW)
def group_detail(request: HttpRequest, slug: str, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    context = {"group": group, "members": selectors.group_members(group), "can_decide": _can_decide(request)}
    return render(request, "review/dedup/group.html", context)


def _member(request: HttpRequest, group: DuplicateGroup, record_id: int) -> Record:
    return get_object_or_404(Record, review=request.review, duplicate_group=group, pk=record_id)  # type: ignore[attr-defined]


@review_view(Action.DEDUPLICATE)
@require_POST
def group_split(request: HttpRequest, slug: str, group_id: int, record_id: int) -> HttpResponse:
    group = _group(request, group_id)
    record = _member(request, group, record_id)
    decisions.record_split_from_group(record=record, user=request.user)
    messages.success(request, f"Record {record.pk} taken out of the group. Undo it from the pair's page.")
    if DuplicateGroup.objects.filter(pk=group.pk).exists():
        return redirect("dedup:group", slug=slug, group_id=group.pk)
    return redirect("dedup:groups", slug=slug)


@review_view(Action.DEDUPLICATE)
@require_POST
def group_primary(request: HttpRequest, slug: str, group_id: int, record_id: int) -> HttpResponse:
    group = _group(request, group_id)
    record = _member(request, group, record_id)
    decisions.group_set_primary(group=group, record=record, user=request.user)
    messages.success(request, f"Record {record.pk} is now screened for this group.")
    return redirect("dedup:group", slug=slug, group_id=group.pk)


@review_view(Action.VIEW)
def overlap(request: HttpRequest, slug: str) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    context = {"table": selectors.overlap_table(review), "removed": selectors.records_removed_as_duplicates(review)}
    return render(request, "review/dedup/overlap.html", context)


@review_view(Action.MANAGE)
def settings_edit(request: HttpRequest, slug: str) -> HttpResponse:
    current = dedup_settings(request.review)  # type: ignore[attr-defined]
    form = DedupSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        dedup_settings_update(review=request.review, user=request.user, **form.cleaned_data)  # type: ignore[attr-defined]
        messages.success(request, "Thresholds saved. Run detection again to apply them to pairs nobody decided.")
        return redirect(reverse("dedup:queue", kwargs={"slug": slug}))
    return render(request, "review/dedup/settings.html", {"form": form})
