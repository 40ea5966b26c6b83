"""Differences between two field values as (text, changed) segments, for the template to mark up.

No HTML is built here: imported text is hostile, so the template escapes each segment and wraps
the changed ones in <mark>.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import NamedTuple

_TOKENS = re.compile(r"\s+|[^\s\w]|\w+")


class Segment(NamedTuple):
    text: str
    changed: bool


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


def _key(token: str) -> str:
    # Case and accents alone are not a difference worth marking.
    return token.lower()


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].changed == segment.changed:
            merged[-1] = Segment(merged[-1].text + segment.text, segment.changed)
        else:
            merged.append(segment)
    return merged


def diff_segments(left: str, right: str) -> tuple[list[Segment], list[Segment]]:
    """Return the segments of ``left`` and of ``right``, marking words the other side lacks."""
    a, b = _tokens(left), _tokens(right)
    matcher = SequenceMatcher(None, [_key(t) for t in a], [_key(t) for t in b], autojunk=False)
    out_a: list[Segment] = []
    out_b: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        same = tag == "equal"
        out_a.extend(Segment(t, not same and not t.isspace()) for t in a[i1:i2])
        out_b.extend(Segment(t, not same and not t.isspace()) for t in b[j1:j2])
    return _merge(out_a), _merge(out_b)
