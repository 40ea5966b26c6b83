"""Per-user screening preferences: the keyboard map (per user) and the queue order (per review)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from review.models import Review

DEFAULT_KEYS = {
    "include": "i",
    "exclude": "e",
    "maybe": "m",
    "undo": "u",
    "previous": "ArrowLeft",
    "next": "ArrowRight",
    "help": "?",
}


class KeyMap(models.Model):
    """A user's keys for the screening actions; missing actions use DEFAULT_KEYS."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screening_keys")
    keys = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"keys of {self.user}"

    def resolved(self) -> dict[str, str]:
        """Return the full action -> key map: the user's keys over the defaults."""
        return {**DEFAULT_KEYS, **{k: v for k, v in self.keys.items() if k in DEFAULT_KEYS}}


class QueueOrder(models.TextChoices):
    PRIORITISED = "prioritised", "Most likely relevant first (active learning)"
    RANDOM = "random", "Random"
    IMPORTED = "imported", "Order of import"


class QueueSetting(models.Model):
    """The order in which one reviewer meets the records of one review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    order = models.CharField(max_length=12, choices=QueueOrder.choices, default=QueueOrder.PRIORITISED)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="one_queue_setting_per_member")]

    def __str__(self) -> str:
        return f"{self.user} {self.order}"
