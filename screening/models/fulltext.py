"""Full-text reports: the PDF of a record, or the fact that it could not be retrieved."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from review.models import Record


def fulltext_path(instance: FullText, filename: str) -> str:
    """Store under the review's and the record's UUIDs, never under the uploaded name."""
    return f"fulltexts/{instance.record.review.uuid}/{instance.record.uuid}.pdf"


class FullText(models.Model):
    """The full-text report of a record (0-1 per record): a checked PDF, or marked not retrieved."""

    record = models.OneToOneField(Record, on_delete=models.CASCADE, related_name="fulltext")
    file = models.FileField(upload_to=fulltext_path, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    # "Reports not retrieved" is a PRISMA 2020 box; the note says what was tried.
    not_retrieved = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"full text of record {self.record_id}"
