"""PRISMA 2020 screening counts, computed from decisions, resolutions, full texts and removals."""

import pytest

from review.selectors import stage_counts
from screening.prisma import prisma_screening_counts
from screening.services_lead import BulkQuery, bulk_exclude
from screening.services_records import fulltext_mark_not_retrieved

pytestmark = pytest.mark.django_db


@pytest.fixture
def flow(cast, records, reviewer2, decide, reason):
    """12 records: 2 removed in bulk, 4 excluded, 4 passed (1 not retrieved, 1 excluded, 1 included,
    1 companion of it), 1 conflict, 1 unscreened."""
    records[10].publication_types = ["Editorial"]
    records[10].save()
    records[11].publication_types = ["Editorial"]
    records[11].save()
    bulk_exclude(
        review=cast.review, actor=cast.lead, query=BulkQuery(publication_type="editorial"), category="automation"
    )
    for record in records[:4]:
        decide(record, cast.reviewer, "exclude")
        decide(record, reviewer2, "exclude")
    for record in records[4:8]:
        decide(record, cast.reviewer, "include")
        decide(record, reviewer2, "maybe")
    decide(records[8], cast.reviewer, "include")
    decide(records[8], reviewer2, "exclude")
    fulltext_mark_not_retrieved(record=records[4], actor=cast.reviewer, not_retrieved=True)
    for user in (cast.reviewer, reviewer2):
        decide(records[5], user, "exclude", stage="full_text", reason=reason)
        decide(records[6], user, "include", stage="full_text")
    for user in (cast.reviewer, reviewer2):
        decide(records[7], user, "include", stage="full_text", companion_of=records[6])
    return records


def test_counts_follow_the_flow(cast, flow):
    """Every box matches the hand count of the fixture's flow."""
    counts = prisma_screening_counts(cast.review)
    assert counts["excluded_automatic"] == 2 and counts["excluded_other"] == 0
    assert counts["records_screened"] == 10
    assert counts["records_excluded"] == 4
    assert counts["title_abstract_pending"] == 2
    assert counts["dbr_sought_reports"] == 4
    assert counts["dbr_notretrieved_reports"] == 1
    assert counts["dbr_assessed"] == 3
    assert counts["dbr_excluded"] == {"Wrong population": 1}
    assert (counts["new_studies"], counts["new_reports"]) == (1, 2)


def test_bulk_removed_records_are_never_counted_as_screened(cast, records):
    """Records removed before screening are outside records_screened, in their own box."""
    records[0].publication_types = ["Review"]
    records[0].save()
    bulk_exclude(review=cast.review, actor=cast.lead, query=BulkQuery(publication_type="Review"), category="other")
    counts = prisma_screening_counts(cast.review)
    assert (counts["records_screened"], counts["excluded_other"]) == (11, 1)


def test_the_dashboard_shows_screening_stages(cast, flow):
    """The review dashboard's stage list includes the screening counts (STAGE_COUNT_HOOKS)."""
    labels = dict(stage_counts(cast.review))
    assert labels["Records screened"] == 10 and labels["Studies included"] == 1
