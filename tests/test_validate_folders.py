"""validate_extraction on extracted folders: the gold passes; copies broken in each
way a misread table shows fail with a line naming table, check and rows."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import PipelineError
from pipeline.quality.validate import REPORT_HTML, REPORT_JSON, validate_extraction
from tests.folders import (
    GOLD_PDF,
    gold_folder,
    gold_frames_filled,
    gold_notice,
    write_folder,
)
from tests.goldtables import GOLD_2021, GOLD_2023


@pytest.fixture(scope="module")
def gold21(tmp_path_factory):
    return gold_folder(GOLD_2021, tmp_path_factory.mktemp("gold") / "2021")


@pytest.fixture(scope="module")
def gold23(tmp_path_factory):
    return gold_folder(GOLD_2023, tmp_path_factory.mktemp("gold") / "2023")


@pytest.fixture(scope="module")
def frames21():
    return gold_frames_filled(GOLD_2021)


def _check(result, table, check):
    found = [c for c in result.checks if c.table == table and c.check == check]
    assert found, f"no check {table}/{check}"
    return found


def test_gold_2021_passes_with_the_misprinted_article_as_a_warning(gold21):
    result = validate_extraction(gold21)
    assert result.success, result.failure_lines()
    assert result.failure_lines() == []
    assert result.items == 27 and result.expected_items == 27
    assert "raw/notices.json" in result.expected_source
    (count,) = _check(result, "items", "item_count")
    assert count.success and count.severity == "error"
    (numerals,) = _check(result, "citations", "numerals_valid")
    assert not numerals.success and numerals.severity == "warning"
    assert numerals.rows == [{"seq": 20, "citation_no": 2}]
    (line,) = [w for w in result.warning_lines() if "numerals_valid" in w]
    assert "seq 20" in line and "第十十五条第二款" in line and "重庆市安全生产条例" in line


def test_gold_2023_without_a_recorded_count_checks_seq_only_and_says_so(gold23):
    result = validate_extraction(gold23)
    assert result.success, result.failure_lines()
    assert result.expected_items is None
    (count,) = _check(result, "items", "item_count")
    assert count.success and count.severity == "info"
    assert any("no expected item count is recorded" in w for w in result.warning_lines())
    assert "no expected item count is recorded" in result.expected_source


def test_gold_2023_with_its_count_given_passes_and_a_wrong_count_fails(gold23):
    assert validate_extraction(gold23, expected_items=27).success
    result = validate_extraction(gold23, expected_items=28)
    assert not result.success
    assert result.failure_lines() == [
        "items: item_count: found 27 rows; expected 28 items (given by the caller)"]


def test_a_test_manifest_gives_the_count_for_a_notice_not_in_raw(gold23, tmp_path):
    notice = gold_notice(GOLD_2023)
    manifest = tmp_path / "notices.json"
    manifest.write_text(json.dumps({"notices": [{
        "file": notice["source_file"], "sha256": notice["source_sha256"],
        "expected_items": 26}]}), encoding="utf-8")
    result = validate_extraction(gold23, manifest=manifest)
    assert result.expected_items == 26
    assert any(line.startswith("items: item_count: found 27 rows; expected 26 items")
               for line in result.failure_lines())


def _mutated(frames, change):
    frames = {k: v.copy() for k, v in frames.items()}
    change(frames)
    return frames


def _drop_item(f):
    f["items"] = f["items"].drop(index=4).reset_index(drop=True)  # seq 5


def _drop_last_item_everywhere(f):
    for name in f:
        if "seq" in f[name]:
            f[name] = f[name][f[name]["seq"] != 27].reset_index(drop=True)


def _set(table, where, column, value):
    def change(f):
        df = f[table]
        mask = pd.Series(True, index=df.index)
        for k, v in where.items():
            mask &= df[k] == v
        assert mask.sum() == 1, (table, where)
        df.loc[mask, column] = value(df.loc[mask, column].iloc[0]) if callable(value) else value
    return change


def _drop_first_level1_of_item9(f):
    t = f["tasks"]
    t = t.drop(index=t.index[(t["seq"] == 9) & (t["task_no"] == 1)]).reset_index(drop=True)
    t.loc[t["seq"] == 9, "task_no"] = range(1, int((t["seq"] == 9).sum()) + 1)
    f["tasks"] = t


def _seq_as_text(f):
    f["items"]["seq"] = f["items"]["seq"].astype("string")


def _drop_remarks(f):
    f["items"] = f["items"].drop(columns=["remarks"])


BREAKS = {
    # name: (changes, [(expected start of a failure line, text that line must hold)])
    "row dropped": ([_drop_item], [
        ("items: item_count: found 26 rows; expected 27 items", ""),
        ("items.seq, _row_number: seq_is_1_to_n", "rows: seq 6"),
        ("tasks._item_exists: item_exists", "rows: seq 5 task_no 1")]),
    "last item dropped from every table": ([_drop_last_item_everywhere], [
        ("items: item_count: found 26 rows; expected 27 items", "")]),
    "basis blanked": ([_set("items", {"seq": 3}, "basis_text", "")], [
        ("items.basis_text: not_empty", "rows: seq 3")]),
    "basis line not a citation": ([
        _set("items", {"seq": 3}, "basis_text", lambda v: v + "\n协助")], [
        ("items.basis_text: basis_lines_are_citations", "rows: seq 3")]),
    "department null": ([
        _set("departments", {"seq": 2, "department_no": 3}, "department", None)], [
        ("departments.department: not_null", "rows: seq 2 department_no 3")]),
    "duplicated seq": ([_set("items", {"seq": 6}, "seq", 5)], [
        ("items.seq: seq_unique", "rows: seq 5, seq 5")]),
    "running header appended to a tasks cell": ([
        _set("items", {"seq": 3}, "tasks_text", lambda v: v + "重庆市民政局规范性文件"),
        _set("items", {"seq": 8}, "content", lambda v: v + "\n重庆市民政局规范性文件")], [
        ("items.tasks_text: no_layout_debris", "running header"),
        ("items.content: no_layout_debris", "rows: seq 8")]),
    "page numbers, header words, HTML, replacement characters": ([
        _set("items", {"seq": 8}, "content", lambda v: v + "\n— 12 —"),
        _set("departments", {"seq": 1}, "department", "主管单位"),
        _set("tasks", {"seq": 2, "task_no": 1}, "text", lambda v: v + "<br>"),
        _set("citations", {"seq": 1, "citation_no": 1}, "law", lambda v: v[:2] + "\ufffd" + v[3:]),
        _set("citations", {"seq": 2, "citation_no": 1}, "note", "(cid:17)")], [
        ("items.content: no_layout_debris", "page number"),
        ("departments.department: no_layout_debris", "header words"),
        ("tasks.text: no_layout_debris", "HTML tag"),
        ("citations.law: no_layout_debris", "replacement character"),
        ("citations.note: no_layout_debris", "rows: seq 2 citation_no 1")]),
    "level-2 task without a parent": ([_drop_first_level1_of_item9], [
        ("tasks.level, _level1_before: level2_under_level1",
         "rows: seq 9 task_no 1, seq 9 task_no 2")]),
    "level-2 task with parent_no null": ([
        _set("tasks", {"seq": 1, "task_no": 3}, "parent_no", pd.NA)], [
        ("tasks.parent_no: level2_has_parent", "rows: seq 1 task_no 3")]),
    "gaps in markers": ([
        _set("tasks", {"seq": 2, "task_no": 2}, "marker", "3."),
        _set("tasks", {"seq": 1, "task_no": 4}, "marker", "③")], [
        ("tasks._marker_number, _marker_expected: markers_contiguous",
         "rows: seq 1 task_no 4, seq 2 task_no 2")]),
    "item without tasks": ([lambda f: f.update(tasks=f["tasks"][f["tasks"]["seq"] != 4])], [
        ("items._task_rows: has_task", "rows: seq 4")]),
    "pages out of order": ([
        _set("items", {"seq": 4}, "page_start", 5), _set("items", {"seq": 7}, "page_end", 9)], [
        ("items.page_end, page_start: pages_ordered", "rows: seq 4"),
        ("items.page_start, _previous_page_end: pages_follow_seq", "rows: seq 8")]),
    "article numbers": ([
        _set("citations", {"seq": 1, "citation_no": 1}, "article", pd.NA),
        _set("citations", {"seq": 2, "citation_no": 1}, "article", 40),
        _set("citations", {"seq": 20, "citation_no": 2}, "article", 15)], [
        ("citations.article: article_where_printed", "rows: seq 1 citation_no 1"),
        ("citations.article, _article_expected: article_matches_ref", "rows: seq 2 citation_no 1"),
        ("citations.article: article_null_where_invalid", "rows: seq 20 citation_no 2")]),
    "seq written as text": ([_seq_as_text], [("items.seq: type: found str values", "Int64Dtype")]),
    "column missing": ([_drop_remarks], [
        ("items: columns: found missing columns ['remarks']", ""),
        ("items.remarks: not_null: found no column remarks", "")]),
}


@pytest.mark.parametrize("name", BREAKS)
def test_a_broken_copy_fails_with_a_clear_line(name, frames21, tmp_path):
    changes, wanted = BREAKS[name]
    frames = {k: v.copy() for k, v in frames21.items()}
    for change in changes:
        change(frames)
    folder = write_folder(frames, gold_notice(GOLD_2021), tmp_path / "x")
    result = validate_extraction(folder)
    assert not result.success
    lines = result.failure_lines()
    for start, text in wanted:
        matching = [line for line in lines if line.startswith(start)]
        assert matching, f"no line starting {start!r} in:\n" + "\n".join(lines)
        assert text in matching[0], matching[0]
    report = json.loads((folder / REPORT_JSON).read_text(encoding="utf-8"))
    assert report["success"] is False
    assert (folder / "items.parquet").exists()  # a failed folder is kept, only marked


def test_a_missing_table_file_is_a_failure_not_a_crash(gold21, tmp_path):
    folder = Path(shutil.copytree(gold21, tmp_path / "x"))
    (folder / "departments.parquet").unlink()
    result = validate_extraction(folder)
    assert not result.success
    assert result.failure_lines()[0].startswith("departments: file: found no such file")
    assert any(line.startswith("items._department_rows: has_department")
               for line in result.failure_lines())


def test_one_line_per_failed_error_check_and_none_for_warnings(frames21, tmp_path):
    change = _set("items", {"seq": 3}, "basis_text", "")
    folder = write_folder(_mutated(frames21, change), gold_notice(GOLD_2021), tmp_path / "x")
    result = validate_extraction(folder)
    failed = [c for c in result.checks if not c.success and c.severity == "error"]
    assert len(result.failure_lines()) == len(failed) >= 1
    assert not any("numerals_valid" in line for line in result.failure_lines())


def test_validation_json_lists_every_check(gold21):
    result = validate_extraction(gold21)
    report = json.loads((gold21 / REPORT_JSON).read_text(encoding="utf-8"))
    assert report["success"] is True
    assert len(report["checks"]) == len(result.checks) >= 117  # the 2021 list keeps its checks
    assert report["suite"] == "assist"
    assert set(report["expectations"]) == {"items", "tasks", "citations", "departments",
                                           "cells", "columns"}
    assert sum(report["expectations"].values()) < len(report["checks"])  # one per column
    assert report["notice"]["source_sha256"] == gold_notice(GOLD_2021)["source_sha256"]
    assert {"table", "check", "column", "found", "expected", "rows", "severity", "success"} \
        <= set(report["checks"][0])


def test_html_report_is_self_contained(frames21, tmp_path):
    change = _set("items", {"seq": 3}, "tasks_text", lambda v: v + "<script>x</script>")
    folder = write_folder(_mutated(frames21, change), gold_notice(GOLD_2021), tmp_path / "x")
    validate_extraction(folder)
    page = (folder / REPORT_HTML).read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"https?:", page, re.I)
    assert not re.search(r"<(script|link|img|iframe)\b|\bsrc=|@import|url\(", page, re.I)
    assert "&lt;script&gt;" in page  # cell text is escaped, never markup
    assert "FAILED" in page and "no_layout_debris" in page


def test_an_explicit_manifest_that_is_missing_is_an_error(gold21, tmp_path):
    with pytest.raises(PipelineError):
        validate_extraction(gold21, manifest=tmp_path / "none.json")


def test_raw_manifest_records_the_2021_notice_with_its_sha256():
    from pipeline.output.manifest import read_manifest

    notice = gold_notice(GOLD_2021)
    known = read_manifest()
    assert known[notice["source_sha256"]].expected_items == 27
    assert known[notice["source_sha256"]].file == GOLD_PDF[GOLD_2021].name


@pytest.mark.parametrize("entry", [
    {"file": "a.pdf", "sha256": "00"}, {"file": "a.pdf", "sha256": "00", "expected_items": 0},
    {"file": "a.pdf", "sha256": "00", "expected_items": "27"}, "a.pdf",
])
def test_a_malformed_manifest_entry_is_an_error(tmp_path, entry):
    from pipeline.output.manifest import read_manifest

    path = tmp_path / "notices.json"
    path.write_text(json.dumps({"notices": [entry]}), encoding="utf-8")
    with pytest.raises(PipelineError) as e:
        read_manifest(path)
    assert "entry 0" in str(e.value)


def _markers(seq, markers):
    """Set the markers of item ``seq``'s level-1 tasks, in order."""
    def change(f):
        t = f["tasks"]
        rows = t.index[(t["seq"] == seq) & (t["level"] == 1)]
        assert len(rows) == len(markers)
        t.loc[rows, "marker"] = markers
    return change


