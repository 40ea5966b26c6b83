"""What reviewers write beside their decisions: notes and tags, and a comment thread per record."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from review.models import Record, Review
from screening.models.workflow import Stage


class ReviewerNote(models.Model):
    """One reviewer's note and tags on a record at a stage (seen by others under the blind rule)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="screening_notes")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "stage", "author"], name="one_note_per_reviewer"),
        ]

    def __str__(self) -> str:
        return f"note by {self.author} on record {self.record_id}"


class Comment(models.Model):
    """A message in a record's thread; under blind screening others see it only after the reveal."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="screening_comments")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["record", "stage"])]

    def __str__(self) -> str:
        return f"comment by {self.author} on record {self.record_id}"
