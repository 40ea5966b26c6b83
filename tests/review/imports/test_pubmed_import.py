"""PubMed searches imported through Entrez: batches, date splits past 10,000, faults, resume, PMID lists."""

import pytest

from review.importers.entrez import EntrezClient, EntrezError
from review.imports.entrez_import import entrez_batch_run, pmid_batch_create, pubmed_batch_create
from review.models import ImportStatus, Record
from tests.review.imports.eutils import (
    EutilsServer,
    FakePubmed,
    NoWait,
    esearch_xml,
    fixture_articles,
    pubmed_xml,
    recorded,
)
from tests.review.imports.helpers import source_for


def _client(server):
    return EntrezClient(
        base_url=server.base_url, email="t@example.org", limiter=NoWait(), backoff=0.001, sleep=lambda s: None
    )


def _run(cast, server, query="vitamin k2", max_records=None, fetch_size=500):
    batch = pubmed_batch_create(review=cast.review, user=cast.lead, query=query, max_records=max_records)
    return entrez_batch_run(batch_id=batch.pk, user=cast.lead, client=_client(server), fetch_size=fetch_size)


def test_a_search_imports_the_recorded_efetch_records(cast):
    """esearch (recorded shape) then efetch of the real PubMed XML: 4 records with PMIDs and titles."""
    pmids = ["12091962", "9997", "11748933", "11700088"]

    def route(utility, params):
        if utility == "esearch":
            return 200, esearch_xml(4, pmids, webenv="W1")
        return 200, pubmed_xml(pmids)

    with EutilsServer(route) as server:
        batch = _run(cast, server)
    assert batch.status == ImportStatus.DONE
    records = list(Record.objects.filter(batch=batch).order_by("position"))
    assert [r.pmid for r in records] == pmids
    assert all(r.title for r in records)
    assert batch.source.hits_reported == 4
    assert batch.source.query == "vitamin k2"


def test_the_recorded_articles_are_imported_verbatim(cast):
    """Without synthetic edits, the recorded efetch file's two articles arrive with their own PMIDs."""
    from tests.review.imports.eutils import PUBMED_XML

    data = (PUBMED_XML / "biopython_efetch_pubmed2.xml").read_bytes()
    with EutilsServer(lambda u, p: (200, esearch_xml(2, webenv="W")) if u == "esearch" else (200, data)) as s:
        batch = _run(cast, s)
    assert sorted(batch.records.values_list("pmid", flat=True)) == ["11700088", "11748933"]
    assert "Cryobiology" in batch.records.get(pmid="11748933").journal


def test_more_than_ten_thousand_hits_are_split_by_date_and_all_imported(cast):
    """10,500 hits: PubMed hands out 9,999 per search, so the run bisects dates and still gets every one."""
    pubmed = FakePubmed(10_500, per_day=100)
    with EutilsServer(pubmed.route) as server:
        batch = _run(cast, server, fetch_size=2_000)
        searches = server.calls("esearch")
    assert batch.status == ImportStatus.DONE
    assert batch.records.count() == 10_500
    assert batch.records.values("pmid").distinct().count() == 10_500
    assert len(batch.state["ranges"]) >= 2
    assert all(r[2] <= 9_999 for r in batch.state["ranges"])
    assert any("mindate" in s.params and s.params["datetype"] == "pdat" for s in searches)


def test_a_truncated_batch_is_fetched_again_without_duplicates(cast):
    """An efetch answer cut mid-article is fetched again; each record is imported once."""
    pubmed = FakePubmed(30)
    pubmed.truncate = {10}
    with EutilsServer(pubmed.route) as server:
        batch = _run(cast, server, fetch_size=10)
        fetches = server.calls("efetch")
    assert batch.records.count() == 30
    assert batch.records.values("pmid").distinct().count() == 30
    assert [int(f.params["retstart"]) for f in fetches] == [0, 10, 10, 20]


def test_429_and_500_during_fetching_are_retried(cast):
    """Transient 429 and 500 answers to efetch are retried; the import completes."""
    pubmed = FakePubmed(12)
    pubmed.statuses = [429, 500]
    with EutilsServer(pubmed.route) as server:
        batch = _run(cast, server, fetch_size=5)
    assert batch.status == ImportStatus.DONE
    assert batch.records.count() == 12


def test_a_failed_run_resumes_where_it_stopped_without_duplicates(cast):
    """A batch that keeps failing stops the run (records so far kept, retstart recorded); resuming
    after the fault is gone fetches only the rest."""
    pubmed = FakePubmed(25)
    pubmed.broken = {10}
    with EutilsServer(pubmed.route) as server:
        batch = pubmed_batch_create(review=cast.review, user=cast.lead, query="q")
        with pytest.raises(EntrezError):
            entrez_batch_run(batch_id=batch.pk, user=cast.lead, client=_client(server), fetch_size=10)
        batch.refresh_from_db()
        assert batch.status == ImportStatus.FAILED
        assert batch.state["retstart"] == 10
        assert batch.records.count() == 10
        pubmed.broken.clear()
        before = len(server.calls("efetch"))
        batch = entrez_batch_run(batch_id=batch.pk, user=cast.lead, client=_client(server), fetch_size=10)
        resumed = [int(f.params["retstart"]) for f in server.calls("efetch")[before:]]
    assert batch.status == ImportStatus.DONE
    assert resumed == [10, 20]
    assert batch.records.count() == 25
    assert batch.records.values("pmid").distinct().count() == 25


def test_max_records_stops_early(cast):
    """--max / "Import at most": only the first N hits are fetched."""
    with EutilsServer(FakePubmed(40).route) as server:
        batch = _run(cast, server, max_records=15, fetch_size=10)
    assert batch.records.count() == 15


def test_a_list_of_pmids_is_imported_and_unknown_ones_are_reported(cast):
    """PMIDs fetched by id in batches; PMIDs PubMed does not return are named in a warning."""
    pubmed = FakePubmed(0)
    pubmed.missing = {"999"}
    source = source_for(cast.review, "Citation searching")
    batch = pmid_batch_create(source=source, user=cast.lead, pmids=["111", "222", "999", "333"])
    with EutilsServer(pubmed.route) as server:
        batch = entrez_batch_run(batch_id=batch.pk, user=cast.lead, client=_client(server), fetch_size=2)
    assert sorted(batch.records.values_list("pmid", flat=True)) == ["111", "222", "333"]
    assert any("999" in n["message"] for n in batch.warnings)


def test_fixture_articles_are_real_recordings():
    """Guard: the synthetic answers are built from the 4 recorded PubMed articles."""
    assert len(fixture_articles()) == 4
    assert b"eSearchResult" in recorded("esearch1.xml")