@pytest.mark.parametrize("seq, markers", [
    (21, ["1.", "2.", "3.", "4.", "5.", "6.", "7."]),  # numbering goes on past a section
    (21, ["1.", "2.", "3.", "1.", "2.", "3.", "4."]),  # or starts again (as printed)
    (2, ["（1）", "（2）", "（3）"]),
    (2, ["一、", "二、", "三、"]),
    (2, ["1、", "2、", "3、"]),
], ids=["continued", "restarted", "parenthesised", "chinese", "comma"])
def test_marker_styles_and_section_numbering_are_accepted(frames21, tmp_path, seq, markers):
    frames = _mutated(frames21, _markers(seq, markers))
    result = validate_extraction(write_folder(frames, gold_notice(GOLD_2021), tmp_path / "x"))
    assert result.success, result.failure_lines()


@pytest.mark.parametrize("seq, markers, rows", [
    (21, ["1.", "2.", "3.", "5.", "6.", "7.", "8."], "rows: seq 21 task_no 4"),
    (11, ["1.", "2.", "2.", "3.", "4.", "5.", "6."], "rows: seq 11 task_no 3"),
    (11, ["1.", "2.", "4.", "5.", "6.", "7.", "8."], "rows: seq 11 task_no 3"),
], ids=["gap at a section", "repeat", "gap"])
def test_a_marker_gap_or_repeat_is_reported_once(frames21, tmp_path, seq, markers, rows):
    frames = _mutated(frames21, _markers(seq, markers))
    result = validate_extraction(write_folder(frames, gold_notice(GOLD_2021), tmp_path / "x"))
    (line,) = result.failure_lines()
    assert "markers_contiguous" in line and line.endswith(rows), line


