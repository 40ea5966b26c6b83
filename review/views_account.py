"""Account pages: sign-up (when enabled) and personal API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from review.access import open_view
from review.forms import SignupForm, TokenCreateForm
from review.tokens import api_token_create, api_token_revoke


@open_view("sign-up page, closed unless SIGNUP_ENABLED")
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.SIGNUP_ENABLED:
        raise Http404("Sign-up is closed on this server; ask an administrator for an account.")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return redirect("review:list")
    return render(request, "registration/signup.html", {"form": form})


@open_view("the user's own tokens only")
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    context = {
        "tokens": request.user.api_tokens.all(),
        "form": TokenCreateForm(),
        "new_key": request.session.pop("new_token_key", None),
    }
    return render(request, "review/tokens.html", context)


@open_view("creates a token for the signed-in user")
@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        _, key = api_token_create(user=request.user, name=form.cleaned_data["name"])
        request.session["new_token_key"] = key  # shown once on the next page
    else:
        messages.error(request, "Give the token a name.")
    return redirect("tokens")


@open_view("revokes one of the signed-in user's tokens")
@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, "Token revoked.")
    return redirect("tokens")
