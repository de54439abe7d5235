"""Break a paragraph into lines that fit a width, with Chinese line-breaking rules.

Closing punctuation never starts a line and opening punctuation never ends
one (禁则); a run of Latin letters or digits ("2020", "APP", "1.") is not
broken unless it alone is wider than the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_NO_START = set("，。、；：？！）》」』”’%·…—,.;:!?)]}％")
_NO_END = set("（《「『“‘([{")
#: Punctuation Word lets hang past the line's end (允许标点溢出边界, w:overflowPunct).
HANGING = set("，。、；：？！")
_UNIT = re.compile(r"[A-Za-z0-9]+[.．]?|\s+|.", re.S)


@dataclass(frozen=True)
class Line:
    """One printed line: its text, natural width and whether it ends/starts a paragraph."""

    text: str
    width: float
    para_end: bool
    para_start: bool = False
    hang: float = 0.0  # width of punctuation hanging past the text edge


def _units(text: str) -> list[str]:
    units: list[str] = []
    for u in _UNIT.findall(text):
        if (
            units
            and not units[-1].isspace()
            and not u.isspace()
            and (u[0] in _NO_START or units[-1][-1] in _NO_END)
        ):
            units[-1] += u
        else:
            units.append(u)
    return units


def wrap_paragraph(
    text: str,
    width: float,
    measure: Callable[[str], float],
    indent: float = 0.0,
    hanging: bool = False,
) -> list[Line]:
    """Return the lines of ``text`` set greedily into ``width`` (same unit as measure).

    ``indent`` narrows the first line only (a first-line indent).  With
    ``hanging``, a unit whose text fits but for its closing punctuation stays
    on the line and the punctuation hangs past ``width`` (Word's default for
    Chinese text).
    """
    lines: list[str] = []
    cur = ""
    for unit in _units(text):
        if unit.isspace() and not cur and lines:
            continue  # a wrapped line starts with no space (a paragraph may: an indent)
        room = width - (indent if not lines else 0.0)
        if measure(cur + unit) <= room + 1e-6:
            cur += unit
            continue
        bare = unit.rstrip("".join(HANGING))
        if hanging and cur and bare != unit and measure(cur + bare) <= room + 1e-6:
            lines.append(cur + unit)
            cur = ""
            continue
        if cur:
            lines.append(cur.rstrip())
            cur = ""
        if unit.isspace():
            continue
        # A unit wider than the whole line (a long number in a narrow column):
        # break it between characters.
        for ch in unit:
            if cur and measure(cur + ch) > width - (indent if not lines else 0.0) + 1e-6:
                lines.append(cur)
                cur = ""
            cur += ch
    if cur.strip() or not lines:
        lines.append(cur.rstrip())
    out = []
    for i, t in enumerate(lines):
        bare = t.rstrip("".join(HANGING))
        room = width - (indent if i == 0 else 0.0)
        hang = measure(t) - measure(bare) if hanging and measure(t) > room + 1e-6 else 0.0
        out.append(Line(t, measure(t), i == len(lines) - 1, i == 0, hang))
    return out
