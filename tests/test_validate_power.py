"""The 权责清单 (power) suite: a failure means a real defect of the extraction.

A list of two sheets (行政许可（3项）, 行政处罚（5项）) is built as the power profile writes
it (pipeline/schema.py power_tables; tables: items, sub_items, citations, tasks, columns).
Each publisher defect kept as printed — a 序号 `2,3`, an empty 序号, a gap, a 序号
repeated within a sheet, a sheet whose name states another count, a citation cell the
parser could not read — passes with a warning naming the row; each defect of the
extraction — an empty item name, header text or page furniture in a cell, items lost, a
wrong type — fails naming the row.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline import schema
from pipeline.cells.power_citations import parse_power_citations
from pipeline.cells.tasks import parse_tasks
from pipeline.quality.validate import validate_extraction
from tests.folders import write_folder

PERMIT, PENALTY = "行政许可（3项）", "行政处罚（5项）"
#: Printed columns: (field, label, role, span).
COLUMNS = [("seq", "序号", "key", 1), ("item_name", "事项名称", "text", 1),
           ("sub_item_name", "子项名称", "text", 1), ("power_code", "职权编码", "text", 1),
           ("basis", "实施依据", "citations", 1), ("exercising_body", "行使主体", "text", 1),
           ("level_authority", "实施层级及权限", "text", 2),
           ("responsibility", "责任事项", "tasks", 1), ("accountability", "追责情形", "text", 1),
           ("handling_time_limit", "办理时限", "text", 1), ("remarks", "备注", "text", 1)]
BASIS = ("【法律】《中华人民共和国畜牧法》（2005年12月29日通过 2022年10月30日修订）\n"
         "第二十二条第一款：从事种畜禽生产经营的单位、个人，应当取得种畜禽生产经营许可证。")
DUTIES = "1.受理阶段责任：公示应当提交的材料。\n2.审查阶段责任：审查申请材料。"


def _column_rows() -> list[dict]:
    rows, position = [], 1
    for field, label, role, span in COLUMNS:
        rows.append({"position": position, "field": field, "label": label, "role": role,
                     "span": span})
        position += span
    return rows


def make_power(permits: int = 3, penalties: int = 5) -> dict[str, pd.DataFrame]:
    """A good extraction: 3 permits (the second printed over two sub-item rows), then 5
    penalties numbered 1–5 again on their own sheet (other counts: bench/validate.py)."""
    items, subs, citations, tasks = [], [], [], []
    for row, (sheet, seq) in enumerate([(PERMIT, n) for n in range(1, permits + 1)]
                                       + [(PENALTY, n) for n in range(1, penalties + 1)],
                                       start=1):
        kind = "许可" if sheet == PERMIT else "处罚"
        items.append({
            "sheet": sheet, "row": row, "seq": str(seq),
            "item_name": f"种畜禽生产经营{kind}{seq}",
            "sub_item_name": "新办\n延续" if row == 2 else "", "power_type": sheet[:4],
            "power_code": f"{'XK' if kind == '许可' else 'CF'}-{seq:03d}", "basis": BASIS,
            "exercising_body": "市农业农村局", "level_authority": "地州市级\n负责本级",
            "responsibility": DUTIES, "accountability": "因不正确履行行政职责的，依法追责。",
            "handling_time_limit": "20个工作日", "remarks": ""})
        key = {"sheet": sheet, "row": row}
        citations += [{**key, "field": "basis", **r} for r in parse_power_citations(BASIS)]
        tasks += [{**key, "field": "responsibility", **r} for r in parse_tasks(DUTIES)]
    for sub_no, name in enumerate(("新办", "延续"), start=1):
        subs.append({**{k: v for k, v in items[1].items() if k not in ("seq",)},
                     "sub_no": sub_no, "sub_item_name": name, "remarks": ""})
    rows = {"items": items, "sub_items": subs, "citations": citations, "tasks": tasks,
            "columns": _column_rows()}
    tables = schema.version_tables("power", _column_rows())
    return {t.name: t.frame(rows[t.name]) for t in tables}


def power_notice(frames: dict, **extra) -> dict:
    counts = frames["items"]["sheet"].value_counts()
    sheets = [{"name": name, "read": True, "stated_count": int(name.split("（")[1][0]),
               "items": int(counts.get(name, 0))} for name in (PERMIT, PENALTY)]
    sheets.append({"name": "说明", "read": False, "why": "no list header", "items": 0})
    return {"version": "undated_abcdef012345", "item_count": len(frames["items"]),
            "source_file": "权责清单.xlsx", "source_sha256": "ef" * 32, "source_format": "xlsx",
            "profile": "power", "page_count": 1, "sheets": sheets, "warnings": [], **extra}


def _validate(tmp_path, frames, **notice):
    return validate_extraction(write_folder(frames, power_notice(frames, **notice),
                                            tmp_path / "v"))


def _item(frames, at: int, **cells) -> None:
    """Set ``cells`` of the item whose row is ``at``."""
    for column, value in cells.items():
        frames["items"].loc[frames["items"]["row"] == at, column] = value


def test_a_good_power_list_passes_its_own_suite(tmp_path):
    result = _validate(tmp_path, make_power())
    assert result.success, result.failure_lines()
    assert result.suite == "power" and result.items == 8
    assert result.warning_lines() == [
        "items: item_count: no expected item count is recorded for this notice (权责清单.xlsx, "
        "sha256 efefefefefef… is not in raw/notices.json); seq is checked to run 1..N only"]
    checked = {(c.table, c.check) for c in result.checks}
    assert {("items", "row_is_1_to_n"), ("items", "seq_follows"), ("sub_items", "key_unique"),
            ("citations", "citation_parsed"), ("tasks", "parent_is_preceding_level1"),
            ("sheets", "stated_count"), ("items", "no_layout_debris")} <= checked
    # the checks written for the 2021 notice do not run on this family
    assert not {c.check for c in result.checks} & {
        "law_in_cell", "article_ref_form", "numerals_valid", "one_department",
        "markers_contiguous", "seq_is_1_to_n", "basis_lines_are_citations"}
    # item_name is required text; a field the list does not print (null) is not
    required = {c.column for c in result.checks if c.check == "not_empty" and c.table == "items"}
    assert required == {"item_name"}


def _unparsed(frames) -> None:
    """Row 7's basis: a cell the parser cannot read (kept whole, parsed false)."""
    cell = "按照有关法律法规规定执行"
    _item(frames, 7, basis=cell)
    (unread,) = parse_power_citations(cell)
    assert unread["parsed"] is False
    rows = [r for r in frames["citations"].to_dict("records") if r["row"] != 7]
    rows.append({"sheet": PENALTY, "row": 7, "field": "basis", **unread})
    rows.sort(key=lambda r: (r["row"], r["citation_no"]))
    (table,) = [t for t in schema.version_tables("power", _column_rows())
                if t.name == "citations"]
    frames["citations"] = table.frame(rows)


