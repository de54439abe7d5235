"""Stage 5: turn each item's printed lines into clean cell text.

    clean_items(raw_items, list_table) → list of ``items`` rows (dicts keyed by field)

Wrapped lines are joined without a space (Chinese has none between words),
except between two Latin words.  A line break is kept where the column's
``FieldJoin`` (from the profile) says a new unit starts (a "1." / "①"
sub-item, a 《…》 citation) and where a line ends a paragraph (short, ending
in a sentence-final mark).  Substituted glyphs (Kangxi radicals…) are mapped
to their ideographs; all else is kept as printed.

The key (``seq``) is the number printed in the 序号 column, or, in a list
without one, the row's position in the document (1, 2, …).
"""

from __future__ import annotations

import re

import regex

from ..errors import LayoutError
from ..model import Line, ListTable, RawItem, seq_number
from ..profiles import FieldJoin
from ..text.glyphs import unify_ideographs

# A paragraph may end only after one of these; a short line without one is a
# wrap (a Latin word pushed to the next line, centred text).
_PARAGRAPH_END = tuple("。；;！!？?：:")
_LATIN = re.compile(r"[A-Za-z0-9]")
_SPACES = re.compile(r"\s+")


def clean_items(raw_items: list[RawItem], table: ListTable) -> list[dict]:
    """Return one ``items`` row per raw item: key as int, fields as text, pages,
    and the lowest OCR confidence of its lines (None where nothing was OCR'd).

    Raises ``LayoutError`` when a 序号 is not a number.
    """
    profile = table.profile
    key = profile.key_field
    keyed = key in table.fields
    joins = {c.field: (c.join, regex.compile(c.join.breaks_before) if c.join.breaks_before
                       else None) for c in table.columns}
    # A field the profile knows but the table does not print is empty, not missing.
    fields = [f for f in dict.fromkeys([*(c.field for c in table.columns),
                                        *(r.field for r in profile.columns)]) if f != key]
    rows = []
    for position, item in enumerate(raw_items, start=1):
        seq = seq_number(item.seq_text, profile.key_pattern) if keyed else position
        if seq is None:
            raise LayoutError(f"序号 {item.seq_text!r} is not a number", page=item.page_start,
                              row=item.first_page_row, column="序号")
        row = {key: seq, "page_start": item.page_start, "page_end": item.page_end}
        confs = []
        for name, lines in item.lines.items():
            confs.extend(ln.conf for ln in lines if ln.conf is not None)
            if name == key:
                continue
            rule, breaks = joins.get(name, (FieldJoin(), None))
            text = _join(lines, breaks, rule.paragraphs)
            row[name] = _SPACES.sub("", text) if rule.remove_spaces else text
        for f in fields:
            row.setdefault(f, "")
        row["ocr_min_conf"] = min(confs) if confs else None
        rows.append(row)
    return rows


def _join(lines: list[Line], breaks_before: regex.Pattern | None, paragraphs: bool) -> str:
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
