"""The duplicate pages: access, the side-by-side view, htmx decisions, bulk accept, overlap."""

import pytest
from django.urls import reverse

from review.dedup.services import detection_run
from review.models import DuplicatePair, PairStatus
from tests.review.dedup.helpers import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(cast):
    """A review with one possible duplicate waiting for a person; its first title is hostile."""
    record(
        cast.review,
        "PubMed",
        title="Menatetrenone <script>alert(1)</script> versus placebo for fracture "
        "prevention in postmenopausal osteoporosis",
    )
    record(
        cast.review,
        "Embase",
        title="Menatetrenone versus placebo for fracture prevention in postmenopausal osteoporosis",
        volume="16",
        pages="",
    )
    detection_run(review=cast.review)
    pair = DuplicatePair.objects.get()
    assert pair.status == PairStatus.QUEUED
    return pair


def url(name, cast, **kwargs):
    return reverse(f"dedup:{name}", kwargs={"slug": cast.review.slug, **kwargs})


def test_outsider_gets_404_and_viewer_cannot_decide(cast, client_for, queued):
    """Outsiders do not learn the review exists; a viewer sees pairs but gets 403 on a decision."""
    assert client_for(cast.outsider).get(url("queue", cast)).status_code == 404
    viewer = client_for(cast.viewer)
    assert viewer.get(url("pair", cast, pair_id=queued.pk)).status_code == 200
    response = viewer.post(url("pair_decide", cast, pair_id=queued.pk), {"decision": "merge"})
    assert response.status_code == 403


def test_extractor_cannot_decide_duplicates(cast, client_for, queued):
    """Deciding duplicates belongs to leads and reviewers."""
    response = client_for(cast.extractor).post(url("pair_decide", cast, pair_id=queued.pk), {"decision": "merge"})
    assert response.status_code == 403


def test_queue_lists_the_possible_duplicate(cast, client_for, queued):
    """The queue shows the pair with its score and links to the side-by-side page."""
    page = client_for(cast.reviewer).get(url("queue", cast)).content.decode()
    assert url("pair", cast, pair_id=queued.pk) in page
    assert 'id="bulk-merge"' in page


def test_side_by_side_marks_differences_and_escapes_imported_text(cast, client_for, queued):
    """Both records field by field, differing words marked, hostile text escaped, similarities shown."""
    page = client_for(cast.reviewer).get(url("pair", cast, pair_id=queued.pk)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert '<mark class="diff">&lt;script&gt;alert(1)&lt;/script&gt;</mark>' in page
    assert '<mark class="diff">16</mark>' in page  # the differing volume
    assert 'data-key="m"' in page and 'data-key="n"' in page
    assert "differs" in page


def test_merge_with_htmx_answers_the_card_with_an_undo(cast, client_for, queued):
    """An htmx merge returns only the pair card, now merged, with an undo button."""
    response = client_for(cast.reviewer).post(
        url("pair_decide", cast, pair_id=queued.pk), {"decision": "merge"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="pair-card"' in body
    assert 'data-status="merged"' in body and 'id="undo"' in body
    queued.refresh_from_db()
    assert queued.status == PairStatus.MERGED and queued.decided_by == cast.reviewer


def test_not_duplicates_without_htmx_redirects_to_the_pair(cast, client_for, queued):
    """Without JavaScript the form posts and redirects back to the pair."""
    response = client_for(cast.lead).post(url("pair_decide", cast, pair_id=queued.pk), {"decision": "distinct"})
    assert response.status_code == 302
    queued.refresh_from_db()
    assert queued.status == PairStatus.DISTINCT


def test_undo_returns_the_pair_to_the_queue(cast, client_for, queued):
    """Undo after a decision puts the pair back where detection left it."""
    client = client_for(cast.reviewer)
    client.post(url("pair_decide", cast, pair_id=queued.pk), {"decision": "merge"})
    client.post(url("pair_undo", cast, pair_id=queued.pk), HTTP_HX_REQUEST="true")
    queued.refresh_from_db()
    assert queued.status == PairStatus.QUEUED


def test_bulk_accept_above_a_score(cast, client_for, queued):
    """Bulk accept merges queued pairs at or above the score given."""
    client = client_for(cast.lead)
    client.post(url("bulk_merge", cast), {"min_score": "1.0"})
    queued.refresh_from_db()
    assert queued.status == PairStatus.QUEUED
    client.post(url("bulk_merge", cast), {"min_score": f"{queued.score:.4f}"})
    queued.refresh_from_db()
    assert queued.status == PairStatus.MERGED


def test_group_page_shows_every_source_and_how_each_joined(cast, client_for, queued):
    """The group keeps each record with its search and the pair that joined it."""
    client = client_for(cast.lead)
    client.post(url("pair_decide", cast, pair_id=queued.pk), {"decision": "merge"})
    queued.record_a.refresh_from_db()
    page = client.get(url("group", cast, group_id=queued.record_a.duplicate_group_id)).content.decode()
    assert "PubMed" in page and "Embase" in page and "merged by lead" in page


def test_overlap_page_shows_the_table(cast, client_for, queued):
    """The overlap page lists each search with found, unique and shared reports."""
    page = client_for(cast.viewer).get(url("overlap", cast)).content.decode()
    assert 'id="overlap"' in page and "PubMed" in page and "Embase" in page


def test_only_the_lead_changes_thresholds(cast, client_for):
    """Thresholds are review settings: a reviewer gets 403, the lead saves them."""
    assert client_for(cast.reviewer).get(url("settings", cast)).status_code == 403
    response = client_for(cast.lead).post(
        url("settings", cast), {"auto_merge_threshold": "0.97", "queue_threshold": "0.6"}
    )
    assert response.status_code == 302
    assert cast.review.dedup_settings.auto_merge_threshold == 0.97
