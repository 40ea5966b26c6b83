"""Models of the review app, one module per feature (imported here so Django finds them)."""

from review.models.core import (
    ApiToken,
    AuditEvent,
    ExclusionReason,
    Job,
    JobStatus,
    Membership,
    Review,
    Role,
)
from review.models.dedup import DedupSettings, DuplicateGroup, DuplicatePair, PairStatus
from review.models.records import ImportBatch, ImportStatus, Record, Source, SourceKind

__all__ = [
    "ApiToken",
    "AuditEvent",
    "DedupSettings",
    "DuplicateGroup",
    "DuplicatePair",
    "ExclusionReason",
    "ImportBatch",
    "ImportStatus",
    "Job",
    "JobStatus",
    "Membership",
    "PairStatus",
    "Record",
    "Review",
    "Role",
    "Source",
    "SourceKind",
]
