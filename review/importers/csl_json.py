"""CSL-JSON (Zotero, Better BibTeX, Mendeley, citeproc tools): an array of items, read with the json module.

Items are decoded one at a time with ``raw_decode`` so each keeps its line and verbatim text. Dates are
``issued.date-parts`` (ints or strings, possibly a two-part range), titles may hold HTML-like markup.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .base import ImportFormatError, ParsedRecord
from .normalise import issn, parse_year, split_values

_DECODER = json.JSONDecoder()


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if isinstance(value, list):
        value = value[0] if value else ""
    return "" if value is None else str(value).strip()


def _author(person: Any) -> str:
    if not isinstance(person, dict):
        return str(person)
    if person.get("literal"):
        return str(person["literal"])
    family = " ".join(str(person.get(k, "")) for k in ("non-dropping-particle", "family") if person.get(k))
    given = str(person.get("given", ""))
    return f"{family}, {given}" if family and given else family or given


def _year(item: dict[str, Any]) -> int | None:
    issued = item.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            return parse_year(str(parts[0][0]))
        return parse_year(str(issued.get("raw") or issued.get("literal") or ""))
    return parse_year(str(issued)) if issued else None


def to_record(item: Any, *, line: int, raw: str) -> ParsedRecord:
    """Map one CSL-JSON item onto a ParsedRecord."""
    record = ParsedRecord(line=line, raw=raw)
    if not isinstance(item, dict):
        record.warnings.append("item is not a JSON object")
        return record
    record.title = _text(item, "title")
    record.abstract = _text(item, "abstract")
    authors = item.get("author")
    record.authors = [_author(a) for a in authors] if isinstance(authors, list) else []
    record.year = _year(item)
    record.journal = _text(item, "container-title")
    record.issn = issn([_text(item, "ISSN")])
    record.volume = _text(item, "volume")
    record.issue = _text(item, "issue")
    record.pages = _text(item, "page").replace("–", "-")
    record.doi = _text(item, "DOI")
    record.pmid = _text(item, "PMID")
    record.pmcid = _text(item, "PMCID")
    keywords = item.get("keyword")
    record.keywords = (
        [str(k) for k in keywords] if isinstance(keywords, list) else split_values(str(keywords or ""), r"[,;]")
    )
    record.language = _text(item, "language")
    record.publication_types = [_text(item, "type")] if item.get("type") else []
    record.url = _text(item, "URL")
    record.source_database = _text(item, "source")
    return record


def _items(text: str, filename: str) -> Iterator[tuple[Any, int, int]]:
    """Yield (item, start offset, end offset) for each element of the top-level array (or the one object)."""
    start = len(text) - len(text.lstrip())
    if text.startswith("{", start):
        item, end = _DECODER.raw_decode(text, start)
        yield from _items_of_object(item, start, end)
        return
    if not text.startswith("[", start):
        raise ImportFormatError("CSL-JSON must be an array of items", filename=filename, line=1)
    index = start + 1
    while True:
        while index < len(text) and text[index] in " \t\n\r,":
            index += 1
        if index >= len(text):
            raise ImportFormatError("CSL-JSON array is not closed", filename=filename, line=text.count("\n") + 1)
        if text[index] == "]":
            return
        item, end = _DECODER.raw_decode(text, index)
        yield item, index, end
        index = end


def _items_of_object(item: Any, start: int, end: int) -> Iterator[tuple[Any, int, int]]:
    if isinstance(item, dict) and isinstance(item.get("items"), list):
        for child in item["items"]:
            yield child, start, end
    else:
        yield item, start, end


def parse(text: str, *, filename: str = "") -> Iterator[ParsedRecord]:
    """Yield the records of a CSL-JSON file."""
    line, counted = 1, 0
    try:
        for item, start, end in _items(text, filename):
            line += text.count("\n", counted, start)
            counted = start
            yield to_record(item, line=line, raw=text[start:end])
    except json.JSONDecodeError as error:
        raise ImportFormatError(f"not valid JSON: {error.msg}", filename=filename, line=error.lineno) from None
