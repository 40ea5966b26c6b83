"""Author names reduced to what survives every database's style: family name and first initial."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz, process

from review.dedup.normalize import fold, has_cjk, unescape_markup

MAX_AUTHORS = 15  # long author lists are truncated differently by each database; the head is enough
FUZZY_FAMILY = 85  # rapidfuzz ratio from which two family names are one transliterated name
_LETTERS = re.compile(r"[^a-z]+")
_INITIALS = re.compile(r"^[A-Z]{1,3}$|^([A-Z]\.\s*){1,3}$")


class AuthorKey(NamedTuple):
    family: str
    initial: str
    given: str = ""  # the first given name in full, to recognise "Wang, Xiaoguang" / "Xiaoguang, Wang"


@lru_cache(maxsize=200_000)  # the same names recur across records and databases
def author_key(name: str) -> AuthorKey | None:
    """Return the family name (folded letters only) and first initial of one author, or None."""
    name = unescape_markup(name or "").strip().strip(".;")
    if not name or name.lower() in {"et al", "anonymous", "[anonymous]", "others"}:
        return None
    if has_cjk(name):  # kept whole: the family name comes first and there is no initial to take
        return AuthorKey(re.sub(r"\s+", "", name), "")
    if "," in name:
        family, _, given = name.partition(",")
    else:
        parts = name.split()
        if len(parts) > 1 and _INITIALS.match(parts[-1]):  # "Smith JA" (MEDLINE style)
            family, given = " ".join(parts[:-1]), parts[-1]
        elif len(parts) > 1:  # "John A. Smith"
            family, given = parts[-1], " ".join(parts[:-1])
        else:
            family, given = name, ""
    family_key = _LETTERS.sub("", fold(family))
    given_words = [_LETTERS.sub("", word) for word in fold(given).replace("-", " ").split()]
    given_key = "".join(given_words)
    if not family_key:
        return None
    first_given = given_words[0] if given_words and len(given_words[0]) > 1 else ""
    return AuthorKey(family_key, given_key[:1], first_given)


def author_keys(names: list[str]) -> tuple[AuthorKey, ...]:
    """Return the keys of the first :data:`MAX_AUTHORS` authors, skipping unusable names."""
    keys = (author_key(name) for name in names[:MAX_AUTHORS])
    return tuple(key for key in keys if key is not None)


def split_author_string(text: str) -> list[str]:
    """Split a BibTeX (``A and B``) or semicolon-separated author string into names."""
    if not text:
        return []
    parts = re.split(r"\s+and\s+|;", text)
    return [part.strip() for part in parts if part.strip()]


def _family_match(a: str, b: str) -> bool:
    # Compound and transliterated names: "Maas Enriquez" / "Enriquez", "Ekmekcioglu" / "Ekmekcio?lu".
    if a == b or (min(len(a), len(b)) >= 4 and (a in b or b in a)):
        return True
    return min(len(a), len(b)) >= 5 and fuzz.ratio(a, b) >= FUZZY_FAMILY


def _family_in(family: str, families: list[str]) -> bool:
    if len(family) >= 5 and process.extractOne(family, families, scorer=fuzz.ratio, score_cutoff=FUZZY_FAMILY):
        return True
    return len(family) >= 4 and any(len(other) >= 4 and (family in other or other in family) for other in families)


def first_author_agrees(a: tuple[AuthorKey, ...], b: tuple[AuthorKey, ...]) -> bool | None:
    """Return whether the first authors share a family name (None when either list is empty)."""
    if not a or not b:
        return None
    first_a, first_b = a[0], b[0]
    if _family_match(first_a.family, first_b.family):
        return True
    # Given and family names swapped by one database (common for Chinese names).
    return bool(first_a.given and first_a.given == first_b.family or first_b.given and first_b.given == first_a.family)


def author_overlap(a: tuple[AuthorKey, ...], b: tuple[AuthorKey, ...]) -> float | None:
    """Return the share of the shorter list whose family names appear in the other (None if empty)."""
    if not a or not b:
        return None
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    families = {key.family for key in longer}
    # Exact family names first; the fuzzy comparison only for the few left over.
    missing = [key.family for key in shorter if key.family not in families]
    hits = len(shorter) - len(missing)
    if missing:
        listed = list(families)
        hits += sum(_family_in(family, listed) for family in missing)
    return hits / len(shorter)
