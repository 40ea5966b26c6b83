"""A real Celery worker process runs the audit-log export, on Redis and on the embedded broker."""

from __future__ import annotations

import csv
import io
import time

import pytest

from review.models import Job, JobStatus

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait_for(job_id: int, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_id)
        if job.finished:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish in {timeout}s (status {job.status})")


def test_audit_export_round_trips_through_a_real_worker(celery_worker_process, cast, client_for):
    """Export is queued by the page, run by the worker process, shows progress and delivers the CSV."""
    client = client_for(cast.lead)
    for n in range(3):
        client.post(
            f"/reviews/{cast.review.slug}/protocol/edit/",
            {"title": cast.review.title, "question": f"Question v{n}", "exclusion_reasons": "A"},
        )
    response = client.post(f"/reviews/{cast.review.slug}/audit/export/")
    job_id = int(response["Location"].rstrip("/").split("/")[-1])
    page = client.get(response["Location"]).content.decode()
    assert 'class="progress"' in page
    job = _wait_for(job_id)
    assert job.status == JobStatus.DONE, job.message
    assert job.attempts == 1 and job.result["rows"] >= 4
    final = client.get(f"/reviews/{cast.review.slug}/jobs/{job_id}/", HTTP_HX_REQUEST="true").content.decode()
    assert "Download" in final and 'data-status="done"' in final
    body = b"".join(client.get(f"/reviews/{cast.review.slug}/jobs/{job_id}/download/").streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert sum(1 for row in rows if row[2] == "review.protocol") == 3
