"""Benchmark of the product's deduplication service on the labeled sets of shared/benchmarks/dedup/.

    python bench/dedup.py FOLDER [--peer]     # one labeled set; --peer also runs bib-dedupe 0.11
    python bench/dedup.py --scale 50000       # time on the shipped sets padded to N records

The records are created through the ORM in a temporary SQLite database (VAR_DIR in a temp dir),
the same detection service as the app runs over them with the default settings, and the groups are
read back; only automatic merges count. The last line printed is one JSON object (DESIGN.md,
"Command-line contracts"); every false merge is listed on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHARED_DIR", REPO.parent / "shared"))
SETS = SHARED / "benchmarks" / "dedup"
PEER_VENV = Path(os.environ.get("BIBDEDUPE_VENV", "/tmp/bibdedupe-venv"))
PEER_PACKAGE = "bib-dedupe==0.11.0"
sys.path[:0] = [str(REPO), str(REPO / "bench"), str(SHARED / "tools")]


def django_setup(var_dir: str) -> None:
    """Point Django at a fresh SQLite database under ``var_dir`` and migrate it."""
    os.environ["VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def run_service(rows: list[dict[str, Any]]) -> tuple[list[int | None], dict[str, Any]]:
    """Create the records through the ORM, run detection; return each row's group id and timings."""
    from django.contrib.auth import get_user_model

    from review.dedup.services import detection_run
    from review.models import ImportBatch, Record, Review, Source

    user = get_user_model().objects.create(username=f"bench-{time.time_ns()}")
    review = Review.objects.create(slug=f"bench-{time.time_ns()}", title="dedup benchmark", created_by=user)
    source = Source.objects.create(review=review, name="benchmark set")
    batch = ImportBatch.objects.create(review=review, source=source, format="csv", status="done")
    started = time.perf_counter()
    Record.objects.bulk_create(
        (Record(review=review, batch=batch, position=i, **row) for i, row in enumerate(rows)), batch_size=2000
    )
    inserted, cpu_before = time.perf_counter(), time.process_time()
    counts = detection_run(review=review)
    done, cpu = time.perf_counter(), time.process_time() - cpu_before
    groups = dict(Record.objects.filter(review=review).values_list("position", "duplicate_group_id"))
    return [groups[i] for i in range(len(rows))], {
        # Wall time counts what a shared machine's other load takes too; CPU time of this process beside it.
        "insert_seconds": round(inserted - started, 2),
        "seconds": round(done - inserted, 2),
        "cpu_seconds": round(cpu, 2),
        "queued_for_review": counts["waiting_for_a_person"],
        "related": counts.get("related", 0),
    }


def report_false_merges(ids: list[str], rows: list[dict[str, Any]], groups: list, truth: dict[str, str]) -> None:
    """List every predicted group mixing true groups on stderr."""
    members: dict[Any, list[int]] = {}
    for index, group in enumerate(groups):
        if group is not None:
            members.setdefault(group, []).append(index)
    for group, indexes in members.items():
        if len({truth[ids[i]] for i in indexes}) > 1:
            print(f"FALSE MERGE in group {group}:", file=sys.stderr)
            for i in indexes:
                row = rows[i]
                print(
                    f"  {ids[i]} [{truth[ids[i]]}] {row['title'][:90]} | {row['journal'][:40]} "
                    f"{row['year']} {row['volume']} {row['pages']}",
                    file=sys.stderr,
                )


def score_prediction(ids: list[str], groups: list, truth: dict[str, str]) -> dict[str, Any]:
    """Return record-level (shared/tools/dedup_score.py) and pairwise figures."""
    from dedup_score import score
    from dedup_sets import pairwise

    pred = {record_id: group for record_id, group in zip(ids, groups, strict=True) if group is not None}
    record_level = score(pred, truth)
    record_level.pop("records", None)
    rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in record_level.items()}
    return {"record_level": rounded, "pairwise": pairwise(pred, truth)}


def ensure_peer() -> Path:
    """Create bib-dedupe's own virtual environment if missing; return its python."""
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", PEER_PACKAGE], check=True)
    return python


PEER_SCRIPT = """
import json, sys, pandas as pd
from bib_dedupe.bib_dedupe import prep, block, match, cluster
df = pd.read_csv(sys.argv[1], dtype=str).fillna("")
matched = match(block(prep(df, verbosity_level=0, cpu=1), verbosity_level=0, cpu=1), verbosity_level=0, cpu=1)
print(json.dumps([sorted(c) for c in cluster(matched, verbosity_level=0)]))
"""


