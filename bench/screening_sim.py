"""Simulated prioritised screening on a labelled CSV, with the product's own prioritisation.

    python bench/screening_sim.py FILE.csv [--peer]

Featurises, fits, scores and orders the queue with the functions the retrain job and the screening
queue use (``screening.prioritisation``), with their defaults (model, refit schedule, random share);
nothing is tuned per set. One relevant and one irrelevant prior record per seed (drawn as
``asreview simulate --prior-seed`` draws them), seeds 0-4, priors left out of the metrics. The last
line is one JSON object; fractions are in 0-1 and medians over the seeds. ``stop_estimate_error`` is
the product's estimate of relevant records remaining minus the truth, when 95% had been found.
``retrain_10k_seconds`` and ``retrain_10k_cpu_seconds`` time each step of one retrain (featurise, fit,
score, write) on the file's records repeated to 10,000 with 1,000 labelled.
``--peer`` runs ASReview LAB 3.0.8 (``asreview simulate``, default AI, same priors and seeds) from its
own virtual environment (``ASREVIEW_VENV``, default /tmp/asreview-venv, created if missing) and prints
its figures beside ours; its project files are kept in ``ASREVIEW_CACHE`` (default /tmp/asreview-peer)
so a second run reuses them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screening.prioritisation.features import (  # noqa: E402
    featurise,
    matrix_from_bytes,
    matrix_to_bytes,
    record_text,
)
from screening.prioritisation.model import fit, score  # noqa: E402
from screening.prioritisation.ordering import rank  # noqa: E402
from screening.prioritisation.simulation import prior_rows, simulate  # noqa: E402
from screening.prioritisation.stopping import stopping_estimate  # noqa: E402

SEEDS = range(5)
RECALL_TARGET = 0.95
SCALE_RECORDS = 10_000
PEER_VERSION = "3.0.8"
PEER_VENV = Path(os.environ.get("ASREVIEW_VENV", "/tmp/asreview-venv"))
PEER_CACHE = Path(os.environ.get("ASREVIEW_CACHE", "/tmp/asreview-peer"))


def load(path: Path) -> tuple[list[str], np.ndarray]:
    """Return the texts and labels of a labelled CSV (label in ``label_included`` or ``included``)."""
    frame = pd.read_csv(path)
    column = "label_included" if "label_included" in frame else "included"
    if column not in frame:
        raise SystemExit(f"{path}: no label column (label_included or included)")
    titles = frame.get("title", pd.Series([""] * len(frame))).fillna("").astype(str)
    abstracts = frame.get("abstract", pd.Series([""] * len(frame))).fillna("").astype(str)
    texts = [record_text(t, a) for t, a in zip(titles, abstracts, strict=True)]
    return texts, frame[column].fillna(0).astype(int).to_numpy().astype(bool)


def order_metrics(screened_labels: np.ndarray, total_after_priors: int) -> dict[str, float | int]:
    """Return WSS@95 (Cohen 2006), recall after 10% screened and the count screened to reach 95%."""
    relevant = int(screened_labels.sum())
    found = np.cumsum(screened_labels)
    n95 = int(np.argmax(found >= RECALL_TARGET * relevant)) + 1
    tenth = int(0.1 * total_after_priors)
    recall_10 = float(found[min(tenth, len(found)) - 1] / relevant) if tenth else 0.0
    return {
        "wss95": (total_after_priors - n95) / total_after_priors - (1 - RECALL_TARGET),
        "recall_at_10pct": recall_10,
        "n95": n95,
    }


def stop_error(labels: np.ndarray, priors: tuple[int, int], order: np.ndarray, n95: int) -> tuple[float, bool]:
    """Return the estimate of relevant records left minus the truth at the 95% point, and coverage."""
    in_order = np.concatenate([labels[list(priors)], labels[order[:n95]]])
    estimate = stopping_estimate(in_order, len(labels))
    truth = int(labels.sum() - in_order.sum())
    assert estimate.remaining is not None
    covered = estimate.remaining_low <= truth <= estimate.remaining_high  # type: ignore[operator]
    return estimate.remaining - truth, covered


def run_ours(texts: list[str], labels: np.ndarray) -> dict[str, object]:
    """Simulate every seed with the product's defaults and return the medians and timings."""
    start = time.perf_counter()
    features = featurise(texts)
    featurise_seconds = time.perf_counter() - start
    runs, errors, covered, fit_seconds, score_seconds, random_picks = [], [], 0, [], [], []
    total = len(labels) - 2
    for seed in SEEDS:
        # Up to the last relevant record, as ASReview stops; the rest is irrelevant whatever its order.
        run = simulate(features, labels, seed=seed, stop_after_last_relevant=True)
        screened = np.zeros(total, dtype=bool)
        screened[: len(run.order)] = labels[run.order]
        metrics = order_metrics(screened, total)
        error, ok = stop_error(labels, run.priors, run.order, int(metrics["n95"]))
        runs.append(metrics)
        errors.append(error)
        covered += ok
        fit_seconds.extend(run.fit_seconds)
        score_seconds.extend(run.score_seconds)
        random_picks.append(len(run.random_at))
        print(
            f"seed {seed}: wss95 {metrics['wss95']:.3f} recall@10% {metrics['recall_at_10pct']:.3f} "
            f"stop error {error:+.0f} refits {run.fits} random picks {len(run.random_at)}",
            file=sys.stderr,
        )
    return {
        "wss95": round(statistics.median(r["wss95"] for r in runs), 4),
        "recall_at_10pct": round(statistics.median(r["recall_at_10pct"] for r in runs), 4),
        "wss95_per_seed": [round(r["wss95"], 4) for r in runs],
        "stop_estimate_error": statistics.median(errors),
        "stop_interval_covered": f"{covered}/{len(SEEDS)}",
        "seconds_per_retrain": round(statistics.median(np.add(fit_seconds, score_seconds)), 4),
        "seconds_per_retrain_step": {
            "fit": round(statistics.median(fit_seconds), 4),
            "score": round(statistics.median(score_seconds), 4),
        },
        "random_picks": random_picks,
        "featurise_seconds": round(featurise_seconds, 3),
    }


