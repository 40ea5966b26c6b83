"""Full-text files, "not retrieved", marking duplicates, and the per-user key map."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from review.access import Action, review_view
from review.models import Record
from screening.models import DEFAULT_KEYS, FullText, Stage
from screening.services_prefs import keymap_of, keymap_set
from screening.services_records import fulltext_mark_not_retrieved, fulltext_upload, record_mark_duplicate

KEY_LABELS = {
    "include": "Include",
    "exclude": "Exclude",
    "maybe": "Maybe",
    "undo": "Undo the last decision",
    "previous": "Previous record",
    "next": "Next record",
    "help": "Show the keys",
}


def _back(request: HttpRequest, slug: str, record: Record) -> HttpResponse:
    stage = request.POST.get("stage") if request.POST.get("stage") in Stage.values else Stage.FULL_TEXT
    return redirect(f"{reverse('screening:screen', args=[slug, stage])}?record={record.pk}")


@review_view(Action.SCREEN)
@require_POST
def fulltext_upload_view(request: HttpRequest, slug: str, record_id: int) -> HttpResponse:
    record = get_object_or_404(Record, pk=record_id, review=request.review)  # type: ignore[attr-defined]
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError("Choose a PDF file to upload.")
        fulltext_upload(record=record, upload=upload, actor=request.user)
        messages.success(request, "Full text uploaded.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(request, slug, record)


@review_view(Action.VIEW)
def fulltext_file(request: HttpRequest, slug: str, record_id: int) -> HttpResponse:
    fulltext = FullText.objects.filter(record_id=record_id, record__review=request.review).first()  # type: ignore[attr-defined]
    if fulltext is None or not fulltext.file:
        raise Http404("No full text uploaded for this record.")
    response = FileResponse(fulltext.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="record-{record_id}.pdf"'
    # The PDF is an uploaded file: never let the browser guess another type, and run it in a sandbox
    # (no scripts, no same-origin access to the application) even when opened directly.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@review_view(Action.SCREEN)
@require_POST
def not_retrieved(request: HttpRequest, slug: str, record_id: int) -> HttpResponse:
    record = get_object_or_404(Record, pk=record_id, review=request.review)  # type: ignore[attr-defined]
    try:
        fulltext_mark_not_retrieved(
            record=record,
            actor=request.user,
            not_retrieved=request.POST.get("undo") != "1",
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(request, slug, record)


@review_view(Action.DEDUPLICATE)
@require_POST
def mark_duplicate(request: HttpRequest, slug: str, record_id: int) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    record = get_object_or_404(Record, pk=record_id, review=review)
    raw = request.POST.get("of_record", "")
    of_record = Record.objects.filter(review=review, pk=int(raw)).first() if raw.isdigit() else None
    try:
        if of_record is None:
            raise ValidationError("Give the number of the record this one duplicates.")
        group = record_mark_duplicate(record=record, of_record=of_record, actor=request.user)
        messages.success(request, f"Record {record.pk} joined the duplicate group of record {group.primary_id}.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(request, slug, record)
    stage = request.POST.get("stage") if request.POST.get("stage") in Stage.values else Stage.TITLE_ABSTRACT
    return redirect("screening:screen", slug=slug, stage=stage)


@review_view(Action.SCREEN)
def keys(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method == "POST":
        try:
            keymap_set(user=request.user, keys={a: request.POST.get(a, "") for a in DEFAULT_KEYS})
            messages.success(request, "Keys saved.")
            return redirect("screening:keys", slug=slug)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    current = keymap_of(request.user)
    rows = [(action, KEY_LABELS[action], current[action], DEFAULT_KEYS[action]) for action in DEFAULT_KEYS]
    return render(request, "screening/keys.html", {"rows": rows})
