"""Screening API: my queue and recording a decision, under the same access and blind rules."""

import pytest

from screening.models import Decision, QueueOrder
from screening.services_prefs import queue_order_set

pytestmark = pytest.mark.django_db


def _api(cast, what, stage="title_abstract"):
    return f"/reviews/{cast.review.slug}/screening/api/{stage}/{what}/"


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
