"""Members and roles: adding, changing, removing, the last lead, and the audit log."""

import pytest
from django.core.exceptions import ValidationError

from review import services
from review.models import AuditEvent, Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_lead_adds_a_member_by_email(cast, client_for):
    """The members page adds a user found by email with the chosen roles."""
    newcomer = UserFactory(username="newcomer", email="new@example.org")
    response = client_for(cast.lead).post(
        f"/reviews/{cast.review.slug}/members/add/",
        {"identifier": "NEW@example.org", "roles": ["reviewer", "extractor"]},
    )
    assert response.status_code == 302
    member = Membership.objects.get(review=cast.review, user=newcomer)
    assert {str(r) for r in member.roles} == {"reviewer", "extractor"}


def test_adding_an_unknown_user_says_so(cast, client_for):
    """An unknown identifier adds nobody and the page says why."""
    response = client_for(cast.lead).post(
        f"/reviews/{cast.review.slug}/members/add/", {"identifier": "nobody", "roles": ["reviewer"]}, follow=True
    )
    assert "No single user" in response.content.decode()
    assert cast.review.memberships.count() == 4


def test_the_last_lead_cannot_be_removed(cast):
    """Removing or demoting the only lead is refused."""
    lead = cast.review.memberships.get(user=cast.lead)
    with pytest.raises(ValidationError):
        services.membership_remove(review=cast.review, actor=cast.lead, member_id=lead.pk)
    with pytest.raises(ValidationError):
        services.membership_update(review=cast.review, actor=cast.lead, member_id=lead.pk, roles={"reviewer"})
    assert Membership.objects.get(pk=lead.pk).is_lead


def test_a_second_lead_makes_the_first_removable(cast):
    """With two leads, one may go."""
    other = cast.review.memberships.get(user=cast.reviewer)
    services.membership_update(review=cast.review, actor=cast.lead, member_id=other.pk, roles={"lead", "reviewer"})
    lead = cast.review.memberships.get(user=cast.lead)
    services.membership_remove(review=cast.review, actor=other.user, member_id=lead.pk)
    assert not cast.review.memberships.filter(user=cast.lead).exists()


def test_role_change_is_audited_with_before_and_after(cast):
    """The audit log keeps who changed which roles from what to what."""
    member = cast.review.memberships.get(user=cast.viewer)
    services.membership_update(
        review=cast.review, actor=cast.lead, member_id=member.pk, roles={"reviewer"}, third_reviewer=True
    )
    event = AuditEvent.objects.filter(action="membership.update").latest("id")
    assert event.actor == cast.lead
    assert event.before["roles"] == ["viewer"]
    assert event.after["roles"] == ["reviewer"] and event.after["third_reviewer"] is True


def test_viewer_cannot_change_roles(cast, client_for):
    """Only leads manage members."""
    member = cast.review.memberships.get(user=cast.reviewer)
    response = client_for(cast.viewer).post(
        f"/reviews/{cast.review.slug}/members/{member.pk}/", {f"m{member.pk}-roles": ["lead"]}
    )
    assert response.status_code == 403
    assert not Membership.objects.get(pk=member.pk).is_lead


def test_unknown_role_is_refused(cast):
    """A role outside the table is an error naming the accepted roles."""
    with pytest.raises(ValidationError, match="accepted"):
        services.membership_add(review=cast.review, actor=cast.lead, identifier="outsider", roles={"owner"})
