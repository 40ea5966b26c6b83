from django.conf import settings
from django.http import HttpRequest


def product(request: HttpRequest) -> dict[str, object]:
    """Values every page needs: the review in scope and whether sign-up is open."""
    return {
        "current_review": getattr(request, "review", None),
        "current_membership": getattr(request, "membership", None),
        "signup_enabled": settings.SIGNUP_ENABLED,
    }
