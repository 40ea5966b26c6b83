"""The Entrez adapter: Bio.Entrez's requests and reader, our base URL, identification and retries."""

import pytest

from review.importers.entrez import EntrezClient, EntrezError
from tests.review.imports.eutils import EutilsServer, NoWait, recorded


def client_for(server, **kwargs):
    kwargs.setdefault("limiter", NoWait())
    return EntrezClient(
        base_url=server.base_url,
        email="team@example.org",
        tool="review-tests",
        backoff=0.01,
        sleep=lambda s: None,
        **kwargs,
    )


def test_esearch_reads_count_and_history_keys_of_a_recorded_answer(db):
    """The recorded esearch2.xml (42,249 hits, WebEnv) reads as count, WebEnv and query key."""
    with EutilsServer(lambda u, p: (200, recorded("esearch2.xml"))) as server:
        result = client_for(server).esearch("cancer")
    assert result.count == 42249
    assert result.webenv == "MCID_6927d6e7fee3e90f880ec190"
    assert result.query_key == "1"
    assert result.ids[0] == "41297076"


def test_requests_go_to_the_configured_base_url_with_tool_email_and_key(db):
    """Every request names our tool, e-mail and API key, as NCBI asks, and reaches the local server."""
    with EutilsServer(lambda u, p: (200, recorded("esearch1.xml"))) as server:
        client_for(server, api_key="k123").esearch("biopython", usehistory=True)
        seen = server.seen[0]
    assert seen.utility == "esearch"
    assert seen.params["tool"] == "review-tests"
    assert seen.params["email"] == "team@example.org"
    assert seen.params["api_key"] == "k123"
    assert seen.params["usehistory"] == "y"
    assert seen.params["db"] == "pubmed"


def test_the_base_url_defaults_to_the_setting(db, settings):
    """Without an explicit base URL the adapter uses settings.NCBI_BASE_URL."""
    settings.NCBI_BASE_URL = "http://127.0.0.1:9/eutils"
    assert EntrezClient(limiter=NoWait()).base_url == "http://127.0.0.1:9/eutils/"


def test_no_hits_answer_carries_ncbi_warnings(db):
    """The recorded esearch8.xml (phrase not found) reads as 0 hits with NCBI's messages."""
    with EutilsServer(lambda u, p: (200, recorded("esearch8.xml"))) as server:
        result = client_for(server).esearch("abcXYZ")
    assert result.count == 0
    assert any("abcXYZ" in w for w in result.warnings)


def test_epost_returns_history_keys_and_error_answers_raise(db):
    """epost1.xml gives WebEnv/query key; epost2.xml (NCBI's <ERROR>) becomes an EntrezError."""
    with EutilsServer(lambda u, p: (200, recorded("epost1.xml"))) as server:
        assert client_for(server).epost(["1", "2"]) == ("MCID_692851c130aec64bed0a8c2a", "1")
    with EutilsServer(lambda u, p: (200, recorded("epost2.xml"))) as server, pytest.raises(EntrezError):
        client_for(server).epost(["1"])


def test_429_and_500_are_retried_with_backoff(db):
    """A 429 then a 500 are retried (with growing waits) and the third answer is used."""
    answers = [(429, b"slow down"), (500, b"oops"), (200, recorded("esearch1.xml"))]
    waits = []
    with EutilsServer(lambda u, p: answers.pop(0)) as server:
        client = EntrezClient(
            base_url=server.base_url, email="t@example.org", limiter=NoWait(), backoff=0.5, sleep=waits.append
        )
        assert client.esearch("biopython").count == 63
        assert len(server.seen) == 3
    assert waits[1] == 1.0  # the second failure waits twice the first step
    assert waits[0] <= 0.5


def test_a_client_error_is_not_retried(db):
    """HTTP 400 means a bad request: one try, then an EntrezError naming the status."""
    with EutilsServer(lambda u, p: (400, b"bad term")) as server:
        with pytest.raises(EntrezError, match="HTTP 400"):
            client_for(server).esearch("(")
        assert len(server.seen) == 1


def test_persistent_5xx_gives_up_after_the_allowed_tries(db):
    """After ``tries`` failed attempts the adapter raises, naming the last failure."""
    with EutilsServer(lambda u, p: (503, b"down")) as server:
        with pytest.raises(EntrezError, match="failed 3 times; last: HTTP 503"):
            client_for(server, tries=3).esearch("x")
        assert len(server.seen) == 3
