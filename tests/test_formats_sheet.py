"""Workbooks (.xlsx, .xls, .et, .ods): every generated file extracts to its gold, and the
reader's rules.

End to end (the CLI, as a user runs it): each workbook of ``tests.formats.sheet``
— made with openpyxl in the styles Excel users use, then converted by
LibreOffice to .xls and .ods (one soffice run per target for the session) and
copied to .et as WPS saves it — extracts with score 1.0
(tests/fixtures/shared/score.py), with ``source_format`` its own kind, the
notice facts where the sheet carries the notice, and a 2021 workbook's
extraction diffs against raw/notice-2021.pdf's as no changes.  The csrc-like
list made in Excel is read by the generic profile with its categories filled down.

In process: which sheet is taken (the notes), hidden rows and columns, number
formats, the text above and below the table, a used range reaching row 1,048,576.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.readers import detect_format, read_document
from pipeline.readers.sheet import _format_number
from tests import hostile
from tests.formats import extract_notice, needs_soffice
from tests.formats.sheet import (
    GENERIC_HEADER,
    GOLDS,
    VARIANTS,
    generic_rows,
    write_all,
    write_generic,
    write_workbook,
)
from tests.goldtables import csv_rows, load_gold, score_module

#: Generated file → the kind notice.json records.
KINDS = {"xlsx": "xlsx", "xls": "xls", "ods": "ods", "et": "et"}
LIST_FILES = sorted(
    [f"{name}-{year}.xlsx" for name in VARIANTS for year in GOLDS]
    + [f"excel-style-{year}.{ext}" for year in GOLDS for ext in ("xls", "ods")]
    + ["excel-style-2021.et", "plain-2021.et"])
#: Workbooks LibreOffice converts (.xls, .ods and the .xls saved as .et): make test-all.
CONVERTED = {n for n in [*LIST_FILES, "generic.ods"]
             if n.endswith((".xls", ".ods")) or n == "excel-style-2021.et"}


def _params(names):
    return [pytest.param(n, marks=pytest.mark.slow) if n in CONVERTED else n for n in names]


class _Workbooks(dict):
    """name → workbook, each written on first use; the converted ones all at once by
    ``write_all`` (two soffice runs), so that a run leaving them out never starts soffice."""

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def __missing__(self, name: str) -> Path:
        if name in CONVERTED:
            self.update({k: v for k, v in write_all(self.folder / "all").items()
                         if k not in self})
        elif name == "generic.xlsx":
            self[name] = write_generic(self.folder / name)
        elif name == "plain-2021.et":  # WPS also saves OOXML under .et
            self[name] = self.folder / name
            shutil.copyfile(self["plain-2021.xlsx"], self[name])
        else:
            stem = name.removesuffix(".xlsx")
            variant, _, year = stem.rpartition("-")
            self[name] = write_workbook(load_gold(GOLDS[year]), self.folder / name,
                                        VARIANTS[variant])
        return self[name]


@pytest.fixture(scope="session")
def workbooks(tmp_path_factory):
    """Every generated workbook, made once per session when first asked for."""
    return _Workbooks(tmp_path_factory.mktemp("workbooks"))


@needs_soffice
@pytest.mark.parametrize("name", _params(LIST_FILES))
def test_generated_workbook_extracts_to_its_gold(name, workbooks, tmp_path, request):
    path = workbooks[name]
    stem, _, ext = name.rpartition(".")
    variant, _, year = stem.rpartition("-")
    gold = load_gold(GOLDS[year])
    out = tmp_path / "out"
    notice = extract_notice(path, out)
    result = score_module().score(gold, out)
    assert result["score"] == 1.0, {k: v for k, v in result.items() if v}
    assert notice["source_format"] == KINDS[ext]
    assert notice["profile"] == "assist"
    assert notice["item_count"] == len(gold["items"])
    assert notice["table_pages"] is None
    assert notice["list_title"] == gold["notice"]["list_title"]
    items = csv_rows(out / "items.csv")
    assert all(r["page_start"] == "" and r["page_end"] == "" for r in items)
    if VARIANTS[variant].notice_rows:
        for key in ("doc_no", "date", "title", "issuers", "parent_doc_no"):
            assert notice[key] == gold["notice"][key], key
        assert notice["page_count"] == 3  # 填报说明, 清单, 统计
    else:
        assert notice["doc_no"] is None and notice["date"] is None
    # Which sheet was read, as the extraction tells it.
    expected = "sheet '清单' (2 of 3)" if VARIANTS[variant].cover_sheet else "sheet '附件' (1 of 1)"
    notes = [f"the list is on {expected}"]
    if VARIANTS[variant].cover_sheet:
        notes.append("sheets left out: '填报说明' (no table), '统计' (a table without the "
                     "list's header)")
    if VARIANTS[variant].hidden_row:  # (the hidden column holds codes, the row an old item)
        notes.insert(0, next(n for n in notice["notes"] if n.startswith("sheet '清单': hidden ")))
        assert "hidden row" in notes[0] and "column B" in notes[0], notes
    assert notice["notes"] == notes
    if year == "2021":
        diff = tmp_path / "diff"
        pdf = request.getfixturevalue("pdf_2021")
        run = hostile.run_cli("diff", pdf, out, "--out", diff, timeout=120)
        assert run.returncode == 0, run.stderr
        assert csv_rows(diff / "changes.csv") == []
        assert csv_rows(diff / "detail_changes.csv") == []


@needs_soffice
@pytest.mark.parametrize("name", _params(["generic.xlsx", "generic.ods"]))
def test_list_of_another_family_made_in_excel_reads_with_the_generic_profile(
        name, workbooks, tmp_path):
    out = tmp_path / "out"
    notice = extract_notice(workbooks[name], out)
    assert notice["profile"] == "generic"
    assert notice["list_title"].startswith("2018年3季度上市公司行业分类结果")
    columns = csv_rows(out / "columns.csv")
    assert [c["label"] for c in columns] == list(GENERIC_HEADER)
    fields = [c["field"] for c in columns]
    items = csv_rows(out / "items.csv")
    # Every row its category and class (merged over many rows) filled down; codes
    # stored as text keep their leading zeros.
    assert [tuple(r[f] for f in fields) for r in items] == generic_rows()


def test_list_with_a_used_range_to_row_1048576_extracts_as_the_plain_one(tmp_path):
    from openpyxl import load_workbook
    from openpyxl.styles import Border, Side

    from tests.formats.sheet import write_workbook

    gold = load_gold(GOLDS["2021"])
    path = write_workbook(gold, tmp_path / "far.xlsx", VARIANTS["plain"])
    wb = load_workbook(path)
    ws = wb.active
    thin = Side(style="thin")
    for ref in ("H1048576", "XFD1048576", "A1048576"):
        ws[ref].border = Border(bottom=thin)  # styled, empty: the used range's corner
    ws["Z1048575"] = "   "  # only blanks
    wb.save(path)
    out = tmp_path / "out"
    extract_notice(path, out)
    assert score_module().score(gold, out)["score"] == 1.0


# --------------------------------------------------------------------------- in process

def _xlsx(tmp_path, build, name="t.xlsx"):
    from openpyxl import Workbook

    wb = Workbook()
    build(wb.active)
    path = tmp_path / name
    wb.save(path)
    return path


def _cells(page):
    """{(row, col): [lines]} of a page, rows numbered across fragments and bands."""
    out, base = {}, 0
    for frag in page.rows:
        for c in frag.cells:
            out[(base + c.band0, c.col0)] = [ln.text for ln in c.lines]
        base += frag.nbands
    return out


def test_hidden_rows_and_columns_are_left_out_and_a_merge_keeps_its_text(tmp_path):
    def build(ws):
        ws.append(["附件"])
        ws.append(["清单标题"])
        ws.merge_cells("A2:D2")
        ws.append(["序号", "隐藏列", "名称", "内容"])
        ws.append([1, "x", "甲\n乙", "丙"])
        ws.append([2, "y", "丁", "戊"])
        ws.append([3, "z", "己", "庚"])
        ws.column_dimensions["B"].hidden = True
        ws.row_dimensions[5].hidden = True
        ws.merge_cells("D6:D7")
        ws["A7"] = "注：说明"
    page = read_document(_xlsx(tmp_path, build)).pages[0]
    assert [ln.text for ln in page.outside if ln.top < page.table_top] == ["附件", "清单标题"]
    cells = _cells(page)
    assert cells == {(0, 0): ["序号"], (0, 1): ["名称"], (0, 2): ["内容"],
                     (1, 0): ["1"], (1, 1): ["甲", "乙"], (1, 2): ["丙"],
                     (2, 0): ["3"], (2, 1): ["己"], (2, 2): ["庚"],
                     (3, 0): ["注：说明"]}
    # 庚 is merged over the row of 注：说明: one fragment of two bands.
    assert page.rows[-1].nbands == 2


def test_text_below_the_table_is_outside_it(tmp_path):
    def build(ws):
        ws.append(["序号", "名称", "内容"])
        ws.append([1, "甲", "乙"])
        ws.append(["注：本表由某部门解释。"])
        ws.merge_cells("A3:C3")
    page = read_document(_xlsx(tmp_path, build)).pages[0]
    assert len(page.rows) == 2
    assert [ln.text for ln in page.outside] == ["注：本表由某部门解释。"]
    assert page.outside[0].top > page.table_top


def test_hidden_sheets_are_skipped_and_the_note_names_the_list_sheet(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "隐藏"
    wb.active.append(["序号", "事项名称"])
    wb.active.sheet_state = "hidden"
    ws = wb.create_sheet("附件1")
    ws.append(["序号", "事项名称", "具体内容", "协助工作细化事项", "依据", "主管单位"])
    ws.append([1, "甲", "乙", "1.丙", "《丁法》第一条", "戊部门"])
    summary = wb.create_sheet("统计")
    summary.append(["部门", "数量"])
    summary.append(["戊部门", 1])
    path = tmp_path / "wb.xlsx"
    wb.save(path)
    doc = read_document(path)
    assert [p.number for p in doc.pages] == [1, 2]
    assert doc.page_count == 2 and not doc.paginated
    assert doc.page_labels == {1: "sheet '附件1' (2 of 3)", 2: "sheet '统计' (3 of 3)"}


@pytest.mark.parametrize("value, code, shown", [
    (1.0, "General", "1"),
    (12.5, "General", "12.5"),
    (0.1 + 0.2, "General", "0.3"),
    (998, "000000", "000998"),
    (1234.5, "#,##0.00", "1,234.50"),
    (0.256, "0.0%", "25.6%"),
    (3, '0"项"', "3项"),
    (44237, 'yyyy"年"m"月"d"日"', "2021年2月10日"),
    (44237, "yyyy/m/d", "2021/2/10"),
    (44237, "yyyy-mm-dd", "2021-02-10"),
    (44237, "[$-804]yyyy年m月d日;@", "2021年2月10日"),
    (44237.5, "yyyy/m/d h:mm", "2021/2/10 12:00"),
    (7, "@", "7"),
    (-5, "0;(0)", "(5)"),
])
def test_numbers_are_shown_through_their_format(value, code, shown):
    assert _format_number(value, code) == shown


def test_codes_stored_as_text_and_numbers_stored_as_numbers(tmp_path):
    def build(ws):
        ws.append(["序号", "代码", "日期", "金额"])
        ws.append([1.0, "000998", None, 1234.5])
        ws["B3"] = 998
        ws["B3"].number_format = "000000"
        ws["A3"] = 2
        import datetime

        ws["C2"] = datetime.date(2021, 2, 10)
        ws["C2"].number_format = 'yyyy"年"m"月"d"日"'
        ws["D2"].number_format = "#,##0.00"
    cells = _cells(read_document(_xlsx(tmp_path, build)).pages[0])
    assert cells[(1, 0)] == ["1"] and cells[(1, 1)] == ["000998"]
    assert cells[(1, 2)] == ["2021年2月10日"] and cells[(1, 3)] == ["1,234.50"]
    assert cells[(2, 0)] == ["2"] and cells[(2, 1)] == ["000998"]


def test_a_wps_workbook_saved_as_ooxml_under_et_is_read_as_et(tmp_path):
    path = _xlsx(tmp_path, lambda ws: ws.append(["序号", "名称", "内容"]), name="list.et")
    fmt = detect_format(path)
    assert (fmt.kind, fmt.content, fmt.family) == ("et", "xlsx", "sheet")
    assert read_document(path).source_format == "et"
