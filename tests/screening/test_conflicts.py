"""Conflicts: listed after the reveal, resolved by the lead or the third reviewer with a reason."""

import pytest
from django.core.exceptions import ValidationError

from review.models import Membership
from screening.models import Decision, DecisionHistory
from screening.selectors import conflicts, record_outcome
from screening.services import conflict_resolve, stage_reveal

pytestmark = pytest.mark.django_db


@pytest.fixture
def conflict(cast, records, reviewer2, decide):
    decide(records[0], cast.reviewer, "include")
    decide(records[0], reviewer2, "exclude")
    decide(records[1], cast.reviewer, "include")
    decide(records[1], reviewer2, "include")
    return records[0]


def test_the_list_holds_records_that_break_the_rule(cast, conflict):
    """Only the disagreeing record is a conflict."""
    assert [record for record, _ in conflicts(cast.review, "title_abstract")] == [conflict]


def test_resolving_needs_the_reveal_first(cast, conflict):
    """A blind stage cannot be resolved before the reveal."""
    with pytest.raises(ValidationError, match="Reveal"):
        conflict_resolve(
            review=cast.review,
            record=conflict,
            stage="title_abstract",
            actor=cast.lead,
            value="include",
            note="fits the criteria",
        )


def test_resolution_keeps_the_original_decisions(cast, conflict):
    """The resolution decides the outcome; both decisions and the history stay."""
    stage_reveal(review=cast.review, stage="title_abstract", actor=cast.lead)
    conflict_resolve(
        review=cast.review,
        record=conflict,
        stage="title_abstract",
        actor=cast.lead,
        value="include",
        note="postmenopausal women, RCT",
    )
    assert record_outcome(conflict, "title_abstract").outcome == "included"
    assert Decision.objects.filter(record=conflict).count() == 2
    assert DecisionHistory.objects.filter(record=conflict, action="resolved", note__contains="RCT").exists()


def test_a_resolution_needs_a_reason(cast, conflict):
    """An empty reason is refused."""
    stage_reveal(review=cast.review, stage="title_abstract", actor=cast.lead)
    with pytest.raises(ValidationError, match="reason"):
        conflict_resolve(
            review=cast.review, record=conflict, stage="title_abstract", actor=cast.lead, value="exclude", note="  "
        )


def test_a_record_without_conflict_is_not_resolved(cast, records, conflict):
    """An agreed record is not open to resolution."""
    stage_reveal(review=cast.review, stage="title_abstract", actor=cast.lead)
    with pytest.raises(ValidationError, match="not in conflict"):
        conflict_resolve(
            review=cast.review, record=records[1], stage="title_abstract", actor=cast.lead, value="exclude", note="no"
        )


def test_the_third_reviewer_resolves_through_the_page(cast, conflict, client_for):
    """The designated third reviewer sees the conflict page and resolves; a plain reviewer gets 403."""
    Membership.objects.filter(review=cast.review, user=cast.reviewer).update(is_third_reviewer=True)
    stage_reveal(review=cast.review, stage="title_abstract", actor=cast.lead)
    url = f"/reviews/{cast.review.slug}/screening/title_abstract/conflicts/{conflict.pk}/"
    response = client_for(cast.reviewer).post(url, {"value": "exclude", "note": "animal study"})
    assert response.status_code == 302
    assert record_outcome(conflict, "title_abstract").outcome == "excluded"
    Membership.objects.filter(review=cast.review, user=cast.reviewer).update(is_third_reviewer=False)
    assert client_for(cast.reviewer).get(url).status_code == 403


def test_the_conflict_page_lists_decisions_after_the_reveal(cast, conflict, client_for):
    """After the reveal the lead's conflict list names each reviewer's decision."""
    client = client_for(cast.lead)
    client.post(f"/reviews/{cast.review.slug}/screening/title_abstract/reveal/")
    html = client.get(f"/reviews/{cast.review.slug}/screening/title_abstract/conflicts/").content.decode()
    assert "reviewer2" in html and "disagreement" in html


def test_the_resolve_page_shows_each_decision(cast, conflict, client_for):
    """The lead's resolve page lists both reviewers' decisions beside the record."""
    client = client_for(cast.lead)
    client.post(f"/reviews/{cast.review.slug}/screening/title_abstract/reveal/")
    html = client.get(f"/reviews/{cast.review.slug}/screening/title_abstract/conflicts/{conflict.pk}/").content.decode()
    assert "reviewer2" in html and "No decisions." not in html


def test_the_reveal_is_audited_and_the_resolve_page_shows_every_reason(cast, passed, reviewer2, decide, client_for):
    """At full text, once revealed, the resolve page shows each reviewer's decision and reason side by side."""
    from review.models import AuditEvent, ExclusionReason

    population = ExclusionReason.objects.create(review=cast.review, label="Wrong population", position=0)
    design = ExclusionReason.objects.create(review=cast.review, label="Wrong study design", position=1)
    decide(passed[0], cast.reviewer, "exclude", stage="full_text", reason=population)
    decide(passed[0], reviewer2, "exclude", stage="full_text", reason=design)
    client = client_for(cast.lead)
    url = f"/reviews/{cast.review.slug}/screening/full_text/conflicts/{passed[0].pk}/"
    blind = client.get(url).content.decode()
    assert "Wrong population" not in blind.split("Final decision")[0] and "reviewer2" not in blind
    client.post(f"/reviews/{cast.review.slug}/screening/full_text/reveal/")
    html = client.get(url).content.decode()
    assert "Wrong population</td>" in html and "Wrong study design</td>" in html
    assert "<td>reviewer</td>" in html and "<td>reviewer2</td>" in html
    event = AuditEvent.objects.get(action="screening.stage.reveal")
    assert event.actor == cast.lead and event.after == {"stage": "full_text"}
