"""The expectation suites: every entry loads, the structure follows pipeline/schema.py,
the shared patterns catch layout debris and nothing the gold holds; each profile
names a suite."""

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
from pipeline.profiles import load_profiles
from pipeline.quality.validate import EXPECTATIONS_DIR, PATTERNS_FILE, load_suites
from tests.folders import gold_frames_filled
from tests.goldtables import GOLD_2021, GOLD_2023

ROOT = Path(__file__).resolve().parent.parent
SUITES = ("assist", "generic")
SUITE_FILES = sorted(EXPECTATIONS_DIR.glob("*/*.json"))


def _suite(name: str, suite: str = "assist") -> dict:
    return json.loads((EXPECTATIONS_DIR / suite / f"{name}.json").read_text(encoding="utf-8"))


def _of(name: str, kind: str, suite: str = "assist") -> list[dict]:
    return [e for e in _suite(name, suite)["expectations"] if e["type"] == kind]


def _assist_derived():
    suite = load_suites().suite("assist")
    notice = {"profile": "assist", "source_format": "pdf"}
    assert load_profiles()["assist"].suite == "assist"
    return _derive(gold_frames_filled(GOLD_2021), schema.VALIDATED_TABLES, notice, ROOT, suite)


def _derive(frames: dict, tables: tuple, notice: dict, path: Path, suite):
    """The derived frames of ``frames`` as validation builds them for a folder at ``path``."""
    from pipeline.quality.validate.derive import derive_frames
    from pipeline.quality.validate.folder import Folder

    profile = load_profiles()[notice["profile"]]
    return derive_frames(Folder(path, notice, profile, suite.name, tables, frames, None, ""),
                         suite)


@pytest.mark.parametrize("path", SUITE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_expectation_in_the_file_is_loaded(path):
    in_file = len(json.loads(path.read_text(encoding="utf-8"))["expectations"])
    suites = load_suites()
    names = SUITES if path.parent.name == "common" else (path.parent.name,)
    for name in names:
        suite = suites.suite(name)
        assert suite.counts[path.stem] == (in_file, in_file)
        assert len(suite.frames[path.stem].expectations) == in_file


def test_every_profile_names_a_suite_folder():
    from pipeline.profiles import load_profiles

    for profile in load_profiles().values():
        assert (EXPECTATIONS_DIR / profile.suite).is_dir(), profile.name
        assert load_suites().suite(profile.suite).frames


def test_suites_are_built_once_per_process():
    assert load_suites() is load_suites()
    assert load_suites().suite("assist") is load_suites().suite("assist")


@pytest.mark.parametrize("bad", [
    {"type": "expect_column_values_to_be_made_up", "kwargs": {"column": "seq"}},
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"colum": "seq"}},
], ids=["unknown type", "misspelt kwarg"])
def test_an_expectation_gx_cannot_load_is_an_error_not_a_silent_drop(tmp_path, bad):
    shutil.copytree(EXPECTATIONS_DIR, tmp_path / "x")
    path = tmp_path / "x" / "assist" / "tasks.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["expectations"].append({**bad, "meta": {"check": "bad", "expected": "?"}})
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PipelineError) as e:
        load_suites(tmp_path / "x").suite("assist")
    assert "tasks.json" in str(e.value)


def test_a_suite_that_does_not_exist_is_an_error():
    with pytest.raises(PipelineError, match="no expectation suite"):
        load_suites().suite("no-such-suite")


@pytest.mark.parametrize("table", schema.VALIDATED_TABLES, ids=lambda t: t.name)
def test_structural_checks_follow_the_schema(table):
    """Columns, types and not-null come from pipeline/schema.py (stated once there):
    the columns frame holds every schema column with its type, and the cells frame
    flags exactly the schema's non-nullable columns."""
    derived = _assist_derived()
    columns = derived.frames["columns"]
    mine = columns[columns["_table"] == table.name]
    assert mine["_column"].tolist() == [f"{table.name}.{c}" for c in table.column_names]
    assert mine["_expected"].tolist() == [c.type for c in table.columns]
    assert mine["_present"].all() and (mine["_dtype"] == mine["_expected"]).all()
    flags = derived.per_column["cells"]
    flags = flags[flags["_table"] == table.name]
    assert set(flags.loc[flags["_not_null"], "_column"]) == {
        f"{table.name}.{c.name}" for c in table.columns if not c.nullable}
    for suite in SUITES:
        (present,) = [e for e in _suite("columns", suite)["expectations"]
                      if e["meta"]["check"] == "columns"]
        assert present["kwargs"] == {"column": "_present", "value_set": [True]}
        (types,) = [e for e in _suite("columns", suite)["expectations"]
                    if e["meta"]["check"] == "type"]
        assert {types["kwargs"]["column_A"], types["kwargs"]["column_B"]} == {
            "_dtype", "_expected"}
        (not_null,) = [e for e in _suite("cells", suite)["expectations"]
                       if e["meta"]["check"] == "not_null"]
        assert not_null["kwargs"]["row_condition"]["column"]["name"] == "_not_null"


def test_items_suite_requires_text_in_each_required_field():
    flags = _assist_derived().per_column["cells"]
    required = flags[flags["_required"] & (flags["_table"] == "items")]["_column"]
    profile = load_profiles()["assist"]  # its required fields; the key is a number
    assert set(required) == {f"items.{f}" for f in profile.required if f != profile.key_field}
    assert set(required) == {f"items.{f}" for f in ("name", "content", "tasks_text",
                                                    "basis_text", "department_text")}
    (not_empty,) = [e for e in _suite("cells")["expectations"]
                    if e["meta"]["check"] == "not_empty"]
    assert not_empty["kwargs"]["row_condition"]["column"]["name"] == "_required"


