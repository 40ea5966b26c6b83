"""Who may do what in a review: the single place every page and API view asks.

The table below is DESIGN.md's "Roles and access". Outsiders get 404 (a review's existence does not
leak), members without the role get 403. ``tests/review/test_access_every_url.py`` walks every URL
pattern and fails for a view that does not declare its action through :func:`review_view`.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from review.models import Membership, Review, Role


class Action(enum.StrEnum):
    VIEW = "see the review, its records, PRISMA, results"
    MANAGE = "edit protocol, settings, members, roles"
    IMPORT = "add sources, import, undo an import, correct record metadata"
    DEDUPLICATE = "decide duplicates (merge, split, undo)"
    SCREEN = "screen (own decisions), notes, tags, upload full texts, mark not retrieved"
    RESOLVE = "reveal conflicts, resolve conflicts, reset a record, bulk exclude, record a stopping decision"
    GROUP_STUDIES = "group reports into studies"
    EXTRACT = "extract data, assess risk of bias (own copy)"
    CONSENSUS = "make the consensus version of extraction / RoB"
    ANALYSE = "create, run and delete analyses; GRADE"
    EXPORT = "export anything"


L, R, E, V = Role.LEAD, Role.REVIEWER, Role.EXTRACTOR, Role.VIEWER
ROLE_TABLE: dict[Action, frozenset[Role]] = {
    Action.VIEW: frozenset({L, R, E, V}),
    Action.MANAGE: frozenset({L}),
    Action.IMPORT: frozenset({L}),
    Action.DEDUPLICATE: frozenset({L, R}),
    Action.SCREEN: frozenset({L, R}),
    Action.RESOLVE: frozenset({L}),  # plus the designated third reviewer, see allows()
    Action.GROUP_STUDIES: frozenset({L, E}),
    Action.EXTRACT: frozenset({L, E}),
    Action.CONSENSUS: frozenset({L}),  # plus extractors the lead allowed, see allows()
    Action.ANALYSE: frozenset({L}),
    Action.EXPORT: frozenset({L, R, E, V}),
}


def allows(membership: Membership, action: Action) -> bool:
    """Return True when ``membership`` may perform ``action``."""
    if membership.roles & ROLE_TABLE[action]:
        return True
    if action is Action.RESOLVE:
        return membership.is_third_reviewer
    if action is Action.CONSENSUS:
        return membership.is_extractor and membership.can_make_consensus
    return False


def review_for_user(user: Any, slug: str, action: Action = Action.VIEW) -> tuple[Review, Membership]:
    """Fetch the review and the user's membership, or raise 404 (not a member) / 403 (missing role)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404("No such review.")
    membership = Membership.objects.select_related("review").filter(review__slug=slug, user=user).first()
    if membership is None:
        raise Http404("No such review.")
    if not allows(membership, action):
        raise PermissionDenied(f"Your role in this review does not allow this: {action.value}.")
    return membership.review, membership


ViewFunc = Callable[..., HttpResponse]


def review_view(action: Action) -> Callable[[ViewFunc], ViewFunc]:
    """Decorate a page view taking ``slug``: log in, authorise, then set request.review/membership."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            review, membership = review_for_user(request.user, slug, action)
            request.review = review  # type: ignore[attr-defined]
            request.membership = membership  # type: ignore[attr-defined]
            return view(request, slug, *args, **kwargs)

        protected = login_required(wrapped)
        protected.access_action = action  # type: ignore[attr-defined]
        return protected

    return decorator


def open_view(reason: str) -> Callable[[ViewFunc], ViewFunc]:
    """Mark a view that belongs to no review (login, review list, tokens), with the reason why."""

    def decorator(view: ViewFunc) -> ViewFunc:
        view.access_action = None  # type: ignore[attr-defined]
        view.access_reason = reason  # type: ignore[attr-defined]
        return view

    return decorator
