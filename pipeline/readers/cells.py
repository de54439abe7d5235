"""A table given as cells with row and column spans → the page model later stages read.

    layout_table(cells, number, outside_above, outside_below) → ``model.PageLayout``

Word, Excel and web readers know their table's cells exactly (``GridCell``:
top-left row and column, spans, paragraphs); the PDF reader's grid finds the
same from ruling (``readers.grid``).  Both meet here: rows are grouped so that
no cell crosses a group (a cell merged over several rows keeps them in one
``Fragment``, each row a band of it), and every paragraph of a cell becomes a
``Line`` that ends a paragraph (``short``), since the author broke it there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..model import Cell, Fragment, Line, PageLayout
from ..text.spaces import squeeze_spaces

#: Width of a column in the model's coordinates (there is no geometry to keep).
COLUMN_WIDTH = 100.0
#: Height of one line of text in the model's coordinates.
LINE_HEIGHT = 12.0
#: Nominal type size of a line (later stages scale tolerances by it).
SIZE = 10.0


@dataclass
class GridCell:
    """One cell: top-left ``row`` and ``col`` (0-based), spans, and its paragraphs
    (lines as the author broke them; white space inside kept as printed)."""

    row: int
    col: int
    rowspan: int
    colspan: int
    paragraphs: list[str]
    conf: float | None = None


def layout_table(cells: Sequence[GridCell], number: int = 1,
                 outside_above: Iterable[str] = (),
                 outside_below: Iterable[str] = ()) -> PageLayout:
    """The page model of one table: its rows, and the text above and below it.

    ``cells`` must not overlap; positions no cell covers are empty cells.
    """
    nrows = max((c.row + c.rowspan for c in cells), default=0)
    ncols = max((c.col + c.colspan for c in cells), default=0)
    above = [_outside(text, i * LINE_HEIGHT) for i, text in enumerate(outside_above)
             if text.strip()]
    table_top = (len(above) + 1) * LINE_HEIGHT
    below_top = table_top + (nrows + 1) * LINE_HEIGHT
    below = [_outside(text, below_top + i * LINE_HEIGHT) for i, text in enumerate(outside_below)
             if text.strip()]
    if not ncols:
        return PageLayout(number, [], [], above + below, None)
    columns = [(j * COLUMN_WIDTH, (j + 1) * COLUMN_WIDTH) for j in range(ncols)]
    spans = [(c.row, c.row + c.rowspan, c.col, c.col + c.colspan,
              [_line(p, table_top, c.conf) for p in c.paragraphs if p.strip()]) for c in cells]
    return PageLayout(number, columns, group_rows(spans, nrows), above + below, table_top)


def group_rows(spans: Sequence[tuple[int, int, int, int, list[Line]]],
               nbands: int) -> list[Fragment]:
    """Group bands 0..nbands into fragments that no cell crosses.

    ``spans``: (band0, band1, col0, col1, lines) per cell, ends exclusive.
    A cell belongs to the fragment of its first band; its band span is made
    relative to that fragment.  Fragments come top to bottom, cells left to right.
    """
    reach = list(range(nbands))  # the last band each band's row reaches so far
    for b0, b1, _, _, _ in spans:
        for b in range(b0, b1):
            reach[b] = max(reach[b], b1 - 1)
    groups, start, end = [], 0, 0
    for b in range(nbands):
        end = max(end, reach[b])
        if b == end:
            groups.append((start, end))
            start, end = b + 1, b + 1
    row_of_band = {}
    for r, (g0, g1) in enumerate(groups):
        for b in range(g0, g1 + 1):
            row_of_band[b] = r
    per_row: list[list[Cell]] = [[] for _ in groups]
    for b0, b1, c0, c1, lines in spans:
        r = row_of_band[b0]
        g0 = groups[r][0]
        per_row[r].append(Cell(c0, c1, lines, b0 - g0, b1 - g0))
    fragments = []
    for r, row_cells in enumerate(per_row):
        row_cells.sort(key=lambda c: (c.col0, c.band0, c.lines[0].top if c.lines else 0))
        g0, g1 = groups[r]
        fragments.append(Fragment(0, r, r == len(per_row) - 1, row_cells, g1 - g0 + 1,
                                  band_start=g0))
    return fragments


def _line(text: str, top: float, conf: float | None = None) -> Line:
    # White space as the PDF route reads it: none between Chinese characters
    # (indents, justification), one between Latin words.
    return Line(squeeze_spaces(text.strip()), 0.0, COLUMN_WIDTH, top, SIZE, short=True, conf=conf)


def _outside(text: str, top: float) -> Line:
    # Outside the table a gap stays one space, as the PDF route keeps wide gaps:
    # issuers side by side, "附件" and its title on one line.
    return Line(" ".join(text.split()), 0.0, COLUMN_WIDTH, top, SIZE, short=True)
