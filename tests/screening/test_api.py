"""Screening API: my queue and recording a decision, under the same access and blind rules."""

import pytest

from review.models import AuditEvent
from screening.models import Decision, QueueOrder, Resolution
from screening.services_prefs import queue_order_set

pytestmark = pytest.mark.django_db


def _api(cast, what, stage="title_abstract"):
    return f"/api/reviews/{cast.review.slug}/screening/{stage}/{what}/"


def test_my_queue_lists_records_waiting_for_me(cast, records, decide, client_for):
    """The queue omits what I decided, in my queue order."""
    queue_order_set(review=cast.review, user=cast.reviewer, order=QueueOrder.IMPORTED)
    decide(records[0], cast.reviewer, "include")
    data = client_for(cast.reviewer).get(_api(cast, "queue"), {"limit": 3}).json()
    assert [row["id"] for row in data] == [r.pk for r in records[1:4]]
    assert set(data[0]) >= {"title", "abstract", "authors", "year", "journal", "keywords"}


def test_a_decision_is_recorded_through_the_api(cast, records, client_for):
    """POST records the decision and answers 201; posting it again is still one decision."""
    client = client_for(cast.reviewer)
    for _ in range(2):
        response = client.post(_api(cast, "decisions"), {"record": records[0].pk, "value": "exclude"})
        assert response.status_code == 201
    assert Decision.objects.count() == 1


def test_a_bad_decision_is_a_400_with_the_reason(cast, passed, client_for):
    """A full-text exclusion without a reason is refused with a plain message."""
    response = client_for(cast.reviewer).post(
        _api(cast, "decisions", "full_text"), {"record": passed[0].pk, "value": "exclude"}
    )
    assert response.status_code == 400 and "exclusion reasons" in str(response.json())


def test_roles_apply(cast, records, client_for):
    """Outsiders get 404, viewers may read decisions but not record them, extractors have no queue."""
    assert client_for(cast.outsider).get(_api(cast, "queue")).status_code == 404
    assert client_for(cast.viewer).get(_api(cast, "decisions")).status_code == 200
    assert (
        client_for(cast.viewer).post(_api(cast, "decisions"), {"record": records[0].pk, "value": "include"}).status_code
        == 403
    )
    assert client_for(cast.extractor).get(_api(cast, "queue")).status_code == 403


