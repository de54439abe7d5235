"""Stage 5: turn each item's printed lines into clean cell text.

    clean_items(raw_items) → list of ``items`` rows (dicts keyed by schema column)

Wrapped lines are joined without a space (Chinese has none between words),
except between two Latin words.  A line break is kept where the field's
settings say a new unit starts (a "1." / "①" sub-item, a 《…》 citation) and
where a line ends a paragraph (short, ending in a sentence-final mark).
Substituted glyphs (Kangxi radicals…) are mapped to their ideographs; all else
is kept as printed.
"""

from __future__ import annotations

import re

from .errors import LayoutError
from .glyphs import unify_ideographs
from .model import Line, RawItem, seq_number
from .settings import DEFAULT_LAYOUT, LayoutSettings

# A paragraph may end only after one of these; a short line without one is a
# wrap (a Latin word pushed to the next line, centred text).
_PARAGRAPH_END = tuple("。；;！!？?：:")
_LATIN = re.compile(r"[A-Za-z0-9]")


def clean_items(raw_items: list[RawItem], layout: LayoutSettings = DEFAULT_LAYOUT) -> list[dict]:
    """Return one ``items`` row per raw item: seq as int, fields as text, pages.

    Raises ``LayoutError`` when a 序号 is not a number.
    """
    breaks = {name: re.compile(rule.breaks_before) if rule.breaks_before else None
              for name, rule in layout.field_join.items()}
    rows = []
    for item in raw_items:
        seq = seq_number(item.seq_text, layout.seq_pattern)
        if seq is None:
            raise LayoutError(f"序号 {item.seq_text!r} is not a number", page=item.page_start,
                              row=item.first_page_row, column="序号")
        row = {"seq": seq, "page_start": item.page_start, "page_end": item.page_end}
        for name, lines in item.lines.items():
            if name == "seq":
                continue
            rule = layout.field_join[name]
            row[name] = _join(lines, breaks[name], rule.paragraphs)
        row.setdefault("remarks", "")
        if "department_text" in row:
            row["department_text"] = re.sub(r"\s+", "", row["department_text"])
        rows.append(row)
    return rows


def _join(lines: list[Line], breaks_before: re.Pattern | None, paragraphs: bool) -> str:
    parts: list[str] = []
    prev: Line | None = None
    for line in lines:
        text = unify_ideographs(line.text)
        if prev is not None:
            if ((breaks_before is not None and breaks_before.match(text))
                    or (paragraphs and prev.short and prev.text.endswith(_PARAGRAPH_END))):
                parts.append("\n")
            elif _LATIN.match(text) and _LATIN.match(prev.text[-1]):
                parts.append(" ")
        parts.append(text)
        prev = line
    return "".join(parts).strip()
