"""Per-user screening preferences: the keyboard map and the queue order."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from review.models import Review
from screening.models import DEFAULT_KEYS, KeyMap, QueueOrder, QueueSetting

# Keys the browser or the page needs for itself (tab to move focus, enter to submit a form).
RESERVED_KEYS = {"Tab", "Enter", "Escape", " "}


def keymap_of(user: Any) -> dict[str, str]:
    """Return the user's full action -> key map."""
    found = KeyMap.objects.filter(user=user).first()
    return found.resolved() if found else dict(DEFAULT_KEYS)


@transaction.atomic
def keymap_set(*, user: Any, keys: dict[str, str]) -> dict[str, str]:
    """Save the user's keys; each action needs its own single key (or a named key such as ArrowLeft)."""
    unknown = set(keys) - set(DEFAULT_KEYS)
    if unknown:
        raise ValidationError(f"Unknown actions {sorted(unknown)}; accepted: {', '.join(DEFAULT_KEYS)}.")
    merged = {**DEFAULT_KEYS, **{a: k.strip() if len(k.strip()) > 1 else k[:1] for a, k in keys.items()}}
    clean = {a: (k.lower() if len(k) == 1 else k) for a, k in merged.items()}
    if any(not k for k in clean.values()):
        raise ValidationError("Every action needs a key.")
    if clean.keys() and len(set(clean.values())) != len(clean):
        raise ValidationError("Two actions cannot share one key.")
    if set(clean.values()) & RESERVED_KEYS:
        raise ValidationError(f"These keys are kept for the page itself: {', '.join(sorted(RESERVED_KEYS))}.")
    KeyMap.objects.update_or_create(user=user, defaults={"keys": clean})
    return clean


@transaction.atomic
def queue_order_set(*, review: Review, user: Any, order: str) -> QueueSetting | None:
    """Choose the order in which ``user`` meets the records of ``review``; "" follows the lead's default."""
    if not order:
        QueueSetting.objects.filter(review=review, user=user).delete()
        return None
    if order not in QueueOrder.values:
        raise ValidationError(f"Unknown order {order!r}; accepted: {', '.join(QueueOrder.values)}.")
    setting, _ = QueueSetting.objects.update_or_create(review=review, user=user, defaults={"order": order})
    return setting
