"""Runner for case files in the schema of shared/reference/meta_cases.json (schema_version 2).

``run_cases(document)`` returns ``{"results": [...]}``: one object per case with the case ``id`` and the
keys of its ``expected``, or ``{"id": ..., "error": "<reason>"}`` when the case cannot be run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from .analysis import meta_analysis
from .errors import MetaAnalysisError

CASE_KEYS = {"id", "source", "measure", "data_type", "studies", "model", "expected", "tolerance"}


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    """The result object of one case, or an ``error`` entry naming what was wrong."""
    case_id = case.get("id")
    try:
        unknown = sorted(set(case) - CASE_KEYS)
        if unknown:
            raise MetaAnalysisError(f"unknown case key {unknown[0]!r}; accepted: {', '.join(sorted(CASE_KEYS))}")
        for key in ("measure", "studies"):
            if key not in case:
                raise MetaAnalysisError(f"the case has no {key!r}")
        model = case.get("model") or {}
        if not isinstance(model, dict):
            raise MetaAnalysisError("'model' must be an object")
        result = meta_analysis(case["studies"], case["measure"], model, case.get("data_type"))
        return {"id": case_id, **result.to_dict()}
    except (MetaAnalysisError, ValueError, TypeError, ZeroDivisionError, ArithmeticError) as exc:
        return {"id": case_id, "error": str(exc) or type(exc).__name__}


def run_cases(document: dict[str, Any]) -> dict[str, Any]:
    """Run every case of a case document."""
    cases = document.get("cases")
    if not isinstance(cases, list):
        raise MetaAnalysisError('the case file must be {"cases": [...]}')
    return {
        "results": [
            run_case(c) if isinstance(c, dict) else {"id": None, "error": "a case must be an object"} for c in cases
        ]
    }


def run_file(cases_path: str, out_path: str | None, stdout: TextIO, stderr: TextIO) -> int:
    """Run a case file; write results to ``out_path`` or ``stdout``.  Returns 0, or 2 if any case failed."""
    try:
        document = json.loads(Path(cases_path).read_text(encoding="utf-8"))
        if not isinstance(document, dict):
            raise MetaAnalysisError('the case file must be {"cases": [...]}')
        results = run_cases(document)
    except (OSError, ValueError, MetaAnalysisError) as exc:
        stderr.write(f"cannot run {cases_path}: {exc}\n")
        return 2
    text = json.dumps(results, indent=1, allow_nan=False)
    if out_path:
        Path(out_path).write_text(text + "\n", encoding="utf-8")
    else:
        stdout.write(text + "\n")
    failed = [r for r in results["results"] if "error" in r]
    for r in failed:
        stderr.write(f"case {r['id']}: {r['error']}\n")
    return 2 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """CLI: read CASES.json, write results JSON to --out or stdout; exit 2 if any case failed."""
    parser = argparse.ArgumentParser(prog="python -m analysis.stats", description=__doc__)
    parser.add_argument("cases", help="case file (schema_version 2)")
    parser.add_argument("--out", help="write the results here instead of stdout")
    args = parser.parse_args(argv)
    return run_file(args.cases, args.out, sys.stdout, sys.stderr)
