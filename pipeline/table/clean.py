"""Stage 5: turn each item's printed lines into clean cell text.

    clean_items(raw_items, list_table) → list of ``items`` rows (dicts keyed by field)

Wrapped lines are joined without a space (Chinese has none between words),
except between two Latin words.  A line break is kept where the column's
``FieldJoin`` (from the profile) says a new unit starts (a "1." / "①"
sub-item, a 《…》 citation) and where a line ends a paragraph (short, ending
in a sentence-final mark).  Substituted glyphs (Kangxi radicals…) are mapped
to their ideographs; all else is kept as printed.

The key (``seq``) is the number printed in the 序号 column (with the 序号 as
printed beside it, ``seq_text``), or, in a list without one, the row's
position in the document (1, 2, …); a profile keeping its key as printed
(the 权责清单's) keys items by (``sheet``, ``row``) and keeps ``seq`` as text.
"""

from __future__ import annotations

import re

import regex

from ..model import SPAN_MARK, Line, ListTable, RawItem, seq_number
from ..profiles import FieldJoin
from ..text.glyphs import unify_ideographs

# A paragraph may end only after one of these; a short line without one is a
# wrap (a Latin word pushed to the next line, centred text).
_PARAGRAPH_END = tuple("。；;！!？?：:")
_LATIN = re.compile(r"[A-Za-z0-9]")
_SPACES = re.compile(r"\s+")
_FIRST_NUMBER = re.compile(r"[0-9０-９]+")


def clean_items(raw_items: list[RawItem], table: ListTable) -> list[dict]:
    """Return one ``items`` row per raw item: the key, fields as text, pages, and the
    lowest OCR confidence of its lines (None where nothing was OCR'd).

    The key: a profile whose key is kept as printed (``key_as_printed``) gets
    ``sheet`` (the page's name: a workbook's sheet), ``row`` (the item's position
    in the whole list) and ``seq`` as printed; any other gets ``seq`` (the
    number printed, the first number of "2,3" / "2-3", or None where empty) and
    ``seq_text`` as printed.  A 序号 that is empty or not one number is kept and
    warned about (``table.warnings``, naming the row), never an error.

    An item printed over several rows (``RawItem.sub_rows``) holds each column's
    distinct values once, in order, one per line; its rows go to
    ``table.sub_items`` (``sheet``, ``row``, ``sub_no`` and the same fields).
    A field over several printed columns (``Column.span``) joins their values,
    one per line.
    """
    profile = table.profile
    key = profile.key_field
    keyed = key in table.fields
    printed = [c for c in table.columns if c.field != key]
    joins = {c.field: (c.join, regex.compile(c.join.breaks_before) if c.join.breaks_before
                       else None) for c in table.columns}
    # A field the profile knows but the table does not print is empty (or null), not
    # missing.
    absent = None if profile.absent_null else ""
    fields = [f for f in dict.fromkeys([*(c.field for c in printed),
                                        *(r.field for r in profile.columns)]) if f != key]
    rows = []
    for position, item in enumerate(raw_items, start=1):
        text = "".join(item.seq_text.split())
        if profile.key_as_printed:
            row = {"sheet": table.page_names.get(item.page_start), "row": position,
                   key: text if keyed else str(position)}
        elif keyed:
            row = {key: _seq_number(text, profile.key_pattern), "seq_text": text}
        else:
            row = {key: position}
        if keyed and seq_number(text, profile.key_pattern) is None:
            table.warnings.append(_odd_key(text, row.get(key), item, table, position))
        row["page_start"], row["page_end"] = item.page_start, item.page_end
        confs = [ln.conf for lines in item.lines.values() for ln in lines
                 if ln.conf is not None]
        for column in printed:
            if item.sub_rows:
                values = [_cell(sub, column, joins) for sub in item.sub_rows]
                row[column.field] = "\n".join(dict.fromkeys(v for v in values if v))
            else:
                row[column.field] = _cell(item.lines, column, joins)
        for f in fields:
            row.setdefault(f, absent)
        row["ocr_min_conf"] = min(confs) if confs else None
        rows.append(row)
        for n, sub in enumerate(item.sub_rows or (), start=1):
            table.sub_items.append({"sheet": row.get("sheet"), "row": position, "sub_no": n,
                                    **{c.field: _cell(sub, c, joins) for c in printed},
                                    **{f: absent for f in fields if f not in sub}})
    return rows


def _cell(lines: dict[str, list[Line]], column, joins: dict) -> str:
    """One cell's text: the column's lines joined as its profile says; a field over
    several printed columns, their texts one per line."""
    rule, breaks = joins.get(column.field, (FieldJoin(), None))
    parts = [lines.get(column.field, [])]
    parts += [lines.get(f"{column.field}{SPAN_MARK}{k}", []) for k in range(1, column.span)]
    texts = []
    for part in parts:
        text = _join(part, breaks, rule.paragraphs)
        text = _SPACES.sub("", text) if rule.remove_spaces else text
        if text:
            texts.append(text)
    return "\n".join(texts)


def _seq_number(text: str, pattern: str) -> int | None:
    """The number a 序号 stands for: the key pattern's, else the first number printed
    ("2,3" → 2, "2-3" → 2); None where it holds none."""
    number = seq_number(text, pattern)
    if number is None:
        m = _FIRST_NUMBER.search(text)
        number = int(m.group()) if m else None
    return number


def _odd_key(text: str, value, item: RawItem, table: ListTable, position: int) -> str:
    """The warning for a 序号 that is empty or not one number, naming its row."""
    name = table.page_names.get(item.page_start)
    if name is not None:
        where = (f"sheet '{name}' row {item.source_row}" if item.source_row
                 else f"sheet '{name}', item {position}")
    elif table.paginated:
        where = f"page {item.page_start}, row {item.first_page_row}"
    else:
        where = f"table row {item.first_page_row}"
    if not text:
        return (f"{where}: 序号 is empty; the row is kept as an item, as printed "
                f"(item {position} of the list)")
    # (the item's position is what validation names its row by: "row 2" of items)
    shown = f"; seq {value}: its first number" if isinstance(value, int) else ""
    return (f"{where}: 序号 {text!r} is not one number; kept as printed "
            f"(item {position} of the list{shown})")


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
