"""Benchmark: import 100,000 records (RIS and PubMed XML) into SQLite and PostgreSQL with record_import.

    .venv/bin/python bench/import.py [--records 100000] [--no-postgres]

The files are made by replicating the real records of the shared fixtures with fresh identifiers (DOI,
PMID, title suffix). Each import runs in a child process (fresh database, migrated first) so its peak memory
(VmHWM) is its own; the time covers parsing and writing (record_import), not migrations. Beside the wall
time each run reports the CPU seconds of the importing process and of its parse workers, the peak memory of
each (the largest worker's), and the load average, since figures from a busy machine mean little. rispy
parsing the same RIS file alone is timed as the floor. The last line of output is one JSON object with the
figures.
Goal (DESIGN.md): 100,000 records in 30 s or less, peak memory under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHARED_DIR", REPO.parent / "shared"))
FIXTURES = SHARED / "fixtures" / "imports"
RIS_SOURCES = [
    "scopus-ris/synthesisr_Scopus_ris_example.ris",
    "embase-ris/asreview_embase.ris",
    "wos-ris/cff_baseline_webofscience.ris",
    "cinahl-ris/cff_baseline_cinahl.ris",
    "ovid-ris/cff_baseline_eric_ovid.ris",
    "proquest-ris/asreview_proquest.ris",
]
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "bench_import"
GOAL_SECONDS = 30.0
GOAL_MEMORY_MB = 1024.0


# ---- the files ------------------------------------------------------------------------------------


def ris_templates() -> list[str]:
    """Return the real RIS records of the fixtures (each ending with its ER line)."""
    records = []
    for name in RIS_SOURCES:
        text = (FIXTURES / name).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        for chunk in re.split(r"(?m)^ER  -.*$", text):
            start = chunk.find("TY  -")
            if start >= 0:
                records.append(chunk[start:].rstrip("\n"))
    return records


def make_ris(count: int, path: Path) -> None:
    """Write ``count`` RIS records: real records with a fresh DOI and a numbered title."""
    templates = ris_templates()
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            record = templates[i % len(templates)]
            record = re.sub(r"(?m)^(DO  - ).*$", "", record)
            record = re.sub(r"(?m)^(T1|TI)  - ", rf"\1  - [{i}] ", record, count=1)
            out.write(f"{record}\nDO  - 10.99999/bench.{i}\nER  - \n\n")


def pubmed_templates() -> list[str]:
    articles = []
    for path in sorted((FIXTURES / "pubmed-xml").glob("*.xml")):
        articles += re.findall(r"<PubmedArticle>.*?</PubmedArticle>", path.read_text(encoding="utf-8"), re.S)
    return articles


def make_pubmed_xml(count: int, path: Path) -> None:
    """Write ``count`` PubMed articles: the real efetch records with fresh PMIDs and DOIs."""
    templates = []
    for article in pubmed_templates():
        pmid = re.search(r"<PMID[^>]*>(\d+)</PMID>", article).group(1)  # type: ignore[union-attr]
        article = article.replace(f">{pmid}</PMID>", ">{PMID}</PMID>", 1)
        article = article.replace(f'IdType="pubmed">{pmid}<', 'IdType="pubmed">{PMID}<')
        article = re.sub(r'(IdType="doi">)([^<]+)<', r"\g<1>\g<2>.{PMID}<", article)
        article = article.replace("<ArticleTitle>", "<ArticleTitle>[{PMID}] ", 1)
        templates.append(article)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" ?>\n<PubmedArticleSet>\n')
        for i in range(count):
            out.write(templates[i % len(templates)].replace("{PMID}", str(40_000_000 + i)) + "\n")
        out.write("</PubmedArticleSet>\n")


# ---- one import, in a child process ---------------------------------------------------------------


def child(path: str, fmt: str) -> None:
    """Migrate the configured database, import ``path`` and print one JSON line of figures."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from review.imports.editing import source_create
    from review.imports.services import record_import
    from review.models import Record
    from review.services import review_create

    user = get_user_model().objects.create_user("bench", "bench@example.org", "bench-pass-123")
    review = review_create(user=user, title="Import benchmark")
    source = source_create(review=review, user=user, name="Bench")
    data = Path(path).read_bytes()
    marks: dict[str, float] = {}

    def progress(done: int, total: int, message: str) -> None:
        if message.startswith("Saving") and "parsed" not in marks:
            marks["parsed"] = time.perf_counter()

    cpu_start, children_start = time.process_time(), _children_cpu()
    start = time.perf_counter()
    batch = record_import(source=source, user=user, data=data, filename=Path(path).name, format=fmt, progress=progress)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    workers_cpu_seconds = _children_cpu() - children_start
    stored = Record.objects.filter(batch=batch).count()
    batch.refresh_from_db()
    worker_mb = batch.state.get("parse_worker_peak_mb")
    peak_mb = peak_rss_mb()
    print(
        json.dumps(
            {
                "records": stored,
                "seconds": round(seconds, 2),
                "cpu_seconds": round(cpu_seconds, 2),
                "parse_workers_cpu_seconds": round(workers_cpu_seconds, 2),
                "parse_seconds": round(marks.get("parsed", start) - start, 2),
                "records_per_s": round(stored / seconds),
                "peak_mb": round(peak_mb),
                "parse_worker_peak_mb": worker_mb,
                "file_mb": round(len(data) / 1e6, 1),
                "load_average_1min": round(os.getloadavg()[0], 1),
            }
        )
    )


