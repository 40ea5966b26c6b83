"""REST API: tokens, reviews and members under the same access rules as the pages."""

import pytest
from django.utils import timezone

from review.models import ApiToken, Membership
from review.tokens import api_token_create, hash_key

pytestmark = pytest.mark.django_db


def _bearer(user):
    _, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_token_is_stored_hashed_and_records_last_use(cast, client):
    """The key itself is nowhere in the database; using it stamps last_used_at."""
    token, key = api_token_create(user=cast.viewer, name="R script")
    assert token.key_hash == hash_key(key) and key not in token.key_hash
    response = client.get("/api/reviews/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_revoked_token_is_refused(cast, client):
    """A revoked key no longer authenticates."""
    token, key = api_token_create(user=cast.viewer, name="old")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert client.get("/api/reviews/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_tokens_page_creates_shows_once_and_revokes(cast, client_for):
    """A user names a token, sees its key once, and can revoke it in the browser."""
    client = client_for(cast.viewer)
    client.post("/accounts/tokens/new/", {"name": "laptop"})
    first = client.get("/accounts/tokens/").content.decode()
    token = ApiToken.objects.get(user=cast.viewer, name="laptop")
    assert "Your new key" in first and token.prefix in first
    assert "Your new key" not in client.get("/accounts/tokens/").content.decode()
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_review_list_api_shows_only_member_reviews(cast, client):
    """The outsider's API list is empty; the viewer sees the review."""
    assert client.get("/api/reviews/", **_bearer(cast.outsider)).json() == []
    slugs = [r["slug"] for r in client.get("/api/reviews/", **_bearer(cast.viewer)).json()]
    assert slugs == [cast.review.slug]


def test_api_outsider_404_and_viewer_403_on_patch(cast, client):
    """The API applies the same 404/403 rules as the pages."""
    url = f"/api/reviews/{cast.review.slug}/"
    assert client.get(url, **_bearer(cast.outsider)).status_code == 404
    refused = client.patch(url, {"question": "x"}, content_type="application/json", **_bearer(cast.viewer))
    assert refused.status_code == 403
    response = client.patch(url, {"question": "new?"}, content_type="application/json", **_bearer(cast.lead))
    assert response.status_code == 200 and response.json()["question"] == "new?"


def test_api_creates_a_review_and_adds_a_member(cast, client):
    """POST creates a review led by the caller; members can be added by username."""
    headers = _bearer(cast.outsider)
    created = client.post("/api/reviews/", {"title": "API review"}, content_type="application/json", **headers)
    assert created.status_code == 201
    slug = created.json()["slug"]
    added = client.post(
        f"/api/reviews/{slug}/members/",
        {"identifier": "viewer", "roles": ["viewer"]},
        content_type="application/json",
        **headers,
    )
    assert added.status_code == 201 and added.json()["roles"] == ["viewer"]
    assert Membership.objects.filter(review__slug=slug, user=cast.viewer, is_viewer=True).exists()


def test_api_refuses_removing_the_last_lead(cast, client):
    """The service's rule surfaces as a 400 with its reason."""
    lead = cast.review.memberships.get(user=cast.lead)
    response = client.delete(f"/api/reviews/{cast.review.slug}/members/{lead.pk}/", **_bearer(cast.lead))
    assert response.status_code == 400 and "last lead" in str(response.json())


def test_openapi_schema_and_docs_are_served(cast, client_for):
    """The schema lists the review endpoints and the docs page loads without a CDN."""
    client = client_for(cast.viewer)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/reviews/{slug}/members/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger" in docs.lower() and "cdn.jsdelivr" not in docs
