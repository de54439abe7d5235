"""White space in printed Chinese: none between characters, one between Latin words.

A PDF's text layer puts spaces where the page shows none (justified lines,
stray spacing); Chinese separates no words.  The one space that means
something is the one between two Latin words or numbers ("Wi Fi", "QQ 群").
"""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


def squeeze_spaces(text: str) -> str:
    """Return ``text`` without white space, except one space between two ASCII letters/digits."""
    return _SPACE.sub(_gap, text)


def _gap(m: re.Match) -> str:
    s, i, j = m.string, m.start(), m.end()
    between_words = 0 < i and j < len(s) and _is_word(s[i - 1]) and _is_word(s[j])
    return " " if between_words else ""


def _is_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()
