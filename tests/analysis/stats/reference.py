"""Shared access to the reference cases in ../shared/reference (beside the repository root)."""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from types import ModuleType
from typing import Any

from tests.shared_dir import shared_dir

SHARED = shared_dir()
CASES_FILE = SHARED / "reference" / "meta_cases.json"
CHECKER_FILE = SHARED / "tools" / "compare_meta.py"


@cache
def cases() -> list[dict[str, Any]]:
    """The cases of meta_cases.json."""
    return list(json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"])


def case(case_id: str) -> dict[str, Any]:
    """One case by id."""
    return next(c for c in cases() if c["id"] == case_id)


@cache
def checker() -> ModuleType:
    """The official checker (shared/tools/compare_meta.py), imported by path."""
    spec = importlib.util.spec_from_file_location("compare_meta", CHECKER_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bcg_rows() -> list[dict[str, Any]]:
    """dat.bcg (wviechtb/metadat), as typed in the reference cases."""
    return [dict(r) for r in case("bcg_rr_iv_dl")["studies"]]
