"""DRF permission that applies review/access.py to API views (same table, same 404/403)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from review.access import Action, review_for_user


class ReviewAccess(BasePermission):
    """Authorise with the view's ``access_action`` (or ``access_actions`` per HTTP method)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        slug = view.kwargs.get("slug")
        if slug is None:
            return True
        action: Action = getattr(view, "access_actions", {}).get(request.method, view.access_action)
        review, membership = review_for_user(request.user, slug, action)
        request.review = review  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        return True
