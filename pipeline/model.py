"""The plain data that flows between stages (no behaviour, no heavy imports).

read_pdf → ``Page`` (chars and ruling edges of one page)
find_tables → ``PageLayout`` (the page's table as ``Fragment`` rows of ``Line`` lists,
and the text outside it)
drop_headers → ``ListTable`` (column → field map, body fragments in document order)
stitch_rows → ``RawItem`` (one list item, lines per field, page span)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Page:
    """One PDF page as read: ``chars`` and ``edges`` are pdfplumber-style dicts."""

    number: int  # 1-based
    width: float
    height: float
    chars: list[dict]
    edges: list[dict]


@dataclass
class Line:
    """One printed line of text (inside a cell or outside the table).

    ``short``: the line ends before the text edge of its cell, so the break
    after it was the writer's, not the wrap's.
    """

    text: str
    x0: float
    x1: float
    top: float
    size: float
    short: bool = False


@dataclass
class Cell:
    """A merged cell of the grid: its column span and its lines, top to bottom."""

    col0: int
    col1: int  # exclusive
    lines: list[Line]

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.lines)


@dataclass
class Fragment:
    """One table row as it appears on one page (a row cut by a page break has several).

    ``cells`` are the row's merged cells, left to right; a cell spanning several
    columns belongs to its first column (``col0``) for its text.
    """

    page: int
    index: int  # position among the page's body rows, 0-based
    last_on_page: bool
    cells: list[Cell]

    def column_lines(self, j: int) -> list[Line]:
        return [line for c in self.cells if c.col0 == j for line in c.lines]

    def column_text(self, j: int) -> str:
        return "".join(line.text for line in self.column_lines(j))

    @property
    def is_empty(self) -> bool:
        return not any(c.lines for c in self.cells)


@dataclass
class PageLayout:
    """A page after table finding: its table rows (if any) and the text around them."""

    number: int
    columns: list[tuple[float, float]]  # x0, x1 of each column; [] if no table
    rows: list[Fragment]
    outside: list[Line]  # lines outside the table, top to bottom
    table_top: float | None = None

    @property
    def has_table(self) -> bool:
        return bool(self.columns)


@dataclass
class ListTable:
    """The list's table across pages: which column holds which field, and the body rows."""

    fields: dict[str, int]  # field name → column index
    header: list[str]  # header label per column ("" where none)
    fragments: list[Fragment]
    pages: list[int]  # the pages the table is on
    header_text: str = ""  # the header cells' texts, one per line


def seq_number(text: str, pattern: str) -> int | None:
    """The number in a 序号 cell (``settings.SEQ_PATTERN``), or None if it holds none."""
    m = re.fullmatch(pattern, re.sub(r"\s+", "", text))
    return int(m.group(1)) if m else None


@dataclass
class RawItem:
    """One list item stitched across pages: the printed lines of each field."""

    seq_text: str
    lines: dict[str, list[Line]] = field(default_factory=dict)
    page_start: int = 0
    page_end: int = 0
    first_page_row: int = 0  # row index on page_start, for error messages
