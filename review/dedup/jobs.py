"""The background job that runs duplicate detection (registered as job kind "dedup")."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from review.dedup.services import DETECTION_JOB, detection_run
from review.jobs import Progress, job_handler
from review.models import Job


@job_handler(DETECTION_JOB)
def detection_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Run detection over the job's review; the result counts pairs by outcome and groups.

    ``next_url`` lets the job page offer the way on, to the possible duplicates.
    """
    result: dict[str, Any] = detection_run(review=job.review, progress=progress, actor=job.created_by)
    result["next_url"] = reverse("dedup:queue", kwargs={"slug": job.review.slug})
    return result
