"""Background jobs: claiming, progress, the audit export, and stale jobs."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from review.jobs import job_claim, job_run
from review.models import Job, JobStatus

pytestmark = pytest.mark.django_db


def test_a_job_is_claimed_once(cast):
    """The conditional UPDATE lets only the first worker take a queued job."""
    job = Job.objects.create(kind="audit_export", review=cast.review)
    assert job_claim(job.pk) is not None
    assert job_claim(job.pk) is None


def test_a_job_whose_worker_died_is_claimed_again(cast):
    """A running job with a stale heartbeat is taken by the next delivery."""
    stale = timezone.now() - timedelta(minutes=10)
    job = Job.objects.create(kind="audit_export", review=cast.review, status=JobStatus.RUNNING, heartbeat_at=stale)
    claimed = job_claim(job.pk)
    assert claimed is not None and claimed.attempts == 1


def test_audit_export_writes_a_csv_with_neutralised_formulas(cast, client_for, django_capture_on_commit_callbacks):
    """The export job delivers every audit row; a formula typed by a user is neutralised."""
    client = client_for(cast.lead)
    client.post(f"/reviews/{cast.review.slug}/protocol/edit/", {"title": '=HYPERLINK("x")', "exclusion_reasons": "A"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reviews/{cast.review.slug}/audit/export/")
    job = Job.objects.get(kind="audit_export")
    assert response["Location"].endswith(f"/jobs/{job.pk}/")
    assert job.status == JobStatus.DONE, job.message
    download = client.get(f"/reviews/{cast.review.slug}/jobs/{job.pk}/download/")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows[0][:3] == ["time", "actor", "action"]
    assert len(rows) - 1 == job.result["rows"] >= 2
    assert all(not cell.startswith("=") for row in rows for cell in row)


def test_job_page_polls_until_done(cast, client_for):
    """An unfinished job's partial asks htmx to poll; a finished one stops and offers the file."""
    job = Job.objects.create(kind="audit_export", review=cast.review)
    client = client_for(cast.viewer)
    partial = client.get(f"/reviews/{cast.review.slug}/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in partial and "<html" not in partial
    job_run(job.pk)
    done = client.get(f"/reviews/{cast.review.slug}/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and "Download" in done


def test_a_job_of_another_review_is_not_found(cast, client_for):
    """Job ids are looked up within the review in the address."""
    from tests.factories import ReviewFactory

    other = Job.objects.create(kind="audit_export", review=ReviewFactory())
    assert client_for(cast.lead).get(f"/reviews/{cast.review.slug}/jobs/{other.pk}/").status_code == 404


def test_the_job_page_reads_live_progress_from_its_file_while_running(cast, client_for):
    """Progress written beside the database (a job inside one SQLite transaction) shows while it runs."""
    from review.jobs import _finish, job_live_progress

    job = Job.objects.create(kind="audit_export", review=cast.review, status=JobStatus.RUNNING)
    job_live_progress(job.pk)(40, 100, "Saving 40 records")
    page = client_for(cast.lead).get(f"/reviews/{cast.review.slug}/jobs/{job.pk}/").content.decode()
    assert "40 of 100" in page and "Saving 40 records" in page
    _finish(job.pk, JobStatus.DONE, result={})
    page = client_for(cast.lead).get(f"/reviews/{cast.review.slug}/jobs/{job.pk}/").content.decode()
    assert "40 of 100" not in page  # the file went with the job; the row's own figures show
