"""Stage 4: one raw item per list row: rows split at their key cells, merged
cells filled down, rows cut by page breaks stitched.

    stitch_rows(list_table) → list of ``model.RawItem``

A table row (``Fragment``) may hold several list rows: an item printed as one
row per sub-task with its 序号 and other cells merged over them is one item
(one per 序号 cell, its sub-task cells in row order); in a table without a
序号 column, every row under a category cell merged over many rows is a list
row of its own.  A cell merged over several list rows is filled down into
each of them.

Across page breaks, with a 序号 column: a row fragment that opens a page
continues the item above when its 序号 is empty or repeats the item's 序号;
every cell of it continues the same cell above.  A fragment that closes a page
with an empty 序号 starts an item whose 序号 is printed on the next page (a
vertically centred 序号 can fall there).  Anywhere else, a row without a 序号
cannot be placed with confidence.

Without a 序号 column (the generic profile's lists, often made in Excel),
rows are not cut by page breaks, but merged cells are: a merged cell (a
category) that reaches the foot of a page continues at the top of the next,
where it is printed again, in part, or not at all.  The top cell is the same
category when it is empty or when one text begins the other; the rows of the
whole group then take its fullest text.
"""

from __future__ import annotations

import dataclasses

from .errors import LayoutError
from .model import Cell, Fragment, Line, ListTable, RawItem, seq_number
from .settings import DEFAULT_LAYOUT, LayoutSettings


def stitch_rows(table: ListTable, layout: LayoutSettings = DEFAULT_LAYOUT) -> list[RawItem]:
    """Return one ``RawItem`` per list row, with its lines per field and page span.

    Raises ``LayoutError`` naming the page and row of a fragment that is neither
    a new item nor a continuation.
    """
    key_col = table.fields.get(table.profile.key_field)
    units = _list_rows(table.fragments, key_col)
    if key_col is None:
        return _stitch_by_merged_cells(units, table)
    return _stitch_by_key(units, table, key_col)


# --------------------------------------------------------------------------- list rows

def _list_rows(fragments: list[Fragment], key_col: int | None) -> list[Fragment]:
    """Split each fragment into its list rows (one band each), renumbered per page.

    ``Fragment.merged`` of each row names the columns whose cell was merged
    with other list rows (filled down into this one).
    """
    out: list[Fragment] = []
    for frag in fragments:
        if frag.nbands <= 1:
            out.append(frag)
            continue
        if key_col is None:
            bounds = [(b, b + 1) for b in range(frag.nbands)]
        else:
            bounds = sorted({(c.band0, c.band1) for c in frag.cells if c.col0 == key_col})
            bounds = _cover(bounds, frag.nbands)
        for b0, b1 in bounds:
            cells, merged = [], set()
            for col in sorted({c.col0 for c in frag.cells}):
                parts = sorted((c for c in frag.cells
                                if c.col0 == col and c.band0 < b1 and c.band1 > b0),
                               key=lambda c: c.band0)
                if not parts:
                    continue
                if any(c.band0 < b0 or c.band1 > b1 for c in parts):
                    merged.add(col)
                lines: list[Line] = []
                for k, c in enumerate(parts):
                    if k < len(parts) - 1 and c.lines:  # a cell boundary ends a paragraph
                        lines.extend(c.lines[:-1])
                        lines.append(dataclasses.replace(c.lines[-1], short=True))
                    else:
                        lines.extend(c.lines)
                cells.append(Cell(col, max(c.col1 for c in parts), lines))
            out.append(Fragment(frag.page, 0, False, cells, 1, frozenset(merged)))
    out = [f for f in out if not f.is_empty]
    for i, frag in enumerate(out):
        nxt = out[i + 1] if i + 1 < len(out) else None
        prev = out[i - 1] if i else None
        frag.index = 0 if prev is None or prev.page != frag.page else prev.index + 1
        frag.last_on_page = nxt is None or nxt.page != frag.page
    return out


def _cover(bounds: list[tuple[int, int]], nbands: int) -> list[tuple[int, int]]:
    """Band spans that cover 0..nbands: the key cells', and the gaps between them."""
    out, at = [], 0
    for b0, b1 in bounds:
        if b0 > at:
            out.append((at, b0))
        if b1 > at:
            out.append((max(b0, at), b1))
            at = b1
    if at < nbands:
        out.append((at, nbands))
    return out


# --------------------------------------------------------------------------- with a 序号

