"""The lead's queue settings per stage: default order and the share of random records, on the settings page."""

import numpy as np
import pytest

import screening.prioritisation.services as prioritisation
from review.models import AuditEvent
from screening.models import QueueOrder, Ranking, RankingStatus
from screening.prioritisation.services import random_share_of
from screening.queue import next_record, queue_order_of
from screening.services_prefs import queue_order_set

pytestmark = pytest.mark.django_db
STAGE = "title_abstract"


def _settings_url(cast):
    return f"/reviews/{cast.review.slug}/screening/settings/"


def _queue_form(order="prioritised", percent="2", stage=STAGE):
    return {"stage": stage, "part": "queue", f"{stage}-queue-order": order, f"{stage}-queue-random_percent": percent}


def test_the_page_shows_the_queue_settings_with_their_help(cast, client_for):
    """Both stages offer the default order and the random percentage, explained."""
    html = client_for(cast.lead).get(_settings_url(cast)).content.decode()
    assert 'name="title_abstract-queue-random_percent"' in html and 'name="full_text-queue-order"' in html
    assert "drawn at random" in html and 'value="2.0"' in html


def test_the_lead_changes_the_share_and_the_order_and_it_is_audited(cast, client_for):
    """The values are saved (the share as 0-0.5) and the audit log keeps before and after."""
    response = client_for(cast.lead).post(_settings_url(cast), _queue_form("random", "12.5"))
    assert response.status_code == 302
    assert random_share_of(cast.review, STAGE) == pytest.approx(0.125)
    assert random_share_of(cast.review, "full_text") == pytest.approx(0.02)
    assert queue_order_of(cast.review, cast.reviewer, STAGE) == QueueOrder.RANDOM
    event = AuditEvent.objects.get(action="screening.stage.queue")
    assert event.actor == cast.lead
    assert event.before["random_share"] == pytest.approx(0.02) and event.before["order"] == "prioritised"
    assert event.after == {"stage": STAGE, "order": "random", "random_share": pytest.approx(0.125)}


def test_saving_unchanged_values_writes_no_event(cast, client_for):
    """Pressing save without a change leaves the audit log alone."""
    client_for(cast.lead).post(_settings_url(cast), _queue_form("prioritised", "2"))
    assert not AuditEvent.objects.filter(action="screening.stage.queue").exists()


def test_a_reviewer_gets_403(cast, client_for):
    """Only the lead changes the queue settings."""
    response = client_for(cast.reviewer).post(_settings_url(cast), _queue_form("random", "10"))
    assert response.status_code == 403
    assert random_share_of(cast.review, STAGE) == pytest.approx(0.02)


@pytest.mark.parametrize(
    ("percent", "message"),
    [
        ("60", "at most 50%"),
        ("-1", "cannot be below 0%"),
        ("abc", "number of percent"),
        ("", "This field is required"),
        ("2.25", "at most one decimal"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(cast, client_for, percent, message):
    """The page answers with the form and the reason; nothing is saved."""
    response = client_for(cast.lead).post(_settings_url(cast), _queue_form("random", percent))
    assert response.status_code == 200 and message in response.content.decode()
    assert random_share_of(cast.review, STAGE) == pytest.approx(0.02)
    assert queue_order_of(cast.review, cast.reviewer, STAGE) == QueueOrder.PRIORITISED


def test_an_unknown_order_is_refused(cast, client_for):
    """The order is one of the three."""
    response = client_for(cast.lead).post(_settings_url(cast), _queue_form("alphabetical", "2"))
    assert (
        response.status_code == 200 and "alphabetical is not one of the available choices" in response.content.decode()
    )


def test_the_stage_default_applies_to_members_without_their_own_order(cast, records, client_for):
    """Import order set by the lead: the reviewer meets record 0 first, until they choose their own order."""
    client_for(cast.lead).post(_settings_url(cast), _queue_form("imported", "2"))
    assert next_record(cast.review, STAGE, cast.reviewer) == records[0]
    queue_order_set(review=cast.review, user=cast.reviewer, order=QueueOrder.RANDOM)
    assert queue_order_of(cast.review, cast.reviewer, STAGE) == QueueOrder.RANDOM
    queue_order_set(review=cast.review, user=cast.reviewer, order="")
    assert queue_order_of(cast.review, cast.reviewer, STAGE) == QueueOrder.IMPORTED


def test_the_overview_offers_the_leads_default(cast, client_for):
    """A reviewer may go back to the lead's default from the overview page."""
    client = client_for(cast.reviewer)
    client.post(f"/reviews/{cast.review.slug}/screening/queue-order/", {"order": "random"})
    client.post(f"/reviews/{cast.review.slug}/screening/queue-order/", {"order": ""})
    html = client.get(f"/reviews/{cast.review.slug}/screening/").content.decode()
    assert 'value="" checked' in html and "The lead&#x27;s default for each stage" in html


def test_the_prioritised_queue_mixes_in_the_leads_share(cast, records, client_for, monkeypatch):
    """The reviewer's ranked queue is mixed with the share the lead set on the page."""
    ids = np.asarray(sorted(r.pk for r in records), dtype=np.int64)
    Ranking.objects.create(
        review=cast.review,
        stage=STAGE,
        reviewer=cast.reviewer,
        status=RankingStatus.READY,
        record_ids=ids.tobytes(),
        scores=np.linspace(0, 1, len(ids), dtype=np.float32).tobytes(),
    )
    shares = []
    original = prioritisation.mix_random

    def spy(ranked, share, **kwargs):
        shares.append(share)
        return original(ranked, share, **kwargs)

    monkeypatch.setattr(prioritisation, "mix_random", spy)
    client_for(cast.lead).post(_settings_url(cast), _queue_form("prioritised", "0"))
    queue = client_for(cast.reviewer).get(f"/api/reviews/{cast.review.slug}/screening/{STAGE}/queue/").json()
    assert [row["id"] for row in queue] == ids[::-1].tolist()  # no random share: the ranking itself
    client_for(cast.lead).post(_settings_url(cast), _queue_form("prioritised", "30"))
    client_for(cast.reviewer).get(f"/api/reviews/{cast.review.slug}/screening/{STAGE}/queue/")
    assert shares == [0.0, pytest.approx(0.3)]
