"""Starting the background jobs of the import feature (after the request's transaction commits)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

import review.imports.jobs  # noqa: F401  (registers the job kinds before job_start checks them)
from review.imports.entrez_import import pmid_batch_create, pubmed_batch_create
from review.imports.services import ImportRefused
from review.jobs import job_start
from review.models import ImportBatch, ImportStatus, Job, Review, Source


@transaction.atomic
def batch_start(
    *,
    batch: ImportBatch,
    user: Any,
    format: str = "auto",
    encoding: str = "auto",
    mapping: dict[str, str] | None = None,
) -> Job:
    """Queue the import of a pending upload with the chosen format, encoding and column mapping."""
    if batch.status != ImportStatus.PENDING:
        raise ImportRefused("This file was already imported or discarded.")
    params = {"batch_id": batch.pk, "format": format, "encoding": encoding, "mapping": mapping}
    return job_start(kind="file_import", review=batch.review, user=user, params=params)


@transaction.atomic
def pubmed_search_start(
    *,
    review: Review,
    user: Any,
    query: str,
    hits: int | None = None,
    source_name: str = "PubMed",
    max_records: int | None = None,
) -> ImportBatch:
    """Log a PubMed search as a source and queue the import of its hits; return the batch."""
    batch = pubmed_batch_create(
        review=review, user=user, query=query, hits=hits, source_name=source_name, max_records=max_records
    )
    job_start(kind="pubmed_import", review=review, user=user, params={"batch_id": batch.pk})
    return batch


@transaction.atomic
def pmid_import_start(*, source: Source, user: Any, pmids: list[str]) -> ImportBatch:
    """Queue the import of a list of PMIDs into ``source``; return the batch."""
    batch = pmid_batch_create(source=source, user=user, pmids=pmids)
    job_start(kind="pubmed_import", review=source.review, user=user, params={"batch_id": batch.pk})
    return batch


@transaction.atomic
def entrez_resume(*, batch: ImportBatch, user: Any) -> Job:
    """Queue a failed PubMed import again; it continues where it stopped."""
    if batch.status != ImportStatus.FAILED or not batch.state:
        raise ImportRefused("Only a PubMed import that stopped with an error can be resumed.")
    return job_start(kind="pubmed_import", review=batch.review, user=user, params={"batch_id": batch.pk})


@transaction.atomic
def export_start(*, review: Review, user: Any, which: str, format: str) -> Job:
    """Queue the export of a set of records in a format."""
    return job_start(kind="records_export", review=review, user=user, params={"which": which, "format": format})
