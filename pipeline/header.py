"""Stage 3: recognise the list's table and its columns; drop repeated header rows.

    drop_headers(page_layouts) → ``model.ListTable``

The list's table is the first ruled table whose header names the required
columns (settings.COLUMN_PATTERNS), or, where no header row is printed, the
first table with the default number of columns whose first column holds
numbers.  Header rows are the rows above the first numbered row; a header cut
by a page break (its top row at the foot of one page, the rest on the next)
is joined by the cells' x-extents.  On later pages, rows made only of header
text are the header repeated and are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import schema
from .errors import LayoutError
from .model import Fragment, ListTable, PageLayout, seq_number
from .settings import DEFAULT_LAYOUT, LayoutSettings

_SPACE = re.compile(r"\s+")


@dataclass
class _HeaderCell:
    x0: float
    x1: float
    text: str


def drop_headers(pages: list[PageLayout], layout: LayoutSettings = DEFAULT_LAYOUT) -> ListTable:
    """Return the list's table: field → column map and body rows in document order.

    Raises ``LayoutError`` when no table has the list's columns, or when a later
    page's table has another number of columns.
    """
    table: ListTable | None = None
    header_texts: set[str] = set()
    pending: list[_HeaderCell] = []  # header rows seen on a page without body rows
    ncols = 0
    seen = []
    for page in pages:
        if not page.has_table:
            continue
        rows = [r for r in page.rows if not r.is_empty]
        if table is None:
            seen.append(page.number)
            n_header = _count_header_rows(rows, layout)
            cells = _header_cells(page, rows[:n_header])
            if pending and _same_extent(pending, cells, page, layout):
                cells = pending + cells
            if n_header == len(rows):  # only header rows here: the body may start later
                pending = cells
                continue
            table = _recognise(page, cells, layout)
            pending = []
            if table is None:
                continue
            ncols = len(page.columns)
            header_texts = {c.text for c in cells if c.text}
            table.fragments.extend(_on_page(rows[n_header:], page.number))
            table.pages.append(page.number)
            continue
        if len(page.columns) != ncols:
            first = rows[0] if rows else None
            if (first and _looks_like_header(first, layout)
                    and not _repeats_header(first, header_texts, layout)):
                break  # another table with its own header: the list has ended
            raise LayoutError(
                f"the table has {len(page.columns)} columns, expected {ncols} as on page "
                f"{table.pages[0]}", page=page.number,
                hint="a column rule may be missing on this page")
        start = 0
        while start < len(rows) and _repeats_header(rows[start], header_texts, layout):
            start += 1
        table.fragments.extend(_on_page(rows[start:], page.number))
        table.pages.append(page.number)
    if table is None:
        where = f"on pages {', '.join(map(str, seen))}" if seen else "on any page"
        labels = "、".join(schema.ITEMS.column(f).label for f in layout.required_columns)
        raise LayoutError(f"no table with the list's columns found {where}",
                          hint=f"expected a ruled table with the columns {labels}")
    return table


def _count_header_rows(rows: list[Fragment], layout: LayoutSettings) -> int:
    """Rows above the first numbered row.

    A row whose 序号 is only the start of one ("（" of "（1）" wrapped in a
    narrow column, the rest on the next page) is numbered too.
    """
    n = 0
    while n < len(rows) and not _numbered(rows[n].column_text(0), layout):
        n += 1
    return n


def _numbered(text: str, layout: LayoutSettings) -> bool:
    text = _norm(text)
    return bool(text) and (seq_number(text, layout.seq_pattern) is not None
                           or seq_number(text + "1", layout.seq_pattern) is not None)


def _header_cells(page: PageLayout, rows: list[Fragment]) -> list[_HeaderCell]:
    return [_HeaderCell(page.columns[c.col0][0], page.columns[c.col1 - 1][1], _norm(c.text))
            for r in rows for c in r.cells]


def _same_extent(pending: list[_HeaderCell], cells: list[_HeaderCell], page: PageLayout,
                 layout: LayoutSettings) -> bool:
    """Whether header rows left on the previous table page belong to this page's table.

    A header cut by a page break continues the same table: same left and
    right edges.  (A different small table, say of contacts, does not.)
    """
    tol = layout.column_tolerance
    left, right = min(c.x0 for c in pending), max(c.x1 for c in pending)
    if abs(left - page.columns[0][0]) > tol or abs(right - page.columns[-1][1]) > tol:
        return False
    # Every cell of a cut header starts and ends on one of this table's column rules;
    # another table of the same width (a contact table) has its own column rules.
    edges = [page.columns[0][0], *(x1 for _, x1 in page.columns)]
    return all(any(abs(x - e) <= tol for e in edges) for c in pending for x in (c.x0, c.x1))


def _recognise(page: PageLayout, cells: list[_HeaderCell], layout: LayoutSettings):
    """The list's table (fields mapped, no rows yet) if this page's table is it, else None."""
    ncols = len(page.columns)
    if cells:
        labels = ["".join(c.text for c in cells if _covers(c, page.columns[j]))
                  for j in range(ncols)]
        fields = _map_columns(labels, layout)
    else:
        labels = [""] * ncols
        order = layout.default_column_order
        fields = {f: j for j, f in enumerate(order)} if ncols == len(order) else {}
    if not all(f in fields for f in layout.required_columns):
        return None
    return ListTable(fields, labels, [], [], "\n".join(c.text for c in cells if c.text))


def _covers(cell: _HeaderCell, column: tuple[float, float]) -> bool:
    """Whether a header cell lies over a column (its middle is inside the cell)."""
    middle = (column[0] + column[1]) / 2
    return cell.x0 <= middle <= cell.x1


def _map_columns(labels: list[str], layout: LayoutSettings) -> dict[str, int]:
    """Give each column the first field whose pattern its header label matches."""
    fields: dict[str, int] = {}
    for j, label in enumerate(labels):
        for name, pattern in layout.column_patterns:
            if name not in fields and label and re.search(pattern, label):
                fields[name] = j
                break
    return fields


def _looks_like_header(row: Fragment, layout: LayoutSettings) -> bool:
    """Text in the row, but no number in its first column."""
    return not row.is_empty and seq_number(row.column_text(0), layout.seq_pattern) is None


def _repeats_header(row: Fragment, header_texts: set[str], layout: LayoutSettings) -> bool:
    """A row repeating the known header: every cell's text is header text."""
    if not header_texts or not _looks_like_header(row, layout):
        return False
    return all(_norm(c.text) in header_texts for c in row.cells if c.text)


def _on_page(rows: list[Fragment], page: int) -> list[Fragment]:
    for i, r in enumerate(rows):
        r.page = page
        r.index = i
        r.last_on_page = i == len(rows) - 1
    return rows


def _norm(text: str) -> str:
    return _SPACE.sub("", text)
