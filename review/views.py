"""Pages of the review app: review list, creation, dashboard, protocol, members, audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from review import services
from review.access import Action, allows, open_view, review_view
from review.forms import MemberAddForm, MemberUpdateForm, ProtocolForm, ReviewCreateForm
from review.jobs import TITLES, job_start, job_with_live_progress
from review.models import Job
from review.selectors import members_of, reviews_for_user, stage_counts, visible_audit_events


@open_view("lists only the reviews the user belongs to")
@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    return render(request, "review/list.html", {"reviews": reviews_for_user(request.user)})


@open_view("any signed-in user may start a review and becomes its lead")
@login_required
def review_create(request: HttpRequest) -> HttpResponse:
    form = ReviewCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        review = services.review_create(user=request.user, **data)
        messages.success(request, f"Review “{review.title}” created. You are its lead.")
        return redirect("review:dashboard", slug=review.slug)
    return render(request, "review/create.html", {"form": form})


@review_view(Action.VIEW)
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    context = {
        "members": members_of(review),
        "counts": stage_counts(review),
        "can_manage": allows(request.membership, Action.MANAGE),
    }  # type: ignore[attr-defined]
    return render(request, "review/dashboard.html", context)


@review_view(Action.VIEW)
def protocol(request: HttpRequest, slug: str) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    context = {"reasons": review.exclusion_reasons.all(), "can_manage": allows(request.membership, Action.MANAGE)}  # type: ignore[attr-defined]
    return render(request, "review/protocol.html", context)


@review_view(Action.MANAGE)
def protocol_edit(request: HttpRequest, slug: str) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    initial = {"exclusion_reasons": "\n".join(r.label for r in review.exclusion_reasons.all())}
    form = ProtocolForm(request.POST or None, instance=review, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reasons = data.pop("exclusion_reasons").splitlines()
        fresh = type(review).objects.get(pk=review.pk)  # the form wrote its values onto `review`
        services.review_update_protocol(review=fresh, user=request.user, **data)
        services.exclusion_reasons_set(review=fresh, user=request.user, labels=reasons)
        messages.success(request, "Protocol saved.")
        return redirect("review:protocol", slug=slug)
    return render(request, "review/protocol_edit.html", {"form": form})


@review_view(Action.VIEW)
def members(request: HttpRequest, slug: str) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    rows = [
        (
            m,
            MemberUpdateForm(
                initial={
                    "roles": sorted(m.roles),
                    "third_reviewer": m.is_third_reviewer,
                    "consensus": m.can_make_consensus,
                },
                prefix=f"m{m.pk}",
            ),
        )
        for m in members_of(review)
    ]
    context = {"rows": rows, "add_form": MemberAddForm(), "can_manage": allows(request.membership, Action.MANAGE)}  # type: ignore[attr-defined]
    return render(request, "review/members.html", context)


@review_view(Action.MANAGE)
@require_POST
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            member = services.membership_add(
                review=request.review,
                actor=request.user,  # type: ignore[attr-defined]
                identifier=form.cleaned_data["identifier"],
                roles=set(form.cleaned_data["roles"]),
            )
            messages.success(request, f"{member.user.username} added.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Give a username or email and at least one role.")
    return redirect("review:members", slug=slug)


@review_view(Action.MANAGE)
@require_POST
def member_update(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    form = MemberUpdateForm(request.POST, prefix=f"m{member_id}")
    if not form.is_valid():
        messages.error(request, "Choose at least one role.")
        return redirect("review:members", slug=slug)
    try:
        services.membership_update(
            review=request.review,
            actor=request.user,  # type: ignore[attr-defined]
            member_id=member_id,
            roles=set(form.cleaned_data["roles"]),
            third_reviewer=form.cleaned_data["third_reviewer"],
            consensus=form.cleaned_data["consensus"],
        )
        messages.success(request, "Roles saved.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("review:members", slug=slug)


@review_view(Action.MANAGE)
@require_POST
def member_remove(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    try:
        services.membership_remove(
            review=request.review,
            actor=request.user,  # type: ignore[attr-defined]
            member_id=member_id,
        )
        messages.success(request, "Member removed.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("review:members", slug=slug)


@review_view(Action.VIEW)
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    review = request.review  # type: ignore[attr-defined]
    # Screening decisions never appear here: blind screening shows them only in its own pages.
    events = visible_audit_events(review).select_related("actor").order_by("-at", "-id")[:200]
    jobs = review.jobs.filter(kind="audit_export")[:5]
    return render(request, "review/audit.html", {"events": events, "jobs": jobs})


@review_view(Action.EXPORT)
@require_POST
def audit_export_start(request: HttpRequest, slug: str) -> HttpResponse:
    job = job_start(kind="audit_export", review=request.review, user=request.user)  # type: ignore[attr-defined]
    return redirect("review:job", slug=slug, job_id=job.pk)


@review_view(Action.VIEW)
def job_status(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    job = job_with_live_progress(get_object_or_404(Job, pk=job_id, review=request.review))  # type: ignore[attr-defined]
    template = "review/partials/job.html" if request.htmx else "review/job.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job, "title": TITLES.get(job.kind, job.kind)})


@review_view(Action.EXPORT)
def job_download(request: HttpRequest, slug: str, job_id: int) -> FileResponse:
    job = get_object_or_404(Job, pk=job_id, review=request.review)  # type: ignore[attr-defined]
    if not job.result_file:
        raise Http404("This job has no file (yet).")
    name = job.result_file.name.rsplit("/", 1)[-1]
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=name)
