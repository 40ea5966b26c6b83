"""Read settings from the environment, refusing bad values with one clear line.

Why a module of its own: settings.py must fail at start-up on a bad value (a typo in
DATABASE_URL should not surface later as a confusing traceback from the ORM).
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}


def env_bool(name: str, default: bool) -> bool:
    """Return the boolean value of ``name``; refuse anything that is not a yes/no word."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off.")


def env_int(name: str, default: int) -> int:
    """Return the integer value of ``name``."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated list."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def check_database_url(url: str) -> str:
    """Return ``url`` if its scheme is one we support, else fail with the accepted schemes."""
    scheme = urlparse(url).scheme.split("+")[0]
    if scheme not in DATABASE_SCHEMES:
        accepted = ", ".join(sorted(DATABASE_SCHEMES))
        raise ImproperlyConfigured(f"DATABASE_URL has the unknown scheme {scheme!r}; accepted: {accepted}.")
    return url


def check_redis_url(url: str) -> str:
    """Return ``url`` if it is a redis:// or rediss:// URL."""
    scheme = urlparse(url).scheme
    if scheme not in {"redis", "rediss"}:
        raise ImproperlyConfigured(f"REDIS_URL must start with redis:// or rediss://, not {scheme!r}.")
    return url