def run_peer(folder: Path, work: Path) -> tuple[dict[str, int], float]:
    """Run bib-dedupe on the same records in its own column layout; return id -> cluster and seconds.

    The set's own columns are passed (label columns dropped, the id column named ``ID`` as
    bib-dedupe expects), so the peer reads exactly what its authors' benchmark reads.
    """
    import csv

    from dedup_sets import load_raw

    ids, rows, _ = load_raw(folder)
    columns = [c for c in rows[0] if c not in {"ID", "record_id"}]
    path = work / "peer_records.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        has_type = "ENTRYTYPE" in columns
        writer.writerow(["ID", *columns, *([] if has_type else ["ENTRYTYPE"])])
        for record_id, row in zip(ids, rows, strict=True):
            writer.writerow([record_id, *(row[c] for c in columns), *([] if has_type else ["article"])])
    started = time.perf_counter()
    out = subprocess.run([str(ensure_peer()), "-c", PEER_SCRIPT, str(path)], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    clusters = json.loads(out.stdout.strip().splitlines()[-1])
    return {record_id: n for n, members in enumerate(clusters) for record_id in members}, seconds


def bench_set(folder: Path, peer: bool) -> dict[str, Any]:
    """Run the service (and optionally the peer) on one labeled set; return the figures."""
    from dedup_sets import load_set

    ids, rows, truth = load_set(folder)
    with tempfile.TemporaryDirectory(prefix="dedup-bench-") as var_dir:
        django_setup(var_dir)
        groups, timing = run_service(rows)
        report_false_merges(ids, rows, groups, truth)
        result = {
            "set": folder.name,
            "records": len(rows),
            "seconds": timing["seconds"],
            "cpu_seconds": timing["cpu_seconds"],
            "insert_seconds": timing["insert_seconds"],
            "queued_for_review": timing["queued_for_review"],
            "related": timing["related"],
            **score_prediction(ids, groups, truth),
        }
        if peer:
            peer_pred, seconds = run_peer(folder, Path(var_dir))
            peer_groups = [peer_pred.get(i) for i in ids]
            result["peer"] = {
                "tool": PEER_PACKAGE,
                "seconds": round(seconds, 2),
                **score_prediction(ids, peer_groups, truth),
            }
    return result


def padding(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Return ``count`` generated records, distinct from each other and from real ones."""
    rng = random.Random(seed)
    words = [
        f"{rng.choice('bcdfghklmnprstvz')}{rng.choice('aeiou')}{rng.choice('lmnrst')}{rng.choice('aeiou')}"
        f"{rng.choice('ckmnrst')}"
        for _ in range(5000)
    ]
    surnames = [w.capitalize() for w in words[:800]]
    return [
        {
            "title": " ".join(rng.choice(words) for _ in range(rng.randint(6, 14))).capitalize(),
            "abstract": " ".join(rng.choice(words) for _ in range(60)),
            "authors": [
                f"{rng.choice(surnames)}, {rng.choice('ABCDEFGHJKLMNPRST')}." for _ in range(rng.randint(1, 6))
            ],
            "year": rng.randint(1990, 2024),
            "journal": f"Journal of {rng.choice(words).capitalize()}",
            "volume": str(rng.randint(1, 80)),
            "issue": str(rng.randint(1, 12)),
            "pages": f"{(start := rng.randint(1, 2000))}-{start + rng.randint(3, 15)}",
            "doi": f"10.9999/pad.{n}",
            "pmid": "",
            "issn": "",
            "publication_types": [],
        }
        for n in range(count)
    ]


def bench_scale(total: int) -> dict[str, Any]:
    """Time the service on every shipped set plus generated records, ``total`` records in all."""
    from dedup_sets import load_set

    rows: list[dict[str, Any]] = []
    for folder in sorted(p for p in SETS.iterdir() if p.is_dir()):
        rows.extend(load_set(folder)[1])
    rows.extend(padding(max(0, total - len(rows))))
    import resource

    with tempfile.TemporaryDirectory(prefix="dedup-scale-") as var_dir:
        django_setup(var_dir)
        _, timing = run_service(rows[:total])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"records": min(total, len(rows)), **timing, "peak_rss_mb": round(peak_mb)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, help="a labeled set laid out as shared/benchmarks/dedup/*")
    parser.add_argument("--peer", action="store_true", help="also run bib-dedupe 0.11 on the same records")
    parser.add_argument("--scale", type=int, help="time the service on this many records")
    args = parser.parse_args()
    if args.scale:
        print(json.dumps(bench_scale(args.scale)))
        return
    if args.folder is None:
        parser.error("give a FOLDER or --scale N")
    print(json.dumps(bench_set(args.folder, args.peer)))


if __name__ == "__main__":
    main()