def _stitch_by_key(rows: list[Fragment], table: ListTable, seq_col: int) -> list[RawItem]:
    pattern = table.profile.key_pattern
    items: list[RawItem] = []
    for frag in rows:
        seq = "".join(frag.column_text(seq_col).split())
        prev = items[-1] if items else None
        opens_page = frag.index == 0
        wrapped = prev is not None and opens_page and _wrapped_seq(items, seq, pattern)
        if prev is not None and opens_page and (not seq or not prev.seq_text or _same_seq(
                seq, prev.seq_text, pattern) or wrapped):
            if seq and not prev.seq_text:
                prev.seq_text = seq
            elif wrapped:
                prev.seq_text += seq  # "4" | "、", "1" | "2．": the 序号 wrapped at the break
            _extend(prev, frag, table)
            prev.page_end = frag.page
            continue
        if not seq and not frag.last_on_page:
            raise LayoutError(
                "a row has no 序号 and does not continue a row from the previous page",
                page=frag.page, row=frag.index + 1, column="序号",
                hint="the row may be a stray line of the table; compare with the PDF")
        item = RawItem(seq, {f: [] for f in table.fields}, frag.page, frag.page, frag.index + 1)
        _extend(item, frag, table)
        items.append(item)
    return items


def _wrapped_seq(items: list[RawItem], tail: str, pattern: str) -> bool:
    """Whether ``tail``, opening a page, completes the last item's 序号 cut by the break.

    A narrow 序号 column wraps "4、" as "4" | "、" and "12．" as "1" | "2．"; a
    page break between those lines leaves the head on one page and the tail
    atop the next.  A tail with no number completes any head; a tail with a
    number only when head + tail is the number that follows the item before.
    """
    head = items[-1].seq_text
    if not tail or not head or items[-1].page_end != items[-1].page_start:
        return False
    whole = seq_number(head + tail, pattern)
    if whole is None:
        return False
    if seq_number(tail, pattern) is None:
        return whole == seq_number(head, pattern)
    before = seq_number(items[-2].seq_text, pattern) if len(items) > 1 else 0
    return before is not None and whole == before + 1


def _same_seq(a: str, b: str, pattern: str) -> bool:
    n = seq_number(a, pattern)
    return n is not None and n == seq_number(b, pattern)


def _extend(item: RawItem, frag: Fragment, table: ListTable) -> None:
    for name, j in table.fields.items():
        item.lines[name].extend(frag.column_lines(j))


# --------------------------------------------------------------------------- without a 序号

def _stitch_by_merged_cells(rows: list[Fragment], table: ListTable) -> list[RawItem]:
    items: list[RawItem] = []
    # field → the rows that share the merged cell still open in that column
    groups: dict[str, list[RawItem]] = {}
    merged_above: dict[str, bool] = {}  # the previous row's cell was merged with others
    for frag in rows:
        item = RawItem("", {f: [] for f in table.fields}, frag.page, frag.page, frag.index + 1)
        _extend(item, frag, table)
        prev = items[-1] if items else None
        for name, j in table.fields.items():
            group = groups.get(name)
            if prev is not None and group and group[-1] is prev:
                if frag.index > 0 and j in frag.merged and _same_cell(prev, item, name):
                    group.append(item)
                    continue
                if (frag.index == 0 and (j in frag.merged or merged_above.get(name))
                        and _continues(prev.lines[name], item.lines[name])):
                    fuller = max(prev.lines[name], item.lines[name], key=_length)
                    for other in (*group, item):
                        other.lines[name] = fuller
                    group.append(item)
                    continue
            groups[name] = [item]
        merged_above = {name: j in frag.merged for name, j in table.fields.items()}
        items.append(item)
    return items


def _continues(above: list[Line], here: list[Line]) -> bool:
    """Whether a cell atop a page continues the merged cell above the break:
    it is empty (not printed again), or one text begins the other (printed
    again, whole or the part that fits)."""
    a, h = _squash(above), _squash(here)
    return not h or (bool(a) and (a.startswith(h) or h.startswith(a)))


def _same_cell(a: RawItem, b: RawItem, name: str) -> bool:
    """Two rows filled from one merged cell hold the very same line objects."""
    la, lb = a.lines[name], b.lines[name]
    return bool(la) and len(la) == len(lb) and all(x is y for x, y in zip(la, lb, strict=True))


def _length(lines: list[Line]) -> int:
    return len(_squash(lines))


def _squash(lines: list[Line]) -> str:
    return "".join("".join(ln.text.split()) for ln in lines)
