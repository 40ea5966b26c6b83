"""Reviews, their members and roles, the audit log, API tokens and background jobs."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    LEAD = "lead", "Lead"
    REVIEWER = "reviewer", "Reviewer"
    EXTRACTOR = "extractor", "Extractor"
    VIEWER = "viewer", "Viewer"


class Review(models.Model):
    """A systematic review: its question, PICO, eligibility criteria and settings."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=300)
    question = models.TextField(blank=True)
    population = models.TextField(blank=True)
    intervention = models.TextField(blank=True)
    comparator = models.TextField(blank=True)
    outcomes = models.TextField(blank=True)
    inclusion_criteria = models.TextField(blank=True)
    exclusion_criteria = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Membership(models.Model):
    """A user's place in a review. One person may hold several roles, hence one flag per role."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    is_lead = models.BooleanField(default=False)
    is_reviewer = models.BooleanField(default=False)
    is_extractor = models.BooleanField(default=False)
    is_viewer = models.BooleanField(default=False)
    # The designated third reviewer resolves screening conflicts without being a lead.
    is_third_reviewer = models.BooleanField(default=False)
    # Lead's permission for an extractor to make consensus versions (DESIGN.md role table).
    can_make_consensus = models.BooleanField(default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="one_membership_per_user")]
        ordering = ["added_at"]

    def __str__(self) -> str:
        return f"{self.user} in {self.review}"

    @property
    def roles(self) -> set[Role]:
        """Return the set of roles this member holds."""
        flags = {
            Role.LEAD: self.is_lead,
            Role.REVIEWER: self.is_reviewer,
            Role.EXTRACTOR: self.is_extractor,
            Role.VIEWER: self.is_viewer,
        }
        return {role for role, held in flags.items() if held}

    def set_roles(self, roles: set[str]) -> None:
        """Replace the role flags with ``roles`` (values of :class:`Role`)."""
        self.is_lead = Role.LEAD in roles
        self.is_reviewer = Role.REVIEWER in roles
        self.is_extractor = Role.EXTRACTOR in roles
        self.is_viewer = Role.VIEWER in roles


class ExclusionReason(models.Model):
    """A full-text exclusion reason of the protocol; the PRISMA diagram counts by these."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="exclusion_reasons")
    label = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "label"], name="unique_reason_label")]

    def __str__(self) -> str:
        return self.label


class AuditEvent(models.Model):
    """Append-only log of every change a person makes: who, when, what, before and after."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}#{self.object_id}"


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash is stored; the key is shown once at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """A unit of background work with its progress, shown in pages while a worker runs it.

    A worker claims a job with a conditional UPDATE (queued -> running), so a job delivered twice
    runs once; a job whose worker died is re-queued by the broker (acks_late) and reclaimed.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=60)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    params = models.JSONField(default=dict, blank=True)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    result_file = models.FileField(upload_to="jobs/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        # "Is a job of this kind queued for the review?" is asked after screening decisions (a queued
        # refit makes another unnecessary): a range of this index, however many jobs the review has run.
        indexes = [models.Index(fields=["review", "kind", "status"], name="job_review_kind_status_idx")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.status})"

    @property
    def percent(self) -> int:
        """Return progress as a whole percentage (0 when the total is not known yet)."""
        return int(100 * self.progress / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        """Return True when the job is done or failed."""
        return self.status in {JobStatus.DONE, JobStatus.FAILED}
