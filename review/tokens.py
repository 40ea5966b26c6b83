"""Creating, hashing and revoking personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.utils import timezone

from review.models import ApiToken

KEY_PREFIX = "rvm_"


def hash_key(key: str) -> str:
    """Return the SHA-256 hex digest of a token key (keys are random, so no salt is needed)."""
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it with its key, which is never shown again."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip() or "token", prefix=key[:10], key_hash=hash_key(key))
    return token, key


def api_token_revoke(*, user: Any, token_id: int) -> None:
    """Revoke one of ``user``'s tokens (someone else's token id is silently not found)."""
    ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