#: Each publisher defect: how to make it, and the start of the warning naming its row.
DEFECTS = {
    "seq_two_items": (lambda f: _item(f, 5, seq="2,3"),
                      "items.seq: seq_one_number: sheet 行政处罚（5项） row 5: 序号 '2,3'"),
    "seq_range": (lambda f: _item(f, 5, seq="2-3"),
                  "items.seq: seq_one_number: sheet 行政处罚（5项） row 5: 序号 '2-3'"),
    "seq_empty": (lambda f: _item(f, 6, seq=""),
                  "items.seq: seq_printed: sheet 行政处罚（5项） row 6"),
    "seq_gap": (lambda f: _item(f, 6, seq="4"), "items.seq: seq_follows: sheet 行政处罚（5项） "
                                                 "row 6: 序号 '4', next in sequence 3"),
    "seq_repeated": (lambda f: _item(f, 8, seq="4"),
                     "items.seq: seq_unique_in_sheet: sheet 行政处罚（5项） row 7: 序号 '4'"),
    "stated_count": (lambda f: None,  # 5 read, its notice entry says 6 (the publisher's count)
                     "sheets.sheet: stated_count: sheet 行政处罚（5项）: items read 5, count its "
                     "name states 6"),
    "unparsed_citation": (_unparsed, "citations: citation_parsed: sheet 行政处罚（5项） row 7 "
                                     "field basis citation_no 1: cell '按照有关法律法规规定"
                                     "执行'"),
}


