"""The one door to NCBI's E-utilities: Biopython's Bio.Entrez behind our rate limit, retries and base URL.

Biopython 1.88 writes the E-utilities address into each of ``Entrez.esearch``/``efetch``/``epost`` and
throttles with a module-level timestamp, which only holds inside one process. We therefore keep Biopython's
request builder (``Entrez._build_request``: parameters, GET/POST choice, id joining) and its XML reader
(``Entrez.read``), send the requests to ``settings.NCBI_BASE_URL`` ourselves, and take every request's slot
from a limiter shared by all workers and processes: Redis when ``REDIS_URL`` is set, else a database row.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.client import HTTPException
from typing import Any, Protocol
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

from Bio import Entrez
from django.conf import settings

log = logging.getLogger(__name__)

# NCBI: at most 3 requests/s without an API key, 10 with one. A small margin keeps us clear of 429s.
GAP_WITHOUT_KEY = 0.35
GAP_WITH_KEY = 0.105
# PubMed's E-utilities hand out at most the first 10,000 records of a search (retstart < 10,000).
MAX_PER_SEARCH = 9_999
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
DEFAULT_TRIES = 5
DEFAULT_BACKOFF = 1.0
DEFAULT_TIMEOUT = 120
MAX_RETRY_AFTER = 60.0
FIRST_DATE = date(1700, 1, 1)  # before the oldest PubMed record
LIMITER_KEY = "ncbi-eutils"


class EntrezError(Exception):
    """A request to NCBI failed for good (after retries), or NCBI answered with an error."""


class Limiter(Protocol):
    def wait(self) -> float:
        """Block until this process may send its next request; return the slot it was given."""


class RedisLimiter:
    """Hands out request slots from one Redis key, using Redis's clock so machines need not agree."""

    # Returns the slot and Redis's time (µs, as text: Lua numbers would be cut to integers of 53 bits
    # anyway, but Redis turns Lua numbers into integers); the key holds the next free slot.
    SCRIPT = """
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
    local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
    local slot = math.max(now, nxt)
    redis.call('SET', KEYS[1], string.format('%d', slot + tonumber(ARGV[1])), 'PX', 60000)
    return {string.format('%d', slot), string.format('%d', now)}
    """

    def __init__(self, url: str, gap: float, key: str = LIMITER_KEY) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.gap_us = int(gap * 1_000_000)
        self.key = f"{key}:{self.gap_us}"
        self.script = self.client.register_script(self.SCRIPT)

    def wait(self) -> float:
        slot, now = (int(v) for v in self.script(keys=[self.key], args=[self.gap_us]))
        if slot > now:
            time.sleep((slot - now) / 1_000_000)
        return slot / 1_000_000


class DatabaseLimiter:
    """Hands out request slots from one database row, claimed with a compare-and-set UPDATE."""

    def __init__(self, gap: float, key: str = LIMITER_KEY) -> None:
        self.gap = gap
        self.key = f"{key}:{int(gap * 1000)}"

    def wait(self) -> float:
        from review.models.records import EntrezThrottle

        while True:
            row, _ = EntrezThrottle.objects.get_or_create(name=self.key)
            now = time.time()
            slot = max(now, row.next_at)
            # Only one process moves next_at from the value it read; the others read again.
            if EntrezThrottle.objects.filter(pk=row.pk, next_at=row.next_at).update(next_at=slot + self.gap):
                break
        if slot > now:
            time.sleep(slot - now)
        return slot


def default_limiter(api_key: str) -> Limiter:
    """Return the shared limiter for the configured services and the rate NCBI allows."""
    gap = GAP_WITH_KEY if api_key else GAP_WITHOUT_KEY
    redis_url = getattr(settings, "REDIS_URL", "")
    return RedisLimiter(redis_url, gap) if redis_url else DatabaseLimiter(gap)


@dataclass(frozen=True)
class SearchResult:
    """What ESearch reported: the hit count, the history-server keys and the first ids."""

    count: int
    webenv: str = ""
    query_key: str = ""
    ids: list[str] = field(default_factory=list)
    translation: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DateRange:
    """A publication-date slice of a search (None: unbounded) and its hit count."""

    mindate: str | None
    maxdate: str | None
    count: int


