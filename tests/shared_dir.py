"""Where the project's companion folder ``shared/`` (reference cases, fixtures, benchmarks) is.

In order: the ``SHARED_DIR`` environment variable; the folder beside this repository (the workspace
layout, and CI's); else the folder beside the repository this one was cloned from, so that a clone made
elsewhere (``git clone . $(mktemp -d)``) runs the same tests. No Django import: the statistics tests run
without it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _beside_origin() -> Path | None:
    """Return ``shared/`` beside the local repository ``origin`` points to, if there is one."""
    try:
        found = subprocess.run(
            ["git", "-C", str(REPO), "config", "--get", "remote.origin.url"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    origin = Path(found.stdout.strip()) if found.stdout.strip() else None
    if origin is None or not origin.is_absolute():
        return None  # a remote URL, not a folder on this machine
    candidate = origin.resolve().parent / "shared"
    return candidate if candidate.is_dir() else None


def shared_dir() -> Path:
    """Return the ``shared/`` folder (see the module's docstring); the one beside this repository if none exists."""
    if os.environ.get("SHARED_DIR"):
        return Path(os.environ["SHARED_DIR"])
    beside = REPO.parent / "shared"
    if beside.is_dir():
        return beside
    return _beside_origin() or beside


SHARED = shared_dir()
