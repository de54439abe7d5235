"""Stage 3: recognise the list's table and its columns; drop repeated header rows.

    drop_headers(page_layouts) → ``model.ListTable``

The list's table is the first ruled table whose header names the required
columns (settings.COLUMN_PATTERNS), or, where no header row is printed, the
first table with the default number of columns whose first column holds
numbers.  Header rows are the rows above the first numbered row; on later
pages, rows made only of header text are the header repeated and are dropped.
"""

from __future__ import annotations

import re

from .errors import LayoutError
from .model import Fragment, ListTable, PageLayout
from .settings import DEFAULT_LAYOUT, LayoutSettings

_SPACE = re.compile(r"\s+")


def drop_headers(pages: list[PageLayout], layout: LayoutSettings = DEFAULT_LAYOUT) -> ListTable:
    """Return the list's table: field → column map and body rows in document order.

    Raises ``LayoutError`` when no table has the list's columns, or when a later
    page's table has another number of columns.
    """
    table: ListTable | None = None
    header_texts: set[str] = set()
    ncols = 0
    seen = []
    for page in pages:
        if not page.has_table:
            continue
        rows = [r for r in page.rows if not r.is_empty]
        if table is None:
            seen.append(page.number)
            found = _recognise(page, rows, layout)
            if found is None:
                continue
            table, n_header = found
            ncols = len(page.columns)
            header_texts = {_norm(c.text) for r in rows[:n_header] for c in r.cells if c.text}
            table.fragments.extend(_on_page(rows[n_header:], page.number))
            table.pages.append(page.number)
            continue
        if len(page.columns) != ncols:
            first = rows[0] if rows else None
            if first and _is_header_row(first, set()) and not _is_header_row(first, header_texts):
                break  # another table with its own header: the list has ended
            raise LayoutError(
                f"the table has {len(page.columns)} columns, expected {ncols} as on page "
                f"{table.pages[0]}", page=page.number,
                hint="a column rule may be missing on this page")
        start = 0
        while start < len(rows) and _is_header_row(rows[start], header_texts):
            start += 1
        table.fragments.extend(_on_page(rows[start:], page.number))
        table.pages.append(page.number)
    if table is None:
        where = f"on pages {', '.join(map(str, seen))}" if seen else "on any page"
        raise LayoutError(
            f"no table with the list's columns found {where}",
            hint="expected a ruled table with columns such as "
            + "、".join(layout.required_columns) + " (序号, 事项名称, …)")
    return table


def _recognise(page: PageLayout, rows: list[Fragment], layout: LayoutSettings):
    """(ListTable, number of header rows) if this page's table is the list, else None."""
    n_header = 0
    while n_header < len(rows) and not _seq_like(rows[n_header].column_text(0)):
        n_header += 1
    if n_header == len(rows):
        return None  # no numbered row: not the list (or only its header)
    ncols = len(page.columns)
    if n_header:
        labels = [_norm("".join(c.text for r in rows[:n_header] for c in r.cells
                                if c.col0 <= j < c.col1)) for j in range(ncols)]
        fields = _map_columns(labels, layout)
    else:
        labels = [""] * ncols
        order = layout.default_column_order
        fields = {f: j for j, f in enumerate(order)} if ncols == len(order) else {}
    if not all(f in fields for f in layout.required_columns):
        return None
    header_text = "\n".join(_norm(c.text) for r in rows[:n_header] for c in r.cells)
    return ListTable(fields, labels, [], [], header_text), n_header


def _map_columns(labels: list[str], layout: LayoutSettings) -> dict[str, int]:
    """Give each column the first field whose pattern its header label matches."""
    fields: dict[str, int] = {}
    for j, label in enumerate(labels):
        for name, pattern in layout.column_patterns:
            if name not in fields and label and re.search(pattern, label):
                fields[name] = j
                break
    return fields


def _is_header_row(row: Fragment, header_texts: set[str]) -> bool:
    """A row repeating the header: no number in column 0, every cell header text.

    With an empty ``header_texts`` it asks only whether the row looks like some
    header (has text, no number in column 0).
    """
    texts = [_norm(c.text) for c in row.cells if c.text]
    if not texts or _seq_like(row.column_text(0)):
        return False
    return not header_texts or all(t in header_texts for t in texts)


def _on_page(rows: list[Fragment], page: int) -> list[Fragment]:
    for i, r in enumerate(rows):
        r.page = page
        r.index = i
        r.last_on_page = i == len(rows) - 1
    return rows


def _seq_like(text: str) -> bool:
    text = _norm(text)
    return text.isdigit() and len(text) <= 4


def _norm(text: str) -> str:
    return _SPACE.sub("", text)
