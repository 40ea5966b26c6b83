"""Helpers shared by the import tests: files from the shared fixtures and a source to import into."""

from __future__ import annotations

from pathlib import Path

import review.imports.jobs  # noqa: F401  (registers the import job kinds, as review/tasks.py will)
from tests.conftest import SHARED
from tests.factories import SourceFactory

IMPORTS = SHARED / "fixtures" / "imports"


def fixture(relative: str) -> bytes:
    """Return the bytes of a shared import fixture, e.g. ``scopus-ris/synthesisr_Scopus_ris_example.ris``."""
    return (IMPORTS / relative).read_bytes()


def fixture_path(relative: str) -> Path:
    return IMPORTS / relative


def source_for(review, name: str = "Embase"):
    """Return a database source of ``review``."""
    return SourceFactory(review=review, name=name)


RIS_TWO = (
    "TY  - JOUR\nTI  - Menatetrenone and fracture risk\nAU  - Shiraki, M.\nPY  - 2000\nDO  - 10.1000/abc1\n"
    "JO  - J Bone Miner Res\nER  - \n\nTY  - JOUR\nTI  - Vitamin K2 in osteoporosis\nAU  - Orimo, H.\n"
    "PY  - 2001\nDO  - 10.1000/abc2\nER  - \n"
)
