"""Pages of file imports: upload, preview (format, encoding, column mapping), progress and summary, undo."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from review.access import Action, allows, review_view
from review.imports.forms import PreviewForm, UploadForm
from review.imports.preview import batch_preview, csv_columns_of
from review.imports.selectors import batch_job
from review.imports.services import ImportRefused, batch_discard, batch_undo, batch_upload
from review.imports.starting import batch_start, entrez_resume
from review.models import ImportBatch, ImportStatus, Source


@review_view(Action.IMPORT)
def upload(request: HttpRequest, slug: str, source_id: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=source_id, review=request.review)  # type: ignore[attr-defined]
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batches = []
        try:
            for upload_file in form.cleaned_data["files"]:
                batches.append(
                    batch_upload(source=source, user=request.user, data=upload_file.read(), filename=upload_file.name)
                )
        except ImportRefused as exc:
            form.add_error("files", str(exc))
        else:
            return redirect("imports:preview", slug=slug, batch_id=batches[0].pk)
    pending = source.batches.filter(status=ImportStatus.PENDING)
    return render(request, "review/imports/upload.html", {"form": form, "source": source, "pending": pending})


@review_view(Action.IMPORT)
def preview(request: HttpRequest, slug: str, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch, pk=batch_id, review=request.review)  # type: ignore[attr-defined]
    if batch.status != ImportStatus.PENDING:
        return redirect("imports:batch", slug=slug, batch_id=batch.pk)
    data = request.POST if request.method == "POST" else request.GET
    columns = csv_columns_of(batch, data.get("format", "auto"), data.get("encoding", "auto"))
    form = PreviewForm(data if "format" in data else None, columns=columns)
    chosen = form.choices()
    if request.method == "POST" and form.is_valid():
        batch_start(batch=batch, user=request.user, **chosen)
        return redirect("imports:batch", slug=slug, batch_id=batch.pk)
    shown = batch_preview(batch, **chosen) if not form.errors else None
    context = {
        "batch": batch,
        "form": form,
        "preview": shown,
        "commit_fields": form.commit_fields(),
        "others": batch.source.batches.filter(status=ImportStatus.PENDING).exclude(pk=batch.pk),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "review/imports/preview.html#preview-body", context)
    return render(request, "review/imports/preview.html", context)


@review_view(Action.VIEW)
def batch_detail(request: HttpRequest, slug: str, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch.objects.select_related("source"), pk=batch_id, review=request.review)  # type: ignore[attr-defined]
    context = {
        "batch": batch,
        "job": batch_job(batch),
        "can_import": allows(request.membership, Action.IMPORT),
    }  # type: ignore[attr-defined]
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "review/imports/batch.html#batch-status", context)
    return render(request, "review/imports/batch.html", context)


@review_view(Action.IMPORT)
@require_POST
def batch_undo_view(request: HttpRequest, slug: str, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch, pk=batch_id, review=request.review)  # type: ignore[attr-defined]
    try:
        removed = batch_undo(batch=batch, user=request.user)
    except ImportRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Import undone: {removed:,} records removed.")
    return redirect("imports:batch", slug=slug, batch_id=batch.pk)


@review_view(Action.IMPORT)
@require_POST
def batch_discard_view(request: HttpRequest, slug: str, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch, pk=batch_id, review=request.review)  # type: ignore[attr-defined]
    source_id = batch.source_id
    try:
        batch_discard(batch=batch, user=request.user)
    except ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("imports:batch", slug=slug, batch_id=batch.pk)
    messages.success(request, "File discarded; nothing was imported.")
    return redirect("imports:upload", slug=slug, source_id=source_id)


@review_view(Action.IMPORT)
@require_POST
def batch_resume(request: HttpRequest, slug: str, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch, pk=batch_id, review=request.review)  # type: ignore[attr-defined]
    try:
        entrez_resume(batch=batch, user=request.user)
    except ImportRefused as exc:
        messages.error(request, str(exc))
    return redirect("imports:batch", slug=slug, batch_id=batch.pk)
