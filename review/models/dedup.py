"""Duplicate groups: the same report indexed more than once, with every source record kept."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from review.dedup.classify import DEFAULT_AUTO_MERGE, DEFAULT_QUEUE
from review.models.core import Review


class DedupSettings(models.Model):
    """A review's deduplication settings: from which score pairs merge automatically or are queued."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="dedup_settings")
    auto_merge_threshold = models.FloatField(
        default=DEFAULT_AUTO_MERGE,
        help_text="pairs scoring at least this (0-1) and with no conflicting identifier merge automatically",
    )
    queue_threshold = models.FloatField(
        default=DEFAULT_QUEUE, help_text="pairs scoring at least this (0-1) wait for a person"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"dedup settings of {self.review}"


class DuplicateGroup(models.Model):
    """Records that are one report. The primary record is the one screened for the group.

    Members are the records whose ``duplicate_group`` points here; how each joined (identifier or
    fuzzy match, automatic or by whom) is told by the merge pairs between them.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="duplicate_groups")
    primary = models.ForeignKey("review.Record", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
    # What detection last concluded; undoing a person's decision returns the pair to it.
    detected_status = models.CharField(max_length=12, choices=PairStatus.choices, blank=True)
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

    @property
    def decided_by_person(self) -> bool:
        """Return True when a person set the status (detection never changes it then)."""
        return self.decided_at is not None
