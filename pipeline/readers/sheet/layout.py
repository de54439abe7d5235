"""One worksheet laid out as Excel prints it → ``model.PageLayout``.

    layout_sheet(sheet, number) → the page of one sheet

- hidden rows and columns are left out; a merged range keeps its top-left cell's
  text over the visible rows and columns it spans (covered cells are not shown);
- empty rows and columns are squeezed out, so a sheet whose used range reaches
  row 1,048,576 costs only its cells with text;
- a cell's lines (Alt+Enter) are its paragraphs;
- rows above the table (the first row with text in three cells, or two in a
  two-column table) are text above it (``outside_above``: "附件", the list title
  merged across the columns, the notice), rows below its last row with text in
  two columns are text below it ("注：…").
"""

from __future__ import annotations

import bisect

from ...errors import LimitError
from ...model import PageLayout
from ..cells import GridCell, layout_table
from .book import MAX_MERGED_AREA, TABLE_ROW_CELLS, Sheet


def layout_sheet(sheet: Sheet, number: int) -> tuple[PageLayout, str | None]:
    """The page of one sheet: its table's cells, and the text above and below it;
    and a note naming the hidden rows and columns that hold text (left out, as
    Excel leaves them out of print), or None."""
    hidden_r, hidden_c = sheet.hidden_rows, sheet.hidden_cols
    cells = {rc: t for rc, t in sheet.cells.items()
             if rc[0] not in hidden_r and rc[1] not in hidden_c}
    note = _hidden_note(sheet, cells)
    anchors: dict[tuple[int, int], tuple[int, int, str]] = {}  # (r, c) → (r1, c1, text)
    covered: set[tuple[int, int]] = set()
    if cells:
        last_r = max(r for r, _ in cells)
        last_c = max(c for _, c in cells)
        area = 0
        for r0, c0, r1, c1 in sorted(sheet.merges):
            text = sheet.cells.get((r0, c0), "")
            r1, c1 = min(r1, last_r), min(c1, last_c)
            if not text.strip():
                continue
            row, col = hidden_r.next_visible(r0), hidden_c.next_visible(c0)
            if row > r1 or col > c1:
                continue
            area += (r1 - r0 + 1) * (c1 - c0 + 1)
            if area > MAX_MERGED_AREA:
                raise LimitError(f"sheet '{sheet.name}': merged ranges cover more than "
                                 f"{MAX_MERGED_AREA:,} cells")
            span = [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
            if any(rc in covered for rc in span):
                continue  # overlapping ranges (Excel repairs them away): the first wins
            covered.update(span)
            anchors[(row, col)] = (r1, c1, text)
    for rc, text in cells.items():
        if rc not in covered and text.strip():
            anchors[rc] = (rc[0], rc[1], text)
    if not anchors:
        return layout_table([], number), note
    # Squeeze out hidden and empty rows and columns: only rows and columns where a
    # cell starts keep a place; a merged cell ends on the last such row it covers.
    rows = sorted({r for r, _ in anchors})
    cols = sorted({c for _, c in anchors})
    row_at = {r: i for i, r in enumerate(rows)}
    col_at = {c: j for j, c in enumerate(cols)}
    grid = []
    for (r, c), (r1, c1, text) in anchors.items():
        i, j = row_at[r], col_at[c]
        grid.append(GridCell(i, j, bisect.bisect_right(rows, r1) - i,
                             bisect.bisect_right(cols, c1) - j, _paragraphs(text)))
    return _split_table(grid, rows, number), note


def _hidden_note(sheet: Sheet, shown: dict) -> str | None:
    """"sheet 'X': hidden rows 7, 12 and column C hold text, left out" (or None)."""
    if len(shown) == len(sheet.cells):
        return None
    rows, cols = set(), set()
    for r, c in sheet.cells:
        if (r, c) not in shown and sheet.cells[(r, c)].strip():
            if r in sheet.hidden_rows:
                rows.add(r)
            else:
                cols.add(c)
    parts = []
    if rows:
        parts.append(_listed("row", [str(r + 1) for r in sorted(rows)]))
    if cols:
        parts.append(_listed("column", [_letters(c) for c in sorted(cols)]))
    if not parts:
        return None
    return (f"sheet '{sheet.name}': hidden {' and '.join(parts)} "
            f"{'hold' if len(rows) + len(cols) > 1 else 'holds'} text, left out as Excel "
            "leaves it out of print")


def _listed(what: str, names: list[str], most: int = 10) -> str:
    shown = ", ".join(names[:most]) + (f" … ({len(names)} in all)" if len(names) > most else "")
    return f"{what}{'s' if len(names) > 1 else ''} {shown}"


def _letters(col: int) -> str:
    """0 → A, 26 → AA."""
    out = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def _split_table(grid: list[GridCell], rows: list[int], number: int) -> PageLayout:
    """Lay out ``grid`` (``rows``: the sheet row of each grid row): rows before the
    table's first row and after its last are text outside it."""
    nrows = len(rows)
    own = [0] * nrows  # cells starting in each row
    spans = [0] * nrows  # cells reaching into each row from above
    for g in grid:
        own[g.row] += 1
        for k in range(g.row + 1, g.row + g.rowspan):
            spans[k] += 1
    need = max(2, min(TABLE_ROW_CELLS, max(own)))
    top = next((k for k in range(nrows) if own[k] >= need), None)
    if top is None:  # no table: every row is text
        return layout_table([], number, _texts(grid, range(nrows)))
    bottom = max(k for k in range(top, nrows) if own[k] + spans[k] >= 2)
    table = [GridCell(g.row - top, g.col, min(g.rowspan, bottom + 1 - g.row), g.colspan,
                      g.paragraphs)
             for g in grid if top <= g.row <= bottom]
    page = layout_table(table, number, _texts(grid, range(top)),
                        _texts(grid, range(bottom + 1, nrows)))
    page.source_rows = [r + 1 for r in rows[top:bottom + 1]]
    return page


def _texts(grid: list[GridCell], rows: range) -> list[str]:
    """Lines of text of the rows ``rows``: a lone cell's paragraphs, or the row's
    cells side by side on one line."""
    by_row: dict[int, list[GridCell]] = {}
    for g in grid:
        if g.row in rows:
            by_row.setdefault(g.row, []).append(g)
    out = []
    for r in sorted(by_row):
        row = sorted(by_row[r], key=lambda g: g.col)
        if len(row) == 1:
            out.extend(row[0].paragraphs)
        else:
            out.append("   ".join(" ".join(g.paragraphs) for g in row))
    return out


def _paragraphs(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
