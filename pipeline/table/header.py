"""Stage 3: recognise the list's table and its profile; drop repeated header rows.

    drop_headers(page_layouts, profiles) → ``model.ListTable``

The list's table is the first table whose header a specific profile claims
(every required column found by its labels; the best-fitting profile where
several claim it), or, where no header row is printed, the first table with
a profile's number of columns whose first column holds numbers.  Where no
specific profile claims any table, the generic profile reads the table with
the most body rows (bands: rows under a category merged over them count one
each, though they make one fragment; the first such table on a tie).

Header rows are the rows above the first numbered row (for a profile with a
序号 key: fewer where the profile claims the table with fewer and the next row
is no row of sub-labels — the first item's 序号 may be empty), or, in a table
without numbers, the first row (and the next ones while a header cell spans
several columns at the bottom of a row and the next row holds only its
sub-labels: a label merged over two columns with no sub-labels under it is one
label over both, and the row under it is the first item).  A row across the
whole table at the top of the header is the list's title (``ListTable.title``),
not a level of the header.  A header cut by a page break (its top row at the
foot of one page, the rest on the next) is joined by the cells' x-extents.  On
later pages, rows made only of header text are the header repeated and are
dropped.  Rows after the last item that the profile calls a note of the list
(``list_note``: 备注：…) go to ``ListTable.notes``, not to the items.

Without pages (Word, Excel, web), every later table with the list's columns
whose header is repeated (or, for a specific profile, whose first row is
numbered) continues the list — a workbook's sheets one per power type, in
sheet order — and every other table is passed over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

from ..errors import LayoutError
from ..model import SPAN_MARK, Fragment, ListTable, PageLayout, seq_number
from ..settings import DEFAULT_LAYOUT, LayoutSettings

_SPACE = re.compile(r"\s+")


@dataclass
class _HeaderCell:
    x0: float
    x1: float
    text: str


@dataclass
class _Found:
    """A table claimed by a profile, with the index of the page after its last one."""

    table: ListTable
    end: int

    @property
    def body_rows(self) -> int:
        return sum(f.nbands for f in self.table.fragments)


def drop_headers(pages: list[PageLayout], profiles=None,
                 layout: LayoutSettings = DEFAULT_LAYOUT, paginated: bool = True) -> ListTable:
    """Return the list's table: its profile, columns and body rows in document order.

    ``profiles``: the ``profiles.Profile`` candidates, specific ones first
    (default: every profile, as ``--profile auto``).  ``paginated``: the pages
    are a PDF's; otherwise (Word, Excel, web) each page is a table of its own,
    which continues the list only with the same columns and a repeated header
    or a numbered first row — any other table ends it.  Raises ``LayoutError``
    when no table is claimed by any of them, or when a later page of a PDF has
    a table of another number of columns.
    """
    if profiles is None:
        from ..profiles import load_profiles

        profiles = list(load_profiles().values())
    specific = [p for p in profiles if not p.generic]
    found = _scan(pages, specific, layout, 0, paginated) if specific else None
    if found is None:
        for profile in (p for p in profiles if p.generic):
            start = 0
            while start < len(pages):
                candidate = _scan(pages, [profile], layout, start, paginated)
                if candidate is None:
                    break
                if found is None or candidate.body_rows > found.body_rows:
                    found = candidate
                start = candidate.end
    if found is None:
        seen = [p.number for p in pages if p.has_table]
        place = "pages" if paginated else "tables"
        where = f"on {place} {', '.join(map(str, seen))}" if seen else "in the document"
        raise LayoutError(f"no table with the list's columns found {where}",
                          hint=_expected_columns(specific))
    return found.table


def _expected_columns(profiles) -> str:
    from .. import schema

    if not profiles:
        return "expected a ruled table with a header row"
    labels = []
    for p in profiles:
        names = []
        for f in p.required:
            try:
                names.append(schema.ITEMS.column(f).label)
            except KeyError:
                names.append(f)
        labels.append("、".join(names))
    return f"expected a ruled table with the columns {' or '.join(labels)}"


def _scan(pages: list[PageLayout], profiles, layout: LayoutSettings, start: int,
          paginated: bool = True) -> _Found | None:
    """The first table from page index ``start`` on that one of ``profiles`` claims,
    followed over the pages that continue it."""
    table: ListTable | None = None
    title = ""
    header_texts: set[str] = set()
    pending: list[_HeaderCell] = []  # header rows seen on a page without body rows
    unclaimed: list[tuple[float, float]] = []  # columns of a table whose header none claimed
    ncols = 0
    end = len(pages)
    for i in range(start, len(pages)):
        page = pages[i]
        if not page.has_table:
            continue
        rows = [r for r in page.rows if not r.is_empty]
        if table is None:
            best = None
            for profile in profiles:
                n_header = _count_header_rows(rows, profile, page)
                if n_header == len(rows):
                    continue
                title, top = _title(rows[:n_header], page)
                cells = _header_cells(page, rows[top:n_header])
                if pending and _same_extent(pending, cells, page, layout):
                    cells = pending + cells
                if not cells and _same_columns(unclaimed, page.columns, layout):
                    continue  # that table goes on without its header: not a headerless list
                claimed = _recognise(page, cells, profile)
                if claimed is not None and (best is None or claimed[1] > best[1]):
                    best = (claimed[0], claimed[1], n_header, cells, title)
            if best is None:
                # Without pages, a table of header rows alone is not cut from the next one.
                pending = _pending_header(page, rows, profiles) if paginated else []
                if any(_count_header_rows(rows, p, page) for p in profiles):
                    unclaimed = page.columns
                continue
            table, _, n_header, cells, title = best
            table.paginated, table.title = paginated, title
            pending = []
            ncols = len(page.columns)
            header_texts = {c.text for c in cells if c.text}
            table.fragments.extend(_on_page(_body(rows[n_header:], table), page.number))
            _add_page(table, page)
            continue
        if not paginated:
            skip = _continues_list(rows, ncols, page, header_texts, table.profile)
            if skip is None:
                # A table of its own (related documents, a summary, another list): passed
                # over; the next candidate list starts here (``end``).
                end = min(end, i)
                continue
            table.fragments.extend(_on_page(_body(rows[skip:], table), page.number))
            _add_page(table, page)
            continue
        if len(page.columns) != ncols:
            first = rows[0] if rows else None
            if (first and _looks_like_header(first, table.profile)
                    and not _repeats_header(first, header_texts, table.profile)):
                end = i
                break  # another table with its own header: the list has ended
            if table.profile.generic:
                end = i
                break
            raise LayoutError(
                f"the table has {len(page.columns)} columns, expected {ncols} as on page "
                f"{table.pages[0]}", page=page.number,
                hint="a column rule may be missing on this page")
        # A title row atop the header again (a workbook's next sheet printed) goes too.
        first_row = 1 if (len(rows) > 1 and _is_title_row(rows[0], ncols)
                          and _repeats_header(rows[1], header_texts, table.profile)) else 0
        while first_row < len(rows) and _repeats_header(rows[first_row], header_texts,
                                                        table.profile):
            first_row += 1
        table.fragments.extend(_on_page(_body(rows[first_row:], table), page.number))
        _add_page(table, page)
    if table is None:
        return None
    return _Found(table, end)


def _continues_list(rows: list[Fragment], ncols: int, page: PageLayout, header_texts: set[str],
                    profile) -> int | None:
    """How many rows to skip where a separate table (Word, Excel, web) goes on with
    the list — the same columns, and the header repeated (after a title row of its
    own) or a numbered first row (a list split in two) — else None."""
    if len(page.columns) != ncols or not rows:
        return None
    top = 1 if len(rows) > 1 and _is_title_row(rows[0], ncols) else 0
    skip = top
    while skip < len(rows) and _repeats_header(rows[skip], header_texts, profile):
        skip += 1
    if skip > top:
        return skip
    if not profile.generic and _numbered(rows[top].column_text(0), profile):
        return top
    return None


def _add_page(table: ListTable, page: PageLayout) -> None:
    table.pages.append(page.number)
    if page.source_rows is not None:
        table.source_rows[page.number] = page.source_rows


def _body(rows: list[Fragment], table: ListTable) -> list[Fragment]:
    """A page's body rows without the rows after the last item that are a note of the
    list (``profile.list_note``: a row whose first cell says 备注/注, with at most one
    cell besides): their text goes to ``table.notes``."""
    pattern = getattr(table.profile, "list_note", None)
    if not pattern:
        return rows
    notes = []
    while rows:
        cells = [c for c in rows[-1].cells if c.text.strip()]
        if (not cells or len(cells) > 2 or rows[-1].nbands > 1
                or not regex.match(pattern, cells[0].text.strip())):
            break
        notes.insert(0, " ".join(" ".join(ln.text for ln in c.lines) for c in cells))
        rows = rows[:-1]
    table.notes.extend(notes)
    return rows


def _title(rows: list[Fragment], page: PageLayout) -> tuple[str, int]:
    """(the list title, header rows it takes) where the header's first row is one cell
    across the whole table above further header rows; else ("", 0)."""
    if len(rows) > 1 and _is_title_row(rows[0], len(page.columns)):
        return _norm(rows[0].cells[0].text) if rows[0].cells else "", 1
    return "", 0


def _is_title_row(row: Fragment, ncols: int) -> bool:
    cells = [c for c in row.cells if c.text.strip()]
    return (ncols > 1 and row.nbands == 1 and len(cells) == 1
            and cells[0].col0 == 0 and cells[0].col1 >= ncols)


def _pending_header(page: PageLayout, rows: list[Fragment], profiles) -> list[_HeaderCell]:
    """Header rows left alone at the foot of a page (the body starts on the next)."""
    for profile in profiles:
        if rows and _count_header_rows(rows, profile) == len(rows):
            return _header_cells(page, rows)
    return []


def _count_header_rows(rows: list[Fragment], profile, page: PageLayout | None = None) -> int:
    """Rows above the first numbered row; in a table without numbers (generic
    profile), the first row and the rows of sub-labels under a header cell
    spanning columns at its bottom.

    A row whose 序号 is only the start of one ("（" of "（1）" wrapped in a
    narrow column, the rest on the next page) is numbered too.  Where a specific
    profile claims the table with fewer of those rows and the next one is not a
    row of sub-labels, the header ends there (an item whose 序号 is empty or odd).
    """
    n = 0
    while n < len(rows) and not _numbered(_first_key_text(rows[n]), profile):
        n += 1
    if not profile.generic and page is not None and 1 < n < len(rows):
        for k in range(1, n):
            _, top = _title(rows[:k], page)
            cells = _header_cells(page, rows[top:k])
            if (cells and not _sub_labels(rows[k], rows[k - 1])
                    and _recognise(page, cells, profile) is not None):
                return k
    if not profile.generic or (n < len(rows) and n > 0):
        return n
    n = min(1, len(rows))
    # A cell spanning columns at the bottom of a header row (a group label, a
    # title across the table) has its labels in the next row; one above other
    # labels in the same row (cells of the other columns spanning both levels
    # keep a two-level header in one row) does not, and neither does one with
    # nothing under it (the next row is then the first item).
    while n < len(rows) and _sub_labels(rows[n], rows[n - 1]):
        n += 1
    return n


def _sub_labels(row: Fragment, above: Fragment) -> bool:
    """Whether ``row`` holds only sub-labels of ``above``'s cells spanning several
    columns at its bottom: text only in columns those cells cover."""
    spans = [(c.col0, c.col1) for c in above.cells
             if c.col1 - c.col0 > 1 and c.band1 >= above.nbands]
    cells = [c for c in row.cells if c.text.strip()]
    return bool(spans) and bool(cells) and all(
        any(a <= c.col0 and c.col1 <= b for a, b in spans) for c in cells)


def _first_key_text(row: Fragment) -> str:
    """The text of the row's top cell in the first column: a fragment of several
    list rows (under a category merged over them) holds one 序号 per row, and
    their texts run together ("1" "2" … "9" reads as 123456789)."""
    cells = [c for c in row.cells if c.col0 == 0]
    return min(cells, key=lambda c: c.band0).text if cells else ""


def _numbered(text: str, profile) -> bool:
    text = _norm(text)
    return bool(text) and (seq_number(text, profile.key_pattern) is not None
                           or seq_number(text + "1", profile.key_pattern) is not None)


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


def _same_columns(a: list[tuple[float, float]], b: list[tuple[float, float]],
                  layout: LayoutSettings) -> bool:
    tol = layout.column_tolerance
    return len(a) == len(b) and all(abs(x[0] - y[0]) <= tol and abs(x[1] - y[1]) <= tol
                                    for x, y in zip(a, b, strict=True))


def _recognise(page: PageLayout, cells: list[_HeaderCell], profile):
    """(the list's table with its columns and no rows yet, score) if ``profile``
    claims this page's table, else None."""
    ncols = len(page.columns)
    if cells:
        labels = ["".join(c.text for c in cells if _covers(c, page.columns[j]))
                  for j in range(ncols)]
        columns = profile.read_header(labels, _groups(cells, page))
    else:
        labels = [""] * ncols
        columns = profile.read_headerless(ncols)
    if columns is None:
        return None
    fields = {}
    for c in columns:
        fields[c.field] = c.index
        fields.update({f"{c.field}{SPAN_MARK}{k}": c.index + k for k in range(1, c.span)})
    table = ListTable(fields, labels, [], [],
                      "\n".join(c.text for c in cells if c.text), profile, columns)
    return table, profile.score(columns, ncols)


def _groups(cells: list[_HeaderCell], page: PageLayout) -> list[int]:
    """Per column, the widest header cell over it (columns under one merged label
    share it; a column under none gets a number of its own)."""
    out = []
    for j, column in enumerate(page.columns):
        over = [(c.x1 - c.x0, k) for k, c in enumerate(cells) if _covers(c, column)]
        out.append(max(over)[1] if over else -1 - j)
    return out


def _covers(cell: _HeaderCell, column: tuple[float, float]) -> bool:
    """Whether a header cell lies over a column (its middle is inside the cell)."""
    middle = (column[0] + column[1]) / 2
    return cell.x0 <= middle <= cell.x1


def _looks_like_header(row: Fragment, profile) -> bool:
    """Text in the row, but no number in its first column."""
    return not row.is_empty and seq_number(_first_key_text(row), profile.key_pattern) is None


def _repeats_header(row: Fragment, header_texts: set[str], profile) -> bool:
    """A row repeating the known header: every cell's text is header text, as printed
    or with one character misread, missing or extra (an OCR slip: 〔2019〕 read [2019〕)."""
    if not header_texts or not _looks_like_header(row, profile):
        return False
    return all(_is_header_text(_norm(c.text), header_texts) for c in row.cells if c.text)


def _is_header_text(text: str, header_texts: set[str]) -> bool:
    return text in header_texts or (len(text) >= 2 and any(
        _one_slip(text, h) for h in header_texts if len(h) >= 2))


def _one_slip(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by at most one character changed, added or dropped."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k, (x, y) in enumerate(zip(short, long_, strict=False)) if x != y),
             len(short))
    return short[i:] == long_[i + 1:]


def _on_page(rows: list[Fragment], page: int) -> list[Fragment]:
    for i, r in enumerate(rows):
        r.page = page
        r.index = i
        r.last_on_page = i == len(rows) - 1
    return rows


def _norm(text: str) -> str:
    return _SPACE.sub("", text)
