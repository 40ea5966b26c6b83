"""Background jobs: created in a request, run by a Celery worker, progress visible in pages.

Each kind of job has a handler registered with :func:`job_handler`. A worker claims the job with a
conditional UPDATE, so a duplicate delivery runs it once, and a job whose worker died (its heartbeat
went stale) is claimed again when the broker redelivers it (``task_acks_late``).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from review.models import Job, JobStatus, Review

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=2)
LIVE_PROGRESS_EVERY = 0.5  # seconds between two writes of a job's progress file
Progress = Callable[[int, int, str], None]
Handler = Callable[[Job, Progress], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}
TITLES: dict[str, str] = {}


class JobError(Exception):
    """A job failed for a reason the user should read (shown in the page as is)."""


def job_handler(kind: str, title: str = "") -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of ``kind`` (shown as ``title``); it returns the job's JSON result."""

    def register(func: Handler) -> Handler:
        HANDLERS[kind] = func
        TITLES[kind] = title or kind.replace("_", " ").capitalize()
        return func

    return register


def job_start(*, kind: str, review: Review | None, user: Any, params: dict[str, Any] | None = None) -> Job:
    """Create a queued job and send it to the workers once the transaction commits."""
    if kind not in HANDLERS:
        raise ValueError(f"Unknown job kind {kind!r}; known: {', '.join(sorted(HANDLERS))}.")
    job = Job.objects.create(kind=kind, review=review, created_by=user, params=params or {})
    from review.tasks import run_job

    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def job_claim(job_id: int) -> Job | None:
    """Mark the job running if it is queued or its worker died; return it, or None if taken."""
    now = timezone.now()
    claimable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    claimed = Job.objects.filter(claimable, pk=job_id).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    return Job.objects.get(pk=job_id) if claimed else None


def job_progress(job_id: int) -> Progress:
    """Return a callback that records progress (done, total, message) and beats the heartbeat."""

    def report(done: int, total: int, message: str = "") -> None:
        Job.objects.filter(pk=job_id).update(progress=done, total=total, message=message, heartbeat_at=timezone.now())

    return report


def _live_progress_path(job_id: int) -> Path:
    return Path(settings.VAR_DIR) / "jobs" / f"{job_id}.progress.json"


def throttled(report: Progress, every: float) -> Progress:
    """Return ``report`` called at most once per ``every`` seconds, and always for the last step."""
    last = [0.0]

    def call(done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if now - last[0] < every and done != total:
            return
        last[0] = now
        report(done, total, message)

    return call


def job_live_progress(job_id: int) -> Progress:
    """Return a callback that records progress in a file beside the database, not in the job's row.

    For a job that runs in one long SQLite transaction: SQLite has a single writer, held by the job, and
    rows it updates stay invisible until it commits, so the page would show no progress at all. The file
    is replaced atomically, so a reader never sees half of it; :func:`job_with_live_progress` reads it.
    """
    path = _live_progress_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)

    def report(done: int, total: int, message: str = "") -> None:
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps({"progress": done, "total": total, "message": message}))
        os.replace(partial, path)

    return throttled(report, LIVE_PROGRESS_EVERY)


def job_with_live_progress(job: Job | None) -> Job | None:
    """Return ``job`` with the progress of its file (see :func:`job_live_progress`) while it runs."""
    if job is None or job.status != JobStatus.RUNNING:
        return job
    try:
        live = json.loads(_live_progress_path(job.pk).read_text())
    except (OSError, ValueError):
        return job
    job.progress, job.total, job.message = int(live["progress"]), int(live["total"]), str(live["message"])
    return job


def job_run(job_id: int) -> None:
    """Claim and run one job, recording its result or its failure."""
    job = job_claim(job_id)
    if job is None:
        log.info("job %s already taken or finished", job_id)
        return
    try:
        result = HANDLERS[job.kind](job, job_progress(job.pk))
    except JobError as exc:
        _finish(job.pk, JobStatus.FAILED, message=str(exc))
        return
    except Exception as exc:  # the page must say the job failed, whatever the reason; the log keeps the trace
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job.pk, JobStatus.FAILED, message=f"Unexpected error: {exc}")
        raise
    _finish(job.pk, JobStatus.DONE, result=result)


def _finish(job_id: int, status: JobStatus, message: str = "", result: dict[str, Any] | None = None) -> None:
    fields: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "result": result}
    if message or status == JobStatus.FAILED:
        fields["message"] = message
    Job.objects.filter(pk=job_id).update(**fields)
    _live_progress_path(job_id).unlink(missing_ok=True)
