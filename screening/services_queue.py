"""The lead's queue settings of a stage: the default order and the share of random records.

The share lives with the prioritisation model (``PrioritySettings``, written through its public
service); the order lives with the stage's other settings. One call sets both and audits them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from review.audit import audit_record
from review.models import Review
from screening.models import QueueOrder, StageSettings
from screening.prioritisation.services import priority_settings_update, random_share_of
from screening.selectors import stage_settings

MAX_RANDOM_SHARE = 0.5  # the prioritisation service's bound: beyond it the queue is mostly random


def queue_settings_of(review: Review, stage: str) -> dict[str, Any]:
    """Return the stage's queue settings: ``order`` (the default) and ``random_share`` (0 to 0.5)."""
    return {"order": stage_settings(review, stage).queue_order, "random_share": random_share_of(review, stage)}


@transaction.atomic
def queue_settings_update(*, review: Review, stage: str, actor: Any, order: str, random_share: float) -> StageSettings:
    """Set the stage's default queue order and the share of random records mixed into prioritised order.

    The default order applies to members who have not chosen their own. The audit log keeps both
    values before and after; a call that changes nothing writes no event.
    """
    if order not in QueueOrder.values:
        raise ValidationError(f"Unknown queue order {order!r}; accepted: {', '.join(QueueOrder.values)}.")
    if not 0 <= random_share <= MAX_RANDOM_SHARE:
        raise ValidationError(
            f"The share of random records must lie between 0% and {MAX_RANDOM_SHARE:.0%}, not {random_share:.1%}."
        )
    before = queue_settings_of(review, stage)
    settings = stage_settings(review, stage)
    settings.queue_order = order
    settings.save()
    priority_settings_update(review=review, stage=stage, random_share=random_share)
    after = queue_settings_of(review, stage)
    if after != before:
        audit_record(
            actor=actor,
            action="screening.stage.queue",
            obj=settings,
            review=review,
            before={"stage": stage, **before},
            after={"stage": stage, **after},
        )
    return settings
