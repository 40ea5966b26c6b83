"""Keyword highlighting as (text, kind) segments; the template escapes each piece and wraps matches.

Matching runs on the imported text as it is, and no HTML is produced here: the template
``screening/partials/highlighted.html`` (and the equal one-pass ``highlighted`` filter of
``screening_keys``, which the record panel uses) escapes every segment and wraps only the matched ones in
``<mark>``, so a ``<script>`` in a title stays text and a keyword can never match inside an entity.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

INCLUDE, EXCLUDE = "include", "exclude"


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    # Longest first, so "bone mineral density" wins over "bone"; case-insensitive, and plain
    # substring matching so Chinese text (no spaces between words) is matched too.
    unique = sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)
    if not unique:
        return None
    return re.compile("|".join(re.escape(w) for w in unique), re.IGNORECASE)


def highlight_segments(text: str, include: Iterable[str], exclude: Iterable[str]) -> list[tuple[str, str]]:
    """Split ``text`` into (piece, kind) segments, kind being "include", "exclude" or "" (no match).

    Where an include and an exclude keyword overlap, the longer match wins (exclude on a tie).
    """
    kinds = {w.strip().casefold(): EXCLUDE for w in exclude if w.strip()}
    for word in include:
        if word.strip():
            kinds.setdefault(word.strip().casefold(), INCLUDE)
    pattern = _pattern(kinds)
    if pattern is None or not text:
        return [(text, "")] if text else []
    segments: list[tuple[str, str]] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            segments.append((text[position : match.start()], ""))
        segments.append((match.group(0), kinds.get(match.group(0).casefold(), INCLUDE)))
        position = match.end()
    if position < len(text):
        segments.append((text[position:], ""))
    return segments
