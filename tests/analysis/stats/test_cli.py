"""The case runner from the command line: ``python -m analysis.stats`` and ``manage.py metaanalyze``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .reference import case

REPO = Path(__file__).resolve().parents[3]


def _case_file(tmp_path: Path, cases: list[dict]) -> Path:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"schema_version": 2, "cases": cases}))
    return path


def _bad_cases() -> list[dict]:
    good = case("kacker2004_generic_dl")
    return [
        {**good, "id": "unknown_measure", "measure": "HR"},
        good,
        {**good, "id": "unknown_method", "model": {"tau2_method": "BOGUS"}},
        {
            **case("bcg_rr_iv_dl"),
            "id": "bad_counts",
            "studies": [{**case("bcg_rr_iv_dl")["studies"][0], "events_1": 500}],
        },
    ]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300)


def test_failed_cases_get_an_error_and_the_rest_are_still_written(tmp_path: Path) -> None:
    run = _run([sys.executable, "-m", "analysis.stats", str(_case_file(tmp_path, _bad_cases()))])
    assert run.returncode == 2
    results = {r["id"]: r for r in json.loads(run.stdout)["results"]}
    assert "accepted: OR, RR, RD, PETO_OR, MD, SMD, GENERIC" in results["unknown_measure"]["error"]
    assert "accepted: DL, REML, ML, PM, EB, HE, HS, SJ" in results["unknown_method"]["error"]
    assert "study 'Aronson, 1948': events_1 must not exceed total_1" in results["bad_counts"]["error"]
    assert "error" not in results["kacker2004_generic_dl"]
    assert results["kacker2004_generic_dl"]["tau2"] == pytest.approx(0.288049246973751, rel=1e-9)
    assert "unknown_measure" in run.stderr


def test_a_clean_file_exits_zero_and_writes_out(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    run = _run(
        [sys.executable, "-m", "analysis.stats", str(_case_file(tmp_path, [case("bcg_or_iv_dl")])), "--out", str(out)]
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(out.read_text())["results"][0]["id"] == "bcg_or_iv_dl"


def test_an_unreadable_file_exits_two(tmp_path: Path) -> None:
    run = _run([sys.executable, "-m", "analysis.stats", str(tmp_path / "missing.json")])
    assert run.returncode == 2 and "cannot run" in run.stderr


def test_manage_py_metaanalyze_runs_the_same_cases(tmp_path: Path) -> None:
    """The Django command is a thin wrapper: same results, same exit status 2 on a bad case."""
    run = _run([sys.executable, "manage.py", "metaanalyze", str(_case_file(tmp_path, _bad_cases()))])
    assert run.returncode == 2
    ids = [r["id"] for r in json.loads(run.stdout)["results"]]
    assert ids == ["unknown_measure", "kacker2004_generic_dl", "unknown_method", "bad_counts"]
    assert os.path.exists(REPO / "manage.py")
