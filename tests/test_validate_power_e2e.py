"""End to end: a 权责清单 workbook with the publisher's own defects (a 序号 printed 2,3, a
序号 left empty, a sheet whose name states another count, a basis cell the citation parser
cannot read) extracts with `--validate`, exits 0 and prints a warning naming each row."""

from __future__ import annotations

import json

from pipeline.quality.validate import REPORT_JSON
from tests import hostile

HEADER = ["序号", "事项名称", "权力类型", "实施依据", "行使主体", "责任事项", "追责情形", "备注"]
BASIS = ("【法律】《中华人民共和国畜牧法》（2005年12月29日通过 2022年10月30日修订）\n"
         "第二十二条第一款：从事种畜禽生产经营的单位、个人，应当取得种畜禽生产经营许可证。")
ACCOUNTABLE = "因不正确履行行政职责的，依法追责。"
DUTIES = "1.受理阶段责任：公示应当提交的材料。\n2.审查阶段责任：审查申请材料。"


def _row(seq: str, name: str, kind: str, basis: str = BASIS) -> list[str]:
    return [seq, name, kind, basis, "市农业农村局", DUTIES, ACCOUNTABLE, ""]


def _workbook(path):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    book = Workbook()
    sheets = {
        "行政许可（2项）": [_row("1", "种畜禽生产经营许可", "行政许可"),
                         _row("2", "兽药经营许可", "行政许可")],
        # four items read, five stated; 2,3 stands for two; 5 left empty; 6 unreadable
        "行政处罚（5项）": [_row("1", "对未取得许可证生产种畜禽的处罚", "行政处罚"),
                         _row("2,3", "对违反种畜禽生产经营规定的处罚", "行政处罚"),
                         _row("", "对销售不符合标准种畜禽的处罚", "行政处罚"),
                         _row("4", "对兽药经营违法行为的处罚", "行政处罚",
                              basis="依据国家有关规定执行")],
    }
    for i, (name, rows) in enumerate(sheets.items()):
        sheet = book.active if i == 0 else book.create_sheet()
        sheet.title = name
        sheet.append(HEADER)
        for row in rows:
            sheet.append(row)
        for line in sheet.iter_rows():
            for cell in line:
                cell.alignment = Alignment(wrap_text=True)
    book.save(path)
    return path


def test_a_power_workbook_with_publisher_defects_is_valid_with_warnings(tmp_path):
    path = _workbook(tmp_path / "权责清单.xlsx")
    out = tmp_path / "v"
    run = hostile.run_cli("extract", path, "--out", out, "--validate", timeout=300)
    assert run.returncode == 0, run.stderr
    notice = json.loads((out / "notice.json").read_text(encoding="utf-8"))
    assert notice["profile"] == "power"
    warned = [line for line in run.stderr.splitlines() if line.startswith("warning:")]
    penalty = "sheet 行政处罚（5项）"
    for expected in (f"items.seq: seq_one_number: {penalty} row 4: 序号 '2,3'",
                     f"items.seq: seq_printed: {penalty} row 5",
                     f"sheets.sheet: stated_count: {penalty}: items read 4, count its name "
                     "states 5",
                     f"citations: citation_parsed: {penalty} row 6 field basis"):
        assert any(expected in line for line in warned), (expected, warned)
    report = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    assert report["success"] is True and report["suite"] == "power"
    assert report["reader_warnings"] == notice["warnings"]
