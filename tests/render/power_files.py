"""A ``tests.render.power.PowerList`` written as the files departments publish.

    write_xlsx(plist, path)   OOXML workbook (openpyxl): merged cells, hidden rows,
                              columns and sheets, Alt+Enter line breaks, borders
    write_xls(plist, path)    binary workbook (xlwt), the same layout
    write_docx(plist, path)   Word (python-docx): the title row and the 备注 row inside
                              the table, as Word users draw them (one list, no sheets)
    write_set(outdir)         every variant in every format, plus misnamed copies
                              (binary named .xlsx, OOXML named .xls, .et both ways):
                              name → (path, gold)

    .venv/bin/python -m tests.render.power_files OUT_DIR     writes the set
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from tests.render.power import VARIANTS, Item, PowerList, gold_of, make_list

#: Height of one line of 10 pt text in a row (points).
LINE_PT = 13.5
#: Column widths (Excel characters) by field.
WIDTHS = {"seq": 6, "item_name": 16, "sub_item_name": 14, "power_type": 10, "basis": 48,
          "exercising_body": 14, "level_authority": 12, "responsibility": 40,
          "accountable": 14, "accountability": 36, "remarks": 8}


def _grid(plist: PowerList, sheet) -> tuple[list[tuple], int]:
    """The sheet's cells as (row, col, text, rowspan, colspan, hidden_row) from row 0,
    and the header rows' count; hidden columns keep their place (the writer hides them)."""
    cols = plist.columns
    width = len(cols)
    cells: list[tuple] = []
    r = 0
    if plist.title_row:
        cells.append((r, 0, plist.title, 1, width, False))
        r += 1
    two = any(c.sub for c in cols)
    j = 0
    while j < width:
        c = cols[j]
        k = j
        while k + 1 < width and cols[k + 1].label == c.label and cols[k + 1].field == c.field:
            k += 1
        if k > j:  # one label merged over its columns
            cells.append((r, j, c.label, 1, k - j + 1, False))
            if two:
                cells.extend((r + 1, m, cols[m].sub, 1, 1, False) for m in range(j, k + 1))
        else:
            cells.append((r, j, c.label, 2 if two else 1, 1, False))
        j = k + 1
    header = 2 if two else 1
    r += header
    for item in sheet.items:
        r = _item_cells(cells, r, item, cols)
    if plist.note:
        label, _, text = plist.note.partition("：")
        cells.append((r, 0, label, 1, 1, False))
        cells.append((r, 1, text, 1, width - 1, False))
    return cells, header + (1 if plist.title_row else 0)


def _item_cells(cells: list, r: int, item: Item, cols) -> int:
    n = max(1, len(item.rows))
    per_row = {k for row in item.rows for k in row}
    for j, c in enumerate(cols):
        if c.key in per_row:
            for i, row in enumerate(item.rows):
                cells.append((r + i, j, row.get(c.key, ""), 1, 1, item.hidden))
        else:
            text = item.seq if c.key == "seq" else item.cells.get(c.key, "")
            cells.append((r, j, text, n, 1, item.hidden))
    return r + n


