"""Exporting a set of records as a background job whose file the page offers for download."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.files.base import ContentFile

from review.imports.formats_out import EXPORT_FORMATS, WRITERS, Row
from review.imports.selectors import Annotation, record_annotations, records_for_export
from review.imports.writing import chunked
from review.jobs import JobError, Progress, job_handler
from review.models import Job, Review

CHUNK = 2_000


def export_rows(review: Review, which: str, progress: Progress | None = None) -> Iterator[Row]:
    """Yield (record, annotation) for every record of the set, reading the database in chunks."""
    records = records_for_export(review, which)
    total = records.count()
    done = 0
    for chunk in chunked(records.iterator(chunk_size=CHUNK), CHUNK):
        notes = record_annotations(review, [r.pk for r in chunk])
        for record in chunk:
            yield record, notes.get(record.pk, Annotation())
        done += len(chunk)
        if progress:
            progress(done, total, f"Written {done:,} of {total:,} records")


def records_export(*, review: Review, which: str, format: str, progress: Progress | None = None) -> tuple[str, bytes]:
    """Return (file name, content) of export set ``which`` written in ``format``."""
    if format not in WRITERS:
        raise ValueError(f"unknown export format {format!r}; accepted: {', '.join(WRITERS)}")
    content = WRITERS[format](export_rows(review, which, progress))
    extension = EXPORT_FORMATS[format][1]
    safe_which = which.replace(":", "-")
    return f"records-{review.slug}-{safe_which}.{extension}", content


@job_handler("records_export")
def records_export_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Write an export file onto the job; return its name and size."""
    try:
        name, content = records_export(
            review=job.review,
            which=job.params.get("which", "all"),
            format=job.params.get("format", "ris"),
            progress=progress,
        )
    except (KeyError, ValueError) as exc:
        raise JobError(str(exc)) from exc
    job.result_file.save(name, ContentFile(content), save=True)
    return {"file": name, "bytes": len(content)}
