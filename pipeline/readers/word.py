"""The Word reader: a .docx's WordprocessingML → one page of the model per table.

    read_word(path, fmt, layout, limits) → ``model.Document``

The list's cells are the author's cells: ``w:gridSpan`` and ``w:vMerge``
give each ``cells.GridCell`` its spans, every paragraph and line break
(``w:br``) in a cell is a line of its own, and a table nested in a cell is
flattened into that cell's paragraphs in reading order; grid columns too narrow
to hold text (borders dragged a hair apart in some rows) are dropped, so that
the rows of a jagged table line up.  A first or last row that is one cell
across the whole table (the list title typed into the table, a "注：" row) is
text above or below it.  Each top-level table
becomes one ``PageLayout`` (numbered 1…n, not paginated), so that
``header.drop_headers`` picks the list among them as it does among PDF pages;
the paragraphs before a table stand above it (``outside_above``), where
``notice.read_notice`` finds the document number, date, title and issuers.
Where a page or section break separates the notice from the attachment, the
notice's text before it is a page of its own without a table, as in a PDF, so
that the lines above the list ("附件", its title) are told from the notice's.

Text is what Word prints: list numbers that are paragraph properties
(``w:numPr``) are rendered from ``numbering.xml`` (formats such as
``decimal``, ``chineseCounting``, ``decimalEnclosedCircle`` in ``lvlText``
like ``%1.``), with Word's counters (shared by the ``w:num`` instances of one
abstract definition, restarted by ``w:startOverride``); a field shows its
result, not its code; deleted revisions and hidden text (``w:vanish``) are
left out, inserted revisions kept.

The package is read with ``zipfile`` and lxml directly rather than through
python-docx: only three parts are needed (document, numbering, styles), each
read with a cap on its inflated size counted while inflating (a zip's
directory can lie), parsed without DTDs, entities or network, and walked in
document order with tracked changes, fields, content controls and nested
tables, which python-docx's object model does not expose.

Here: the document's pages (tables, banner rows, the notice's own page).  The package's
parts: ``wordparts``; styles and list numbers: ``wordstyles``; the walk of the body:
``wordwalk``.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, LayoutError
from ..model import Document
from ..settings import DEFAULT_LAYOUT, DEFAULT_LIMITS, LayoutSettings, Limits
from .cells import GridCell, layout_table
from .wordparts import read_parts
from .wordstyles import read_styles
from .wordwalk import walk_body

#: A table of at least this many columns may have banner rows (one cell across it).
MIN_BANNER_COLUMNS = 3


def read_word(path: Path, fmt=None, layout: LayoutSettings = DEFAULT_LAYOUT,
              limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read the .docx ``path`` into one page per top-level table.

    ``fmt`` (the sniffed ``Format``) names the kind recorded as the source
    format.  Raises ``InputError`` for a package that cannot be read (damaged,
    a part too large, XML with a DTD) and ``LayoutError`` for a document
    without any table; errors name no file: the caller locates them at the
    file the user gave (``path`` may be LibreOffice's conversion of it).
    """
    parts = read_parts(Path(path), limits)
    w = parts.w
    body = parts.document.find(f"{w}body")
    if body is None:
        raise InputError("not a Word document: its main part has no w:body")
    styles, numbering = read_styles(parts.styles, parts.numbering, w)
    tables, outside, notice_lines = walk_body(body, w, styles, numbering)
    if not tables:
        raise LayoutError("the document has no table",
                          hint="the list may be a picture or plain text; ask for the "
                               "attachment as a Word or Excel table, or a PDF")
    pages = []
    if notice_lines:  # the notice's pages, then the attachment's: as printed
        pages.append(layout_table([], 1, outside[0][:notice_lines]))
        outside[0] = outside[0][notice_lines:]
    for i, cells in enumerate(tables):
        title, cells, note = _peel_banners(cells)
        below = note + (outside[i + 1] if i == len(tables) - 1 else [])
        pages.append(layout_table(cells, len(pages) + 1, outside[i] + title, below))
    kind = fmt.kind if fmt is not None else "docx"
    return Document(kind, pages, page_count=1, paginated=False)


def _peel_banners(cells: list[GridCell]) -> tuple[list[str], list[GridCell], list[str]]:
    """(text above, the table's cells, text below): first and last rows that are one
    cell across the whole table (the list title typed in a row above the header, a
    "注：" row under the list) are text around the table, as a reader sees them."""
    ncols = max((c.col + c.colspan for c in cells), default=0)
    if ncols < MIN_BANNER_COLUMNS:
        return [], cells, []
    rows: dict[int, list[GridCell]] = {}
    for c in cells:
        rows.setdefault(c.row, []).append(c)

    def banner(r: int) -> bool:
        row = rows.get(r, [])
        return (len(row) == 1 and row[0].colspan == ncols and row[0].rowspan == 1
                and any(p.strip() for p in row[0].paragraphs))

    nrows = max(rows, default=-1) + 1
    first, last = 0, nrows - 1
    while first <= last and banner(first):
        first += 1
    while last >= first and banner(last):
        last -= 1
    if first > last:  # every row a banner: a one-cell layout table, not a list
        return [], cells, []
    above = [p for r in range(first) for p in rows[r][0].paragraphs]
    below = [p for r in range(last + 1, nrows) for p in rows[r][0].paragraphs]
    kept = [GridCell(c.row - first, c.col, c.rowspan, c.colspan, c.paragraphs, c.conf)
            for c in cells if first <= c.row <= last]
    return above, kept, below