def _bearer(user):
    from review.tokens import api_token_create

    _, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_bearer_token_screens_without_a_session(cast, records, client):
    """The screening API takes the same personal tokens as the rest of /api/."""
    headers = _bearer(cast.reviewer)
    response = client.post(
        _api(cast, "decisions"),
        {"record": records[0].pk, "value": "include"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201 and response.json()["reviewer"] == "reviewer"
    assert client.get(_api(cast, "queue"), **_bearer(cast.outsider)).status_code == 404


def test_the_old_urls_are_gone(cast, client_for):
    """The API moved under /api/; the page namespace no longer answers for it."""
    assert (
        client_for(cast.reviewer).get(f"/reviews/{cast.review.slug}/screening/api/title_abstract/queue/").status_code
        == 404
    )


def test_a_bad_limit_is_a_400(cast, records, client_for):
    """The queue's limit is validated, not a server error."""
    client = client_for(cast.reviewer)
    for limit in ("abc", "0", "101"):
        assert client.get(_api(cast, "queue"), {"limit": limit}).status_code == 400, limit


def test_next_gives_the_pages_next_record_then_null(cast, records, decide, client_for):
    """next/ is the record the screening page shows; null once nothing waits for me."""
    queue_order_set(review=cast.review, user=cast.reviewer, order=QueueOrder.IMPORTED)
    client = client_for(cast.reviewer)
    assert client.get(_api(cast, "next")).json()["record"]["id"] == records[0].pk
    for record in records:
        decide(record, cast.reviewer, "exclude")
    assert client.get(_api(cast, "next")).json() == {"record": None}


def test_the_random_queue_starts_at_the_pages_next_record(cast, records, client_for):
    """In random order the queue's first record is the one the page would show."""
    queue_order_set(review=cast.review, user=cast.reviewer, order=QueueOrder.RANDOM)
    client = client_for(cast.reviewer)
    queue = [row["id"] for row in client.get(_api(cast, "queue"), {"limit": 12}).json()]
    assert queue[0] == client.get(_api(cast, "next")).json()["record"]["id"]
    assert sorted(queue) == [r.pk for r in records]


def test_progress_counts_mine_and_the_stages(cast, records, decide, reviewer2, client_for):
    """Progress: my decided and left records, and the stage's fully decided records."""
    decide(records[0], cast.reviewer, "include")
    decide(records[0], reviewer2, "include")
    decide(records[1], reviewer2, "exclude")
    data = client_for(cast.reviewer).get(_api(cast, "progress")).json()
    assert data == {"mine_done": 1, "mine_left": 11, "stage_done": 1, "stage_total": 12, "stage_age_s": None}


def test_decisions_can_be_filtered_by_record(cast, records, decide, client_for):
    """?record= narrows the list to one record's decisions (still only those I may see)."""
    decide(records[0], cast.reviewer, "include")
    decide(records[1], cast.reviewer, "exclude")
    data = client_for(cast.reviewer).get(_api(cast, "decisions"), {"record": records[1].pk}).json()
    assert [(d["record"], d["value"]) for d in data] == [(records[1].pk, "exclude")]


@pytest.fixture
def conflict(cast, records, reviewer2, decide):
    decide(records[0], cast.reviewer, "include")
    decide(records[0], reviewer2, "exclude")
    return records[0]


def test_conflicts_wait_for_the_reveal_then_show_every_decision(cast, conflict, client_for):
    """Blind: no list (revealed=false). After the reveal, each conflict carries both decisions."""
    client = client_for(cast.lead)
    assert client.get(_api(cast, "conflicts")).json() == {"revealed": False, "conflicts": []}
    revealed = client.post(_api(cast, "reveal"))
    assert revealed.status_code == 200 and revealed.json()["revealed_at"]
    data = client.get(_api(cast, "conflicts")).json()
    assert data["revealed"] is True
    [item] = data["conflicts"]
    assert item["record"] == conflict.pk and item["kind"]
    assert {(d["reviewer"], d["value"]) for d in item["decisions"]} == {
        ("reviewer", "include"),
        ("reviewer2", "exclude"),
    }
    assert len(item["counted"]) == 2
    assert AuditEvent.objects.filter(action="screening.stage.reveal", actor=cast.lead).count() == 1


def test_only_the_lead_sees_conflicts_reveals_and_resolves(cast, conflict, client_for):
    """Reviewers and viewers get 403 on the lead's endpoints."""
    for user in (cast.reviewer, cast.viewer):
        client = client_for(user)
        assert client.get(_api(cast, "conflicts")).status_code == 403
        assert client.post(_api(cast, "reveal")).status_code == 403
        assert client.post(_api(cast, f"conflicts/{conflict.pk}/resolution"), {}).status_code == 403


def test_the_lead_resolves_a_conflict_through_the_api(cast, conflict, client_for):
    """Resolution needs the reveal first (400 with the reason), then records the final decision."""
    client = client_for(cast.lead)
    url = _api(cast, f"conflicts/{conflict.pk}/resolution")
    refused = client.post(url, {"value": "include", "note": "fits"})
    assert refused.status_code == 400 and "Reveal" in str(refused.json())
    client.post(_api(cast, "reveal"))
    done = client.post(url, {"value": "include", "note": "fits the criteria"})
    assert done.status_code == 200 and done.json()["value"] == "include"
    assert Resolution.objects.get(record=conflict).resolved_by == cast.lead
    assert client.get(_api(cast, "conflicts")).json()["conflicts"] == []


def test_the_schema_describes_the_screening_api(cast, client_for):
    """/api/schema/ lists every screening endpoint, with the stage's two values and the token scheme."""
    schema = client_for(cast.viewer).get("/api/schema/", {"format": "json"}).json()
    base = "/api/reviews/{slug}/screening/{stage}/"
    for what in (
        "queue/",
        "next/",
        "decisions/",
        "progress/",
        "conflicts/",
        "conflicts/{record_id}/resolution/",
        "reveal/",
    ):
        assert base + what in schema["paths"], what
    stage = next(p for p in schema["paths"][base + "queue/"]["get"]["parameters"] if p["name"] == "stage")
    assert sorted(stage["schema"]["enum"]) == ["full_text", "title_abstract"]
    assert "post" in schema["paths"][base + "decisions/"]
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
