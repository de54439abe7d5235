"""A wide list as a workbook, printed to PDF by LibreOffice in column bands.

    write_wide_workbook(wide, path, printing) → .xlsx (openpyxl): the sheet and its page setup
    print_workbooks(paths, outdir)            → the PDFs LibreOffice prints (one soffice run)

The workbook is what an office saves: a title row merged across the table,
the header row, one row per item (wrapped text, thin borders), the category
column merged over runs of equal values, column widths in points as the
``WideList`` says, and every row's height set (Excel stores the heights it fits;
LibreOffice does not fit rows of an .xlsx on opening, so a row without one
would print one line high with its text running over the next rows).  The
heights are measured with the font's metrics and given one line to spare (a
line break LibreOffice places elsewhere must not clip a cell); rows of
``Printing.clipped_rows`` get two lines whatever their text, so LibreOffice
clips their taller cells at the border.  Page setup: paper, orientation,
page order (``pageOrder``), print titles (``print_title_rows`` = the header
row, ``print_title_cols`` = the left columns), no header or footer, and
scale 100 % (no "fit to width": that is what prints a sheet in bands).

The expected extraction is the workbook's cells (``wide.expected_items``).
"""

from __future__ import annotations

from pathlib import Path

from tests.render.wide import PADDING, Printing, WideList, wrap_cell

#: LibreOffice's column width: points per unit of an .xlsx column width (measured:
#: width 6 prints 42 pt, width 22 prints 154 pt).
PT_PER_WIDTH_UNIT = 7.0
#: Type size in the workbook, and the height of one line of it as LibreOffice sets it.
FONT = "AR PL UMing CN"
SIZE = 10.0
LINE_PT = 13.0
PAPER_SIZES = {"A4": 9, "A3": 8}


def write_wide_workbook(wide: WideList, path: Path, printing: Printing | None = None) -> Path:
    """Write ``wide`` as a one-sheet workbook set up to print as ``printing`` says."""
    printing = printing or Printing()
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    from tests.render.wide import _Measure

    measure = _Measure(SIZE)
    wb = Workbook()
    ws = wb.active
    ws.title = "清单"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name=FONT, size=SIZE)
    wrap = Alignment(wrap_text=True, vertical="top")
    centred = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ncols = len(wide.columns)
    for j, col in enumerate(wide.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = col.width / PT_PER_WIDTH_UNIT
    r = 1
    if printing.title:
        cell = ws.cell(1, 1, wide.title)
        cell.font = Font(name=FONT, size=16, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
        ws.row_dimensions[1].height = 30
        r = 2
    header_row = r
    for j, col in enumerate(wide.columns, start=1):
        cell = ws.cell(r, j, col.label)
        cell.font, cell.border, cell.alignment = Font(name=FONT, size=SIZE, bold=True), border, \
            centred
    ws.row_dimensions[r].height = _height(max(
        len(wrap_cell(c.label, c.width, measure)) for c in wide.columns))
    category = {j for j, c in enumerate(wide.columns) if c.category}
    for i, row in enumerate(wide.rows):
        r = header_row + 1 + i
        lines = 1
        for j, col in enumerate(wide.columns):
            cell = ws.cell(r, j + 1, row[col.label] or None)
            cell.font, cell.border = font, border
            cell.alignment = centred if j in category else wrap
            if j not in category:
                lines = max(lines, len(wrap_cell(row[col.label], col.width, measure)))
        clipped = i in printing.clipped_rows
        ws.row_dimensions[r].height = (2 * LINE_PT + 2 * PADDING if clipped
                                       else _height(lines + 1))
    for j in category:
        start = 0
        for i in range(1, len(wide.rows) + 1):
            label = wide.columns[j].label
            if i == len(wide.rows) or wide.rows[i][label] != wide.rows[start][label]:
                if i - start > 1:
                    ws.merge_cells(start_row=header_row + 1 + start, start_column=j + 1,
                                   end_row=header_row + i, end_column=j + 1)
                start = i
    setup = ws.page_setup
    setup.paperSize = PAPER_SIZES[printing.paper]
    setup.orientation = printing.orientation
    setup.pageOrder = printing.order
    setup.scale = 100
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.0
    if printing.title_rows:
        ws.print_title_rows = f"{header_row}:{header_row}"
    if printing.title_cols:
        ws.print_title_cols = f"A:{get_column_letter(printing.title_cols)}"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _height(lines: int) -> float:
    return lines * LINE_PT + 2 * PADDING


def print_workbooks(paths: list[Path], outdir: Path, profile: Path | None = None) -> list[Path]:
    """The PDFs LibreOffice prints of ``paths`` (one soffice run), in order."""
    from tests.formats.sheet import convert_workbooks

    return convert_workbooks(list(paths), "pdf", Path(outdir), profile)
