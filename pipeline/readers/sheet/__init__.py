"""Excel, WPS and OpenDocument workbooks → the page model: one page per visible sheet.

    read_sheet(path, fmt, layout, limits) → ``model.Document``

How each content is read (chosen by measurement, see README "Formats"), one module each:

- ``xlsx``: .xlsx, and .et saved as OOXML — the workbook's XML streamed once per
  sheet with pyexpat (``zipxml``: bytes inflated counted, DTDs refused);
- ``ods``: .ods — content.xml streamed the same way;
- ``xls``: .xls, and .et in the binary format — xlrd with formatting information.

Each gives ``book.Sheet``s (texts by cell, shown through their number formats:
``numbers``; merged ranges; hidden rows, columns and sheets).  ``layout`` lays each
visible sheet out as Excel prints it (``PageLayout``, numbered 1..n in workbook
order); ``drop_headers`` then picks the sheets with the list's columns.
``Document.page_labels`` name the sheets for the notes, ``Document.sheets`` says
what each sheet of the workbook is (hidden ones too), and the notes name what
Excel would not print (hidden sheets, and hidden rows and columns holding text).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ...errors import InputError, LayoutError, LimitError
from ...model import Document
from ...settings import DEFAULT_LAYOUT, DEFAULT_LIMITS, LayoutSettings, Limits
from ..sniff import Format
from .book import MAX_CELLS, MAX_COLUMNS, MAX_MERGES, MAX_ROWS, Ranges, Sheet
from .layout import layout_sheet
from .numbers import format_number
from .ods import read_ods_sheets
from .xls import read_xls_sheets
from .xlsx import read_xlsx_sheets

# (names the tests reach for)
_format_number = format_number
_Ranges = Ranges
__all__ = ["MAX_CELLS", "MAX_COLUMNS", "MAX_MERGES", "MAX_ROWS", "read_sheet"]


def read_sheet(path: Path, fmt: Format, layout: LayoutSettings = DEFAULT_LAYOUT,
               limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read the workbook at ``path`` (content ``fmt.content``: xlsx, ods or
    excel-binary) into a ``Document`` of one page per visible sheet.

    Raises ``InputError`` for a damaged, encrypted or unreadable workbook and
    ``LimitError`` where it exceeds the limits of ``book`` (or has more visible
    sheets than ``limits.max_pages``).
    """
    path = Path(path)
    readers: dict[str, Callable[[Path], tuple[list[Sheet], int]]] = {
        "xlsx": read_xlsx_sheets, "ods": read_ods_sheets, "excel-binary": read_xls_sheets}
    if fmt.content not in readers:
        raise InputError(f"not a workbook ({fmt.content})", file=str(path))
    every, total = readers[fmt.content](path)
    sheets = [s for s in every if not s.left_out]
    if len(sheets) > limits.max_pages:
        raise LimitError(f"{len(sheets):,} visible sheets, more than the limit of "
                         f"{limits.max_pages:,} (one page per sheet)", file=str(path),
                         hint="raise it with --max-pages if the file is genuine")
    pages, notes = [], []
    for number, sheet in enumerate(sheets, 1):
        page, note = layout_sheet(sheet, number)
        pages.append(page)
        if note:
            notes.append(note)
        sheet.cells, sheet.merges = {}, []  # the page holds the text now
    doc = Document(fmt.kind, pages, page_count=max(1, len(pages)), paginated=False,
                   notes=notes)
    if not pages:
        raise LayoutError("the workbook has no visible sheet", file=str(path))
    doc.page_labels = {number: f"sheet '{sheet.name}' ({sheet.position} of {total})"
                       for number, sheet in enumerate(sheets, 1)}
    page_of = {id(s): n for n, s in enumerate(sheets, 1)}
    doc.sheets = [{"name": s.name, "position": s.position, "left_out": s.left_out or None,
                   "page": page_of.get(id(s))} for s in every]
    return doc

