"""The stopping decision: screening stops, unscreened records count as excluded by automation."""

import pytest
from django.core.exceptions import ValidationError

from screening.prisma import prisma_screening_counts
from screening.queue import next_record
from screening.services_lead import screening_resume, screening_stop

pytestmark = pytest.mark.django_db


def test_stopping_empties_the_queue_and_counts_the_rest_as_automation(cast, records, reviewer2, decide):
    """After a stop nobody gets new records; undecided records are excluded by automation in PRISMA."""
    decide(records[0], cast.reviewer, "exclude")
    decide(records[0], reviewer2, "exclude")
    decide(records[1], cast.reviewer, "include")
    screening_stop(review=cast.review, actor=cast.lead, note="estimate: fewer than 1 relevant record left")
    assert next_record(cast.review, "title_abstract", reviewer2) is None
    counts = prisma_screening_counts(cast.review)
    assert counts["excluded_automatic"] == 10
    assert counts["records_screened"] == 2


def test_resuming_brings_the_records_back(cast, records):
    """Withdrawing the stop reopens the queue."""
    screening_stop(review=cast.review, actor=cast.lead, note="stop")
    screening_resume(review=cast.review, actor=cast.lead)
    assert next_record(cast.review, "title_abstract", cast.reviewer) is not None


def test_a_stop_needs_a_reason(cast, records):
    """The lead says why screening stops."""
    with pytest.raises(ValidationError):
        screening_stop(review=cast.review, actor=cast.lead, note=" ")


def test_only_resolvers_may_stop(cast, records, client_for):
    """A reviewer posting a stop gets 403."""
    url = f"/reviews/{cast.review.slug}/screening/stop/"
    assert client_for(cast.reviewer).post(url, {"note": "x"}).status_code == 403
