"""Pair the brackets of a cell: where each opening bracket is closed.

    pair_brackets(text, opening, closing) → {index of an opening bracket: index of its closing one}

Shared by the citation parsers (titles in 《》, notes in （）): one pass with a
stack, so that nested brackets pair correctly (《某省实施《某某法》办法》) and a
cell full of unclosed brackets costs no rescans.
"""

from __future__ import annotations


def pair_brackets(text: str, opening: str, closing: str) -> dict[int, int]:
    """Return the index of the bracket closing each bracket of ``opening`` that is closed.

    In: the text, the opening characters and the closing characters (any
    closing character closes any opening one, so that mixed full- and
    half-width pairs such as ``（…)`` pair).  Out: a dict from the index of each
    closed opening bracket to the index of its closing bracket; an unclosed
    opening bracket is absent, a stray closing bracket is ignored.
    """
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in opening:
            stack.append(i)
        elif ch in closing and stack:
            pairs[stack.pop()] = i
    return pairs
