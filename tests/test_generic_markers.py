"""Task markers are stated once (pipeline/cells/tasks.py MARKER_STYLES): the profiles'
``task_start`` (which keeps a line break in a tasks cell) and the assist suite's
``marker_form`` / ``text_without_marker`` name that pattern as ``{task_marker}``,
so every marker the parser accepts is kept apart when lines are joined and passes
validation.  A generated generic list whose tasks column numbers its tasks
（一）（二） is read into tasks and validates."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest
import regex

from pipeline.cells.tasks import MARKER_STYLES, parse_tasks
from pipeline.profiles import PATTERN_TOKENS, expand_tokens, load_profiles
from pipeline.quality.validate import EXPECTATIONS_DIR, REPORT_JSON
from pipeline.table.clean import clean_items
from tests import hostile
from tests.pages import ASSIST
from tests.render.generic import Col, ListSpec, render_list
from tests.test_stages import raw

#: Two markers of each style the parser knows, numbered 1 and 2 as printed.
PAIRS = {
    "dot": [("1.", "2."), ("1、", "2、"), ("１．", "２．"), ("⒈", "⒉")],
    "paren": [("（1）", "（2）"), ("(1)", "(2)"), ("⑴", "⑵")],
    "cn_paren": [("（一）", "（二）"), ("(一)", "(二)")],
    "close": [("1)", "2)"), ("1）", "2）")],
    "cn_dot": [("一、", "二、"), ("一.", "二.")],
    "circled": [("①", "②"), ("❶", "❷"), ("➀", "➁"), ("➊", "➋")],
}
SAMPLES = [pair for pairs in PAIRS.values() for pair in pairs]


def _suite_regex(suite: str, check: str) -> str:
    data = json.loads((EXPECTATIONS_DIR / suite / "tasks.json").read_text(encoding="utf-8"))
    (config,) = [e for e in data["expectations"] if e["meta"]["check"] == check]
    return expand_tokens(config["kwargs"]["regex"])


def test_every_marker_style_has_samples():
    assert set(PAIRS) == {style for style, _ in MARKER_STYLES}


@pytest.mark.parametrize("suite", ["assist", "generic"])
@pytest.mark.parametrize(("first", "second"), SAMPLES)
def test_a_marker_the_parser_accepts_passes_marker_form_and_starts_a_line(suite, first, second):
    rows = parse_tasks(f"{first}协助甲。\n{second}协助乙。")
    assert [(r["marker"], r["text"]) for r in rows] == [(first, "协助甲。"), (second, "协助乙。")]
    # (only the assist suite checks markers: the generic one checks structure only)
    marker_form = _suite_regex("assist", "marker_form")
    without_marker = _suite_regex("assist", "text_without_marker")
    for row in rows:
        assert re.search(marker_form, row["marker"])
        assert not re.search(without_marker, row["text"])
    profile = load_profiles()[suite]
    (tasks_rule,) = [r for r in (*profile.columns, *profile.roles) if r.role == "tasks"]
    assert regex.match(tasks_rule.join.breaks_before, f"{second}协助乙")


def test_the_marker_shapes_are_named_not_copied():
    """Neither the profiles nor the suites spell the marker shapes out themselves."""
    for name in ("assist", "generic"):
        data = json.loads(load_profiles()[name].source.read_text(encoding="utf-8"))
        assert data["patterns"]["task_start"] == "{task_marker}"
    for path in EXPECTATIONS_DIR.glob("*/tasks.json"):
        text = json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
        assert "①-⑳" not in text, path
        if "marker_form" in text:
            assert "{task_marker}" in text, path
    assert set(PATTERN_TOKENS) == {"{task_marker}"}


@pytest.mark.parametrize(("first", "second"), SAMPLES)
def test_clean_keeps_the_line_break_before_every_marker_shape(first, second):
    # No sentence-final mark ends the first task: only task_start keeps the break.
    item = raw(name="甲", content="内容。", tasks_text=f"{first}协助做好|登记工作|{second}协助乙",
               basis_text="《某法》", department_text="部门", remarks="")
    text = clean_items([item], ASSIST)[0]["tasks_text"]
    assert text == f"{first}协助做好登记工作\n{second}协助乙"
    assert [r["marker"] for r in parse_tasks(text)] == [first, second]


# --- tasks_cell_with_cn_paren_markers: a generated generic list, end to end ---------------

CN_PAREN_CELLS = [
    "（一）协助做好辖区内流动人口的登记和信息采集工作\n（二）协助开展宣传",
    "（一）协助排查安全隐患\n1.每月走访一次\n2.发现问题及时报告\n（二）协助做好整改后的复查",
    "（一）协助收集群众意见\n（二）协助反馈处理结果\n（三）协助建立工作台账",
    "协助做好其他相关工作",
]
CN_PAREN_TASKS = [
    (1, [(1, 1, "（一）", None, "协助做好辖区内流动人口的登记和信息采集工作"),
         (2, 1, "（二）", None, "协助开展宣传")]),
    (2, [(1, 1, "（一）", None, "协助排查安全隐患"), (2, 2, "1.", 1, "每月走访一次"),
         (3, 2, "2.", 1, "发现问题及时报告"), (4, 1, "（二）", None, "协助做好整改后的复查")]),
    (3, [(1, 1, "（一）", None, "协助收集群众意见"), (2, 1, "（二）", None, "协助反馈处理结果"),
         (3, 1, "（三）", None, "协助建立工作台账")]),
    (4, [(1, 1, None, None, "协助做好其他相关工作")]),
]


def _none(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def test_tasks_cell_with_cn_paren_markers_parses_into_tasks_and_validates(tmp_path):
    spec = ListSpec("某区街道责任清单",
                    (Col("序号", 0.5, center=True), Col("事项名称", 1.2), Col("责任事项", 1.6),
                     Col("实施主体", 1.0), Col("备注", 0.5)),
                    tuple({"序号": str(i), "事项名称": f"第{i}项协助工作", "责任事项": cell,
                           "实施主体": "区民政局", "备注": ""}
                          for i, cell in enumerate(CN_PAREN_CELLS, start=1)), "power")
    rendered = render_list(spec, tmp_path / "list.pdf")
    run = hostile.run_cli("extract", rendered.path, "--out", tmp_path / "out", "--validate",
                          timeout=180)
    assert run.returncode == 0, run.stderr
    out = tmp_path / "out"
    assert json.loads((out / "notice.json").read_text(encoding="utf-8"))["profile"] == "generic"
    (tasks_column,) = [c for c in rendered.columns if c.role == "tasks"]
    items = pd.read_parquet(out / "items.parquet")
    # The tasks cell keeps a line break before every marker, as printed.
    assert list(items[tasks_column.field]) == CN_PAREN_CELLS
    tasks = pd.read_parquet(out / "tasks.parquet")
    got = [(int(r["seq"]), int(r["task_no"]), int(r["level"]), _none(r["marker"]),
            _none(r["parent_no"]), r["text"]) for r in tasks.to_dict("records")]
    assert got == [(seq, *row) for seq, rows in CN_PAREN_TASKS for row in rows]
    assert set(tasks["field"]) == {tasks_column.field}
    report = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    assert report["success"], [c for c in report["checks"] if not c["success"]]
    checked = {c["check"] for c in report["checks"] if c["table"] == "tasks" and c["success"]}
    assert {"key_unique", "task_no_contiguous", "parent_is_preceding_level1"} <= checked


def test_a_suite_naming_an_unknown_shared_pattern_is_an_error_naming_file_and_check(tmp_path):
    import shutil

    from pipeline.errors import PipelineError
    from pipeline.quality.validate import load_suites

    shutil.copytree(EXPECTATIONS_DIR, tmp_path / "x")
    path = tmp_path / "x" / "assist" / "tasks.json"
    path.write_text(path.read_text(encoding="utf-8").replace("{task_marker}", "{task_markers}"),
                    encoding="utf-8")
    with pytest.raises(PipelineError, match=r"assist/tasks\.json: expectation marker_form: "
                                            r"pattern names \{task_markers\}"):
        load_suites(tmp_path / "x").suite("assist")