TWO_WORKERS = """
import json, os, sys
from pathlib import Path
import pipeline.quality.validate as validate
forks = []
real_fork = os.fork
def fork():
    forks.append(1)
    return real_fork()
os.fork = fork
out = {}
for workers in (1, 2):
    result = validate.validate_extraction(Path(sys.argv[1]), workers=workers, write=False)
    out[workers] = [c.line() for c in result.checks]
print(json.dumps({"forks": len(forks), "same": out[1] == out[2], "checks": len(out[1])}))
"""


def test_two_workers_give_the_same_checks_as_one(frames21, tmp_path):
    """Frames checked by a forked copy come back whole and in order."""
    import subprocess
    import sys

    frames = {k: v.copy() for k, v in frames21.items()}
    for change in (_set("items", {"seq": 3}, "basis_text", ""),
                   _set("departments", {"seq": 2, "department_no": 3}, "department", None),
                   _set("tasks", {"seq": 2, "task_no": 1}, "text", lambda v: v + "<br>")):
        change(frames)
    folder = write_folder(frames, gold_notice(GOLD_2021), tmp_path / "x")
    run = subprocess.run([sys.executable, "-c", TWO_WORKERS, str(folder)],
                         cwd=Path(__file__).resolve().parent.parent, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    answer = json.loads(run.stdout.splitlines()[-1])
    assert answer == {"forks": 1, "same": True, "checks": answer["checks"]}
    assert answer["checks"] >= 117
