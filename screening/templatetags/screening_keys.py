"""Showing key names as the key caps people know (ArrowLeft as ←)."""

from django import template

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
