"""The expectation suites: every entry loads, the structure follows pipeline/schema.py,
the shared patterns catch layout debris and nothing the gold holds."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import schema
from pipeline.errors import PipelineError
from pipeline.validate import EXPECTATIONS_DIR, PATTERNS_FILE, load_suites
from tests.folders import gold_frames_filled
from tests.goldtables import GOLD_2021, GOLD_2023

ROOT = Path(__file__).resolve().parent.parent
TYPE_NAMES = {"int": "Int64Dtype", "str": "StringDtype", "float": "Float64Dtype"}


def _suite(name: str) -> dict:
    return json.loads((EXPECTATIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def _of(name: str, kind: str) -> list[dict]:
    return [e for e in _suite(name)["expectations"] if e["type"] == kind]


@pytest.mark.parametrize("table", schema.VALIDATED_TABLES, ids=lambda t: t.name)
def test_every_expectation_in_the_file_is_loaded(table):
    in_file = len(_suite(table.name)["expectations"])
    suites = load_suites()
    assert suites.counts[table.name] == (in_file, in_file)
    assert len(suites.suites[table.name].expectations) == in_file


def test_suites_are_built_once_per_process():
    assert load_suites() is load_suites()


@pytest.mark.parametrize("bad", [
    {"type": "expect_column_values_to_be_made_up", "kwargs": {"column": "seq"}},
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"colum": "seq"}},
], ids=["unknown type", "misspelt kwarg"])
def test_an_expectation_gx_cannot_load_is_an_error_not_a_silent_drop(tmp_path, bad):
    shutil.copytree(EXPECTATIONS_DIR, tmp_path / "x")
    path = tmp_path / "x" / "tasks.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["expectations"].append({**bad, "meta": {"check": "bad", "expected": "?"}})
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PipelineError) as e:
        load_suites(tmp_path / "x")
    assert "tasks.json" in str(e.value)


@pytest.mark.parametrize("table", schema.VALIDATED_TABLES, ids=lambda t: t.name)
def test_structural_expectations_follow_the_schema(table):
    (columns,) = _of(table.name, "expect_table_columns_to_match_set")
    assert columns["kwargs"]["column_set"] == table.column_names
    assert columns["kwargs"]["exact_match"] is False  # the contract allows added columns
    types = {e["kwargs"]["column"]: e["kwargs"]["type_list"]
             for e in _of(table.name, "expect_column_values_to_be_in_type_list")}
    assert types == {c.name: [TYPE_NAMES[c.type]] for c in table.columns}
    not_null = {e["kwargs"]["column"]
                for e in _of(table.name, "expect_column_values_to_not_be_null")
                if "row_condition" not in e["kwargs"]}
    assert not_null == {c.name for c in table.columns if not c.nullable}


def test_items_suite_requires_text_in_each_required_field():
    nonblank = {e["kwargs"]["column"] for e in _of("items", "expect_column_values_to_match_regex")
                if e["meta"]["check"] == "not_empty"}
    assert nonblank == set(schema.REQUIRED_FIELDS)


@pytest.mark.parametrize("table", schema.VALIDATED_TABLES, ids=lambda t: t.name)
def test_every_expectation_says_what_it_checks(table):
    for e in _suite(table.name)["expectations"]:
        assert e["meta"].get("check") and e["meta"].get("expected"), e
        assert e.get("severity", "critical") in ("critical", "warning", "info")


@pytest.mark.parametrize("table", schema.VALIDATED_TABLES, ids=lambda t: t.name)
def test_every_column_a_suite_names_exists_in_a_good_extraction(table):
    """A misspelt column would make a check error on every folder; derived columns
    (leading _) must be ones validate computes."""
    from pipeline.validate import _derive

    frame = _derive(gold_frames_filled(GOLD_2021))[table.name]
    for e in _suite(table.name)["expectations"]:
        kw = e["kwargs"]
        named = [kw.get("column"), kw.get("column_A"), kw.get("column_B"),
                 *(kw.get("column_list") or []), *(e["meta"].get("show") or [])]
        condition = kw.get("row_condition") or {}
        named.append((condition.get("column") or {}).get("name"))
        for column in filter(None, named):
            assert column in frame.columns, (table.name, e["meta"]["check"], column)


def test_suite_files_are_readable_utf8_json():
    for path in EXPECTATIONS_DIR.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        json.loads(text)
        if path.name == PATTERNS_FILE:
            continue  # its regular expressions spell code point ranges as \uXXXX
        assert not re.search(r"\\u[4-9][0-9a-f]{3}", text), f"{path.name}: escaped CJK"
        assert text.count("\n") > 10, f"{path.name}: not indented"


def _patterns() -> dict[str, str]:
    data = json.loads((EXPECTATIONS_DIR / PATTERNS_FILE).read_text(encoding="utf-8"))
    return data["layout_debris"]


@pytest.mark.parametrize("text", [
    "序号", "协助工作细化事项", "事项名称\n", "重庆市民政局规范性文件",
    "协助做好工作。重庆市民政局规范性文件", "工作。\n重庆市人民政府行政规范性文件",
    "— 12 —", "工作。\n- 3 -", "-3-", "工作—12—协助", "第 3 页", "共9页", "工作\n12",
    "<br>", "</td>", '<span class="x">', "&nbsp;", "协助\ufffd工作", "(cid:123)",
    "\ue001", "a\x0cb",
])
def test_layout_debris_patterns_catch(text):
    assert any(re.search(p, text) for p in _patterns().values()), text


@pytest.mark.parametrize("text", [
    "2020年10月17日第十三届全国人民代表大会常务委员会第二十二次会议第二次修订",
    "《中华人民共和国未成年人保护法》第一百一十八条", "2020-12-26", "第3项", "1.协助开展宣传",
    "依据有关规定", "1.协助宣传有关法律法规和规范性文件", "协助宣传有关法律法规和规范性文件",
    "a < b > c",
])
def test_layout_debris_patterns_spare(text):
    hits = [name for name, p in _patterns().items() if re.search(p, text)]
    assert not hits, (text, hits)


@pytest.mark.parametrize("gold", [GOLD_2021, GOLD_2023], ids=["2021", "2023"])
def test_no_gold_cell_looks_like_layout_debris(gold):
    patterns = _patterns()
    for name, frame in gold_frames_filled(gold).items():
        for column in frame.columns:
            if str(frame[column].dtype) != "string":
                continue
            for value in frame[column].dropna():
                hits = [p for p, rx in patterns.items() if re.search(rx, value)]
                assert not hits, (name, column, value, hits)


def test_importing_validate_imports_neither_great_expectations_nor_pandas():
    code = ("import sys, pipeline.validate; "
            "print(sorted(m for m in ('great_expectations', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "[]"


def test_no_gx_project_folder_in_the_repository():
    load_suites()
    assert not (ROOT / "gx").exists()
    assert not list(ROOT.glob("**/great_expectations.yml"))


def test_validation_names_nothing_of_the_notices():
    """The checks are generic: no item, heading, law or department of the gold."""
    from tests.goldtables import load_gold

    texts = [(ROOT / "pipeline" / f"{m}.py").read_text(encoding="utf-8")
             for m in ("validate", "manifest")]
    texts += [p.read_text(encoding="utf-8") for p in EXPECTATIONS_DIR.glob("*.json")]
    names = set()
    for path in (GOLD_2021, GOLD_2023):
        for item in load_gold(path)["items"]:
            names.add(item["name"])
            names.update(t["section"] for t in item["tasks"] if t.get("section"))
            names.update(b["law"] for b in item["basis"])
            names.update(item["departments"])
    source = "".join(texts)
    assert names and not [n for n in names if n in source]
