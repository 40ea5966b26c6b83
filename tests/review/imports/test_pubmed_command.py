"""The pubmed_search command: logs the search, imports the hits, prints a progress line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from review.models import Source
from tests.review.imports.eutils import EutilsServer, FakePubmed


@pytest.fixture
def local_pubmed(settings):
    pubmed = FakePubmed(7)
    with EutilsServer(pubmed.route) as server:
        settings.NCBI_BASE_URL = server.base_url
        settings.NCBI_EMAIL = "team@example.org"
        settings.REDIS_URL = ""
        settings.NCBI_RETRY_BACKOFF = 0.001
        yield pubmed, server


def test_it_logs_the_search_and_imports_every_hit(cast, local_pubmed):
    """The search becomes a PubMed source with query and hits; the records are imported; progress shown."""
    out, err = StringIO(), StringIO()
    call_command("pubmed_search", review=cast.review.slug, query="menaquinone[tiab]", stdout=out, stderr=err)
    source = Source.objects.get(review=cast.review, name="PubMed")
    assert source.query == "menaquinone[tiab]" and source.hits_reported == 7
    assert source.batches.get().records.count() == 7
    assert "imported 7 records" in out.getvalue()
    assert "Fetched 7 of 7" in err.getvalue()


def test_max_limits_the_import(cast, local_pubmed):
    """--max 3 imports three records."""
    call_command("pubmed_search", review=cast.review.slug, query="q", max=3, stdout=StringIO(), stderr=StringIO())
    assert Source.objects.get(review=cast.review).batches.get().records.count() == 3


def test_a_failure_names_the_batch_to_resume(cast, local_pubmed):
    """When NCBI keeps failing, the command says how to resume; --resume finishes without duplicates."""
    pubmed, _ = local_pubmed
    pubmed.statuses = [500] * 20
    with pytest.raises(CommandError, match="resume with --resume"):
        call_command("pubmed_search", review=cast.review.slug, query="q", stdout=StringIO(), stderr=StringIO())
    batch = Source.objects.get(review=cast.review).batches.get()
    pubmed.statuses = []
    call_command("pubmed_search", review=cast.review.slug, resume=batch.pk, stdout=StringIO(), stderr=StringIO())
    assert batch.records.count() == 7
