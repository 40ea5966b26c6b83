"""Screening fixtures: records in the shared cast's review, a second reviewer, a decide helper."""

from __future__ import annotations

import pytest

from tests.factories import MembershipFactory, RecordFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The cast's users get passwords; a fast hasher keeps set-up short (it is not under test here)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reason(cast):
    """One of the protocol's full-text exclusion reasons."""
    from review.models import ExclusionReason

    return ExclusionReason.objects.create(review=cast.review, label="Wrong population", position=0)


@pytest.fixture
def records(cast):
    """Twelve records of the cast's review, in import order."""
    return [RecordFactory(review=cast.review, batch__source__review=cast.review, position=i) for i in range(12)]


@pytest.fixture
def reviewer2(cast):
    """A second reviewer, so that records can get two independent decisions."""
    user = UserFactory(username="reviewer2")
    MembershipFactory(review=cast.review, user=user, is_reviewer=True)
    return user


@pytest.fixture
def decide(cast):
    """Return a function recording ``reviewer``'s decision through the service."""
    from screening.services import decision_record

    def run(record, reviewer, value, stage="title_abstract", **kwargs):
        return decision_record(review=cast.review, record=record, stage=stage, reviewer=reviewer, value=value, **kwargs)

    return run


@pytest.fixture
def passed(cast, records, reviewer2, decide):
    """Records 0-3 included at title/abstract by both reviewers (open at full text)."""
    for record in records[:4]:
        decide(record, cast.reviewer, "include")
        decide(record, reviewer2, "include")
    return records[:4]