def test_the_assist_suite_keeps_page_numbers_required_for_paginated_sources():
    checks = [e for e in _suite("items")["expectations"]
              if e["meta"]["check"] == "page_where_paginated"]
    assert {e["kwargs"]["column"] for e in checks} == {"page_start", "page_end"}
    for e in checks:
        condition = e["kwargs"]["row_condition"]
        assert condition["column"]["name"] == "_source_format"
        assert {"pdf", "pdf-scan"} <= set(condition["parameter"])


@pytest.mark.parametrize("path", SUITE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_expectation_says_what_it_checks(path):
    for e in json.loads(path.read_text(encoding="utf-8"))["expectations"]:
        assert e["meta"].get("check") and e["meta"].get("expected"), e
        assert e.get("severity", "critical") in ("critical", "warning", "info")


@pytest.mark.parametrize("suite", ["assist", "generic", "power"])
def test_every_column_a_suite_names_exists_in_a_good_extraction(suite, tmp_path):
    """A misspelt column would make a check error on every folder; derived columns
    (leading _) must be ones validate computes."""
    from tests.test_validate_generic import generic_tables, make_generic
    from tests.test_validate_ocr import ocr_frame

    loaded = load_suites().suite(suite)
    if suite == "assist":
        frames, tables = gold_frames_filled(GOLD_2021), schema.VALIDATED_TABLES
    elif suite == "power":
        from tests.test_validate_power import make_power

        frames = make_power()
        tables = tuple(t for t in schema.version_tables("power", frames["columns"].to_dict(
            "records")) if t.name != "columns")
    else:
        frames = make_generic()
        tables = generic_tables(frames)
    frames["ocr_cells"] = ocr_frame()
    notice = {"profile": suite, "source_format": "pdf",  # with every frame it may give
              "unread_pages": [{"pages": [3, 4], "why": "x"}],
              "sheets": [{"name": "行政许可（2项）", "read": True, "stated_count": 2}]}
    derived = _derive(frames, tables, notice, tmp_path, loaded).frames
    for name in loaded.frames:
        frame = derived[name]
        for e in json.loads(gx_suite_file(suite, name).read_text(encoding="utf-8"))[
                "expectations"]:
            kw = e["kwargs"]
            named = [kw.get("column"), kw.get("column_A"), kw.get("column_B"),
                     *(kw.get("column_list") or []), *(e["meta"].get("show") or [])]
            stack = [kw.get("row_condition") or {}]
            while stack:
                condition = stack.pop()
                stack.extend(condition.get("conditions") or [])
                named.append((condition.get("column") or {}).get("name"))
            for column in filter(None, named):
                assert column in frame.columns, (suite, name, e["meta"]["check"], column)


def gx_suite_file(suite: str, frame: str) -> Path:
    path = EXPECTATIONS_DIR / suite / f"{frame}.json"
    return path if path.exists() else EXPECTATIONS_DIR / "common" / f"{frame}.json"


def test_suite_files_are_readable_utf8_json():
    for path in EXPECTATIONS_DIR.rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        json.loads(text)
        if path.name == PATTERNS_FILE:
            continue  # its regular expressions spell code point ranges as \uXXXX
        assert not re.search(r"\\u[4-9][0-9a-f]{3}", text), f"{path.name}: escaped CJK"
        assert text.count("\n") > 10, f"{path.name}: not indented"


def _patterns(group: str = "layout_debris", labels: str = "门类名称及代码|上市公司代码"
              ) -> dict[str, str]:
    data = json.loads((EXPECTATIONS_DIR / PATTERNS_FILE).read_text(encoding="utf-8"))
    return {k: v.replace("{labels}", labels) for k, v in data[group].items()}


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


@pytest.mark.parametrize("text", [
    "门类名称及代码", "农业\n上市公司代码", "工作\n12\n协助", "协助\n3", "重庆市民政局规范性文件",
    "— 12 —", "第 3 页", "<br>", "&nbsp;", "协助\ufffd工作", "(cid:7)", "\ue001",
])
def test_list_debris_patterns_catch(text):
    assert any(re.search(p, text) for p in _patterns("list_debris").values()), text


@pytest.mark.parametrize("text", [
    "01", "000998", "2018", "农、林、牧、渔业(A)", "上市公司代码查询", "隆平高科",
    "《重庆市人民政府办公厅行政规范性文件管理办法》第三条", "序号", "备注",
])
def test_list_debris_patterns_spare(text):
    """A whole cell of digits is a code, not a page number; a title that names
    规范性文件 is a citation, not a running header; other lists' labels are text."""
    hits = [name for name, p in _patterns("list_debris").items() if re.search(p, text)]
    assert not hits, (text, hits)


def test_importing_validate_imports_neither_great_expectations_nor_pandas():
    code = ("import sys, pipeline.quality.validate; "
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

    texts = [p.read_text(encoding="utf-8")
             for p in [*(ROOT / "pipeline" / "quality").rglob("*.py"),
                       ROOT / "pipeline" / "output" / "manifest.py"]]
    texts += [p.read_text(encoding="utf-8") for p in EXPECTATIONS_DIR.rglob("*.json")]
    names = set()
    for path in (GOLD_2021, GOLD_2023):
        for item in load_gold(path)["items"]:
            names.add(item["name"])
            names.update(t["section"] for t in item["tasks"] if t.get("section"))
            names.update(b["law"] for b in item["basis"])
            names.update(item["departments"])
    source = "".join(texts)
    assert names and not [n for n in names if n in source]
