"""Search sources, import batches and the normalised bibliographic records they bring."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from review.models.core import Review


class SourceKind(models.TextChoices):
    """PRISMA 2020 counts databases, registers and other methods in separate boxes."""

    DATABASE = "database", "Database"
    REGISTER = "register", "Register"
    OTHER = "other", "Other method (citation searching, websites, organisations)"


class Source(models.Model):
    """One search of the review: where, when, with which query and how many hits were reported."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=10, choices=SourceKind.choices, default=SourceKind.DATABASE)
    name = models.CharField(max_length=200, help_text="e.g. PubMed, Embase, CNKI")
    interface = models.CharField(max_length=200, blank=True, help_text="platform, e.g. Ovid, Embase.com")
    date_run = models.DateField(null=True, blank=True)
    query = models.TextField(blank=True)
    filters = models.TextField(blank=True, help_text="limits and filters applied")
    hits_reported = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "name"], name="unique_source_name")]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    UNDONE = "undone", "Undone"


class ImportBatch(models.Model):
    """One file or Entrez run imported into a source; undone as a whole."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="import_batches")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="batches")
    filename = models.CharField(max_length=255, blank=True)
    original = models.FileField(upload_to="imports/", blank=True)
    format = models.CharField(max_length=30)
    encoding = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    records_imported = models.PositiveIntegerField(default=0)
    records_skipped = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    # How far an Entrez run got (query, date ranges, retstart), so a failed run resumes where it stopped.
    state = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.filename or self.format} -> {self.source}"


# The normalised bibliographic fields of a Record, in the order pages show them: what imports fill,
# a lead corrects and deduplication compares (not its keys, raw text, provenance or grouping).
# Features that use some of them derive their list from this one.
BIBLIOGRAPHIC_FIELDS: tuple[str, ...] = (
    "title",
    "translated_title",
    "abstract",
    "translated_abstract",
    "authors",
    "year",
    "journal",
    "issn",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "keywords",
    "mesh_terms",
    "language",
    "publication_types",
    "url",
    "source_database",
    "accession",
)


class Record(models.Model):
    """A bibliographic record as one database indexed it: normalised fields plus the raw text."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="records")
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="records")
    position = models.PositiveIntegerField(default=0, help_text="order in the imported file")
    source_database = models.CharField(max_length=100, blank=True)
    accession = models.CharField(max_length=120, blank=True, help_text="the database's own id")
    title = models.TextField(blank=True)
    translated_title = models.TextField(blank=True, help_text="e.g. the English title of a Chinese record")
    abstract = models.TextField(blank=True)
    translated_abstract = models.TextField(blank=True)
    authors = models.JSONField(default=list, blank=True)
    year = models.PositiveIntegerField(null=True, blank=True)
    journal = models.CharField(max_length=500, blank=True)
    issn = models.CharField(max_length=60, blank=True)
    volume = models.CharField(max_length=60, blank=True)
    issue = models.CharField(max_length=60, blank=True)
    pages = models.CharField(max_length=60, blank=True)
    doi = models.CharField(max_length=255, blank=True, db_index=True)
    pmid = models.CharField(max_length=20, blank=True, db_index=True)
    pmcid = models.CharField(max_length=20, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    mesh_terms = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=60, blank=True)
    publication_types = models.JSONField(default=list, blank=True)
    url = models.TextField(blank=True)
    raw = models.TextField(blank=True, help_text="the record verbatim, for provenance")
    # A lead's corrections keep the original values here: {"field": original_value}.
    original_values = models.JSONField(default=dict, blank=True)
    duplicate_group = models.ForeignKey(
        "review.DuplicateGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["review", "duplicate_group"])]

    def __str__(self) -> str:
        return self.title[:80] or f"record {self.pk}"

    @property
    def first_author(self) -> str:
        """Return the first author's name, or an empty string."""
        return self.authors[0] if self.authors else ""

    @property
    def is_primary(self) -> bool:
        """Return True when the record is screened for its duplicate group (or has no group)."""
        return self.duplicate_group_id is None or self.duplicate_group.primary_id == self.pk


class EntrezThrottle(models.Model):
    """The next moment a request to NCBI may start, shared by every worker and process.

    Used by review/importers/entrez.py when no Redis is configured: a row per limit (key and rate),
    claimed with a conditional UPDATE so two processes never take the same slot.
    """

    name = models.CharField(max_length=60, unique=True)
    next_at = models.FloatField(default=0.0, help_text="a Unix timestamp")

    def __str__(self) -> str:
        return f"{self.name} next at {self.next_at:.3f}"