def _heights(plist: PowerList, cells: list[tuple]) -> dict[int, float]:
    """Row heights (points) as Excel's autofit leaves them: each row fits its own cells,
    and the rows under a merged cell together fit it (what a printout needs: a row
    too low for its text is cut in print)."""
    widths = [WIDTHS.get(c.field, 12) for c in plist.columns]

    def lines(text: str, j: int, cs: int) -> int:
        per_line = max(1, int(sum(widths[j:j + cs]) / 2) - 1)  # a CJK character is 2 wide
        return sum(max(1, -(-len(p) // per_line)) for p in (text or "").split("\n"))

    need = {}
    for r, j, text, rs, cs, _ in cells:
        if rs == 1:
            need[r] = max(need.get(r, 1), lines(text, j, cs))
    for r, j, text, rs, cs, _ in cells:
        if rs > 1:
            short = lines(text, j, cs) - sum(need.get(k, 1) for k in range(r, r + rs))
            for k in range(r, r + rs):
                need[k] = need.get(k, 1) + max(0, short) / rs
    return {r: round(n * LINE_PT + 4, 1) for r, n in need.items()}


def write_xlsx(plist: PowerList, path: Path) -> Path:
    """``plist`` as an .xlsx: one worksheet per sheet (hidden ones hidden), a title row
    merged across, the header, items (an item's rows under its merged cells)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in plist.sheets:
        ws = wb.create_sheet(sheet.name)
        if sheet.hidden:
            ws.sheet_state = "hidden"
        if not sheet.has_list:
            ws.cell(1, 1, "填报说明：本表各工作表按权力类型分列，请勿改动表格结构。")
            continue
        cells, header = _grid(plist, sheet)
        for r, j, text, rs, cs, hidden in cells:
            cell = ws.cell(r + 1, j + 1, text or None)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cell.border = box
            if r < header:
                cell.font = Font(bold=True, size=14 if r == 0 and plist.title_row else 11)
            if rs > 1 or cs > 1:
                ws.merge_cells(start_row=r + 1, start_column=j + 1, end_row=r + rs,
                               end_column=j + cs)
            if hidden:
                ws.row_dimensions[r + 1].hidden = True
        for j, c in enumerate(plist.columns):
            dim = ws.column_dimensions[get_column_letter(j + 1)]
            dim.width = WIDTHS.get(c.field, 12)
            dim.hidden = c.hidden
        for r, height in _heights(plist, cells).items():
            ws.row_dimensions[r + 1].height = height
        # Printed as offices print these lists: landscape, one page wide, the header
        # repeated on every page.
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        first = 2 if plist.title_row else 1
        ws.print_title_rows = f"{first}:{header}"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_xls(plist: PowerList, path: Path) -> Path:
    """``plist`` as a binary .xls (xlwt), laid out as ``write_xlsx`` does."""
    import xlwt

    style = xlwt.easyxf("align: wrap on, vert centre; borders: left thin, right thin, "
                        "top thin, bottom thin")
    wb = xlwt.Workbook(encoding="utf-8")
    for sheet in plist.sheets:
        ws = wb.add_sheet(sheet.name)
        if sheet.hidden:
            ws.visibility = 1
        if not sheet.has_list:
            ws.write(0, 0, "填报说明：本表各工作表按权力类型分列，请勿改动表格结构。")
            continue
        cells, _ = _grid(plist, sheet)
        for r, j, text, rs, cs, hidden in cells:
            if rs > 1 or cs > 1:
                ws.write_merge(r, r + rs - 1, j, j + cs - 1, text, style)
            else:
                ws.write(r, j, text, style)
            if hidden:
                ws.row(r).hidden = True
        for j, c in enumerate(plist.columns):
            ws.col(j).width = 256 * WIDTHS.get(c.field, 12)
            ws.col(j).hidden = c.hidden
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    return path


def write_docx(plist: PowerList, path: Path) -> Path:
    """``plist``'s first list sheet as a Word table: the title as a first row merged
    across the table, the 备注 row as a last row (label cell + the text merged)."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    sheet = next(s for s in plist.sheets if s.has_list and not s.hidden)
    cells, _ = _grid(plist, sheet)
    cells = [c for c in cells if not c[5]]  # (Word has no hidden rows: left out)
    rows_at = sorted({c[0] for c in cells} | {c[0] + c[3] - 1 for c in cells})
    index = {r: i for i, r in enumerate(rows_at)}
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_paragraph("附件")
    table = document.add_table(rows=len(rows_at), cols=len(plist.columns))
    table.style = "Table Grid"
    for r, j, text, rs, cs, _ in cells:
        top = table.cell(index[r], j)
        if rs > 1 or cs > 1:
            top = top.merge(table.cell(index[r + rs - 1], j + cs - 1))
        lines = text.split("\n")
        top.text = lines[0]
        for line in lines[1:]:
            top.add_paragraph(line)
        for para in top.paragraphs:
            for run in para.runs:
                run.font.size = Pt(9)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def write_set(outdir: Path, seed: int = 0) -> dict[str, tuple[Path, dict]]:
    """Every variant as .xlsx and .xls, the single-sheet ones as .docx too, and the
    misnamed copies: name → (path, gold)."""
    outdir = Path(outdir)
    made: dict[str, tuple[Path, dict]] = {}
    for name, v in VARIANTS.items():
        plist = make_list(v, seed)
        gold = gold_of(plist)
        made[f"{name}.xlsx"] = (write_xlsx(plist, outdir / f"{name}.xlsx"), gold)
        made[f"{name}.xls"] = (write_xls(plist, outdir / f"{name}.xls"), gold)
        if v.sheets == "one" and not v.hidden:
            made[f"{name}.docx"] = (write_docx(plist, outdir / f"{name}.docx"),
                                    gold_of(plist, sheets=False))
    for name, source in (("binary-named.xlsx", "everything.xls"),
                         ("ooxml-named.xls", "everything.xlsx"),
                         ("wps-binary.et", "sheets_by_type.xls"),
                         ("wps-ooxml.et", "sheets_by_type.xlsx")):
        shutil.copyfile(made[source][0], outdir / name)
        made[name] = (outdir / name, made[source][1])
    return made


if __name__ == "__main__":
    for key, (p, _) in write_set(Path(sys.argv[1])).items():
        print(key, p)
