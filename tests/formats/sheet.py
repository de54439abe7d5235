"""Workbooks of a list, made as Excel users make them, for the sheet reader's tests.

    write_workbook(gold, path, variant)    one .xlsx of a gold list (openpyxl)
    write_generic(path); generic_rows()    a list of another family (csrc-like); its rows
    convert_workbooks(paths, fmt, outdir)  .xlsx → .xls / .ods / .pdf, one soffice run for all
    write_all(outdir)                      every workbook the tests read (two soffice runs)
    VARIANTS                               the named variants tested

``gold`` is a gold JSON dict (tests/fixtures/shared/notice-2021.json format):
the expected extraction of every variant is the gold it came from.  Variants
change only how the list is laid out in the sheet:

- ``title_row``: "附件" and the list title above the header, merged across the columns;
- ``notice_rows``: the covering notice's text in rows above that (one row each);
- ``header_levels``: 2 = the parent document's label over 事项名称 and 具体内容 (merged);
- ``split_tasks``: one row per numbered sub-task, its item's other cells merged
  vertically over those rows (the sub-task's ① children stay in its cell);
- ``cover_sheet`` / ``summary_sheet``: a sheet of instructions before the list and a
  small summary table after it (the list is then sheet 2 of 3);
- ``hidden_column``: a hidden helper column (item codes) inside the table;
- ``hidden_row``: a hidden row between two items holding a withdrawn item;
- ``seq_float``: 序号 stored as the number 1.0 (else as int 1);
- ``note_below`` / ``styled_tail``: a "注：" row below the table, and bordered
  empty rows after it (what selecting a whole block and drawing borders leaves).

    .venv/bin/python -m tests.formats.sheet OUT_DIR      write every variant (and .xls/.ods)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.goldtables import GOLD_2021, GOLD_2023, load_gold, tasks_text
from tests.render.cells import ADDRESSEES, CONTENT_LABEL, FLAT_HEADER, NOTICE_BODY

FIELDS = ("seq", "name", "content", "tasks_text", "basis_text", "department_text", "remarks")
#: Column widths (Excel character units) as a user would drag them for a landscape print.
WIDTHS = {"seq": 6, "name": 14, "content": 22, "tasks_text": 58, "basis_text": 24,
          "department_text": 12, "remarks": 8, "code": 10}
HELPER_LABEL = "事项编码"
GOLDS = {"2021": GOLD_2021, "2023": GOLD_2023}
#: Height of one line of 10 pt text in a row (points).
LINE_PT = 13.5


@dataclass(frozen=True)
class Variant:
    """How one workbook lays the list out (see the module docstring)."""

    name: str
    title_row: bool = True
    notice_rows: bool = False
    header_levels: int = 1
    split_tasks: bool = False
    cover_sheet: bool = False
    summary_sheet: bool = False
    hidden_column: bool = False
    hidden_row: bool = False
    seq_float: bool = False
    note_below: bool = False
    styled_tail: int = 0
    sheet_name: str = "附件"


VARIANTS: dict[str, Variant] = {
    # A list as most offices save it: 附件 + title, one row per item, Alt+Enter breaks.
    "plain": Variant("plain", seq_float=True),
    # Everything at once: notice text, cover and summary sheets, two-level header,
    # one row per sub-task, hidden helper column and row, a note and styled rows below.
    "excel-style": Variant("excel-style", notice_rows=True, header_levels=2, split_tasks=True,
                           cover_sheet=True, summary_sheet=True, hidden_column=True,
                           hidden_row=True, seq_float=True, note_below=True, styled_tail=300,
                           sheet_name="清单"),
}


# --------------------------------------------------------------------------- the 2021 list

def write_workbook(gold: dict, path: Path, variant: Variant) -> Path:
    """Write ``gold``'s list as an .xlsx laid out as ``variant``; return ``path``."""
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    if variant.cover_sheet:
        sheet.title = "填报说明"
        _cover(sheet)
        sheet = wb.create_sheet(variant.sheet_name)
    else:
        sheet.title = variant.sheet_name
    _list_sheet(sheet, gold, variant)
    if variant.summary_sheet:
        _summary(wb.create_sheet("统计"), gold)
    wb.active = wb.sheetnames.index(sheet.title)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _columns(variant: Variant) -> list[str]:
    cols = list(FIELDS)
    if variant.hidden_column:
        cols.insert(1, "code")
    return cols


