"""Every case of shared/reference/meta_cases.json, held to the README's tolerance rule.

The expected numbers and their sources (metafor, R meta, Stata metan, statsmodels) are in the case file;
this module only runs the engine and the official checker.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.stats import run_case

from .reference import CASES_FILE, CHECKER_FILE, cases, checker

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("case", cases(), ids=[c["id"] for c in cases()])
def test_case_matches_reference_within_tolerance(case: dict) -> None:
    result = run_case(case)
    assert "error" not in result, result.get("error")
    problems: list[tuple[str, str, str]] = []
    counter = [0]
    checker().walk(case["expected"], result, [], case.get("tolerance", {}), problems, counter)
    assert counter[0] > 0
    assert problems == []


def test_cli_output_passes_the_official_checker(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, "-m", "analysis.stats", str(CASES_FILE), "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    check = subprocess.run(
        [sys.executable, str(CHECKER_FILE), str(CASES_FILE), str(out)], capture_output=True, text=True, timeout=60
    )
    assert check.returncode == 0, check.stdout
    assert f"{len(cases())}/{len(cases())} cases within tolerance" in check.stdout


def test_cli_output_never_contains_nan(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    subprocess.run(
        [sys.executable, "-m", "analysis.stats", str(CASES_FILE), "--out", str(out)], cwd=REPO, check=True, timeout=300
    )

    def walk(value: object) -> None:
        if isinstance(value, float):
            assert math.isfinite(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(json.loads(out.read_text(), parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}")))
