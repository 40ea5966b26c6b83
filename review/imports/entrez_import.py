"""PubMed searches and PMID lists imported through Entrez, in resumable steps.

Unlike a file, an Entrez run is many requests long, so it commits one fetched batch at a time together with
how far it got (``ImportBatch.state``: date range and retstart). A failed run resumes from there; records
are keyed by PMID within the batch, so a batch fetched twice is not imported twice.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from review.audit import audit_record
from review.importers.base import ImportFormatError, ParsedRecord
from review.importers.entrez import MAX_PER_SEARCH, EntrezClient, EntrezError, SearchResult
from review.imports.editing import source_create, unique_source_name
from review.imports.writing import Progress, dedup_after_commit, records_write
from review.models import ImportBatch, ImportStatus, Record, Review, Source, SourceKind

FETCH_SIZE = 500
COUNT_TRIES = 2
COUNT_TIMEOUT = 20
TRUNCATED_TRIES = 3
PUBMED_INTERFACE = "PubMed via NCBI E-utilities (Entrez)"
MAX_PMIDS = 100_000
_PMID = re.compile(r"^\d{1,9}$")


def pubmed_count(*, query: str, client: EntrezClient | None = None) -> SearchResult:
    """Return how many records PubMed finds for ``query`` (and its translation), without fetching them."""
    # A page waits for this answer: fewer, shorter tries than a background import.
    return (client or EntrezClient(tries=COUNT_TRIES, timeout=COUNT_TIMEOUT)).esearch(query, usehistory=False)


@transaction.atomic
def pubmed_batch_create(
    *,
    review: Review,
    user: Any,
    query: str,
    hits: int | None = None,
    source_name: str = "PubMed",
    max_records: int | None = None,
    filters: str = "",
) -> ImportBatch:
    """Log a PubMed search as a source of the review and return its (pending) import batch."""
    if not query.strip():
        raise ValidationError({"query": "Type a PubMed query."})
    source = source_create(
        review=review,
        user=user,
        name=unique_source_name(review, source_name),
        kind=SourceKind.DATABASE,
        interface=PUBMED_INTERFACE,
        date_run=date.today(),
        query=query.strip(),
        filters=filters,
        hits_reported=hits,
    )
    state = {
        "kind": "search",
        "query": query.strip(),
        "max": max_records,
        "range": 0,
        "retstart": 0,
        "fetched": 0,
    }
    return ImportBatch.objects.create(
        review=review,
        source=source,
        format="pubmed-xml",
        filename="",
        status=ImportStatus.PENDING,
        state=state,
        created_by=user,
    )


def pmids_parse(text: str) -> list[str]:
    """Return the PMIDs of a pasted list (spaces, commas or lines), in order, without repeats."""
    tokens = [t for t in re.split(r"[\s,;]+", text) if t]
    bad = [t for t in tokens if not _PMID.match(t)]
    if bad:
        raise ValidationError({"pmids": f"These are not PMIDs: {', '.join(bad[:10])}{' ...' if len(bad) > 10 else ''}"})
    if not tokens:
        raise ValidationError({"pmids": "Paste at least one PMID."})
    if len(tokens) > MAX_PMIDS:
        raise ValidationError({"pmids": f"At most {MAX_PMIDS:,} PMIDs at a time."})
    return list(dict.fromkeys(tokens))


@transaction.atomic
def pmid_batch_create(*, source: Source, user: Any, pmids: list[str]) -> ImportBatch:
    """Return a pending batch that imports the given PMIDs into ``source``."""
    state = {"kind": "ids", "pmids": pmids, "retstart": 0, "fetched": 0}
    return ImportBatch.objects.create(
        review=source.review,
        source=source,
        format="pubmed-xml",
        filename=f"{len(pmids)} PMIDs",
        status=ImportStatus.PENDING,
        state=state,
        created_by=user,
    )


def entrez_batch_run(
    *,
    batch_id: int,
    user: Any,
    client: EntrezClient | None = None,
    progress: Progress | None = None,
    fetch_size: int = FETCH_SIZE,
) -> ImportBatch:
    """Run (or resume) an Entrez batch to the end; return it. A failure keeps what was committed."""
    runnable = {ImportStatus.PENDING, ImportStatus.RUNNING, ImportStatus.FAILED}
    if not ImportBatch.objects.filter(pk=batch_id, status__in=runnable).update(status=ImportStatus.RUNNING):
        return ImportBatch.objects.get(pk=batch_id)
    batch = ImportBatch.objects.select_related("source", "review").get(pk=batch_id)
    client = client or EntrezClient()
    try:
        if batch.state.get("kind") == "ids":
            _run_ids(batch, client, progress, fetch_size)
        else:
            _run_search(batch, client, progress, fetch_size)
    except (EntrezError, ImportFormatError) as exc:
        ImportBatch.objects.filter(pk=batch_id).update(status=ImportStatus.FAILED, error=str(exc))
        raise
    with transaction.atomic():
        batch.status, batch.error = ImportStatus.DONE, ""
        batch.save(update_fields=["status", "error"])
        audit_record(
            actor=user,
            action="import.pubmed",
            obj=batch,
            review=batch.review,
            after={
                "source": batch.source.name,
                "query": batch.state.get("query", ""),
                "records": batch.records_imported,
            },
        )
        dedup_after_commit(review=batch.review, user=user)
    return batch


def _run_search(batch: ImportBatch, client: EntrezClient, progress: Progress | None, fetch_size: int) -> None:
    state = batch.state
    if "ranges" not in state:
        _plan(batch, client)
    ranges, limit = state["ranges"], state.get("max")
    while state["range"] < len(ranges) and (limit is None or state["fetched"] < limit):
        mindate, maxdate, _ = ranges[state["range"]]
        search = client.esearch(state["query"], mindate=mindate, maxdate=maxdate)  # a fresh WebEnv each time
        end = min(search.count, MAX_PER_SEARCH)
        while state["retstart"] < end and (limit is None or state["fetched"] < limit):
            left = end - state["retstart"] if limit is None else limit - state["fetched"]
            size = min(fetch_size, end - state["retstart"], left)
            records = _fetch(
                lambda s=search, n=size: client.efetch_history(
                    webenv=s.webenv, query_key=s.query_key, retstart=state["retstart"], retmax=n
                )
            )
            _commit_chunk(batch, records, size)
            if progress:
                progress(state["fetched"], state["planned"], _fetched(state["fetched"], state["planned"]))
        state["range"], state["retstart"] = state["range"] + 1, 0
        ImportBatch.objects.filter(pk=batch.pk).update(state=state)


def _plan(batch: ImportBatch, client: EntrezClient) -> None:
    """Count the hits, split them into date ranges PubMed can hand out, and note any shortfall."""
    state = batch.state
    first = client.esearch(state["query"], usehistory=False)
    ranges = client.date_ranges(state["query"], first.count)
    reachable = sum(min(r.count, MAX_PER_SEARCH) for r in ranges)
    notes = [{"kind": "warning", "message": f"PubMed: {w}"} for w in first.warnings]
    if reachable < first.count:
        notes.append(
            {
                "kind": "warning",
                "message": f"PubMed reported {first.count:,} hits but only {reachable:,} "
                "could be fetched by publication date (a single day over 9,999, or records without a date).",
            }
        )
    state.update(
        ranges=[[r.mindate, r.maxdate, r.count] for r in ranges],
        count=first.count,
        translation=first.translation,
        planned=min(reachable, state["max"]) if state.get("max") else reachable,
    )
    batch.warnings = [*batch.warnings, *notes]
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).update(state=state, warnings=batch.warnings)
        Source.objects.filter(pk=batch.source_id).update(hits_reported=first.count)
    batch.source.hits_reported = first.count


def _run_ids(batch: ImportBatch, client: EntrezClient, progress: Progress | None, fetch_size: int) -> None:
    state = batch.state
    pmids = state["pmids"]
    state.setdefault("planned", len(pmids))
    while state["retstart"] < len(pmids):
        chunk = pmids[state["retstart"] : state["retstart"] + fetch_size]
        records = _fetch(lambda c=chunk: client.efetch_ids(c))
        missing = sorted(set(chunk) - {r.pmid for r in records})
        notes = [f"PMIDs not found in PubMed: {', '.join(missing)}"] if missing else []
        _commit_chunk(batch, records, len(chunk), notes)
        if progress:
            progress(state["fetched"], len(pmids), _fetched(state["fetched"], len(pmids)))


def _fetched(done: int, total: int) -> str:
    return f"Fetched {done:,} of {total:,} records from PubMed"


def _fetch(request: Any) -> list[ParsedRecord]:
    """Fetch and parse one batch, fetching again when the XML arrives cut short."""
    from review.importers import parse_bytes

    for attempt in range(1, TRUNCATED_TRIES + 1):
        data = request()
        try:
            return parse_bytes(data, format="pubmed-xml", encoding="utf-8", filename="PubMed efetch").records
        except ImportFormatError as exc:
            if attempt == TRUNCATED_TRIES:
                raise EntrezError(f"PubMed sent an unreadable batch {TRUNCATED_TRIES} times: {exc}") from exc
    raise AssertionError("unreachable")


def _commit_chunk(
    batch: ImportBatch, records: list[ParsedRecord], advance: int, notes: list[str] | None = None
) -> None:
    """Write the records not already in the batch (by PMID) and move retstart on, in one transaction."""
    state = batch.state
    with transaction.atomic():
        pmids = [r.pmid for r in records if r.pmid]
        known = set(Record.objects.filter(batch=batch, pmid__in=pmids).values_list("pmid", flat=True))
        fresh = []
        for record in records:
            if record.pmid and record.pmid in known:
                continue
            known.add(record.pmid)
            fresh.append(record)
        cut = records_write(batch=batch, records=fresh, start_position=batch.records_imported)
        batch.records_imported += len(fresh)
        state["retstart"] += advance
        state["fetched"] += advance
        batch.warnings = [
            *batch.warnings,
            *({"kind": "warning", "message": m} for m in [*(notes or []), *cut]),
        ]
        batch.save(update_fields=["records_imported", "state", "warnings"])
