"""Duplicate groups: the same report indexed more than once, with every source record kept."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from review.models.core import Review


class DuplicateGroup(models.Model):
    """Records that are one report. The primary record is the one screened for the group."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="duplicate_groups")
    primary = models.ForeignKey("review.Record", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"duplicate group {self.pk}"


class PairStatus(models.TextChoices):
    AUTO_MERGED = "auto_merged", "Merged automatically"
    QUEUED = "queued", "Possible duplicate, waiting for a person"
    MERGED = "merged", "Merged by a person"
    DISTINCT = "distinct", "Not duplicates"
    RELATED = "related", "Related, not duplicate"


class DuplicatePair(models.Model):
    """A candidate pair found by detection, with its scores and what was decided about it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="duplicate_pairs")
    record_a = models.ForeignKey("review.Record", on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey("review.Record", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    field_scores = models.JSONField(default=dict, blank=True)
    matched_on = models.CharField(max_length=60, blank=True, help_text="e.g. doi, pmid, fuzzy")
    relation = models.CharField(max_length=60, blank=True, help_text="for related pairs: erratum, preprint...")
    status = models.CharField(max_length=12, choices=PairStatus.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="one_pair_per_records"),
        ]
        indexes = [models.Index(fields=["review", "status"])]

    def __str__(self) -> str:
        return f"{self.record_a_id}~{self.record_b_id} {self.status}"