class _Steps:
    """Wall-clock and CPU seconds of each named step (CPU time is steadier on a shared machine)."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def lap(self, step: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.wall[step], self.cpu[step] = wall - self._wall, cpu - self._cpu
        self._wall, self._cpu = wall, cpu


def time_scaled_retrain(texts: list[str], labels: np.ndarray) -> dict[str, dict[str, float]]:
    """Time one retrain's steps on the records repeated to 10,000 (1,000 of them labelled).

    ``total``: a cold retrain (featurise, fit, score, write); ``total_cached``: one that loads the
    review's cached matrix instead of featurising, as every retrain after the first does.
    """
    reps = -(-SCALE_RECORDS // len(texts))
    big_texts = (texts * reps)[:SCALE_RECORDS]
    big_labels = np.tile(labels, reps)[:SCALE_RECORDS]
    rows = np.random.default_rng(0).choice(SCALE_RECORDS, 1000, replace=False)
    steps = _Steps()
    features = featurise(big_texts)
    steps.lap("featurise")
    model = fit(features[rows], big_labels[rows])
    steps.lap("fit")
    assert model is not None
    scores = score(model, features).values
    steps.lap("score")
    # What the job writes (store.ranking_write): the ranking's blobs, ids, scores and the order of the records
    # without a label, into a file here, a row in the product.
    ids = np.arange(SCALE_RECORDS, dtype=np.int64)
    ranked = np.asarray(rank(ids, ids, scores, seed=0), dtype=np.int64)
    unlabelled = ranked[~np.isin(ranked, rows)]
    with tempfile.TemporaryFile() as handle:
        handle.write(ids.tobytes() + scores.astype(np.float32).tobytes() + unlabelled.tobytes())
    steps.lap("write")
    with tempfile.TemporaryDirectory() as folder:
        cached = Path(folder) / "features.npz"
        cached.write_bytes(matrix_to_bytes(features))
        steps.lap("cache_write")
        matrix_from_bytes(cached.read_bytes())
        steps.lap("load_cached_features")
    result = {}
    for name, seconds in (("wall", steps.wall), ("cpu", steps.cpu)):
        seconds["total"] = sum(seconds[k] for k in ("featurise", "fit", "score", "write"))
        seconds["total_cached"] = sum(seconds[k] for k in ("load_cached_features", "fit", "score", "write"))
        result[name] = {key: round(value, 3) for key, value in seconds.items()}
    return result


def peer_project(csv: Path, seed: int) -> Path:
    """Return ASReview's project file for ``seed`` on ``csv``, running ``asreview simulate`` if needed."""
    asreview = PEER_VENV / "bin" / "asreview"
    if not asreview.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(PEER_VENV / "bin" / "pip"), "install", "-q", f"asreview=={PEER_VERSION}"], check=True)
    digest = hashlib.sha256(csv.read_bytes()).hexdigest()[:12]
    name = f"{csv.stem}-{digest}-seed{seed}.asreview"
    project = PEER_CACHE / name
    if project.exists():
        return project
    work = PEER_CACHE / "work"
    work.mkdir(parents=True, exist_ok=True)
    command = [
        str(asreview),
        "simulate",
        str(csv),
        "--n-prior-included",
        "1",
        "--n-prior-excluded",
        "1",
        "--prior-seed",
        str(seed),
        "--seed",
        str(seed),
        "-o",
        str(work / name),
    ]
    print("running:", " ".join(command), file=sys.stderr)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    (work / name).rename(project)
    return project


