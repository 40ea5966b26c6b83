"""Showing key names as the key caps people know (ArrowLeft as ←), and highlighted keyword segments."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

KEY_CAPS = {
    "ArrowLeft": "←",
    "ArrowRight": "→",
    "ArrowUp": "↑",
    "ArrowDown": "↓",
    "PageUp": "PgUp",
    "PageDown": "PgDn",
    "Backspace": "⌫",
}


@register.filter
def keycap(key: str) -> str:
    """Return the printed cap of ``key``: an arrow for arrow keys, upper case for letters."""
    return KEY_CAPS.get(key, key.upper() if len(key) == 1 else key)


@register.filter
def highlighted(segments: list[tuple[str, str]]) -> SafeString:
    """Return ``segments`` (from :func:`screening.highlight.highlight_segments`) as HTML, every piece escaped.

    The same markup as ``screening/partials/highlighted.html`` (matched pieces in ``<mark class="hl-…">``),
    built in one pass: the record panel shows three of these after every decision, and an include per
    text with a template loop over dozens of segments cost more than the rest of the panel.
    """
    return mark_safe(  # noqa: S308 - every piece is escaped here
        "".join(
            f'<mark class="hl-{escape(kind)}">{escape(text)}</mark>' if kind else escape(text)
            for text, kind in segments
        )
    )
