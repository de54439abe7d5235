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
from pipeline.quality.validate import REPORT_JSON, validate_extraction
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
        items.append({"seq": i, "category": "农、林、牧、渔业(A)" if i <= n // 2 else "采矿业(B)",
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


def test_a_duplicated_key_fails_and_a_gap_is_a_warning(tmp_path):
    frames = make_generic(keyed=True)
    _set(frames["items"], 6, "seq", 5)
    _fails(tmp_path, frames, "items.seq: seq_unique", "rows: seq 5, seq 5")
    frames = make_generic(keyed=True)
    frames["items"].loc[frames["items"]["seq"] == 24, "seq"] = 25
    frames["citations"].loc[frames["citations"]["seq"] == 24, "seq"] = 25
    result = validate_extraction(_folder(frames, tmp_path / "y"))
    assert result.success, result.failure_lines()
    assert any("seq_is_1_to_n" in w and "seq 25" in w for w in result.warning_lines())


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


def test_a_citation_not_in_its_cell_fails(tmp_path):
    frames = make_generic()
    frames["citations"].loc[frames["citations"]["seq"] == 9, "law"] = "另一部法规"
    _fails(tmp_path, frames, "citations._law_in_cell: law_in_cell", "rows: seq 9 field basis")


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
