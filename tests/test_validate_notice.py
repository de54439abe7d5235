"""What notice.json says about the reading, checked for every family: table pages the
list did not read fail the folder naming them (issue 19); a sheet whose name states
another count than the items read from it is the publisher's, a warning naming the
sheet; the reader's own warnings are shown in validation.json and validation.html."""

from __future__ import annotations

import json

import pytest

from pipeline.quality.validate import REPORT_HTML, REPORT_JSON, validate_extraction
from tests.folders import gold_folder, gold_notice, write_folder
from tests.goldtables import GOLD_2021
from tests.test_validate_generic import generic_notice, make_generic


def _generic(path, **notice):
    frames = make_generic()
    return write_folder(frames, {**generic_notice(frames), **notice}, path)


def _assist(path, **notice):
    folder = gold_folder(GOLD_2021, path)
    data = {**gold_notice(GOLD_2021), **notice}
    (folder / "notice.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


UNREAD = [{"pages": [251, 750], "why": "pages 251–750 continue the columns of pages 1–250"},
          {"pages": [760, 760], "why": "a table after the list"}]


@pytest.mark.parametrize("make", [_generic, _assist], ids=["generic", "assist"])
def test_table_pages_left_unread_fail_naming_the_pages(make, tmp_path):
    result = validate_extraction(make(tmp_path / "v", unread_pages=UNREAD))
    assert not result.success
    (line,) = result.failure_lines()
    assert line.startswith("unread_pages.pages: table_pages_read: found 2 of 2 rows: "
                           "pages 251–750: why 'pages 251–750 continue the columns of pages "
                           "1–250'; pages 760: why 'a table after the list'; expected every page")
    assert line.endswith("; rows: pages 251–750, pages 760"), line
    assert result.checks[0].table == "unread_pages"  # listed first, before the tables


@pytest.mark.parametrize("make", [_generic, _assist], ids=["generic", "assist"])
def test_no_unread_pages_pass_and_a_folder_without_the_key_checks_nothing(make, tmp_path):
    result = validate_extraction(make(tmp_path / "v", unread_pages=[]))
    assert result.success, result.failure_lines()
    checks = [c for c in result.checks if c.table == "unread_pages"]
    assert [(c.check, c.success) for c in checks] == [("table_pages_read", True),
                                                      ("text_pages_read", True)]
    older = validate_extraction(make(tmp_path / "w"))  # written before pages were counted
    assert older.success and not [c for c in older.checks if c.table == "unread_pages"]
    assert "unread_pages" not in older.expectations


def test_unread_pages_written_otherwise_still_fail(tmp_path):
    result = validate_extraction(_generic(tmp_path / "v", unread_pages=[{"pages": "9-12"}]))
    assert not result.success
    assert "pages 9-12" in result.failure_lines()[0]


def _sheets_folder(path, sheets, by_sheet):
    frames = make_generic()
    frames["items"].insert(0, "sheet", [s for s, n in by_sheet for _ in range(n)])
    return write_folder(frames, {**generic_notice(frames), "sheets": sheets}, path)


def test_a_sheet_whose_name_states_another_count_is_a_warning_naming_the_sheet(tmp_path):
    sheets = [{"name": "行政许可（4项）", "read": True, "stated_count": 4},
              {"name": "行政处罚（21项）", "read": True, "stated_count": 21},
              {"name": "说明", "read": False, "why": "no list header"},
              {"name": "行政确认", "read": True}]
    by_sheet = [("行政许可（4项）", 4), ("行政处罚（21项）", 19), ("行政确认", 1)]
    result = validate_extraction(_sheets_folder(tmp_path / "v", sheets, by_sheet))
    assert result.success, result.failure_lines()
    (line,) = [w for w in result.warning_lines() if "stated_count" in w]
    assert line.startswith("sheets.sheet: stated_count: sheet 行政处罚（21项）: items read 19, "
                           "count its name states 21; expected as many items read")
    (check,) = [c for c in result.checks if c.check == "stated_count"]
    assert check.rows == [{"sheet": "行政处罚（21项）"}] and check.severity == "warning"


def test_sheets_that_agree_give_no_warning(tmp_path):
    sheets = [{"name": "地州级", "read": True, "stated_count": 12},
              {"name": "区县级", "read": True, "stated_count": 12}]
    folder = _sheets_folder(tmp_path / "v", sheets, [("地州级", 12), ("区县级", 12)])
    result = validate_extraction(folder)
    assert result.success and not [w for w in result.warning_lines() if "stated_count" in w]


def test_the_readers_warnings_are_shown_in_the_reports(tmp_path):
    warnings = ["sheet 行政处罚（21项） row 7: 序号 '2,3' kept as printed",
                "sheet 行政许可 row 3: the citation parser could not read basis, kept whole"]
    folder = _generic(tmp_path / "v", warnings=warnings)
    result = validate_extraction(folder)
    assert result.success and result.reader_warnings == warnings
    assert not set(warnings) & set(result.warning_lines())  # extract printed them already
    report = json.loads((folder / REPORT_JSON).read_text(encoding="utf-8"))
    assert report["reader_warnings"] == warnings
    html = (folder / REPORT_HTML).read_text(encoding="utf-8")
    assert "Warnings of the reader, from notice.json (2)" in html
    assert "序号 &#x27;2,3&#x27; kept as printed" in html


def test_unread_pages_of_text_are_a_warning_and_null_means_no_pages(tmp_path):
    text = [{"pages": [15, 15], "kind": "text", "why": "text outside any table"}]
    result = validate_extraction(_generic(tmp_path / "v", unread_pages=text))
    assert result.success, result.failure_lines()
    (line,) = [w for w in result.warning_lines() if "text_pages_read" in w]
    assert line.startswith("unread_pages.pages: text_pages_read: pages 15: kind 'text', why "
                           "'text outside any table'; expected")
    both = [{"pages": [3, 4], "kind": "table", "why": "a table whose columns differ"}, *text]
    result = validate_extraction(_generic(tmp_path / "w", unread_pages=both))
    assert [line.split(":")[:2] for line in result.failure_lines()] == [
        ["unread_pages.pages", " table_pages_read"]]
    assert "pages 3–4" in result.failure_lines()[0] and "pages 15" not in \
        result.failure_lines()[0]
    # a source without pages (Word, Excel, web) records null: nothing to check
    result = validate_extraction(_generic(tmp_path / "x", unread_pages=None))
    assert result.success and "unread_pages" not in result.expectations
