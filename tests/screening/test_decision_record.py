"""Recording a decision: one per reviewer, record and stage; changes keep the earlier one."""

import pytest
from django.core.exceptions import ValidationError

from review.models import AuditEvent, DuplicateGroup
from screening.models import Decision, DecisionHistory
from screening.selectors import record_outcome
from screening.services import decision_record


def test_a_decision_is_recorded_with_history_and_audit(cast, records, decide):
    """The decision, a history row and a screening.* audit event are written."""
    decision = decide(records[0], cast.reviewer, "include")
    assert decision.value == "include"
    assert DecisionHistory.objects.filter(record=records[0], action="recorded").count() == 1
    assert AuditEvent.objects.filter(object_type="screening.decision", object_id=str(decision.pk)).exists()


def test_a_double_submit_is_one_decision(cast, records, decide):
    """Submitting the same decision twice leaves one decision and one history row."""
    decide(records[0], cast.reviewer, "exclude")
    decide(records[0], cast.reviewer, "exclude")
    assert Decision.objects.filter(record=records[0]).count() == 1
    assert DecisionHistory.objects.filter(record=records[0]).count() == 1


def test_changing_a_decision_keeps_the_earlier_one(cast, records, decide):
    """A changed decision updates the row and the history keeps both values."""
    decide(records[0], cast.reviewer, "exclude")
    decide(records[0], cast.reviewer, "include")
    assert Decision.objects.get(record=records[0]).value == "include"
    trail = list(DecisionHistory.objects.filter(record=records[0]).values_list("action", "value"))
    assert trail == [("recorded", "exclude"), ("changed", "include")]


def test_the_database_refuses_a_second_row_for_the_same_reviewer(cast, records, decide):
    """The uniqueness is a database constraint, not only a check in the service."""
    from django.db import IntegrityError, transaction

    decide(records[0], cast.reviewer, "include")
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            review=cast.review, record=records[0], stage="title_abstract", reviewer=cast.reviewer, value="exclude"
        )


def test_two_reviewers_each_keep_their_decision(cast, records, reviewer2, decide):
    """Decisions of two reviewers on one record are two rows."""
    decide(records[0], cast.reviewer, "include")
    decide(records[0], reviewer2, "include")
    assert record_outcome(records[0], "title_abstract").outcome == "included"


def test_an_unknown_value_is_refused(cast, records, decide):
    """Only include, exclude and maybe are decisions."""
    with pytest.raises(ValidationError, match="accepted: include, exclude, maybe"):
        decide(records[0], cast.reviewer, "perhaps")


def test_full_text_exclusion_needs_a_reason(cast, passed, decide, reason):
    """At full text an exclusion without one of the protocol's reasons is refused."""
    with pytest.raises(ValidationError, match="exclusion reasons"):
        decide(passed[0], cast.reviewer, "exclude", stage="full_text")
    decision = decide(passed[0], cast.reviewer, "exclude", stage="full_text", reason=reason)
    assert decision.reason == reason


def test_full_text_is_only_for_records_that_passed(cast, records, decide):
    """A record not included at title/abstract cannot be screened at full text."""
    with pytest.raises(ValidationError, match="included at title/abstract"):
        decide(records[0], cast.reviewer, "include", stage="full_text")


def test_a_duplicate_is_screened_through_its_primary(cast, records, decide):
    """A record that is not its duplicate group's primary is refused."""
    group = DuplicateGroup.objects.create(review=cast.review, primary=records[0])
    records[0].duplicate_group = group
    records[0].save()
    records[1].duplicate_group = group
    records[1].save()
    with pytest.raises(ValidationError, match="primary"):
        decide(records[1], cast.reviewer, "include")


def test_a_record_of_another_review_is_refused(cast, decide):
    """The record must belong to the review named in the call."""
    from tests.factories import RecordFactory

    other = RecordFactory()
    with pytest.raises(ValidationError, match="another review"):
        decision_record(
            review=cast.review, record=other, stage="title_abstract", reviewer=cast.reviewer, value="include"
        )


def test_a_title_abstract_exclusion_carries_no_reason(cast, records, decide, reason):
    """Reasons belong to full-text exclusions only (they feed the PRISMA full-text box)."""
    decision = decide(records[0], cast.reviewer, "exclude", reason=reason)
    assert decision.reason is None
