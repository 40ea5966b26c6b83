"""Stages, their settings, decisions with their history, resolutions, bulk exclusions and stops.

A record's outcome at a stage is never stored: it is computed from its decisions and its resolution
(``screening.rules``), so a changed or reset decision can never leave a stale outcome behind.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from review.models import ExclusionReason, Record, Review
from screening.models.prefs import QueueOrder


class Stage(models.TextChoices):
    TITLE_ABSTRACT = "title_abstract", "Title and abstract"
    FULL_TEXT = "full_text", "Full text"


class DecisionValue(models.TextChoices):
    INCLUDE = "include", "Include"
    EXCLUDE = "exclude", "Exclude"
    MAYBE = "maybe", "Maybe"


class StageSettings(models.Model):
    """What the lead chose for one stage: decisions needed, blind mode, keywords to highlight."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="screening_stages")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    required_decisions = models.PositiveSmallIntegerField(default=2)
    blind = models.BooleanField(default=True)
    # Until the lead reveals, a blind stage shows each reviewer their own decisions only.
    revealed_at = models.DateTimeField(null=True, blank=True)
    # At title/abstract a unanimous mix of include and maybe may pass the record on to full text.
    maybe_passes = models.BooleanField(default=True)
    include_keywords = models.JSONField(default=list, blank=True)
    exclude_keywords = models.JSONField(default=list, blank=True)
    # The order of members who have not chosen their own (the share of random records mixed into the
    # prioritised order is PrioritySettings.random_share).
    queue_order = models.CharField(max_length=12, choices=QueueOrder.choices, default=QueueOrder.PRIORITISED)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "stage"], name="one_settings_per_stage")]

    def __str__(self) -> str:
        return f"{self.review} {self.stage}"

    @property
    def others_visible(self) -> bool:
        """Return True when members may see each other's decisions at this stage."""
        return not self.blind or self.revealed_at is not None


class Decision(models.Model):
    """One reviewer's current decision on one record at one stage (earlier values: DecisionHistory)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="screening_decisions")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="screening_decisions")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.CharField(max_length=10, choices=DecisionValue.choices)
    # Full-text exclusions name one of the protocol's reasons; PROTECT keeps a used reason alive.
    reason = models.ForeignKey(ExclusionReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A full-text include may say the report is a companion of a record already included (same study).
    companion_of = models.ForeignKey(Record, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "stage", "reviewer"], name="one_decision_per_reviewer"),
        ]
        indexes = [
            models.Index(fields=["review", "stage", "reviewer", "record"], name="decision_queue_idx"),
            models.Index(fields=["review", "stage", "record"], name="decision_outcome_idx"),
            models.Index(fields=["reviewer", "stage", "updated_at"], name="decision_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} {self.value} record {self.record_id} ({self.stage})"


class HistoryAction(models.TextChoices):
    RECORDED = "recorded", "Decision recorded"
    CHANGED = "changed", "Decision changed"
    UNDONE = "undone", "Decision undone"
    RESET = "reset", "Record reset to unscreened"
    RESOLVED = "resolved", "Conflict resolved"
    TRANSFERRED = "transferred", "Moved from a duplicate record"


class DecisionHistory(models.Model):
    """Append-only trail of every decision, change, undo, reset and resolution of a record."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="screening_history")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    # Whose decision this is; for a resolution or reset, the lead or third reviewer who made it.
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=12, choices=HistoryAction.choices)
    value = models.CharField(max_length=10, choices=DecisionValue.choices, blank=True)
    reason_label = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True, help_text="why: the reason of a reset or a resolution")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["record", "stage"])]

    def __str__(self) -> str:
        return f"{self.action} {self.value} record {self.record_id} ({self.stage})"


class Resolution(models.Model):
    """The final decision of a conflict by the lead or the third reviewer, with the reason why."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="screening_resolutions")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    value = models.CharField(max_length=10, choices=DecisionValue.choices)
    reason = models.ForeignKey(ExclusionReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    companion_of = models.ForeignKey(Record, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField()
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "stage"], name="one_resolution_per_stage")]
        indexes = [models.Index(fields=["review", "stage"])]

    def __str__(self) -> str:
        return f"resolved {self.value} record {self.record_id} ({self.stage})"


class BulkExclusionCategory(models.TextChoices):
    """The PRISMA 2020 boxes of records removed before screening."""

    AUTOMATION = "automation", "Marked as ineligible by automation tools"
    OTHER = "other", "Removed for other reasons"


class BulkExclusion(models.Model):
    """A lead's exclusion of every unscreened record matching a query, before title/abstract screening."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="screening_bulk_exclusions")
    description = models.CharField(max_length=300, help_text="the query, in words")
    query = models.JSONField(default=dict)
    category = models.CharField(max_length=12, choices=BulkExclusionCategory.choices)
    records = models.ManyToManyField(Record, related_name="screening_bulk_exclusions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.description


class StoppingDecision(models.Model):
    """A lead's decision to stop screening a stage early on the strength of the stopping estimate."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="screening_stops")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    note = models.TextField()
    estimate = models.JSONField(null=True, blank=True, help_text="the stopping estimate shown when deciding")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"stop {self.stage} {self.decided_at:%Y-%m-%d}"
