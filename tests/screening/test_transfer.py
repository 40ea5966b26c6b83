"""Moving screening to another record when a duplicate group's primary changes; marking duplicates."""

import pytest

from review.models import DuplicateGroup
from screening.models import Comment, Decision, DecisionHistory, FullText, ReviewerNote
from screening.services import screening_transfer
from screening.services_records import comment_add, note_save, record_mark_duplicate

pytestmark = pytest.mark.django_db


def test_decisions_notes_comments_and_full_text_move(cast, records, reviewer2, decide):
    """Everything recorded on the old primary is on the new one afterwards, history included."""
    decide(records[0], cast.reviewer, "include")
    decide(records[0], reviewer2, "exclude")
    note_save(record=records[0], stage="title_abstract", author=cast.reviewer, text="RCT", tags=["rct"])
    comment_add(record=records[0], stage="title_abstract", author=cast.reviewer, text="check dose")
    FullText.objects.create(record=records[0], not_retrieved=True)
    moved = screening_transfer(from_record=records[0], to_record=records[1])
    assert moved["decisions"] == 2
    assert Decision.objects.filter(record=records[1]).count() == 2
    assert ReviewerNote.objects.get().record == records[1] and Comment.objects.get().record == records[1]
    assert FullText.objects.get().record == records[1]
    assert not DecisionHistory.objects.filter(record=records[0]).exists()


def test_the_target_s_own_decision_wins_and_the_drop_is_recorded(cast, records, decide):
    """When both records hold a decision of the same reviewer, the target's stays; history says so."""
    decide(records[0], cast.reviewer, "exclude")
    decide(records[1], cast.reviewer, "include")
    screening_transfer(from_record=records[0], to_record=records[1])
    assert list(Decision.objects.values_list("record_id", "value")) == [(records[1].pk, "include")]
    assert DecisionHistory.objects.filter(record=records[1], action="transferred", note__contains="dropped").exists()


def test_marking_a_duplicate_joins_the_group_of_the_chosen_record(cast, records, decide):
    """The marked record joins the chosen record's group, which stays primary, and its screening moves."""
    decide(records[3], cast.reviewer, "include")
    group = record_mark_duplicate(record=records[3], of_record=records[0], actor=cast.reviewer)
    records[3].refresh_from_db()
    assert records[3].duplicate_group == group and group.primary == records[0]
    assert Decision.objects.get().record == records[0]


def test_marking_merges_an_existing_group(cast, records):
    """A record that already heads a group brings its members along; the old group goes."""
    old = DuplicateGroup.objects.create(review=cast.review, primary=records[2])
    for record in records[2:4]:
        record.duplicate_group = old
        record.save()
    group = record_mark_duplicate(record=records[2], of_record=records[0], actor=cast.lead)
    assert set(group.records.all()) == {records[0], records[2], records[3]}
    assert not DuplicateGroup.objects.filter(pk=old.pk).exists()


def test_the_page_action_needs_the_deduplicate_role(cast, records, client_for):
    """A viewer may not mark duplicates; a reviewer may."""
    url = f"/reviews/{cast.review.slug}/screening/records/{records[1].pk}/duplicate/"
    assert client_for(cast.viewer).post(url, {"of_record": records[0].pk}).status_code == 403
    assert client_for(cast.reviewer).post(url, {"of_record": records[0].pk}).status_code == 302
    records[1].refresh_from_db()
    assert records[1].duplicate_group.primary == records[0]
