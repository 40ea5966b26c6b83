"""Labels for the ranking model: my decisions, plus resolutions only when I may see them."""

import pytest

from screening.selectors import training_labels
from screening.services import conflict_resolve, stage_reveal

pytestmark = pytest.mark.django_db


def test_my_decisions_are_my_labels(cast, records, reviewer2, decide):
    """Include and maybe are relevant, exclude is not; reviewer2's decisions never appear."""
    decide(records[0], cast.reviewer, "include")
    decide(records[1], cast.reviewer, "maybe")
    decide(records[2], cast.reviewer, "exclude")
    decide(records[3], reviewer2, "include")
    labels = training_labels(review=cast.review, stage="title_abstract", reviewer=cast.reviewer)
    assert labels == {records[0].pk: True, records[1].pk: True, records[2].pk: False}


def test_resolutions_join_after_the_reveal(cast, records, reviewer2, decide):
    """A resolved outcome overrides my own label once the stage is revealed."""
    decide(records[0], cast.reviewer, "include")
    decide(records[0], reviewer2, "exclude")
    stage_reveal(review=cast.review, stage="title_abstract", actor=cast.lead)
    conflict_resolve(
        review=cast.review,
        record=records[0],
        stage="title_abstract",
        actor=cast.lead,
        value="exclude",
        note="animal study",
    )
    assert training_labels(review=cast.review, stage="title_abstract", reviewer=reviewer2) == {records[0].pk: False}
    assert training_labels(review=cast.review, stage="title_abstract", reviewer=cast.reviewer) == {records[0].pk: False}
