"""Review list, creation, dashboard and protocol pages."""

import pytest

from review.models import AuditEvent, Review

pytestmark = pytest.mark.django_db


def test_review_list_shows_only_my_reviews(cast, client_for):
    """The outsider's list does not show a review they are not in."""
    body = client_for(cast.outsider).get("/reviews/").content.decode()
    assert cast.review.title not in body
    assert cast.review.title in client_for(cast.viewer).get("/reviews/").content.decode()


def test_creating_a_review_makes_me_its_lead(cast, client_for):
    """A new review has its creator as lead, default exclusion reasons and an audit event."""
    response = client_for(cast.outsider).post(
        "/reviews/new/",
        {
            "title": "Vitamin K2 and fractures",
            "question": "Does K2 prevent fractures?",
            "population": "women",
        },
    )
    review = Review.objects.get(title="Vitamin K2 and fractures")
    assert response.status_code == 302 and response["Location"].endswith(f"/reviews/{review.slug}/")
    assert review.memberships.get(user=cast.outsider).is_lead
    assert review.exclusion_reasons.count() > 3
    assert AuditEvent.objects.filter(review=review, action="review.create").exists()


def test_dashboard_shows_question_members_and_stage_counts(cast, client_for):
    """The dashboard carries the question, each member and the record counts."""
    body = client_for(cast.viewer).get(f"/reviews/{cast.review.slug}/").content.decode()
    assert cast.review.question in body
    for name in ("lead", "reviewer", "extractor", "viewer"):
        assert name in body
    assert "Records identified" in body


def test_protocol_edit_is_audited_and_escaped(cast, client_for):
    """A lead's protocol change is logged with before/after, and markup typed in is shown as text."""
    client = client_for(cast.lead)
    client.post(
        f"/reviews/{cast.review.slug}/protocol/edit/",
        {
            "title": cast.review.title,
            "question": "<script>alert(1)</script>",
            "exclusion_reasons": "Wrong design\nNo RCT",
        },
    )
    event = AuditEvent.objects.filter(action="review.protocol").latest("id")
    assert event.after["question"] == "<script>alert(1)</script>"
    body = client.get(f"/reviews/{cast.review.slug}/protocol/").content.decode()
    assert "&lt;script&gt;" in body and "<script>alert" not in body
    assert list(cast.review.exclusion_reasons.values_list("label", flat=True)) == ["Wrong design", "No RCT"]
