"""Celery tasks of the review app: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task

# Job handlers register themselves on import; a worker must know every kind it may be sent.
import review.dedup.jobs  # noqa: F401
import review.exports  # noqa: F401
import review.imports.jobs  # noqa: F401
from review.jobs import job_run


@shared_task(name="review.run_job")
def run_job(job_id: int) -> None:
    """Run the background job ``job_id`` (safe to deliver twice)."""
    job_run(job_id)
