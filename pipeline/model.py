"""The plain data that flows between stages (no behaviour, no heavy imports).

A reader (``readers``) turns a file into a ``Document``: pages (``PageLayout``)
of table rows (``Fragment``) made of cells (``Cell``) of printed lines
(``Line``), and the text around the table.  The PDF reader gets there through
``Page`` (characters and ruling edges of one page, from the text layer or
from OCR) and ``readers.grid.find_tables``; Word, Excel and web readers build
the rows from their own table model.

drop_headers → ``ListTable`` (the profile's columns, body fragments in document order)
stitch_rows → ``RawItem`` (one list item, lines per field, page span)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Page:
    """One PDF page as read: ``chars`` and ``edges`` are pdfplumber-style dicts.

    Characters read by OCR carry a ``conf`` (0–1), and ``seal`` where they look
    like seal text; the page has ``ocr`` set and ``image``: the grey page image
    the OCR read (a 2-D uint8 array, ``width`` points wide), for crops of cells.
    ``hidden``: characters of the text layer that the page does not show (cut
    off by a clipping path: a cell's text clipped at its border), each with
    ``clip``, the (x0, top, x1, bottom) box that hid it.
    """

    number: int  # 1-based
    width: float
    height: float
    chars: list[dict]
    edges: list[dict]
    ocr: bool = False
    image: Any = None
    hidden: list[dict] = field(default_factory=list)


@dataclass(slots=True)
class OcrMarks:
    """What a person should check in an OCR'd line: its characters below the
    confidence threshold (``low``), those that look like seal text (``seal``),
    its page, and a PNG crop of its cell (set on a flagged cell's first line)."""

    low: str = ""
    seal: str = ""
    page: int = 0
    crop: bytes | None = None


@dataclass(slots=True)
class Line:
    """One printed line of text (inside a cell or outside the table).

    ``short``: the line ends before the text edge of its cell, so the break
    after it was the writer's, not the wrap's (every paragraph of a Word, Excel
    or web cell is a short line).  ``conf``: the lowest OCR confidence of its
    characters (None for text that was not OCR'd); ``ocr``: its marks then.
    """

    text: str
    x0: float
    x1: float
    top: float
    size: float
    short: bool = False
    conf: float | None = None
    ocr: OcrMarks | None = None


@dataclass(slots=True)
class Cell:
    """A merged cell of the grid: its column and band span and its lines, top to bottom.

    Bands are the row's own subdivisions (``Fragment.nbands``): a cell merged
    over several rows of a table (a category, an item's 序号 over its sub-task
    rows) spans several bands of one fragment.
    """

    col0: int
    col1: int  # exclusive
    lines: list[Line]
    band0: int = 0
    band1: int = 1  # exclusive

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.lines)


@dataclass(slots=True)
class Fragment:
    """One table row as it appears on one page (a row cut by a page break has several).

    ``cells`` are the row's merged cells, left to right; a cell spanning several
    columns belongs to its first column (``col0``) for its text.
    """

    page: int
    index: int  # position among the page's body rows, 0-based
    last_on_page: bool
    cells: list[Cell]
    nbands: int = 1
    merged: frozenset[int] = frozenset()  # columns whose cell is merged with other list rows
    # No rule closes the table under this row at the foot of its page: the
    # page break cut it (PDF ruling; set by ``readers.grid``).
    open_bottom: bool = False
    # Columns with no rule under this row at the foot of its page where others
    # have one: a cell merged over rows that the page break cut (PDF ruling).
    open_columns: frozenset[int] = frozenset()

    def column_lines(self, j: int) -> list[Line]:
        return [line for c in self.cells if c.col0 == j for line in c.lines]

    def column_text(self, j: int) -> str:
        return "".join(line.text for line in self.column_lines(j))

    @property
    def is_empty(self) -> bool:
        return not any(c.lines for c in self.cells)


@dataclass(slots=True)
class ClippedCell:
    """A cell whose text layer holds more than the page shows (its text cut off at
    the cell border in print): its column on the page (-1: hidden text in no
    cell), the lines shown (the very list of its ``Cell``) and the text hidden."""

    column: int
    lines: list[Line]
    hidden: str


@dataclass
class PageLayout:
    """A page after table finding: its table rows (if any) and the text around them.

    ``row_edges``: the y of every row boundary of the table's grid, top to bottom
    (PDF pages: the bands of its fragments, in order); pages printed from one
    sheet in column bands share them (``table.bands``).  ``clipped``: cells whose
    text was cut off at their border.
    """

    number: int
    columns: list[tuple[float, float]]  # x0, x1 of each column; [] if no table
    rows: list[Fragment]
    outside: list[Line]  # lines outside the table, top to bottom
    table_top: float | None = None
    row_edges: tuple[float, ...] = ()
    clipped: list[ClippedCell] = field(default_factory=list)

    @property
    def has_table(self) -> bool:
        return bool(self.columns)


@dataclass
class ListTable:
    """The list's table across pages: its profile's columns and the body rows."""

    fields: dict[str, int]  # field name → column index
    header: list[str]  # header label per column ("" where none)
    fragments: list[Fragment]
    pages: list[int]  # the pages the table is on
    header_text: str = ""  # the header cells' texts, one per line
    profile: Any = None  # the ``profiles.Profile`` that read it
    columns: list[Any] = field(default_factory=list)  # its ``profiles.Column``s, printed order


@dataclass
class Document:
    """What a reader makes of one file: the pages the later stages read.

    ``source_format``: pdf, pdf-scan (OCR'd pages), docx, doc, wps, odt, xlsx, xls,
    et, ods, html.  ``paginated``: the pages are the source's own (PDF); a Word,
    Excel or web document is one page of the model and its items get no page numbers.
    ``notes``: what the user should be told (pages OCR'd, a charset corrected, …).
    ``page_labels``: how a page of the model is named to the user where it is
    not a printed page (page number → "sheet '清单' (2 of 3)"): the note says
    which one held the list.
    """

    source_format: str
    pages: list[PageLayout]
    page_count: int
    paginated: bool = True
    notes: list[str] = field(default_factory=list)
    page_labels: dict[int, str] = field(default_factory=dict)


def seq_number(text: str, pattern: str) -> int | None:
    """The number in a 序号 cell (the profile's key pattern), or None if it holds none."""
    m = re.fullmatch(pattern, re.sub(r"\s+", "", text))
    return int(m.group(1)) if m else None


@dataclass(slots=True)
class RawItem:
    """One list item stitched across pages: the printed lines of each field."""

    seq_text: str
    lines: dict[str, list[Line]] = field(default_factory=dict)
    page_start: int = 0
    page_end: int = 0
    first_page_row: int = 0  # row index on page_start, for error messages
