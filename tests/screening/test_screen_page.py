"""The screening page: one record, decisions through htmx, the next record without a page load."""

import pytest

from screening.models import Decision, QueueOrder, Ranking
from screening.services_prefs import queue_order_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def screener(cast, records, client_for):
    queue_order_set(review=cast.review, user=cast.reviewer, order=QueueOrder.IMPORTED)
    return client_for(cast.reviewer)


def _decide(cast, record, stage="title_abstract"):
    return f"/reviews/{cast.review.slug}/screening/{stage}/records/{record.pk}/decide/"


def test_the_page_shows_the_record_and_the_criteria(cast, records, screener):
    """Title, abstract, authors, year, journal and the review's criteria are on the page."""
    cast.review.inclusion_criteria = "Randomised trials in postmenopausal women"
    cast.review.save()
    html = screener.get(f"/reviews/{cast.review.slug}/screening/title_abstract/").content.decode()
    for text in (
        records[0].title,
        records[0].abstract,
        "Shiraki, M.",
        "2000",
        "J Bone Miner Res",
        "Randomised trials in postmenopausal women",
    ):
        assert text in html


def test_an_htmx_decision_returns_the_next_record_panel(cast, records, screener):
    """The decision saves at once; the response is the panel of the next record, not a full page."""
    response = screener.post(_decide(cast, records[0]), {"value": "include"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="record-panel"' in html and records[1].title in html
    assert Decision.objects.get().value == "include"


def test_a_refused_decision_comes_back_with_the_reason(cast, passed, screener):
    """Excluding at full text without a reason answers 422 with the same record and the message."""
    response = screener.post(_decide(cast, passed[0], "full_text"), {"value": "exclude"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "exclusion reasons" in response.content.decode()


def test_without_javascript_the_form_redirects_to_the_next_record(cast, records, screener):
    """A plain POST redirects to the page of the next record."""
    response = screener.post(_decide(cast, records[0]), {"value": "exclude"})
    assert response.status_code == 302 and response["Location"].endswith(f"?record={records[1].pk}")


def test_deciding_an_earlier_record_moves_forward_in_my_timeline(cast, records, screener):
    """Going back and changing a decision shows the record I decided after it."""
    screener.post(_decide(cast, records[0]), {"value": "include"})
    screener.post(_decide(cast, records[1]), {"value": "include"})
    html = screener.post(_decide(cast, records[0]), {"value": "exclude"}, HTTP_HX_REQUEST="true").content.decode()
    assert records[1].title in html


def test_undo_shows_the_undone_record_again(cast, records, screener):
    """Undo brings back the record of the last decision."""
    screener.post(_decide(cast, records[0]), {"value": "include"})
    html = screener.post(
        f"/reviews/{cast.review.slug}/screening/title_abstract/undo/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert records[0].title in html and not Decision.objects.exists()


def test_notes_tags_and_comments_are_saved(cast, records, screener):
    """A note with tags and a comment are stored for the record."""
    base = f"/reviews/{cast.review.slug}/screening/title_abstract/records/{records[0].pk}/"
    screener.post(base + "note/", {"text": "dose unclear", "tags": "dose, rct"})
    screener.post(base + "comment/", {"text": "ask the lead"})
    html = screener.get(
        f"/reviews/{cast.review.slug}/screening/title_abstract/?record={records[0].pk}"
    ).content.decode()
    assert "dose unclear" in html and "dose, rct" in html and "ask the lead" in html


def test_keywords_are_highlighted_and_imported_html_is_escaped(cast, records, screener):
    """The lead's keywords are marked in two colours and a <script> in a title stays text."""
    from screening.services import stage_settings_update

    records[0].title = "<script>alert(1)</script> Randomised trial in rats"
    records[0].save()
    stage_settings_update(
        review=cast.review,
        stage="title_abstract",
        actor=cast.lead,
        required_decisions=2,
        blind=True,
        maybe_passes=True,
        include_keywords=["randomised"],
        exclude_keywords=["rats"],
    )
    html = screener.get(f"/reviews/{cast.review.slug}/screening/title_abstract/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<mark class="hl-include">Randomised</mark>' in html and '<mark class="hl-exclude">rats</mark>' in html


def test_the_progress_fragment_counts(cast, records, screener):
    """The progress fragment shows my decided and left counts."""
    screener.post(_decide(cast, records[0]), {"value": "include"})
    html = screener.get(f"/reviews/{cast.review.slug}/screening/title_abstract/progress/").content.decode()
    assert "<strong>1</strong> decided, <strong>11</strong> left" in html


def test_the_relevance_score_is_shown_on_request(cast, records, screener):
    """The score fragment answers, with a score or the reason there is none yet."""
    url = f"/reviews/{cast.review.slug}/screening/title_abstract/records/{records[0].pk}/score/"
    assert screener.get(url).status_code == 200


def test_access_outsider_404_extractor_403_viewer_overview(cast, records, client_for):
    """Outsiders get 404, extractors 403 on the screening page, viewers see the overview only."""
    url = f"/reviews/{cast.review.slug}/screening/title_abstract/"
    assert client_for(cast.outsider).get(url).status_code == 404
    assert client_for(cast.extractor).get(url).status_code == 403
    assert client_for(cast.viewer).get(url).status_code == 403
    assert client_for(cast.viewer).get(f"/reviews/{cast.review.slug}/screening/").status_code == 200


@pytest.mark.parametrize("order", [QueueOrder.IMPORTED, QueueOrder.RANDOM])
def test_decide_and_next_runs_a_fixed_small_number_of_queries(
    cast, records, client_for, order, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Deciding and fetching the next record is a fixed handful of short queries, whatever the review's size.

    Session, user, membership, the record, the stage settings; the insert with its history and audit
    rows (a savepoint here, a transaction when served); the retrain check after the commit (one
    statement, which also looks for a queued refit); the queue order, and one statement
    that picks the next record (random order: from a pivot in the review's id range) and reads it
    with the panel's flags.
    """
    queue_order_set(review=cast.review, user=cast.reviewer, order=order)
    client = client_for(cast.reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(_decide(cast, records[0]), {"value": "exclude"}, HTTP_HX_REQUEST="true")
    assert first.status_code == 200
    # Between two refits (the usual case): the decision about to be made does not make one due.
    Ranking.objects.filter(review=cast.review, reviewer=cast.reviewer).update(requested_at=2)
    limit = 13  # the same in both orders: random order places its pivot inside the pick
    with django_assert_max_num_queries(limit), django_capture_on_commit_callbacks(execute=True):
        response = client.post(_decide(cast, records[5]), {"value": "include"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="record-panel"' in response.content.decode()
    assert Decision.objects.filter(reviewer=cast.reviewer).count() == 2
