"""Drawing and measuring user text: never parsed as mathtext, with a CJK fallback font when installed."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from matplotlib.textpath import TextToPath

FONT_SIZE = 8.0
BASE_FAMILY = "DejaVu Sans"
# Tried in order after the base font, so that study names in Chinese, Japanese or Korean render
# when Debian's fonts-noto-cjk (or an equivalent) is installed.
FALLBACK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "Droid Sans Fallback")
POINTS_PER_INCH = 72.0


@lru_cache(maxsize=1)
def font_families() -> tuple[str, ...]:
    """Return the font family list used for every text: the base font plus the installed fallbacks.

    Only installed families are listed, because matplotlib warns once per missing family name.
    """
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return (BASE_FAMILY, *(name for name in FALLBACK_FAMILIES if name in installed))


def font(size: float = FONT_SIZE, weight: str = "normal") -> FontProperties:
    """Return the font properties of figure text at ``size`` points."""
    return FontProperties(family=list(font_families()), size=size, weight=weight)


@contextmanager
def quiet_missing_glyphs() -> Iterator[None]:
    """Silence matplotlib's one-warning-per-glyph for characters no installed font has.

    Such characters are drawn as boxes; one warning per glyph would flood logs for a CJK study list.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        warnings.filterwarnings("ignore", message=r"Matplotlib currently does not support", category=UserWarning)
        yield


def put_text(
    ax: Axes, x: float, y: float, text: str, *, size: float = FONT_SIZE, bold: bool = False, **kwargs: Any
) -> Text:
    """Draw ``text`` literally (no mathtext: "$x$" stays "$x$") and return the Text artist."""
    return ax.text(
        x,
        y,
        text,
        fontproperties=font(size, "bold" if bold else "normal"),
        parse_math=False,
        usetex=False,
        **kwargs,
    )


_MEASURER = TextToPath()


def text_width_inches(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """Return the rendered width of the widest line of ``text`` in inches (no renderer needed)."""
    prop = font(size, "bold" if bold else "normal")
    widest = 0.0
    with quiet_missing_glyphs():
        for line in text.split("\n"):
            if line:
                width, _, _ = _MEASURER.get_text_width_height_descent(line, prop, ismath=False)
                widest = max(widest, width)
    return widest / POINTS_PER_INCH


def wrap_to_width(text: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """Return the lines of ``text`` greedily word-wrapped to ``width`` inches; existing line breaks are kept.

    A single word wider than ``width`` stays on its own line rather than being split.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and text_width_inches(candidate, size) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return lines
