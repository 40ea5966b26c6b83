"""Bulk exclusion before screening: unscreened matches only, reversible, out of the queue."""

import pytest
from django.core.exceptions import ValidationError

from screening.models import BulkExclusion
from screening.queue import candidates
from screening.services_lead import BulkQuery, bulk_exclude, bulk_exclude_undo, bulk_matches

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviews_marked(records):
    for record in records[:3]:
        record.publication_types = ["Journal Article", "Review"]
        record.save()
    return records[:3]


def test_only_unscreened_matches_are_taken(cast, records, reviews_marked, decide):
    """A matching record someone already decided stays in screening."""
    decide(records[0], cast.reviewer, "include")
    assert bulk_matches(cast.review, BulkQuery(publication_type="review")) == [records[1].pk, records[2].pk]


def test_excluded_records_leave_the_queue_and_come_back_on_undo(cast, records, reviews_marked):
    """Bulk-excluded records are out of every queue until the exclusion is undone."""
    bulk = bulk_exclude(
        review=cast.review, actor=cast.lead, query=BulkQuery(publication_type="Review"), category="automation"
    )
    assert bulk.records.count() == 3
    assert not set(reviews_marked) & set(candidates(cast.review, "title_abstract", cast.reviewer))
    bulk_exclude_undo(review=cast.review, actor=cast.lead, bulk_id=bulk.pk)
    assert set(reviews_marked) <= set(candidates(cast.review, "title_abstract", cast.reviewer))


def test_an_empty_query_is_refused(cast, records):
    """An empty query would exclude everything: refused."""
    with pytest.raises(ValidationError, match="at least one condition"):
        bulk_exclude(review=cast.review, actor=cast.lead, query=BulkQuery(), category="automation")


def test_a_removed_record_cannot_be_decided(cast, records, reviews_marked, decide):
    """Deciding a record removed before screening is refused (it would count twice)."""
    bulk_exclude(
        review=cast.review, actor=cast.lead, query=BulkQuery(title_contains=records[5].title), category="other"
    )
    removed = BulkExclusion.objects.get().records.first()
    with pytest.raises(ValidationError, match="removed before screening"):
        decide(removed, cast.reviewer, "include")


def test_the_page_previews_then_excludes(cast, records, reviews_marked, client_for):
    """The lead previews the matches, then confirms; a reviewer may not."""
    url = f"/reviews/{cast.review.slug}/screening/bulk/"
    client = client_for(cast.lead)
    assert "3 unscreened records match" in client.get(url, {"publication_type": "Review"}).content.decode()
    client.post(url, {"publication_type": "Review", "category": "automation"})
    assert BulkExclusion.objects.get().records.count() == 3
    assert client_for(cast.reviewer).get(url).status_code == 403
