"""Who may use the import pages: outsiders get 404, members without the import role 403, leads go ahead."""

import pytest
from django.urls import reverse

from tests.factories import RecordFactory
from tests.review.imports.helpers import source_for

IMPORT_PAGES = ["imports:source_new", "imports:pubmed"]


@pytest.mark.parametrize("name", ["imports:sources", "imports:records", "imports:source_new", "imports:pubmed"])
def test_outsider_gets_404(cast, client_for, name):
    """A user who is not a member cannot learn that the review exists."""
    assert client_for(cast.outsider).get(reverse(name, args=[cast.review.slug])).status_code == 404


@pytest.mark.parametrize("name", IMPORT_PAGES)
def test_reviewer_gets_403_on_import_pages(cast, client_for, name):
    """Importing is the lead's: a reviewer is refused."""
    assert client_for(cast.reviewer).get(reverse(name, args=[cast.review.slug])).status_code == 403


def test_reviewer_cannot_upload_undo_or_correct(cast, client_for):
    """POSTs that change data are refused to a reviewer too."""
    client = client_for(cast.reviewer)
    record = RecordFactory(batch__source__review=cast.review)
    slug = cast.review.slug
    assert client.post(reverse("imports:upload", args=[slug, record.batch.source_id])).status_code == 403
    assert client.post(reverse("imports:batch_undo", args=[slug, record.batch_id])).status_code == 403
    assert client.post(reverse("imports:record_correct", args=[slug, record.pk]), {"title": "x"}).status_code == 403


@pytest.mark.parametrize("name", IMPORT_PAGES + ["imports:sources", "imports:records", "imports:export"])
def test_lead_may_open_every_page(cast, client_for, name):
    """The lead sees the import pages."""
    assert client_for(cast.lead).get(reverse(name, args=[cast.review.slug])).status_code == 200


def test_viewer_sees_records_and_search_log(cast, client_for):
    """Viewers may see the review's records and its searches (read-only)."""
    source_for(cast.review)
    client = client_for(cast.viewer)
    assert client.get(reverse("imports:sources", args=[cast.review.slug])).status_code == 200
    assert client.get(reverse("imports:records", args=[cast.review.slug])).status_code == 200


def test_another_reviews_record_is_404(cast, client_for):
    """A record id of another review is not found through this review's address."""
    other = RecordFactory()
    url = reverse("imports:record", args=[cast.review.slug, other.pk])
    assert client_for(cast.lead).get(url).status_code == 404
