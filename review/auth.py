"""Authentication backend that refuses the demo account unless DEBUG is on (its password is public)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

DEMO_USERNAMES = frozenset({"demo"})


class RefuseDemoWithoutDebugBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        if user.username in DEMO_USERNAMES and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)