def _list_sheet(ws, gold: dict, v: Variant) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    cols = _columns(v)
    at = {f: j + 1 for j, f in enumerate(cols)}
    width = len(cols)
    for f, j in at.items():
        ws.column_dimensions[get_column_letter(j)].width = WIDTHS[f]
    if v.hidden_column:
        ws.column_dimensions[get_column_letter(at["code"])].hidden = True
    row = 1

    def banner(text: str, *, size: int = 12, bold: bool = False, align: str = "left",
               height: float | None = None) -> None:
        nonlocal row
        cell = ws.cell(row, 1, text)
        cell.font = Font(name="宋体", size=size, bold=bold)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal=align)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        if height:
            ws.row_dimensions[row].height = height
        row += 1

    if v.notice_rows:
        n = gold["notice"]
        y, m, d = (int(x) for x in n["date"].split("-"))
        for issuer in n["issuers"]:
            banner(issuer, size=14, bold=True, align="center")
        banner(n["title"], size=16, bold=True, align="center", height=24)
        banner(n["doc_no"], align="center")
        banner(ADDRESSEES, height=32)
        for para in NOTICE_BODY:
            banner("\u3000\u3000" + para.format(list_title=n["list_title"]), height=48)
        banner(f"附件：{n['list_title']}")
        for issuer in n["issuers"]:
            banner(issuer, align="right")
        banner(f"{y}年{m}月{d}日", align="right")
        row += 1
    if v.title_row:
        banner("附件", size=14, bold=True)
        banner(gold["notice"]["list_title"], size=18, bold=True, align="center", height=36)

    # Header: flat, or the parent document's label over 事项名称 and 具体内容.
    top = row
    labels = dict(FLAT_HEADER, code=HELPER_LABEL)
    if v.header_levels == 2:
        parent = gold["notice"].get("parent_doc_no") or ""
        for f in cols:
            if f in ("name", "content"):
                continue
            ws.cell(top, at[f], labels[f])
            ws.merge_cells(start_row=top, start_column=at[f], end_row=top + 1,
                           end_column=at[f])
        ws.cell(top, at["name"], parent)
        ws.merge_cells(start_row=top, start_column=at["name"], end_row=top,
                       end_column=at["content"])
        ws.cell(top + 1, at["name"], labels["name"])
        ws.cell(top + 1, at["content"], CONTENT_LABEL)
        row = top + 2
    else:
        for f in cols:
            ws.cell(top, at[f], labels[f])
        row = top + 1
    for r in range(top, row):
        ws.row_dimensions[r].height = 30 if v.header_levels == 2 else 36
        for j in range(1, width + 1):
            ws.cell(r, j).border = box
            ws.cell(r, j).alignment = centre
            ws.cell(r, j).font = Font(name="黑体", size=11, bold=True)
    ws.print_title_rows = f"{top}:{row - 1}"

    for k, item in enumerate(gold["items"]):
        if v.hidden_row and k == 3:
            ws.cell(row, at["seq"], "0")
            ws.cell(row, at["name"], "（已取消）协助开展已取消的旧事项")
            ws.cell(row, at["tasks_text"], "1.此行已隐藏，不属于清单。")
            ws.row_dimensions[row].hidden = True
            row += 1
        parts = _task_rows(item) if v.split_tasks else [tasks_text(item["tasks"])]
        first, last = row, row + len(parts) - 1
        values = {
            "seq": float(item["seq"]) if v.seq_float else item["seq"],
            "code": f"XZ{item['seq']:03d}",
            "name": item["name"],
            "content": item["content"],
            "basis_text": item["basis_text"],
            "department_text": item["department_text"],
            "remarks": item.get("remarks") or None,
        }
        for f, value in values.items():
            if f not in at:
                continue
            ws.cell(first, at[f], value)
            if last > first:
                ws.merge_cells(start_row=first, start_column=at[f], end_row=last,
                               end_column=at[f])
        for i, text in enumerate(parts):
            ws.cell(first + i, at["tasks_text"], text or None)
        for r in range(first, last + 1):
            for f, j in at.items():
                cell = ws.cell(r, j)
                cell.border = box
                cell.font = Font(name="宋体", size=10)
                cell.alignment = centre if f in ("seq", "department_text", "code") else wrap
        # Row heights as Excel's autofit leaves them: each sub-task row fits its own
        # cell, and the item's rows together fit its tallest merged cell.
        own = [_lines(text, WIDTHS["tasks_text"]) for text in parts]
        merged = max(_lines(str(values[f] or ""), WIDTHS[f]) for f in values if f in at)
        extra = max(0, merged - sum(own)) / len(parts)
        for i, n in enumerate(own):
            ws.row_dimensions[first + i].height = round((n + extra) * LINE_PT + 4, 1)
        row = last + 1
    if v.note_below:
        ws.cell(row, 1, "注：本清单所列事项由主管单位负责解释。")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        row += 1
    for r in range(row, row + v.styled_tail):
        for j in range(1, width + 1):
            ws.cell(r, j).border = box

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.freeze_panes = ws.cell(row=top + v.header_levels, column=1)