class EntrezClient:
    """Calls E-utilities with NCBI's identification, the shared rate limit and retries with backoff."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        email: str | None = None,
        tool: str | None = None,
        api_key: str | None = None,
        limiter: Limiter | None = None,
        tries: int | None = None,
        backoff: float | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        base = base_url if base_url is not None else settings.NCBI_BASE_URL
        self.base_url = base if base.endswith("/") else base + "/"
        self.email = email if email is not None else settings.NCBI_EMAIL
        self.tool = tool if tool is not None else settings.NCBI_TOOL
        self.api_key = api_key if api_key is not None else settings.NCBI_API_KEY
        self.limiter = limiter or default_limiter(self.api_key)
        self.tries = tries if tries is not None else getattr(settings, "NCBI_RETRY_TRIES", DEFAULT_TRIES)
        self.backoff = backoff if backoff is not None else getattr(settings, "NCBI_RETRY_BACKOFF", DEFAULT_BACKOFF)
        self.timeout, self.sleep = timeout, sleep

    # -- the utilities -------------------------------------------------------------------------------

    def esearch(
        self,
        term: str,
        *,
        retmax: int = 0,
        retstart: int = 0,
        usehistory: bool = True,
        mindate: str | None = None,
        maxdate: str | None = None,
    ) -> SearchResult:
        """Run ESearch on PubMed (optionally within publication dates) and return its result."""
        params: dict[str, Any] = {"db": "pubmed", "term": term, "retmax": retmax, "retstart": retstart}
        if usehistory:
            params["usehistory"] = "y"
        if mindate or maxdate:
            params.update(
                datetype="pdat",
                mindate=mindate or FIRST_DATE.strftime("%Y/%m/%d"),
                maxdate=maxdate or _far_future(),
            )
        record = self._read(self._call("esearch", params))
        errors = record.get("ErrorList") or {}
        messages = [f"{k}: {', '.join(v)}" for k, v in errors.items() if v]
        if "ERROR" in record:
            raise EntrezError(f"PubMed refused the search: {record['ERROR']}")
        notes = record.get("WarningList") or {}
        messages += [f"{k}: {', '.join(v)}" for k, v in notes.items() if v]
        return SearchResult(
            count=int(record.get("Count", 0)),
            webenv=str(record.get("WebEnv", "")),
            query_key=str(record.get("QueryKey", "")),
            ids=[str(i) for i in record.get("IdList", [])],
            translation=str(record.get("QueryTranslation", "")),
            warnings=messages,
        )

    def epost(self, ids: list[str]) -> tuple[str, str]:
        """Store ``ids`` on the history server; return (WebEnv, query_key)."""
        record = self._read(self._call("epost", {"db": "pubmed", "id": ",".join(ids)}, post=True))
        return str(record["WebEnv"]), str(record["QueryKey"])

    def efetch_history(self, *, webenv: str, query_key: str, retstart: int, retmax: int) -> bytes:
        """Fetch one batch of a stored search as PubMed XML."""
        params = {
            "db": "pubmed",
            "WebEnv": webenv,
            "query_key": query_key,
            "retstart": retstart,
            "retmax": retmax,
            "retmode": "xml",
        }
        return self._call("efetch", params, post=True)

    def efetch_ids(self, ids: list[str]) -> bytes:
        """Fetch the records of ``ids`` as PubMed XML."""
        return self._call("efetch", {"db": "pubmed", "id": ",".join(ids), "retmode": "xml"}, post=True)

    def date_ranges(
        self, term: str, total: int, *, limit: int = MAX_PER_SEARCH, today: date | None = None
    ) -> list[DateRange]:
        """Split a search into publication-date ranges of at most ``limit`` hits each (bisecting days).

        A search within the limit is one unbounded range. A single day over the limit cannot be split
        further and stays as it is (the caller fetches its first ``limit`` records and says so).
        """
        if total <= limit:
            return [DateRange(None, None, total)]
        last = (today or date.today()) + timedelta(days=3 * 366)  # e-pub ahead of print carries future dates
        pending = [(FIRST_DATE, last, total)]
        ranges: list[DateRange] = []
        while pending:
            start, end, count = pending.pop()
            if count <= limit or start == end:
                if count:
                    ranges.append(DateRange(_fmt(start), _fmt(end), count))
                continue
            middle = start + (end - start) // 2
            for low, high in ((middle + timedelta(days=1), end), (start, middle)):
                found = self.esearch(term, usehistory=False, mindate=_fmt(low), maxdate=_fmt(high)).count
                pending.append((low, high, found))
        return sorted(ranges, key=lambda r: r.mindate or "")

    # -- transport -----------------------------------------------------------------------------------

    def _call(self, utility: str, params: dict[str, Any], post: bool = False) -> bytes:
        """Send one request (waiting for a slot, retrying 429/5xx and network errors); return the body."""
        params = {**params, "tool": self.tool, "email": self.email or None, "api_key": self.api_key or None}
        request = Entrez._build_request(f"{self.base_url}{utility}.fcgi", params, post=post or None)
        for attempt in range(1, self.tries + 1):
            self.limiter.wait()
            try:
                with urlopen(request, timeout=self.timeout) as response:
                    return response.read()
            except HTTPError as exc:
                if exc.code not in RETRYABLE_STATUS:
                    raise EntrezError(f"NCBI {utility} answered HTTP {exc.code}: {_body(exc)}") from exc
                reason = f"HTTP {exc.code}"
                wait = _retry_after(exc) or self.backoff * 2 ** (attempt - 1)
            except (URLError, HTTPException, TimeoutError, ConnectionError) as exc:
                reason, wait = f"{type(exc).__name__}: {exc}", self.backoff * 2 ** (attempt - 1)
            if attempt == self.tries:
                raise EntrezError(f"NCBI {utility} failed {self.tries} times; last: {reason}")
            log.warning("NCBI %s: %s; retry %d in %.1fs", utility, reason, attempt, wait)
            self.sleep(wait)
        raise AssertionError("unreachable")

    @staticmethod
    def _read(data: bytes) -> Any:
        try:
            return Entrez.read(io.BytesIO(data))
        except RuntimeError as exc:  # Bio.Entrez raises RuntimeError for NCBI's <ERROR> answers
            raise EntrezError(f"NCBI answered with an error: {exc}") from exc
        except (
            Entrez.Parser.ValidationError,
            Entrez.Parser.NotXMLError,
            Entrez.Parser.CorruptedXMLError,
        ) as exc:
            raise EntrezError(f"NCBI's answer was not understood: {exc}") from exc


def _fmt(day: date) -> str:
    return day.strftime("%Y/%m/%d")


def _far_future() -> str:
    return _fmt(date.today() + timedelta(days=3 * 366))


def _retry_after(exc: HTTPError) -> float | None:
    value = exc.headers.get("Retry-After") if exc.headers else None
    try:
        return min(float(value), MAX_RETRY_AFTER) if value else None
    except ValueError:
        return None


def _body(exc: HTTPError) -> str:
    try:
        return exc.read(300).decode("utf-8", "replace").strip()
    except (OSError, HTTPException):
        return ""
