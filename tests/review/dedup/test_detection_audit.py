"""Detection's own changes to groups are audited: one event per run, with counts and the groups changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from review.dedup.decisions import Decision, pair_decide
from review.dedup.services import detection_run
from review.models import AuditEvent, DuplicatePair
from tests.review.dedup.helpers import record

pytestmark = pytest.mark.django_db


def detection_events(review):
    return list(AuditEvent.objects.filter(review=review, action="dedup.detection"))


def test_a_run_that_creates_a_group_writes_one_event_naming_it(cast):
    """Two copies merged automatically: one event, the new group and its members, by whoever started it."""
    a, b = record(cast.review, "PubMed"), record(cast.review, "Embase")
    record(cast.review, "Embase", title="Calcium intake and hip fracture in older men", pages="1-9")
    detection_run(review=cast.review, actor=cast.lead)
    (event,) = detection_events(cast.review)
    a.refresh_from_db()
    group = a.duplicate_group_id
    assert event.actor == cast.lead
    assert event.object_type == "review.review" and event.object_id == str(cast.review.pk)
    assert event.after["groups"]["created"] == {str(group): sorted([a.pk, b.pk])}
    counts = event.after["counts"]
    assert counts["auto_merged"] == 1 and counts["groups_created"] == 1 and counts["groups"] == 1


def test_a_record_joining_an_existing_group_is_named_as_joined(cast):
    """A third copy imported later joins the group: the second run records it as joined, nothing created."""
    a, b = record(cast.review, "PubMed"), record(cast.review, "Embase")
    detection_run(review=cast.review)
    a.refresh_from_db()
    c = record(cast.review, "Scopus")
    detection_run(review=cast.review)
    first, second = detection_events(cast.review)
    assert second.actor is None  # detection started by no person (e.g. a management command)
    assert second.after["groups"]["created"] == {}
    assert second.after["groups"]["joined"] == {str(a.duplicate_group_id): [c.pk]}
    assert second.after["counts"]["records_joined"] == 1
    assert b.pk in first.after["groups"]["created"][str(a.duplicate_group_id)]


def test_a_run_that_changes_nothing_still_records_that_it_ran(cast):
    """Idempotent re-run: one more event, with counts and no group changes."""
    record(cast.review, "PubMed"), record(cast.review, "Embase")
    detection_run(review=cast.review)
    detection_run(review=cast.review)
    last = detection_events(cast.review)[-1]
    assert last.after["groups"] == {"created": {}, "joined": {}, "left": {}, "primary": {}, "dissolved": {}}
    assert last.after["counts"]["groups"] == 1


def test_a_group_dissolved_by_detection_is_named_with_its_former_members(cast):
    """A record corrected so that it no longer matches: the next run dissolves the group and says so."""
    a, b = record(cast.review, "PubMed"), record(cast.review, "Embase")
    detection_run(review=cast.review)
    a.refresh_from_db(), b.refresh_from_db()
    group = a.duplicate_group_id
    b.title, b.pages, b.volume = "Calcium intake and hip fracture in older men", "1-9", "2"
    b.save()
    detection_run(review=cast.review)
    last = detection_events(cast.review)[-1]
    assert last.after["groups"]["dissolved"] == {str(group): sorted([a.pk, b.pk])}


def test_people_s_decisions_are_not_counted_as_detection(cast):
    """A person's merge is audited as the person's decision, not as a detection event."""
    record(cast.review, "PubMed")
    record(cast.review, "Embase", pages="")
    detection_run(review=cast.review)
    events = len(detection_events(cast.review))
    pair = DuplicatePair.objects.get()
    pair_decide(pair=pair, user=cast.reviewer, decision=Decision.MERGE)
    assert len(detection_events(cast.review)) == events
    assert AuditEvent.objects.filter(action="dedup.pair.merge").count() == 1


def test_many_groups_cost_one_audit_insert(cast):
    """Ten groups made in one run write one audit row, not one per group or pair."""
    titles = (
        "Menatetrenone versus placebo for fracture prevention in postmenopausal osteoporosis",
        "Calcium intake and hip fracture in older men",
        "Exercise programmes for preventing falls in people living in the community",
        "Vitamin D supplementation and muscle strength in nursing home residents",
        "Bisphosphonate holidays after five years of alendronate therapy",
        "Screening for osteoporosis with heel ultrasound in primary care",
        "Denosumab discontinuation and rebound vertebral fractures",
        "Hip protectors for preventing hip fractures in older people",
        "Teriparatide compared with risedronate in severe osteoporosis",
        "Dietary protein and bone mineral density across the menopause",
    )
    for n, title in enumerate(titles):
        for source in ("PubMed", "Embase"):
            record(cast.review, source, title=title, pages=f"{100 + 20 * n}-{110 + 20 * n}")
    with CaptureQueriesContext(connection) as queries:
        detection_run(review=cast.review)
    audit_inserts = [q for q in queries.captured_queries if 'INSERT INTO "review_auditevent"' in q["sql"]]
    assert len(audit_inserts) == 1
    (event,) = detection_events(cast.review)
    assert event.after["counts"]["groups_created"] == 10
