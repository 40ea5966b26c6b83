"""Pages of the search log: the sources of a review and the search appendix."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from review.access import Action, allows, review_view
from review.imports.appendix import appendix_csv, appendix_markdown
from review.imports.editing import SOURCE_FIELDS, source_create, source_update
from review.imports.forms import SourceForm
from review.imports.selectors import search_log
from review.models import Source


@review_view(Action.VIEW)
def sources(request: HttpRequest, slug: str) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    context = {"rows": search_log(review), "can_import": allows(request.membership, Action.IMPORT)}  # type: ignore[attr-defined]
    return render(request, "review/imports/sources.html", context)


@review_view(Action.IMPORT)
def source_new(request: HttpRequest, slug: str) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    form = SourceForm(request.POST or None, initial={"kind": request.GET.get("kind", "database")})
    form.instance.review = review
    if request.method == "POST" and form.is_valid():
        try:
            source = source_create(
                review=review, user=request.user, **{name: form.cleaned_data[name] for name in SOURCE_FIELDS}
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Search “{source.name}” logged. Now import its results.")
            return redirect("imports:upload", slug=slug, source_id=source.pk)
    return render(request, "review/imports/source_form.html", {"form": form, "source": None})


@review_view(Action.IMPORT)
def source_edit(request: HttpRequest, slug: str, source_id: int) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    source = get_object_or_404(Source, pk=source_id, review=review)
    # The form works on a copy, so a refused change never touches the row the service reads.
    form = SourceForm(request.POST or None, instance=Source.objects.get(pk=source.pk))
    if request.method == "POST" and form.is_valid():
        try:
            source_update(source=source, user=request.user, **{name: form.cleaned_data[name] for name in SOURCE_FIELDS})
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Search details saved.")
            return redirect("imports:sources", slug=slug)
    return render(request, "review/imports/source_form.html", {"form": form, "source": source})


@review_view(Action.EXPORT)
def appendix(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    if fmt not in {"csv", "md"}:
        raise Http404("The search appendix is offered as .csv or .md.")
    if fmt == "csv":
        content, kind = appendix_csv(review), "text/csv; charset=utf-8"
    else:
        content, kind = appendix_markdown(review), "text/markdown; charset=utf-8"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="search-appendix-{review.slug}.{fmt}"'
    return response
