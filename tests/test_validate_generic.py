"""The generic suite: what holds for any list read by the generic profile (rows, no
layout debris, key unique, no empty cell in a column printed full, pages in order),
on hand-made generic folders and on the real CSRC list where it is available."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline import schema
from pipeline.quality.validate import EXPECTATIONS_DIR, REPORT_JSON, validate_extraction
from tests.folders import write_folder

ROOT = Path(__file__).resolve().parent.parent

#: A classification list: category merged over runs (filled down), a code column of
#: digits, a name, a sparse remarks column, a basis column parsed into citations.
COLUMNS = [
    {"position": 1, "field": "category", "label": "门类", "role": "text"},
    {"position": 2, "field": "code", "label": "行业代码", "role": "text"},
    {"position": 3, "field": "name", "label": "行业名称", "role": "text"},
    {"position": 4, "field": "basis", "label": "设定依据", "role": "citations"},
    {"position": 5, "field": "remarks", "label": "备注", "role": "text"},
]
KEY = {"position": 0, "field": "seq", "label": "序号", "role": "key"}


def generic_tables(frames: dict) -> tuple[schema.Table, ...]:
    rows = frames["columns"].to_dict("records")
    return tuple(t for t in schema.generic_tables(rows) if t.name != "columns")


def make_generic(n: int = 24, keyed: bool = False) -> dict[str, pd.DataFrame]:
    """A good extraction of a generic list of ``n`` rows, as typed frames."""
    columns = ([KEY] if keyed else []) + COLUMNS
    tables = {t.name: t for t in schema.generic_tables(columns)}
    items, citations = [], []
    for i in range(1, n + 1):
        law = f"分类管理办法{'甲乙丙'[i % 3]}"
        items.append({"seq": i, "seq_text": str(i),
                      "category": "农、林、牧、渔业(A)" if i <= n // 2 else "采矿业(B)",
                      "code": f"{i:02d}", "name": f"第{i}类行业\n（含附属活动）",
                      "basis": f"《{law}》第{i}条", "remarks": "暂停上市" if i % 10 == 3 else "",
                      "page_start": 1 + (i - 1) // 10, "page_end": 1 + (i - 1) // 10})
        citations.append({"seq": i, "field": "basis", "citation_no": 1, "law": law,
                          "note": None, "article_ref": f"第{i}条", "article": i,
                          "paragraph": None})
    rows = {"items": items, "citations": citations, "columns": columns}
    return {name: table.frame(rows.get(name, [])) for name, table in tables.items()}


def generic_notice(frames: dict, source_format: str = "pdf") -> dict:
    return {"version": "undated_0123456789ab", "item_count": len(frames["items"]),
            "source_file": "list.pdf", "source_sha256": "ab" * 32,
            "source_format": source_format, "profile": "generic", "page_count": 3,
            "table_pages": [1, 3]}


def _folder(frames: dict, path: Path, **notice) -> Path:
    return write_folder(frames, {**generic_notice(frames), **notice}, path)


def _set(frame: pd.DataFrame, seq: int, column: str, value) -> None:
    frame.loc[frame["seq"] == seq, column] = value


def test_a_good_generic_list_passes_with_codes_and_a_sparse_column(tmp_path):
    result = validate_extraction(_folder(make_generic(), tmp_path / "x"))
    assert result.success, result.failure_lines()
    assert result.suite == "generic"
    checks = {(c.table, c.column, c.check) for c in result.checks}
    for column in ("category", "code", "name", "basis", "remarks"):
        assert ("items", column, "no_layout_debris") in checks
        assert ("items", column, "type") in checks
    assert ("items", None, "has_rows") in checks
    assert ("citations", "seq, field, citation_no", "key_unique") in checks
    # a column printed full must hold text in every row; a sparse one need not
    required = {c.column for c in result.checks if c.check == "not_empty" and c.table == "items"}
    assert required == {"category", "code", "name", "basis"}


def _fails(tmp_path, frames, start: str, text: str = "", **notice) -> str:
    result = validate_extraction(_folder(frames, tmp_path / "x", **notice))
    assert not result.success
    lines = [line for line in result.failure_lines() if line.startswith(start)]
    assert lines, f"no line starting {start!r} in:\n" + "\n".join(result.failure_lines())
    assert text in lines[0], lines[0]
    return lines[0]


def test_a_header_label_read_into_a_cell_fails_naming_item_and_column(tmp_path):
    frames = make_generic()
    _set(frames["items"], 7, "name", "第7类行业\n行业名称")
    _fails(tmp_path, frames, "items.name: no_layout_debris", "rows: seq 7")


@pytest.mark.parametrize("value, pattern", [
    ("第3类行业\n— 4 —", "page number"), ("第3类行业\n17\n（含）", "a line of digits only"),
    ("第3类<br>行业", "HTML tag"), ("第3\ufffd类", "replacement character"),
])
def test_layout_debris_in_any_cell_fails(tmp_path, value, pattern):
    frames = make_generic()
    _set(frames["items"], 3, "name", value)
    _fails(tmp_path, frames, "items.name: no_layout_debris", pattern)


def test_an_empty_cell_in_a_column_printed_full_fails(tmp_path):
    frames = make_generic()
    _set(frames["items"], 5, "code", "")
    _fails(tmp_path, frames, "items.code: not_empty", "rows: seq 5")


def test_a_repeated_or_skipped_seq_is_the_publishers_a_warning_naming_the_row(tmp_path):
    frames = make_generic(keyed=True)
    if "seq_text" in frames["items"]:  # (the 序号 as printed, where the schema keeps it)
        _set(frames["items"], 6, "seq_text", "5")
    _set(frames["items"], 6, "seq", 5)  # printed 1 … 5, 5, 7 …: kept as printed
    frames["citations"].loc[frames["citations"]["seq"] == 6, "seq"] = 5
    result = validate_extraction(_folder(frames, tmp_path / "x"))
    assert result.success, result.failure_lines()
    warned = result.warning_lines()
    repeated = "items.seq: seq_unique_in_sheet: seq 5: 序号 '5'; expected "
    assert [w for w in warned if "seq_unique_in_sheet" in w] == [
        repeated + _expected("seq_unique_in_sheet")] * 2
    follows = [w for w in warned if "seq_follows" in w]
    assert [w.split(";")[0] for w in follows] == [
        "items.seq: seq_follows: seq 5: 序号 '5', next in sequence 6",  # the repeat …
        "items.seq: seq_follows: seq 7: 序号 '7', next in sequence 6"]  # … and the number after it
    # the citations of the two items printed as 5 are told apart by nothing: not a failure
    assert not [c for c in result.checks if c.table == "citations" and not c.success]
    frames = make_generic(keyed=True)
    if "seq_text" in frames["items"]:
        _set(frames["items"], 24, "seq_text", "25")
    frames["items"].loc[frames["items"]["seq"] == 24, "seq"] = 25
    frames["citations"].loc[frames["citations"]["seq"] == 24, "seq"] = 25
    result = validate_extraction(_folder(frames, tmp_path / "y"))
    assert result.success, result.failure_lines()
    assert [w.split(";")[0] for w in result.warning_lines() if "seq_follows" in w] == [
        "items.seq: seq_follows: seq 25: 序号 '25', next in sequence 24"]


def _expected(check: str, suite: str = "generic", frame: str = "items") -> str:
    data = json.loads((EXPECTATIONS_DIR / suite / f"{frame}.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in data["expectations"] if e["meta"]["check"] == check]
    return entry["meta"]["expected"]


def test_pages_missing_from_a_pdf_fail_and_sources_without_pages_pass(tmp_path):
    frames = make_generic()
    _set(frames["items"], 4, "page_start", pd.NA)
    _fails(tmp_path, frames, "items.page_start: page_where_paginated", "rows: seq 4")
    frames = make_generic()
    frames["items"]["page_start"] = pd.array([None] * 24, dtype="Int64")
    frames["items"]["page_end"] = pd.array([None] * 24, dtype="Int64")
    result = validate_extraction(_folder(frames, tmp_path / "y", source_format="xlsx"))
    assert result.success, result.failure_lines()


def test_pages_out_of_order_fail(tmp_path):
    frames = make_generic()
    _set(frames["items"], 15, "page_start", 1)
    _set(frames["items"], 15, "page_end", 1)
    _fails(tmp_path, frames, "items.page_start, _previous_page_end: pages_follow_seq",
           "rows: seq 15")


def test_no_rows_fails(tmp_path):
    frames = make_generic()
    for name in ("items", "citations"):
        frames[name] = frames[name].iloc[0:0]
    _fails(tmp_path, frames, "items: has_rows", "0 rows")


#: A 权责清单 read by the generic profile (before it had its own): its 依据 cells cite in
#: the 【法律】《…》（…）⏎第X条第Y款：… form, which the 2021 notice's citation parser reads
#: into fragments (law "【法律】", article_ref "第二十二条第一款：从事…"), and its 责任单位
#: names a unit with its offices in brackets.
POWER_LIKE = [("seq", "序号", "key"), ("name", "事项名称", "text"),
              ("power_type", "权力类型", "text"), ("implementing_basis", "实施依据", "citations"),
              ("responsible_unit", "责任单位", "departments"), ("duties", "责任事项", "tasks")]
POWER_LIKE_BASIS = (
    "【法律】《中华人民共和国畜牧法》（2005年12月29日通过 2022年10月30日修订）\n"
    "第二十二条第一款：从事种畜禽生产经营或者生产经营商品代仔畜、雏禽的单位、个人，应当取得"
    "种畜禽生产经营许可证。\n第二十四条：申请取得种畜禽生产经营许可证，应当具备下列条件：（一）"
    "生产经营的种畜禽是通过国家畜禽遗传资源委员会审定或者鉴定的品种；（二）有与生产经营规模相"
    "适应的畜牧兽医技术人员。\n【规章】《种畜禽生产经营许可管理办法》<农业农村部令2019年第1号>\n"
    "第七条：……")


def make_power_like(n: int = 12) -> dict[str, pd.DataFrame]:
    """A generic folder of such a list, its cells parsed by the pipeline's own parsers."""
    from pipeline.cells.parse import parse_items
    from pipeline.profiles import Column

    columns = [Column(f, label, role, j) for j, (f, label, role) in enumerate(POWER_LIKE)]
    items = [{"seq": i, "seq_text": str(i), "name": f"种畜禽生产经营许可（第{i}类）",
              "power_type": "行政许可",
              "implementing_basis": POWER_LIKE_BASIS,
              "responsible_unit": "市农业农村局（畜牧兽医科、执法支队）",
              "duties": "1.受理阶段责任：公示应当提交的材料。\n2.审查阶段责任：审查申请材料。",
              "page_start": 1 + (i - 1) // 4, "page_end": 1 + (i - 1) // 4}
             for i in range(1, n + 1)]
    rows = [{"position": c.index + 1, "field": c.field, "label": c.label, "role": c.role}
            for c in columns]
    tables = {t.name: t for t in schema.generic_tables(rows)}
    data = {"items": items, "columns": rows, **parse_items(items, columns)}
    return {name: table.frame(data.get(name, [])) for name, table in tables.items()}


#: What main checked on generic lists, written for the 2021 notice (these failed there).
CHECKS_OF_THE_2021_NOTICE = {"law_in_cell", "article_ref_form", "article_where_printed",
                             "paragraph_where_printed", "numerals_valid", "one_department",
                             "markers_contiguous", "marker_form", "text_in_cell"}


def test_a_list_of_another_family_passes_the_checks_that_hold_for_generic_lists(tmp_path):
    # Failed on main: law_in_cell, article_ref_form, article/paragraph_where_printed on
    # the citation parser's own fragments, one_department on 市农业农村局（…、…）.
    frames = make_power_like()
    assert "【法律】" in set(frames["citations"]["law"])  # the parser's fragments, as on main
    result = validate_extraction(_folder(frames, tmp_path / "x"))
    assert result.success, result.failure_lines()
    assert not {c.check for c in result.checks} & CHECKS_OF_THE_2021_NOTICE
    assert not [w for w in result.warning_lines() if "numerals_valid" in w]
    # what holds for any list is still checked, on every table
    checked = {(c.table, c.check) for c in result.checks}
    assert {("citations", "key_unique"), ("citations", "item_exists"),
            ("departments", "department_no_contiguous"), ("tasks", "parent_is_preceding_level1"),
            ("items", "no_layout_debris"), ("items", "not_empty")} <= checked


def test_a_parsed_row_of_no_item_still_fails(tmp_path):
    frames = make_generic()
    frames["citations"].loc[frames["citations"]["seq"] == 9, "seq"] = 99
    _fails(tmp_path, frames, "citations._item_exists: item_exists", "seq 99 field basis")


def test_a_generic_folder_without_its_columns_table_fails(tmp_path):
    folder = _folder(make_generic(), tmp_path / "x")
    (folder / "columns.parquet").unlink()
    result = validate_extraction(folder)
    assert not result.success
    assert result.failure_lines()[0].startswith("columns: file: found no such file")


def test_a_profile_no_suite_knows_fails_clearly(tmp_path):
    folder = _folder(make_generic(), tmp_path / "x", profile="made-up")
    result = validate_extraction(folder)
    assert not result.success
    assert result.failure_lines()[0].startswith("notice.json: profile: found 'made-up'")


@pytest.fixture
def csrc(csrc_folder):
    """The real list extracted once per session (conftest; skipped where absent)."""
    return csrc_folder


@pytest.mark.slow  # 85 pages
def test_the_real_csrc_list_passes_the_generic_suite(csrc, tmp_path):
    folder = Path(shutil.copytree(csrc, tmp_path / "v"))
    result = validate_extraction(folder)
    assert result.success, result.failure_lines()
    assert result.suite == "generic" and result.items == 3563
    report = json.loads((folder / REPORT_JSON).read_text(encoding="utf-8"))
    columns = pd.read_parquet(folder / "columns.parquet")["field"].tolist()
    debris = {c["column"] for c in report["checks"] if c["check"] == "no_layout_debris"}
    assert set(columns) <= debris


def test_a_header_row_read_into_the_real_list_fails(csrc, tmp_path):
    folder = Path(shutil.copytree(csrc, tmp_path / "v"))
    items = pd.read_parquet(folder / "items.parquet")
    labels = pd.read_parquet(folder / "columns.parquet")
    field, label = labels["field"].iloc[-1], labels["label"].iloc[-1]
    items.loc[100, field] = label
    items.to_parquet(folder / "items.parquet", index=False)
    result = validate_extraction(folder)
    (line,) = [x for x in result.failure_lines() if "no_layout_debris" in x]
    assert line.startswith(f"items.{field}: no_layout_debris") and "seq 101" in line


def test_a_folder_whose_notice_names_no_profile_is_checked_as_the_assist_profiles(tmp_path):
    # Folders extracted before profiles: the assist profile's suite and required fields
    # (validate.DEFAULT_PROFILE, a profile name, not a suite name taken for one).
    from tests.folders import gold_frames_filled, gold_notice
    from tests.goldtables import GOLD_2021

    frames = gold_frames_filled(GOLD_2021)
    notice = {k: v for k, v in gold_notice(GOLD_2021).items() if k != "profile"}
    frames["items"].loc[0, "content"] = ""
    frames["items"].loc[1, "remarks"] = ""  # not required by the assist profile
    result = validate_extraction(write_folder(frames, notice, tmp_path / "v"))
    assert result.suite == "assist"
    empty = [line for line in result.failure_lines() if ": not_empty" in line]
    assert len(empty) == 1 and empty[0].startswith("items.content: not_empty"), empty
