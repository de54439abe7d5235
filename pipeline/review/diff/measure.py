"""The text measures every step of the diff shares.

    squash(text)            white space removed (widths folded if the settings say so)
    bigrams(text)           the bag of character bigrams
    dice(a, b)              multiset Dice coefficient of two bags (None: both empty)
    overlap(a, b)           size of the multiset intersection of two bags
    jaccard(a, b)           Jaccard index of two sets (None: both empty)
    citation_key(c)         (law, article reference) of a citation row

Text fields are compared with white space removed: line wrapping is not a change;
Chinese has no words, so similarity is measured on character bigrams.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from .model import DEFAULT_MATCH, MatchSettings

_SPACE = re.compile(r"\s+")
_WIDE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}


def squash(text: Any, settings: MatchSettings = DEFAULT_MATCH) -> str:
    """Text with all white space removed (and widths folded if so set)."""
    s = _SPACE.sub("", "" if text is None else str(text))
    return s.translate(_WIDE) if settings.fold_width else s


def bigrams(text: str) -> Counter:
    """The bag of character bigrams of ``text`` (a one-character text: that character)."""
    if len(text) < 2:
        return Counter(text)
    return Counter(text[i:i + 2] for i in range(len(text) - 1))


def dice(a: Counter, b: Counter) -> float | None:
    """Multiset Dice coefficient of two bigram bags; None when both are empty."""
    na, nb = a.total(), b.total()
    if not na and not nb:
        return None
    return 2 * overlap(a, b) / (na + nb)


def overlap(a: Counter, b: Counter) -> int:
    """Size of the multiset intersection (without building it)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(min(n, b[k]) for k, n in a.items() if k in b)


def jaccard(a: set, b: set) -> float | None:
    """Jaccard index of two sets; None when both are empty."""
    if not a and not b:
        return None
    return len(a & b) / len(a | b)


def citation_key(c: dict, s: MatchSettings = DEFAULT_MATCH) -> tuple[str, str]:
    """What identifies a citation: its law and article reference, white space removed."""
    return squash(c["law"], s), squash(c.get("article_ref"), s)
