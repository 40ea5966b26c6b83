"""Where the real export fixtures are, and small readers that pick expected values from the files themselves."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import SHARED

FIXTURES = SHARED / "fixtures" / "imports"


def path(name: str) -> Path:
    """Return the path of a fixture given as "<folder>/<file>"."""
    return FIXTURES / name


def data(name: str) -> bytes:
    """Return the bytes of a fixture."""
    return path(name).read_bytes()


def text(name: str, encoding: str = "utf-8-sig") -> str:
    """Return the text of a fixture with line endings normalised."""
    return data(name).decode(encoding).replace("\r\n", "\n")


def tag_values(name: str, pattern: str) -> list[str]:
    """Return the first group of every line of the fixture matching the (multiline) pattern."""
    return re.findall(pattern, text(name), flags=re.MULTILINE)


def provenance_counts() -> dict[str, int]:
    """Return {"folder/file": record count} from the table in PROVENANCE.md (the documented truth)."""
    counts = {}
    for line in (FIXTURES / "PROVENANCE.md").read_text().splitlines():
        match = re.match(r"^\| `([^`]+)` \|", line)
        if match:
            cells = [cell.strip() for cell in line.split("|")]
            counts[match.group(1)] = int(re.match(r"\d+", cells[5]).group(0))
    return counts