def peer_order(project: Path) -> tuple[list[int], np.ndarray]:
    """Return the rows ASReview labelled, in order (priors first), from its project's results.db."""
    with tempfile.TemporaryDirectory() as folder:
        with zipfile.ZipFile(project) as archive:
            archive.extract("results.db", folder)
        with sqlite3.connect(Path(folder) / "results.db") as db:
            rows = db.execute(
                "SELECT c.dataset_row, r.label FROM results r JOIN record c ON c.record_id = r.record_id "
                "ORDER BY r.rowid"
            ).fetchall()
    return [int(row) for row, _ in rows], np.asarray([bool(label) for _, label in rows])


def run_peer(csv: Path, labels: np.ndarray) -> dict[str, object]:
    """Run ASReview on every seed and return its medians, scored by the same metric code as ours."""
    runs = []
    for seed in SEEDS:
        rows, _ = peer_order(peer_project(csv, seed))
        if tuple(rows[:2]) != prior_rows(labels, seed):
            print(f"warning: ASReview's priors {rows[:2]} differ from ours {prior_rows(labels, seed)}", file=sys.stderr)
        # ASReview stops after the last relevant record; the rest are irrelevant, so pad with them.
        total = len(labels) - 2
        screened = np.zeros(total, dtype=bool)
        screened[: len(rows) - 2] = labels[rows[2:]]
        runs.append(order_metrics(screened, total))
    return {
        "tool": f"ASReview LAB {PEER_VERSION} (asreview simulate, default AI elas_u4)",
        "wss95": round(statistics.median(r["wss95"] for r in runs), 4),
        "recall_at_10pct": round(statistics.median(r["recall_at_10pct"] for r in runs), 4),
        "wss95_per_seed": [round(r["wss95"], 4) for r in runs],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--peer", action="store_true", help="also run ASReview LAB 3.0.8 on the same file")
    args = parser.parse_args()
    texts, labels = load(args.csv)
    result: dict[str, object] = {"records": len(labels), "included": int(labels.sum())}
    ours = run_ours(texts, labels)
    result.update({key: ours[key] for key in ("wss95", "recall_at_10pct", "stop_estimate_error")})
    result.update({"seeds": len(SEEDS), "seconds_per_retrain": ours["seconds_per_retrain"]})
    for key in ("seconds_per_retrain_step", "wss95_per_seed", "random_picks", "stop_interval_covered"):
        result[key] = ours[key]
    result["featurise_seconds"] = ours["featurise_seconds"]
    scaled = time_scaled_retrain(texts, labels)
    # Per step, on 10,000 records: featurise, fit, score, write (wall-clock and CPU seconds).
    result["retrain_10k_seconds"] = scaled["wall"]
    result["retrain_10k_cpu_seconds"] = scaled["cpu"]
    if args.peer:
        peer = run_peer(args.csv, labels)
        print(
            f"ours: wss95 {result['wss95']} recall@10% {result['recall_at_10pct']} | "
            f"ASReview: wss95 {peer['wss95']} recall@10% {peer['recall_at_10pct']}"
        )
        result["peer"] = peer
    print(json.dumps(result))


if __name__ == "__main__":
    main()
