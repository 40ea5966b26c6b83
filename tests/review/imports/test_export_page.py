"""The export page starts a job whose file any member may download."""

from django.urls import reverse

from review.models import Job
from tests.factories import RecordFactory


def test_a_viewer_exports_ris_and_downloads_it(cast, client_for, django_capture_on_commit_callbacks):
    """POST starts the records_export job; its page offers the file, which holds the record."""
    RecordFactory(batch__source__review=cast.review, title="Exported trial")
    client = client_for(cast.viewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:export", args=[cast.review.slug]), {"which": "all", "format": "ris"})
    job = Job.objects.get(kind="records_export")
    assert response.url == reverse("review:job", args=[cast.review.slug, job.pk])
    download = client.get(reverse("review:job_download", args=[cast.review.slug, job.pk]))
    assert b"TI  - Exported trial" in b"".join(download.streaming_content)
