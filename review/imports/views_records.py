"""Pages of records: the list with search and filters, a record with its raw text, correction, export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from review.access import Action, allows, review_view
from review.imports.editing import record_correct
from review.imports.forms import ExportForm, RecordCorrectionForm
from review.imports.selectors import group_members, review_records
from review.imports.starting import export_start
from review.models import Record

PAGE_SIZE = 50


def _source_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@review_view(Action.VIEW)
def records(request: HttpRequest, slug: str) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    query, source_id = request.GET.get("q", ""), _source_id(request.GET.get("source"))
    page = Paginator(review_records(review, query=query, source_id=source_id), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "q": query, "source_id": source_id, "sources": review.sources.all()}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "review/imports/records.html#record-list", context)
    return render(request, "review/imports/records.html", context)


def _record_context(request: HttpRequest, record: Record, form: RecordCorrectionForm | None) -> dict[str, object]:
    can_correct = allows(request.membership, Action.IMPORT)  # type: ignore[attr-defined]
    return {
        "record": record,
        "members": group_members(record),
        "can_correct": can_correct,
        "form": form or (RecordCorrectionForm(instance=record) if can_correct else None),
    }


@review_view(Action.VIEW)
def record_detail(request: HttpRequest, slug: str, record_id: int) -> HttpResponse:
    record = get_object_or_404(Record.objects.select_related("batch__source"), pk=record_id, review=request.review)  # type: ignore[attr-defined]
    return render(request, "review/imports/record.html", _record_context(request, record, None))


@review_view(Action.IMPORT)
@require_POST
def record_correct_view(request: HttpRequest, slug: str, record_id: int) -> HttpResponse:
    record = get_object_or_404(Record.objects.select_related("batch__source"), pk=record_id, review=request.review)  # type: ignore[attr-defined]
    # The form validates a copy: the service reads the row itself and keeps the imported values.
    form = RecordCorrectionForm(request.POST, instance=Record.objects.get(pk=record.pk))
    if form.is_valid():
        try:
            record_correct(record=record, user=request.user, **form.changes())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Record corrected; the imported values are kept.")
            return redirect("imports:record", slug=slug, record_id=record.pk)
    return render(request, "review/imports/record.html", _record_context(request, record, form), status=400)


@review_view(Action.EXPORT)
def export(request: HttpRequest, slug: str) -> HttpResponse:
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = export_start(
            review=request.review,
            user=request.user,  # type: ignore[attr-defined]
            which=form.cleaned_data["which"],
            format=form.cleaned_data["format"],
        )
        return redirect("review:job", slug=slug, job_id=job.pk)
    return render(request, "review/imports/export.html", {"form": form})
