"""Detection over a review writes pairs and groups, and runs as a background job."""

import pytest

from review.dedup.services import dedup_settings, detection_run, detection_start
from review.models import DuplicatePair, JobStatus, PairStatus
from tests.review.dedup.helpers import record

pytestmark = pytest.mark.django_db


def test_duplicates_from_two_databases_form_one_group(cast):
    """The same trial from PubMed and Embase ends in one group; an unrelated record stays alone."""
    a = record(cast.review, "PubMed", pmid="10772292")
    b = record(
        cast.review,
        "Embase",
        title="Menatetrenone versus placebo for fracture prevention in postmenopausal osteoporosis.",
        journal="J Bone Miner Res",
    )
    other = record(cast.review, "Embase", title="Calcium intake and hip fracture in older men", pages="1-9")
    counts = detection_run(review=cast.review)
    a.refresh_from_db(), b.refresh_from_db(), other.refresh_from_db()
    assert a.duplicate_group_id == b.duplicate_group_id is not None
    assert other.duplicate_group_id is None
    assert counts["auto_merged"] == 1
    assert a.duplicate_group.primary_id in {a.pk, b.pk}


def test_primary_is_the_most_complete_record(cast):
    """With nothing screened yet, the record with more fields filled is screened for the group."""
    bare = record(cast.review, "Scopus", abstract="", doi="")
    full = record(cast.review, "PubMed", abstract="Background. " * 40, doi="10.1002/jbmr.2000.15.3.515")
    detection_run(review=cast.review)
    full.refresh_from_db()
    assert full.duplicate_group.primary_id == full.pk
    assert bare.pk != full.pk


def test_detection_runs_as_a_job_with_progress(cast, django_capture_on_commit_callbacks):
    """detection_start queues a job after commit; the worker (eager in tests) runs it to done."""
    from review.dedup import jobs  # noqa: F401  (the lead's review/tasks.py imports it in workers)

    record(cast.review, "PubMed")
    record(cast.review, "Embase")
    with django_capture_on_commit_callbacks(execute=True):
        job = detection_start(review=cast.review, user=cast.lead)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.result["auto_merged"] == 1


def test_queue_threshold_and_auto_threshold_come_from_the_review_settings(cast):
    """A lead who raises the automatic threshold to 1 gets every pair queued instead."""
    record(cast.review, "PubMed")
    record(cast.review, "Embase", pages="")
    settings = dedup_settings(cast.review)
    settings.auto_merge_threshold = 1.0
    settings.save()
    detection_run(review=cast.review)
    assert DuplicatePair.objects.get().status == PairStatus.QUEUED


def test_running_twice_changes_nothing(cast):
    """Detection is idempotent: the same pairs and groups after a second run."""
    record(cast.review, "PubMed")
    record(cast.review, "Embase")
    detection_run(review=cast.review)
    before = list(DuplicatePair.objects.values_list("id", "status"))
    group = cast.review.duplicate_groups.get().pk
    detection_run(review=cast.review)
    assert list(DuplicatePair.objects.values_list("id", "status")) == before
    assert cast.review.duplicate_groups.get().pk == group
