"""Undo of the last decision (any reviewer) and reset of a record (the lead), history kept."""

import pytest
from django.core.exceptions import ValidationError

from screening.models import Decision, DecisionHistory
from screening.services import decision_undo_last, record_reset

pytestmark = pytest.mark.django_db


def test_undo_withdraws_my_last_decision(cast, records, decide):
    """Undo removes my most recent decision and returns its record; the history keeps it."""
    decide(records[0], cast.reviewer, "include")
    decide(records[1], cast.reviewer, "exclude")
    record = decision_undo_last(review=cast.review, stage="title_abstract", reviewer=cast.reviewer)
    assert record == records[1]
    assert list(Decision.objects.values_list("record_id", flat=True)) == [records[0].pk]
    assert DecisionHistory.objects.filter(record=records[1], action="undone").exists()


def test_undo_with_nothing_to_undo(cast, records):
    """Undo without decisions does nothing."""
    assert decision_undo_last(review=cast.review, stage="title_abstract", reviewer=cast.reviewer) is None


def test_undo_never_touches_another_reviewer(cast, records, reviewer2, decide):
    """My undo leaves reviewer2's later decision alone."""
    decide(records[0], cast.reviewer, "include")
    decide(records[1], reviewer2, "include")
    decision_undo_last(review=cast.review, stage="title_abstract", reviewer=cast.reviewer)
    assert list(Decision.objects.values_list("reviewer__username", flat=True)) == ["reviewer2"]


def test_reset_returns_the_record_to_unscreened_and_keeps_both(cast, records, reviewer2, decide):
    """Reset removes the decisions; the history has the decisions and the reset with its reason."""
    decide(records[0], cast.reviewer, "include")
    decide(records[0], reviewer2, "exclude")
    assert (
        record_reset(
            review=cast.review,
            record=records[0],
            stage="title_abstract",
            actor=cast.lead,
            reason="abstract was truncated at import",
        )
        == 2
    )
    assert not Decision.objects.filter(record=records[0]).exists()
    actions = list(DecisionHistory.objects.filter(record=records[0]).values_list("action", flat=True))
    assert actions.count("recorded") == 2 and actions.count("reset") == 2


def test_reset_needs_a_reason(cast, records, decide):
    """A reset without a reason is refused."""
    decide(records[0], cast.reviewer, "include")
    with pytest.raises(ValidationError):
        record_reset(review=cast.review, record=records[0], stage="title_abstract", actor=cast.lead, reason="")


def test_only_resolvers_may_reset(cast, records, decide, client_for):
    """A reviewer posting a reset gets 403."""
    decide(records[0], cast.reviewer, "include")
    url = f"/reviews/{cast.review.slug}/screening/title_abstract/records/{records[0].pk}/reset/"
    assert client_for(cast.reviewer).post(url, {"reason": "x"}).status_code == 403
    assert client_for(cast.lead).post(url, {"reason": "re-screen"}).status_code == 302
    assert not Decision.objects.exists()
