"""The shared cast and settings are usable (a guard for every other test module)."""

from review.access import Action, allows


def test_cast_roles_follow_the_table(cast):
    """Each member of the cast holds exactly the role its name says."""
    lead = cast.review.memberships.get(user=cast.lead)
    viewer = cast.review.memberships.get(user=cast.viewer)
    assert allows(lead, Action.MANAGE)
    assert not allows(viewer, Action.MANAGE)
    assert allows(viewer, Action.VIEW)