def _children_cpu() -> float:
    """Return the CPU seconds (user + system) of this process's finished children: the parse workers."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """Return this process's peak resident memory in MB.

    VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec, so a child would report its parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rispy_child(path: str) -> None:
    """Time rispy alone on the RIS file (the floor) and print one JSON line."""
    import rispy

    text = Path(path).read_text(encoding="utf-8")
    cpu, start = time.process_time(), time.perf_counter()
    entries = rispy.loads(text)
    print(
        json.dumps(
            {
                "records": len(entries),
                "seconds": round(time.perf_counter() - start, 2),
                "cpu_seconds": round(time.process_time() - cpu, 2),
                "peak_mb": round(peak_rss_mb()),
            }
        )
    )


def run_child(path: Path, fmt: str, env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path), fmt],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_env(var_dir: Path, database_url: str = "") -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "VAR_DIR": str(var_dir),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "IMPORT_MAX_FILE_BYTES": str(2 * 1024**3),
        "IMPORT_MAX_RECORDS": "1000000",
        "SECRET_KEY": "bench-only-secret-key",
        "DEBUG": "0",
        "PYTHONPATH": str(REPO),
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


# ---- PostgreSQL -----------------------------------------------------------------------------------


def pg_admin(sql: str) -> str | None:
    """Run one statement on the server's postgres database; return an error text or None."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql)
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]
    return None


def postgres_runs(files: dict[str, Path], var_dir: Path) -> dict[str, object]:
    error = pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
    if error:
        return {"skipped": f"PostgreSQL unavailable at {PG_ADMIN_URL}: {error}"}
    results: dict[str, object] = {}
    url = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
    for fmt, path in files.items():
        pg_admin(f"CREATE DATABASE {PG_BENCH_DB}")
        try:
            results[fmt] = run_child(path, fmt, child_env(var_dir / f"pg-{fmt}", url))
        finally:
            pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
    return results


# ---- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("FILE", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path, fmt = args.child
        rispy_child(path) if fmt == "rispy" else child(path, fmt)
        return
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        tmp_dir = Path(tmp)
        files = {"ris": tmp_dir / "records.ris", "pubmed-xml": tmp_dir / "records.xml"}
        make_ris(args.records, files["ris"])
        make_pubmed_xml(args.records, files["pubmed-xml"])
        print(
            f"files: RIS {files['ris'].stat().st_size / 1e6:.0f} MB, "
            f"PubMed XML {files['pubmed-xml'].stat().st_size / 1e6:.0f} MB",
            file=sys.stderr,
        )
        floor = run_child(files["ris"], "rispy", child_env(tmp_dir / "rispy"))
        print(f"rispy alone: {floor}", file=sys.stderr)
        sqlite = {}
        for fmt, path in files.items():
            sqlite[fmt] = run_child(path, fmt, child_env(tmp_dir / f"sqlite-{fmt}"))
            print(f"sqlite {fmt}: {sqlite[fmt]}", file=sys.stderr)
        postgres = {"skipped": "--no-postgres"} if args.no_postgres else postgres_runs(files, tmp_dir)
        print(f"postgresql: {postgres}", file=sys.stderr)
    runs = [r for group in (sqlite, postgres) for r in group.values() if isinstance(r, dict) and "seconds" in r]
    expected_runs = 2 if "skipped" in postgres else 4
    ok = len(runs) == expected_runs and all(
        r["seconds"] <= GOAL_SECONDS
        and max(r["peak_mb"], r.get("parse_worker_peak_mb") or 0) < GOAL_MEMORY_MB
        and r["records"] == args.records
        for r in runs
    )
    print(
        json.dumps(
            {
                "records": args.records,
                "goal": {"seconds": GOAL_SECONDS, "peak_mb": GOAL_MEMORY_MB},
                "rispy_alone": floor,
                "sqlite": sqlite,
                "postgresql": postgres,
                "load_average_1min": round(os.getloadavg()[0], 1),
                "meets_goal": ok,
            }
        )
    )


if __name__ == "__main__":
    main()
