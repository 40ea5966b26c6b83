"""Exports that run as background jobs: the audit log as CSV."""

from __future__ import annotations

import csv
import io
import json

from django.core.files.base import ContentFile

from review.jobs import Progress, job_handler
from review.models import AuditEvent, Job
from review.selectors import visible_audit_events
from review.spreadsheet import safe_cell

AUDIT_COLUMNS = ["time", "actor", "action", "object_type", "object_id", "before", "after"]
CHUNK = 500


@job_handler("audit_export", title="Audit log export")
def audit_export(job: Job, progress: Progress) -> dict[str, int]:
    """Write the review's audit log to a CSV file attached to the job; return the row count."""
    events = visible_audit_events(job.review).select_related("actor").order_by("at", "id")
    total = events.count()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(AUDIT_COLUMNS)
    progress(0, total, "Writing the audit log")
    for done, event in enumerate(events.iterator(chunk_size=CHUNK), start=1):
        writer.writerow([safe_cell(v) for v in _audit_row(event)])
        if done % CHUNK == 0:
            progress(done, total, "Writing the audit log")
    name = f"audit-{job.review.slug if job.review else 'all'}-{job.pk}.csv"
    job.result_file.save(name, ContentFile(buffer.getvalue().encode("utf-8")), save=True)
    progress(total, total, "Done")
    return {"rows": total}


def _audit_row(event: AuditEvent) -> list[str]:
    return [
        event.at.isoformat(),
        event.actor.username if event.actor else "",
        event.action,
        event.object_type,
        event.object_id,
        json.dumps(event.before, ensure_ascii=False) if event.before is not None else "",
        json.dumps(event.after, ensure_ascii=False) if event.after is not None else "",
    ]
