"""What the Chinese databases (CNKI, Wanfang, VIP, CBM/SinoMed) share across their export formats.

Provider names come in Chinese or English, record ids hide in links (CNKI ``FileName=``, Wanfang ``id=``),
and text carries export artefacts: CNKI's ``(#br)`` line-break marker and the ``<正>`` ("main text") mark
at the start of abstracts taken from the article body.
"""

from __future__ import annotations

import re

from .normalise import has_cjk

_PROVIDERS = (
    ("cnki", "CNKI"),
    ("知网", "CNKI"),
    ("万方", "Wanfang"),
    ("wanfang", "Wanfang"),
    ("维普", "VIP"),
    ("cqvip", "VIP"),
    ("vip", "VIP"),
    ("sinomed", "CBM"),
    ("cbm", "CBM"),
    ("中国生物医学", "CBM"),
)
_CNKI_FILE = re.compile(r"[?&]filename=([^&\s]+)", re.IGNORECASE)
_WANFANG_ID = re.compile(r"[?&]id=([^&\s]+)")
_ARTEFACTS = re.compile(r"\(#br\)|<正>|＜正＞")


def provider_name(value: str, *, url: str = "") -> str:
    """Return "CNKI", "Wanfang", "VIP" or "CBM" for a provider string or link; else the value as given."""
    probe = f"{value} {url}".lower()
    for marker, name in _PROVIDERS:
        if marker in probe:
            return name
    return value.strip()


def accession_from_link(url: str) -> str:
    """Return the database's own id from a CNKI or Wanfang record link, or ""."""
    match = _CNKI_FILE.search(url)
    if match:
        return match.group(1)
    match = _WANFANG_ID.search(url)
    if match and "wanfang" in url.lower():
        return match.group(1)
    return ""


def title_pair(first: str, second: str) -> tuple[str, str]:
    """Return (title, translated title) so that a Chinese title stays the title beside an English one."""
    if second and has_cjk(second) and not has_cjk(first):
        return second, first
    return first, second


def clean_text(value: str) -> str:
    """Return the text without CNKI's (#br) and <正> export markers."""
    return _ARTEFACTS.sub(" ", value) if value else value