@pytest.mark.parametrize("defect", DEFECTS)
def test_a_publisher_defect_passes_with_a_warning_naming_the_row(defect, tmp_path):
    make, start = DEFECTS[defect]
    frames = make_power()
    make(frames)
    notice = {}
    if defect == "stated_count":
        frames_notice = power_notice(frames)
        frames_notice["sheets"][1]["stated_count"] = 6
        notice["sheets"] = frames_notice["sheets"]
    result = _validate(tmp_path, frames, **notice)
    assert result.success, result.failure_lines()
    hits = [w for w in result.warning_lines() if w.startswith(start)]
    assert hits, f"no warning starting {start!r} in:\n" + "\n".join(result.warning_lines())


#: Each defect of the extraction: how to make it, and the start of the failure.
REAL = {
    "empty_item_name": (lambda f: _item(f, 4, item_name=""), "items.item_name: not_empty: "
                        "found 1 of 8 rows: sheet 行政处罚（5项） row 4"),
    "header_text_in_a_cell": (
        lambda f: _item(f, 3, accountability="因不履行行政职责的，依法追责。\n追责情形"),
        "items.accountability: no_layout_debris: found 1 of 8 rows: sheet 行政许可（3项） row 3: "
        "printed header label (a whole line)"),
    "header_row_read_as_an_item": (
        lambda f: _item(f, 1, item_name="事项名称", basis="实施依据"),
        "items.basis: no_layout_debris"),
    "page_number_in_a_cell": (lambda f: _item(f, 2, remarks="— 12 —"),
                              "items.remarks: no_layout_debris"),
    "row_out_of_order": (lambda f: _item(f, 8, row=9), "items.row, _row_number: row_is_1_to_n"),
    "citation_of_no_item": (
        lambda f: f["citations"].__setitem__("row", f["citations"]["row"].replace(8, 99)),
        "citations._item_exists: item_exists"),
}


@pytest.mark.parametrize("defect", REAL)
def test_a_defect_of_the_extraction_fails_naming_the_row(defect, tmp_path):
    make, start = REAL[defect]
    frames = make_power()
    make(frames)
    result = _validate(tmp_path, frames)
    assert not result.success
    hits = [line for line in result.failure_lines() if line.startswith(start)]
    assert hits, f"no failure starting {start!r} in:\n" + "\n".join(result.failure_lines())


def test_items_lost_fail_against_the_count_expected(tmp_path):
    frames = make_power()
    folder = write_folder(frames, power_notice(frames), tmp_path / "v")
    result = validate_extraction(folder, expected_items=9)
    assert result.failure_lines() == [
        "items: item_count: found 8 rows; expected 9 items (given by the caller)"]


def test_a_wrong_type_fails(tmp_path):
    frames = make_power()
    frames["items"]["row"] = frames["items"]["row"].astype(str)
    result = _validate(tmp_path, frames)
    assert any(line.startswith("items.row: type: found str values") for line in
               result.failure_lines()), result.failure_lines()


def test_numbering_that_goes_on_across_sheets_is_no_defect(tmp_path):
    frames = make_power()
    for row in range(4, 9):
        _item(frames, row, seq=str(row))  # 4 … 8 after the permits' 1 … 3
    result = _validate(tmp_path, frames)
    assert result.success and not [w for w in result.warning_lines() if "seq_" in w]
