"""Celery tasks of the review app: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task

import review.exports  # noqa: F401  (registers the export job handlers)
from review.jobs import job_run


@shared_task(name="review.run_job")
def run_job(job_id: int) -> None:
    """Run the background job ``job_id`` (safe to deliver twice)."""
    job_run(job_id)
