"""A local stand-in for NCBI's E-utilities: recorded responses plus format-faithful synthetic ones.

The server runs http.server in a thread on 127.0.0.1 (port 0); a test gives it a ``route`` function
(utility, params) -> (status, body) and reads back every request it received, with its time.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from tests.conftest import SHARED

ENTREZ = SHARED / "fixtures" / "entrez"
PUBMED_XML = SHARED / "fixtures" / "imports" / "pubmed-xml"
ESEARCH_DOCTYPE = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch '
    '20060628//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)
PUBMED_HEAD = (
    '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January '
    '2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n'
)
PUBMED_TAIL = "</PubmedArticleSet>\n"
_ARTICLE = re.compile(r"<PubmedArticle>.*?</PubmedArticle>", re.S)

Route = Callable[[str, dict[str, str]], tuple[int, bytes]]


def recorded(name: str) -> bytes:
    """Return a recorded E-utilities response from the shared fixtures."""
    return (ENTREZ / name).read_bytes()


def fixture_articles() -> list[str]:
    """Return the <PubmedArticle> elements of the shared efetch recordings (4 real records)."""
    articles: list[str] = []
    for path in sorted(PUBMED_XML.glob("*.xml")):
        articles += _ARTICLE.findall(path.read_text(encoding="utf-8"))
    return articles


def article_with_pmid(template: str, pmid: str) -> str:
    """Return a copy of a real article carrying a fresh PMID (and DOI), so copies are distinct records."""
    first_pmid = re.search(r"<PMID[^>]*>(\d+)</PMID>", template).group(1)  # type: ignore[union-attr]
    text = template.replace(f">{first_pmid}</PMID>", f">{pmid}</PMID>", 1)
    text = text.replace(
        f'<ArticleId IdType="pubmed">{first_pmid}</ArticleId>', f'<ArticleId IdType="pubmed">{pmid}</ArticleId>'
    )
    text = re.sub(r'(IdType="doi">)([^<]+)(<)', lambda m: f"{m.group(1)}{m.group(2)}.{pmid}{m.group(3)}", text)
    text = re.sub(r'(EIdType="doi"[^>]*>)([^<]+)(<)', lambda m: f"{m.group(1)}{m.group(2)}.{pmid}{m.group(3)}", text)
    return re.sub(r"(<ArticleTitle>)", rf"\1[{pmid}] ", text, count=1)


def pubmed_xml(pmids: list[str]) -> bytes:
    """Return an efetch answer (PubMed XML) holding one article per PMID, made from the real records."""
    templates = fixture_articles()
    body = "".join(article_with_pmid(templates[i % len(templates)], p) for i, p in enumerate(pmids))
    return (PUBMED_HEAD + body + PUBMED_TAIL).encode("utf-8")


def esearch_xml(
    count: int, ids: list[str] | None = None, *, webenv: str = "MCID_local", query_key: str = "1", translation: str = ""
) -> bytes:
    """Return an ESearch answer in NCBI's format (DOCTYPE and element order as in the recordings)."""
    id_list = "".join(f"<Id>{i}</Id>\n" for i in ids or [])
    history = f"<QueryKey>{query_key}</QueryKey><WebEnv>{webenv}</WebEnv>" if webenv else ""
    return (
        f"{ESEARCH_DOCTYPE}<eSearchResult><Count>{count}</Count><RetMax>{len(ids or [])}</RetMax>"
        f"<RetStart>0</RetStart>{history}<IdList>\n{id_list}</IdList><TranslationSet/>"
        f"<QueryTranslation>{translation}</QueryTranslation></eSearchResult>"
    ).encode()


@dataclass
class Seen:
    """One request the server received."""

    utility: str
    params: dict[str, str]
    method: str
    at: float = field(default_factory=time.monotonic)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _answer(self, params: dict[str, list[str]]) -> None:
        utility = Path(urlparse(self.path).path).name.removesuffix(".fcgi")
        flat = {k: v[-1] for k, v in params.items()}
        self.server.seen.append(Seen(utility, flat, self.command))
        status, body = self.server.route(utility, flat)
        self.send_response(status)
        self.send_header("Content-Type", "text/xml; charset=UTF-8")
        if status == 429:
            self.send_header("Retry-After", "0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(parse_qs(urlparse(self.path).query))

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        self._answer(parse_qs(self.rfile.read(length).decode("utf-8")))

    def log_message(self, *args: object) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    route: Route
    seen: list[Seen]


class EutilsServer:
    """Start with a route; ``base_url`` points the adapter at it; ``seen`` lists the requests."""

    def __init__(self, route: Route) -> None:
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.route = route
        self.httpd.seen = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/entrez/eutils/"

    @property
    def seen(self) -> list[Seen]:
        return self.httpd.seen

    def calls(self, utility: str) -> list[Seen]:
        return [s for s in self.seen if s.utility == utility]

    def __enter__(self) -> EutilsServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class NoWait:
    """A limiter that never waits, for tests that are not about the rate limit."""

    def wait(self) -> float:
        return time.time()


class FakePubmed:
    """PubMed as E-utilities shows it: a dated set of PMIDs, searchable by publication date, fetchable
    by history (WebEnv naming the date range) or by id; with injectable faults.

    ``statuses``: HTTP statuses the next efetch calls answer (one per call) before answering normally;
    ``truncate``: retstarts whose next efetch answer is cut in the middle of an article;
    ``broken``: retstarts that keep answering HTTP 500 (until removed).
    """

    def __init__(self, count: int, *, per_day: int = 100, first_pmid: int = 30_000_000) -> None:
        from datetime import date, timedelta

        start = date(2015, 1, 1)
        self.items = [(str(first_pmid + i), start + timedelta(days=i // per_day)) for i in range(count)]
        self.statuses: list[int] = []
        self.truncate: set[int] = set()
        self.broken: set[int] = set()
        self.missing: set[str] = set()

    def _select(self, mindate: str | None, maxdate: str | None) -> list[str]:
        from datetime import datetime

        low = datetime.strptime(mindate, "%Y/%m/%d").date() if mindate else None
        high = datetime.strptime(maxdate, "%Y/%m/%d").date() if maxdate else None
        return [p for p, d in self.items if (low is None or d >= low) and (high is None or d <= high)]

    def route(self, utility: str, params: dict[str, str]) -> tuple[int, bytes]:
        if utility == "esearch":
            found = self._select(params.get("mindate"), params.get("maxdate"))
            webenv = f"R|{params.get('mindate', '')}|{params.get('maxdate', '')}" if params.get("usehistory") else ""
            return 200, esearch_xml(len(found), found[: int(params.get("retmax", 20))], webenv=webenv)
        if utility != "efetch":
            return 400, b"<ERROR>unexpected utility</ERROR>"
        if self.statuses:
            return self.statuses.pop(0), b"<ERROR>try later</ERROR>"
        if "id" in params:
            pmids = [p for p in params["id"].split(",") if p not in self.missing]
            return 200, pubmed_xml(pmids)
        retstart = int(params["retstart"])
        if retstart in self.broken:
            return 500, b"<ERROR>backend failure</ERROR>"
        _, low, high = params["WebEnv"].split("|")
        found = self._select(low or None, high or None)[retstart : retstart + int(params["retmax"])]
        body = pubmed_xml(found)
        if retstart in self.truncate:
            self.truncate.discard(retstart)
            return 200, body[: len(body) // 2]
        return 200, body
