"""The PubMed page: type a query, see the hit count, import the hits (or a list of PMIDs) as a job."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from review.access import Action, review_view
from review.importers.entrez import EntrezError
from review.imports.entrez_import import pmids_parse, pubmed_count
from review.imports.forms import PmidForm, PubmedSearchForm
from review.imports.starting import pmid_import_start, pubmed_search_start


@review_view(Action.IMPORT)
def pubmed(request: HttpRequest, slug: str) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    action = request.POST.get("action", "")
    search_form = PubmedSearchForm(request.POST if action in {"count", "run"} else None)
    pmid_form = PmidForm(request.POST if action == "pmids" else None, review=review)
    context: dict[str, object] = {"search_form": search_form, "pmid_form": pmid_form}
    if action == "count" and search_form.is_valid():
        try:
            context["count"] = pubmed_count(query=search_form.cleaned_data["query"])
        except EntrezError as exc:
            search_form.add_error(None, f"PubMed could not be reached: {exc}")
    elif action == "run" and search_form.is_valid():
        data = search_form.cleaned_data
        try:
            batch = pubmed_search_start(
                review=review,
                user=request.user,
                query=data["query"],
                hits=data["hits"],
                source_name=data["source_name"],
                max_records=data["max_records"],
            )
        except ValidationError as exc:
            search_form.add_error(None, exc)
        else:
            return redirect("imports:batch", slug=slug, batch_id=batch.pk)
    elif action == "pmids" and pmid_form.is_valid():
        try:
            pmids = pmids_parse(pmid_form.cleaned_data["pmids"])
            batch = pmid_import_start(source=pmid_form.cleaned_data["source"], user=request.user, pmids=pmids)
        except ValidationError as exc:
            pmid_form.add_error(None, exc)
        else:
            messages.success(request, f"Importing {len(pmids):,} PMIDs.")
            return redirect("imports:batch", slug=slug, batch_id=batch.pk)
    return render(request, "review/imports/pubmed.html", context)
