"""Stage 4: one raw item per list row: rows split at their key cells, merged
cells filled down, rows cut by page breaks stitched.

    stitch_rows(list_table) → list of ``model.RawItem``

A table row (``Fragment``) may hold several list rows: an item printed as one
row per sub-task with its 序号 and other cells merged over them is one item
(one per 序号 cell, its sub-task cells in row order); in a table without a
序号 column, every row under a category cell merged over many rows is a list
row of its own.

Rows cut by page breaks, with a 序号 column: a row fragment that opens a page
continues the item above when its 序号 is empty or repeats the item's 序号;
every cell of it continues the same cell above.  A fragment that closes a page
with an empty 序号 starts an item whose 序号 is printed on the next page (a
vertically centred 序号 can fall there).  Anywhere else, a row without a 序号
cannot be placed with confidence.  Without a 序号 column, a row is cut where
no rule closes the table at the foot of a page (``Fragment.open_bottom``,
from the ruling), or where the first row of the next page is empty in a
column that every other row fills (not a category column): that row continues
the row above.

Cells merged over several list rows (categories; profiles that fill down)
are filled down into each row.  A column in which the document merges cells
anywhere is a category column; across a page break, a category cell that
reaches the foot of a page goes on at the top of the next, where it is printed
again (Excel prints it in every page part), in part (only what fits in a part
one row high), or not at all (Word prints it once); where no rule closes it
at the foot (``Fragment.open_columns``) it goes on whatever the next part
prints (LibreOffice prints its text once, in the part its middle falls in).
Else the cell atop the page is
the same category when it is empty or when one text begins the other, unless
a category column to its left starts a new group there; the rows of the whole
group then take its fullest printed text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..errors import LayoutError
from ..model import Cell, Fragment, Line, ListTable, RawItem, seq_number
from ..settings import DEFAULT_LAYOUT, LayoutSettings

#: Rows needed to tell which columns every row fills (``_filled_columns``).
MIN_FILLED_ROWS = 5


@dataclass
class _Row:
    """One list row as printed: its 序号 text and the row fragments (units) it is made of."""

    seq_text: str
    units: list[Fragment] = field(default_factory=list)


def stitch_rows(table: ListTable, layout: LayoutSettings = DEFAULT_LAYOUT) -> list[RawItem]:
    """Return one ``RawItem`` per list row, with its lines per field and page span.

    Raises ``LayoutError`` naming the page and row of a fragment that is neither
    a new item nor a continuation.  Rows are made fragment by fragment (the
    split rows of one fragment are let go once stitched), so what is held
    besides the items does not grow with the list.
    """
    key_col = table.fields.get(table.profile.key_field)
    units = _list_rows(table.fragments, key_col)
    category = _category_columns(table.fragments, key_col)
    rows = (_rows_by_key(units, table, key_col) if key_col is not None
            else _rows_by_rules(units, _filled_columns(table.fragments) - category))
    filler = _FillDown(table, category) if table.profile.fill_down else None
    items = []
    for row in rows:
        first = row.units[0]
        item = RawItem(row.seq_text, {f: [] for f in table.fields}, first.page,
                       row.units[-1].page, first.index + 1)
        for unit in row.units:
            for name, j in table.fields.items():
                item.lines[name].extend(unit.column_lines(j))
        if filler is not None:
            filler.add(row, item)
        items.append(item)
    if filler is not None:
        filler.close()
    return items


# --------------------------------------------------------------------------- list rows

def _list_rows(fragments: list[Fragment], key_col: int | None) -> Iterator[Fragment]:
    """Split each fragment into its list rows (one band each, or one key cell's bands),
    numbered per page (``index``, ``last_on_page``); empty rows are left out.

    ``Fragment.merged`` of each row names the columns whose cell was merged
    with other list rows (filled down into this one).
    """
    prev: Fragment | None = None
    for frag in fragments:
        for unit in _split(frag, key_col):
            if unit.is_empty:
                continue
            if prev is not None:
                prev.last_on_page = prev.page != unit.page
                unit.index = prev.index + 1 if prev.page == unit.page else 0
                yield prev
            else:
                unit.index = 0
            prev = unit
    if prev is not None:
        prev.last_on_page = True
        yield prev


def _split(frag: Fragment, key_col: int | None) -> Iterator[Fragment]:
    if frag.nbands <= 1:
        yield frag
        return
    if key_col is None:
        bounds = [(b, b + 1) for b in range(frag.nbands)]
    else:
        bounds = sorted({(c.band0, c.band1) for c in frag.cells if c.col0 == key_col})
        bounds = _cover(bounds, frag.nbands)
    by_col: dict[int, list[Cell]] = {}
    for c in sorted(frag.cells, key=lambda c: (c.col0, c.band0)):
        by_col.setdefault(c.col0, []).append(c)
    at = dict.fromkeys(by_col, 0)  # per column, the first cell not yet left behind
    for b0, b1 in bounds:  # in band order: one sweep over each column's cells
        cells, merged = [], set()
        for col, column in by_col.items():
            k = at[col]
            while k < len(column) and column[k].band1 <= b0:
                k += 1
            at[col] = k
            parts = []
            while k < len(column) and column[k].band0 < b1:
                parts.append(column[k])
                k += 1
            if not parts:
                continue
            if any(c.band0 < b0 or c.band1 > b1 for c in parts):
                merged.add(col)
            if len(parts) == 1:
                # The very list object: rows under one merged cell share it.
                cells.append(Cell(col, parts[0].col1, parts[0].lines))
                continue
            lines: list[Line] = []
            for n, c in enumerate(parts):
                if n < len(parts) - 1 and c.lines:  # a cell boundary ends a paragraph
                    lines.extend(c.lines[:-1])
                    lines.append(dataclasses.replace(c.lines[-1], short=True))
                else:
                    lines.extend(c.lines)
            cells.append(Cell(col, max(c.col1 for c in parts), lines))
        yield Fragment(frag.page, 0, False, cells, 1, frozenset(merged),
                       open_bottom=frag.open_bottom and b1 == frag.nbands,
                       open_columns=frag.open_columns if b1 == frag.nbands else frozenset())


def _category_columns(fragments: list[Fragment], key_col: int | None) -> set[int]:
    """Columns in which the document merges a cell over several list rows anywhere."""
    out: set[int] = set()
    for frag in fragments:
        if frag.nbands <= 1:
            continue
        if key_col is None:
            out.update(c.col0 for c in frag.cells if c.band1 - c.band0 > 1)
            continue
        bounds = _cover(sorted({(c.band0, c.band1) for c in frag.cells if c.col0 == key_col}),
                        frag.nbands)
        for c in frag.cells:
            if c.col0 not in out and not any(b0 <= c.band0 and c.band1 <= b1
                                             for b0, b1 in bounds):
                out.add(c.col0)
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

def _rows_by_key(units: Iterable[Fragment], table: ListTable, seq_col: int) -> Iterator[_Row]:
    """The list rows, each once complete (the unit after it starts another)."""
    pattern = table.profile.key_pattern
    before: _Row | None = None  # the row before ``prev``
    prev: _Row | None = None
    for frag in units:
        seq = "".join(frag.column_text(seq_col).split())
        opens_page = frag.index == 0
        wrapped = prev is not None and opens_page and _wrapped_seq(before, prev, seq, pattern)
        if prev is not None and opens_page and (not seq or not prev.seq_text or _same_seq(
                seq, prev.seq_text, pattern) or wrapped):
            if seq and not prev.seq_text:
                prev.seq_text = seq
            elif wrapped:
                prev.seq_text += seq  # "4" | "、", "1" | "2．": the 序号 wrapped at the break
            prev.units.append(frag)
            continue
        if not seq and not frag.last_on_page:
            raise LayoutError(
                "a row has no 序号 and does not continue a row from the previous page",
                page=frag.page, row=frag.index + 1, column="序号",
                hint="the row may be a stray line of the table; compare with the PDF")
        if prev is not None:
            yield prev
        before, prev = prev, _Row(seq, [frag])
    if prev is not None:
        yield prev


def _wrapped_seq(before: _Row | None, last: _Row, tail: str, pattern: str) -> bool:
    """Whether ``tail``, opening a page, completes the ``last`` row's 序号 cut by the break.

    A narrow 序号 column wraps "4、" as "4" | "、" and "12．" as "1" | "2．"; a
    page break between those lines leaves the head on one page and the tail
    atop the next.  A tail with no number completes any head; a tail with a
    number only when head + tail is the number that follows the row ``before``.
    """
    head = last.seq_text
    if not tail or not head or last.units[-1].page != last.units[0].page:
        return False
    whole = seq_number(head + tail, pattern)
    if whole is None:
        return False
    if seq_number(tail, pattern) is None:
        return whole == seq_number(head, pattern)
    n_before = seq_number(before.seq_text, pattern) if before is not None else 0
    return n_before is not None and whole == n_before + 1


def _same_seq(a: str, b: str, pattern: str) -> bool:
    n = seq_number(a, pattern)
    return n is not None and n == seq_number(b, pattern)


# --------------------------------------------------------------------------- without a 序号

def _rows_by_rules(units: Iterable[Fragment], filled: set[int]) -> Iterator[_Row]:
    """One row per unit, but a unit atop a page continues the row cut at the foot
    of the previous page where no rule closed the table there, or where it is
    empty in a column that every whole row fills (``filled``, categories left
    out: they may not be printed again; the rest of a cut row holds only the
    cells that did not fit, and Word draws a rule at the cut)."""
    prev: _Row | None = None
    for unit in units:
        if prev is not None and unit.index == 0 and (
                prev.units[-1].open_bottom
                or any(not unit.column_lines(j) for j in filled)):
            prev.units.append(unit)
            continue
        if prev is not None:
            yield prev
        prev = _Row("", [unit])
    if prev is not None:
        yield prev


def _filled_columns(fragments: list[Fragment]) -> set[int]:
    """Columns with text in every row that cannot be the rest of a cut row (all
    but the first row of each page), where there are a few such rows."""
    seen = 0
    filled: set[int] | None = None
    for frag in fragments:
        first = 1 if frag.index == 0 else 0
        if frag.nbands <= first:
            continue
        for b in range(first, frag.nbands):
            here = {c.col0 for c in frag.cells if c.lines and c.band0 <= b < c.band1}
            filled = here if filled is None else filled & here
            seen += 1
        if not filled:
            return set()
    return filled if filled is not None and seen >= MIN_FILLED_ROWS else set()


# --------------------------------------------------------------------------- filling down

@dataclass
class _Group:
    """The rows sharing one merged cell (a category), across pages: what each page
    part printed, and the last unit's cell (rows of one page share its lines object)."""

    items: list[RawItem]
    printings: list[list[Line]]
    cell: list[Line] | None = None
    cut: bool = False  # no rule under its cell at the foot of the page (the break cut it)


class _FillDown:
    """Fills category cells down, row by row (see the module docstring): a group is
    closed when its column starts another; its rows then take its fullest text."""

    def __init__(self, table: ListTable, category: set[int]):
        self.columns = sorted(((j, name) for name, j in table.fields.items() if j in category))
        self.open: dict[int, _Group] = {}

    def add(self, row: _Row, item: RawItem) -> None:
        for unit in row.units:
            new_here: set[int] = set()  # category columns starting a group at this unit
            for j, name in self.columns:
                cell = next((c for c in unit.cells if c.col0 == j), None)
                here = cell.lines if cell is not None else []
                group = self.open.get(j)
                joined = False
                if group is not None:
                    if unit.index > 0:
                        joined = j in unit.merged and cell is not None and cell.lines is group.cell
                    elif not any(k < j for k in new_here):
                        joined = group.cut or _continues(max(group.printings, key=_length),
                                                         here)
                        if joined:
                            group.printings.append(list(here))
                if joined:
                    if group.items[-1] is not item:
                        group.items.append(item)
                elif unit is not row.units[0] and group is not None:
                    group.printings[-1] = group.printings[-1] + list(here)  # the cell goes on
                else:
                    if group is not None:
                        self._close(group, name)
                    group = self.open[j] = _Group([item], [list(here)])
                    new_here.add(j)
                group.cell = here if cell is not None else None
                group.cut = unit.last_on_page and j in unit.open_columns

    def close(self) -> None:
        for j, name in self.columns:
            if j in self.open:
                self._close(self.open.pop(j), name)

    @staticmethod
    def _close(group: _Group, name: str) -> None:
        if len(group.items) > 1 or len(group.printings) > 1:
            fullest = max(group.printings, key=_length)
            for item in group.items:
                item.lines[name] = list(fullest)


def _continues(above: list[Line], here: list[Line]) -> bool:
    """Whether a cell atop a page continues the merged cell above the break:
    it is empty (not printed again), or one text begins the other (printed
    again, whole or the part that fits)."""
    a, h = _squash(above), _squash(here)
    return not h or (bool(a) and (a.startswith(h) or h.startswith(a)))


def _length(lines: list[Line]) -> int:
    return len(_squash(lines))


def _squash(lines: list[Line]) -> str:
    return "".join("".join(ln.text.split()) for ln in lines)
