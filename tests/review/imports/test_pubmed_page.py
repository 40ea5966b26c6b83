"""The PubMed page: count the hits, then import them as a job; a PMID list too."""

import pytest
from django.urls import reverse

from review.models import ImportStatus, Source
from tests.review.imports.eutils import EutilsServer, FakePubmed
from tests.review.imports.helpers import source_for


@pytest.fixture
def local_pubmed(settings):
    pubmed = FakePubmed(12)
    with EutilsServer(pubmed.route) as server:
        settings.NCBI_BASE_URL = server.base_url
        settings.NCBI_EMAIL = "team@example.org"
        settings.REDIS_URL = ""
        yield server


def test_counting_shows_the_hits_and_logs_nothing(cast, client_for, local_pubmed):
    """The first step runs esearch only: the page shows the count, no source is created yet."""
    page = client_for(cast.lead).post(
        reverse("imports:pubmed", args=[cast.review.slug]), {"action": "count", "query": "k2", "source_name": "PubMed"}
    )
    assert '<strong id="hits">12</strong>' in page.content.decode()
    assert not Source.objects.exists()
    assert [s.utility for s in local_pubmed.seen] == ["esearch"]


def test_running_imports_every_hit_and_logs_the_search(
    cast, client_for, local_pubmed, django_capture_on_commit_callbacks
):
    """The second step logs the search (query, date, hits) and imports the hits through a job."""
    client = client_for(cast.lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:pubmed", args=[cast.review.slug]),
            {"action": "run", "query": "k2", "source_name": "PubMed", "hits": "12"},
        )
    source = Source.objects.get(review=cast.review)
    batch = source.batches.get()
    assert response.url == reverse("imports:batch", args=[cast.review.slug, batch.pk])
    assert batch.status == ImportStatus.DONE and batch.records.count() == 12
    assert source.query == "k2" and source.hits_reported == 12 and source.date_run
    assert "PubMed reported 12 hits" in client.get(response.url).content.decode()


def test_a_pmid_list_with_a_typo_is_refused_with_the_bad_token(cast, client_for, local_pubmed):
    """Tokens that are not PMIDs are named; nothing is fetched."""
    source = source_for(cast.review, "Citation searching")
    page = client_for(cast.lead).post(
        reverse("imports:pubmed", args=[cast.review.slug]),
        {"action": "pmids", "source": source.pk, "pmids": "123 45a6"},
    )
    assert "These are not PMIDs: 45a6" in page.content.decode()
    assert not local_pubmed.seen
