"""Split the 协助工作细化事项 cell into numbered sub-items.

The cell holds level-1 items ("1." "1、" "1．" "（1）"…) and level-2 items
("①"…) under the last level-1 item, sometimes grouped under unnumbered
headings ending in "：" (sections; numbering restarts under each), or a single
unnumbered task.  Renderings vary: markers start a line or follow a sentence
inline, a space may follow a marker, lines may break inside a sentence.

How a marker is recognised (so that numbers in running text such as
"每年开展1次", "48小时", "第1.2条" stay text): it must have one of the shapes
in :data:`MARKER_STYLES`; it must stand where an item can start
(:func:`_at_item_start`); and it must continue the numbering of its style
(the first of a style is 1, then 2, 3…; a level-1 style may restart at 1, a
level-2 style restarts under each level-1 item).
The first style seen is level 1; every other style is level 2 (a third
level, "1." → "（1）" → "①", is flattened into level 2 under its "1." item).

What the rows keep (so the cell can be rebuilt): section headings + markers
+ texts, in order, give the cell with white space removed and nothing else
dropped but the colon ending each heading.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from pipeline.text.markers import CN_NUMBER, MARKER_STYLES, TASK_MARKER
from pipeline.text.numerals import parse_numeral
from pipeline.text.spaces import squeeze_spaces

# (TASK_MARKER is re-exported: ``tasks.TASK_MARKER`` is the marker the parser reads.)
__all__ = ["MARKER_STYLES", "TASK_MARKER", "parse_tasks"]

#: Punctuation after which an inline marker may start an item ("…工作。2.协助").
ITEM_BREAK_BEFORE = "。；;！？!?：:，,"
#: Punctuation that ends the clause before a section heading ("…为止。某某事项：").
SENTENCE_END = "。；;！？!?"
#: A section heading ends with one of these; the colon is not part of its name.
HEADING_COLONS = "：:"

_MARKER = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in MARKER_STYLES))
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"[0-9０-９]+")
_CN_DIGITS = re.compile(CN_NUMBER)


class _Marker(NamedTuple):
    start: int
    end: int
    style: str
    number: int
    printed: str


def parse_tasks(text: str) -> list[dict]:
    """Return the sub-item rows of one 协助工作细化事项 cell, in printed order.

    In: the cell text (as extracted: one sub-item per line, but inline
    markers, stray line breaks and spaces are tolerated).  Out: dicts with
    ``task_no`` (1-based), ``level`` (1 or 2), ``section`` (heading grouping
    level-1 items, or None), ``marker`` (as printed, white space removed, or
    None for unnumbered text), ``parent_no`` (``task_no`` of the level-1 parent
    of a level-2 item, else None) and ``text`` (own text without marker or
    children; white space removed except one space between ASCII letters or
    digits).  Text before the first marker that is not a heading is a
    level-1 row with marker None.  Never raises.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    markers = _accepted_markers(text)
    bodies = [text[m.end:(markers[i + 1].start if i + 1 < len(markers) else len(text))]
              for i, m in enumerate(markers)]
    leading = text[:markers[0].start] if markers else text
    levels = _style_levels(markers)

    # A heading is taken from the text just before a level-1 marker numbered 1.
    headings: dict[int, str] = {}
    for i, m in enumerate(markers):
        if levels[m.style] == 1 and m.number == 1:
            before = leading if i == 0 else bodies[i - 1]
            heading, rest = _split_heading(before, own_text_required=i > 0)
            if heading is not None:
                headings[i] = heading
                if i == 0:
                    leading = rest
                else:
                    bodies[i - 1] = rest

    rows: list[dict] = []
    if squeeze_spaces(leading):
        rows.append(_row(rows, 1, None, None, None, leading))
    section: str | None = None
    parent: int | None = None
    for i, m in enumerate(markers):
        if levels[m.style] == 1:
            if m.number == 1:
                section = headings.get(i)
            rows.append(_row(rows, 1, section, m.printed, None, bodies[i]))
            parent = rows[-1]["task_no"]
        else:
            rows.append(_row(rows, 2, section, m.printed, parent, bodies[i]))
    return rows


def _row(rows: list[dict], level: int, section: str | None, marker: str | None,
         parent: int | None, body: str) -> dict:
    return {"task_no": len(rows) + 1, "level": level, "section": section,
            "marker": marker, "parent_no": parent, "text": squeeze_spaces(body)}


def _candidates(text: str) -> list[_Marker]:
    out = []
    for m in _MARKER.finditer(text):
        style = m.lastgroup or ""
        number = _number(m.group(), style)
        if number is not None:
            out.append(_Marker(m.start(), m.end(), style, number, _SPACE.sub("", m.group())))
    return out


def _number(printed: str, style: str) -> int | None:
    if style == "circled" or len(printed) == 1:
        try:
            value = unicodedata.numeric(printed)
        except (TypeError, ValueError):
            return None
        return int(value)
    digits = _DIGITS.search(printed)
    if digits:
        return int(digits.group())
    cn = _CN_DIGITS.search(printed)
    return parse_numeral(cn.group()) if cn else None


def _at_item_start(text: str, m: _Marker) -> bool:
    """True where a marker can open an item: at a line start, or after
    punctuation or white space.  Circled numbers too: "按①②③的顺序" is text."""
    i = m.start
    spaced = False
    while i > 0 and text[i - 1].isspace() and text[i - 1] != "\n":
        i -= 1
        spaced = True
    if i == 0 or text[i - 1] == "\n":
        return True
    return spaced or text[i - 1] in ITEM_BREAK_BEFORE


def _accepted_markers(text: str) -> list[_Marker]:
    """Candidates that start items and continue the numbering of their style."""
    top: str | None = None  # the level-1 style: the first one accepted
    last: dict[str, int] = {}  # last number accepted per style
    accepted: list[_Marker] = []
    for m in _candidates(text):
        if not _at_item_start(text, m):
            continue
        previous = last.get(m.style, 0)
        if m.style == top and m.number == 1:
            pass  # a level-1 list may restart (a new section)
        elif m.number != previous + 1:
            continue
        if top is None:
            top = m.style
        if m.style == top:
            last = {top: m.number}  # level-2 numbering restarts under each item
        else:
            last[m.style] = m.number
        accepted.append(m)
    return accepted


def _style_levels(markers: list[_Marker]) -> dict[str, int]:
    """Level 1 for the first style of the cell, level 2 for any other."""
    return {m.style: 1 if m.style == markers[0].style else 2 for m in markers}


def _split_heading(before: str, own_text_required: bool) -> tuple[str | None, str]:
    """Split a trailing heading ("某某事项：") off the text before a marker.

    The heading is the last clause (after the last line break or sentence
    end) and must end with a colon.  Taken from a numbered item's text, the
    item must keep some text of its own (a heading is an unnumbered line).
    """
    stripped = before.rstrip()
    if not stripped or stripped[-1] not in HEADING_COLONS:
        return None, before
    start = max(stripped.rfind(c) for c in "\n" + SENTENCE_END) + 1
    name = squeeze_spaces(stripped[start:-1])
    rest = stripped[:start]
    if not name or (own_text_required and not squeeze_spaces(rest)):
        return None, before
    return name, rest
