"""Writing the append-only audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

from review.models import AuditEvent, Review


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    review: Review | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event: who did ``action`` to ``obj``, with its state before and after."""
    return AuditEvent.objects.create(
        review=review,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=before,
        after=after,
    )


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """Return the JSON-ready values of ``fields`` of ``obj`` for the audit log."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool | type(None) | list | dict):
        return value
    return str(value)
