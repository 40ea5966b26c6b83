"""Reading the labeled dedup sets of shared/benchmarks/dedup/ into Record field dicts and the truth.

Kept apart from bench/dedup.py so that both the benchmark and quick experiments read the sets the
same way. Label columns are dropped here and returned only as the truth.
"""

from __future__ import annotations

import csv
import itertools
import re
from pathlib import Path
from typing import Any

from review.dedup.authors import split_author_string

LABEL_COLUMNS = {"label", "source", "in_duplicate_group", "dup_group_id"}
ENCODINGS = ("utf-8-sig", "cp1252")  # ASySD's set is cp1252 (see its PROVENANCE.md)
# CSV column -> Record field; first present column wins.
FIELD_COLUMNS = {
    "title": ("title",),
    "abstract": ("abstract",),
    "year": ("year",),
    "journal": ("journal", "booktitle"),
    "volume": ("volume",),
    "issue": ("number", "issue"),
    "pages": ("pages",),
    "doi": ("doi",),
    "pmid": ("pmid",),
    "issn": ("issn", "isbn"),
}


def _read_csv(path: Path) -> list[dict[str, str]]:
    for encoding in ENCODINGS:
        try:
            with path.open(encoding=encoding, newline="") as handle:
                return list(csv.DictReader(handle))
        except UnicodeDecodeError:
            continue
    raise SystemExit(f"{path}: not readable as {' or '.join(ENCODINGS)}")


def _authors(text: str) -> list[str]:
    names = split_author_string(text)
    if len(names) == 1 and "," not in names[0]:
        # ASySD joins names without a separator: "Adeli K.Lewis G. F." -> two names.
        names = [part.strip() for part in _glued_split(names[0]) if part.strip()]
    return names


def _glued_split(text: str) -> list[str]:
    return re.split(r"(?<=\.)\s*(?=[A-Z][a-z])", text)


def to_record_fields(row: dict[str, str]) -> dict[str, Any]:
    """Return the Record field values of one CSV row (label columns never read)."""
    fields: dict[str, Any] = {}
    for field, columns in FIELD_COLUMNS.items():
        value = next((row[c] for c in columns if (row.get(c) or "").strip()), "")
        fields[field] = value.strip()
    fields["year"] = int(fields["year"][:4]) if fields["year"][:4].isdigit() else None
    fields["authors"] = _authors(row.get("author") or row.get("authors") or "")
    entry_type = (row.get("ENTRYTYPE") or "").strip()
    fields["publication_types"] = [entry_type] if entry_type else []
    return fields


def load_set(folder: Path) -> tuple[list[str], list[dict[str, Any]], dict[str, str]]:
    """Return (record ids, Record field dicts, truth id -> dup_group_id) of one labeled set."""
    ids, cleaned, truth = load_raw(folder)
    return ids, [to_record_fields(row) for row in cleaned], truth


def load_raw(folder: Path) -> tuple[list[str], list[dict[str, str]], dict[str, str]]:
    """Return (record ids, CSV rows without the label columns, truth id -> dup_group_id)."""
    groups = _read_csv(folder / "groups.csv")
    id_column = next(iter(groups[0]))
    truth = {row[id_column]: row["dup_group_id"] for row in groups}
    not_records = {"groups.csv", "merged_record_ids.csv"}
    records_file = next(p for p in sorted(folder.glob("*.csv")) if p.name not in not_records)
    rows = _read_csv(records_file)
    ids = [row[id_column] for row in rows]
    cleaned = [{k: v for k, v in row.items() if k not in LABEL_COLUMNS} for row in rows]
    return ids, cleaned, truth


def pairwise(pred: dict[str, Any], truth: dict[str, str]) -> dict[str, float]:
    """Return pairwise precision, recall and F1 over record pairs sharing a cluster."""

    def pairs(mapping: dict[str, Any]) -> set[tuple[str, str]]:
        clusters: dict[Any, list[str]] = {}
        for record_id, cluster_id in mapping.items():
            clusters.setdefault(cluster_id, []).append(record_id)
        return {tuple(sorted(p)) for m in clusters.values() for p in itertools.combinations(m, 2)}

    predicted = pairs({i: pred.get(i, ("solo", i)) for i in truth})
    true = pairs(truth)
    hits = len(predicted & true)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}
