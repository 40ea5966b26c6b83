"""The background job that runs duplicate detection (registered as job kind "dedup")."""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse

from review.dedup.services import DETECTION_JOB, detection_run
from review.jobs import Progress, job_handler
from review.models import Job
from review.signals import records_settled

log = logging.getLogger(__name__)


@job_handler(DETECTION_JOB)
def detection_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Run detection over the job's review; the result counts pairs by outcome and groups.

    ``next_url`` lets the job page offer the way on, to the possible duplicates.
    """
    result: dict[str, Any] = detection_run(review=job.review, progress=progress, actor=job.created_by)
    # What listeners prepare is a cache: their failure must not fail the detection, only be logged.
    for receiver, outcome in records_settled.send_robust(sender=detection_job, review=job.review, progress=progress):
        if isinstance(outcome, Exception):
            log.error("records_settled receiver %r failed", receiver, exc_info=outcome)
    result["next_url"] = reverse("dedup:queue", kwargs={"slug": job.review.slug})
    return result