def _lines(text: str, width: float) -> int:
    """Printed lines of ``text`` in a column ``width`` characters wide (a CJK character
    takes two)."""
    per_line = max(1, int(width / 2) - 1)
    return sum(max(1, -(-len(p) // per_line)) for p in text.split("\n"))


def _task_rows(item: dict) -> list[str]:
    """The 细化事项 cell split into one cell per level-1 sub-task (children kept with
    their parent, a section heading with its first sub-task)."""
    out, section = [], None
    for t in item["tasks"]:
        lines = []
        if t.get("section") and t["section"] != section:
            section = t["section"]
            lines.append(f"{section}：")
        lines.append(f"{t['marker'] or ''}{t['text']}")
        lines.extend(f"{c['marker']}{c['text']}" for c in t["children"])
        out.append("\n".join(lines))
    return out or [""]


def _cover(ws) -> None:
    from openpyxl.styles import Alignment, Font

    ws.column_dimensions["A"].width = 90
    lines = ["填报说明",
             "一、本表为工作事项清单的正式文本，请勿改动表格结构。",
             "二、清单见第二个工作表，统计情况见第三个工作表。",
             "三、如有疑问，请与市民政局基层政权建设和社区治理处联系。"]
    for i, text in enumerate(lines, 1):
        cell = ws.cell(i, 1, text)
        cell.font = Font(name="宋体", size=16 if i == 1 else 12, bold=i == 1)
        cell.alignment = Alignment(wrap_text=True)


def _summary(ws, gold: dict) -> None:
    counts: dict[str, int] = {}
    for it in gold["items"]:
        counts[it["department_text"]] = counts.get(it["department_text"], 0) + 1
    ws.append(["主管单位", "事项数（项）"])
    for dept, n in counts.items():
        ws.append([dept, n])
    ws.append(["合计", len(gold["items"])])
    ws.column_dimensions["A"].width = 40


# --------------------------------------------------------------------------- another family

GENERIC_HEADER = ("门类名称及代码", "行业大类代码", "行业大类名称", "上市公司代码", "上市公司简称")
#: (category, [(class code, class name, [(company code, company name), …]), …]); invented.
GENERIC_GROUPS = [
    ("农、林、牧、渔业(A)", [
        ("01", "农业", [("000998", "示例种业"), ("002041", "样本农科"), ("600108", "甲乙农业"),
                      ("600313", "丙丁种业")]),
        ("03", "畜牧业", [("002124", "示范牧业"), ("002234", "某某畜牧")]),
    ]),
    ("采矿业(B)", [
        ("06", "煤炭开采和洗选业", [("000552", "示例煤业"), ("000723", "样本能源"),
                             ("000937", "甲乙能源"), ("000983", "丙丁煤电"),
                             ("600121", "戊己煤电")]),
        ("07", "石油和天然气开采业", [("600028", "示例石化"), ("600759", "样本油气")]),
        ("09", "有色金属矿采选业", [("000426", "示例矿业")]),
    ]),
    ("制造业(C)", [
        ("13", "农副食品加工业", [("000048", "样本食品"), ("000505", "甲乙粮油"),
                           ("000639", "丙丁食品"), ("000702", "戊己饲料"),
                           ("000876", "庚辛集团"), ("000895", "壬癸食品")]),
        ("14", "食品制造业", [("000019", "示例食品"), ("000529", "样本乳业")]),
        ("15", "酒、饮料和精制茶制造业", [("000568", "示例酒业"), ("000596", "样本酒业"),
                                 ("000729", "甲乙啤酒")]),
    ]),
]
GENERIC_TITLE = "2018年3季度上市公司行业分类结果（示例）"


def generic_rows() -> list[tuple[str, ...]]:
    """The list rows of the csrc-like list, every cell filled (the expected items)."""
    return [(cat, code, name, company, short)
            for cat, classes in GENERIC_GROUPS
            for code, name, companies in classes
            for company, short in companies]


def write_generic(path: Path) -> Path:
    """A list made in Excel in the shape of ../shared/real/csrc-2018q3.pdf: a title row,
    five columns, category and class cells merged over their rows, no 序号, company
    codes stored as text ("000998")."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.cell(1, 1, GENERIC_TITLE).font = Font(size=16, bold=True)
    ws.merge_cells("A1:E1")
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    for j, label in enumerate(GENERIC_HEADER, 1):
        cell = ws.cell(2, j, label)
        cell.font = Font(bold=True)
        cell.border = box
    row = 3
    for cat, classes in GENERIC_GROUPS:
        cat_first = row
        for code, name, companies in classes:
            first = row
            for company, short in companies:
                ws.cell(row, 4, company).number_format = "@"
                ws.cell(row, 5, short)
                row += 1
            ws.cell(first, 2, code).number_format = "@"
            ws.cell(first, 3, name)
            if row - 1 > first:
                ws.merge_cells(start_row=first, start_column=2, end_row=row - 1, end_column=2)
                ws.merge_cells(start_row=first, start_column=3, end_row=row - 1, end_column=3)
        ws.cell(cat_first, 1, cat)
        ws.merge_cells(start_row=cat_first, start_column=1, end_row=row - 1, end_column=1)
    for r in range(3, row):
        for j in range(1, 6):
            ws.cell(r, j).border = box
            ws.cell(r, j).alignment = Alignment(vertical="center", wrap_text=True)
    for letter, w in zip("ABCDE", (24, 12, 26, 12, 14), strict=True):
        ws.column_dimensions[letter].width = w
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# --------------------------------------------------------------------------- conversions

#: Target → LibreOffice's export filter.
FILTERS = {"xls": "xls:MS Excel 97", "ods": "ods:calc8", "pdf": "pdf:calc_pdf_Export"}


def convert_workbooks(sources: list[Path], target: str, outdir: Path,
                      profile: Path | None = None, timeout: float = 300) -> list[Path]:
    """Convert every source to ``target`` (xls, ods, pdf) in one soffice run; return
    the converted paths (``outdir/<stem>.<target>``) in order."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise FileNotFoundError("soffice is not installed (apt-get install libreoffice-calc)")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sheet-soffice-") as tmp:
        prof = Path(profile) if profile else Path(tmp) / "profile"
        cmd = [exe, f"-env:UserInstallation={prof.resolve().as_uri()}", "--headless",
               "--norestore", "--convert-to", FILTERS[target], "--outdir", str(outdir),
               *map(str, sources)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    out = [outdir / f"{Path(s).stem}.{target}" for s in sources]
    missing = [p.name for p in out if not p.is_file()]
    if missing:
        raise RuntimeError(f"soffice did not convert {missing} ({proc.returncode}): "
                           f"{proc.stdout[-800:]} {proc.stderr[-800:]}")
    return out


def write_all(outdir: Path, profile: Path | None = None) -> dict[str, Path]:
    """Every generated workbook under ``outdir``: name → path.

    Names: ``<variant>-<year>.xlsx`` per variant and gold (2021, 2023), their
    ``excel-style`` converted by LibreOffice to ``.xls`` and ``.ods`` (one soffice run
    per target), ``excel-style-2021.et`` (a copy of the .xls, as WPS saves it),
    ``plain-2021.et`` (a copy of the .xlsx: WPS also saves OOXML under .et),
    ``generic.xlsx`` and ``generic.ods``.
    """
    outdir = Path(outdir)
    if profile is None:  # one LibreOffice profile for both runs (its creation is slow)
        with tempfile.TemporaryDirectory(prefix="sheet-profile-") as tmp:
            return write_all(outdir, Path(tmp))
    made = {}
    for year, gold_path in GOLDS.items():
        gold = load_gold(gold_path)
        for name, v in VARIANTS.items():
            made[f"{name}-{year}.xlsx"] = write_workbook(gold, outdir / f"{name}-{year}.xlsx", v)
    made["generic.xlsx"] = write_generic(outdir / "generic.xlsx")
    conv = outdir / "converted"
    styled = [made[f"excel-style-{year}.xlsx"] for year in GOLDS]
    for target, sources in (("xls", styled), ("ods", [*styled, made["generic.xlsx"]])):
        for src, out in zip(sources, convert_workbooks(sources, target, conv, profile),
                            strict=True):
            made[f"{src.stem}.{target}"] = out
    for name, copied in (("excel-style-2021.et", "excel-style-2021.xls"),
                         ("plain-2021.et", "plain-2021.xlsx")):
        made[name] = outdir / name
        shutil.copyfile(made[copied], made[name])
    return made


if __name__ == "__main__":
    for key, p in write_all(Path(sys.argv[1])).items():
        print(key, p)
