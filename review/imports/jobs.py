"""Background jobs of the import feature; ``review/tasks.py`` imports this module so workers know them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from review.importers.base import ImportFormatError
from review.importers.entrez import EntrezError
from review.imports.entrez_import import entrez_batch_run
from review.imports.exports import records_export_job  # noqa: F401  (registers "records_export")
from review.imports.services import ImportRefused, batch_commit
from review.jobs import JobError, Progress, job_handler, job_live_progress, throttled
from review.models import Job

PROGRESS_EVERY = 1.0  # seconds


@contextmanager
def outside_progress(job: Job) -> Iterator[Progress]:
    """Yield a progress callback whose updates are visible while the import's transaction is open.

    A file import is one transaction, so progress written on its own connection would only appear at
    the end. On PostgreSQL a second connection (autocommit) writes the job row meanwhile. SQLite has a
    single writer, held by the import: there progress goes to a file beside the database instead.
    """
    if connection.vendor != "postgresql":
        yield job_live_progress(job.pk)
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    # The table name is our model's, quoted; the values are parameters.
    sql = (
        f"UPDATE {side.ops.quote_name(Job._meta.db_table)} "
        "SET progress = %s, total = %s, message = %s, heartbeat_at = %s WHERE id = %s"
    )

    def report(done: int, total: int, message: str = "") -> None:
        with side.cursor() as cursor:
            cursor.execute(sql, [done, total, message, timezone.now(), job.pk])

    try:
        yield throttled(report, PROGRESS_EVERY)
    finally:
        side.close()


@job_handler("file_import")
def file_import(job: Job, progress: Progress) -> dict[str, Any]:
    """Import an uploaded file (a pending batch) in one transaction; return the batch's counts."""
    params = job.params
    try:
        with outside_progress(job) as report:
            batch = batch_commit(
                batch_id=params["batch_id"],
                user=job.created_by,
                format=params.get("format", "auto"),
                encoding=params.get("encoding", "auto"),
                mapping=params.get("mapping"),
                progress=report,
            )
    except (ImportFormatError, ImportRefused) as exc:
        raise JobError(str(exc)) from exc
    return {"batch_id": batch.pk, "imported": batch.records_imported, "skipped": batch.records_skipped}


@job_handler("pubmed_import")
def pubmed_import(job: Job, progress: Progress) -> dict[str, Any]:
    """Run or resume a PubMed search or PMID list import; return the batch's counts."""
    try:
        batch = entrez_batch_run(batch_id=job.params["batch_id"], user=job.created_by, progress=progress)
    except EntrezError as exc:
        raise JobError(f"{exc} The import stopped; resume it from its page.") from exc
    return {"batch_id": batch.pk, "imported": batch.records_imported}
