"""Generated lists of other families read by the generic profile (issue 13).

Each case is a random list of one family (tests.render.generic.random_spec:
权责清单, 证明事项清单, 公共服务事项清单, another district's 协助事项清单, a
classification like the CSRC's) typeset with the options it is named after
(Excel or Word page breaks, rules as lines or filled rectangles, categories
merged across pages and printed again whole, in part or not at all, a
two-level header, header once, a 序号 column or none).  Every case is rendered
once per module, extracted through the CLI and compared cell by cell with the
expected extraction the generator computes (categories filled down as printed
for each group; tasks, citations and departments where the labels say).  A
second test checks that each rendering shows what the case is named after.
"""

from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from tests import hostile
from tests.render.generic import (
    ListOptions,
    Rendered,
    field_of,
    layout_facts,
    place_breaks,
    random_spec,
    render_list,
    with_rows,
)

EXCEL = ListOptions(rules="rects", rule_width=0.96, category_valign="top")
WORD = ListOptions(row_split=True, category_print="first part", category_valign="top")


@dataclass(frozen=True)
class Case:
    """A random list of ``family`` typeset with ``options``; ``shows``: layout facts
    (``layout_facts``) the rendering must show (page breaks are moved until it does)."""

    id: str
    family: str
    seed: int
    rows: int
    options: ListOptions = field(default_factory=ListOptions)
    shows: frozenset[str] = field(default_factory=frozenset)
    two_level: bool = False
    seq: bool = True
    profile: str | None = None  # --profile (where the 2021 profile would claim the table)


CASES = [
    Case("classification_excel_rects_categories_across_pages", "classification", 1, 70, EXCEL,
         frozenset({"category across pages", "category reprinted at page top"})),
    Case("category_reprinted_in_part_at_page_top", "classification", 100, 60, ListOptions(),
         frozenset({"category in part at page top"})),
    Case("category_one_row_high_shows_part_of_its_text", "classification", 3, 60, EXCEL,
         frozenset({"category one row shows part"})),
    Case("category_printed_once_word_style_without_seq", "classification", 4, 60,
         ListOptions(category_print="first part"),
         frozenset({"category not printed at page top"})),
    Case("row_cut_at_page_foot_without_seq", "power", 5, 24,
         ListOptions(row_split=True, break_rules=False, orientation="landscape"),
         frozenset({"row cut at page foot", "open rule at cut", "category across pages"}),
         seq=False),
    # Word draws a rule where it cuts a row: the rest of the row is told by the
    # columns it leaves empty that every other row fills.
    Case("row_cut_at_page_foot_without_seq_rule_drawn", "power", 17, 30,
         ListOptions(row_split=True, orientation="landscape"),
         frozenset({"rest of cut row leaves a filled column empty", "category across pages"}),
         seq=False),
    Case("row_cut_at_page_foot_with_seq_and_rule_drawn", "proof", 6, 40,
         ListOptions(row_split=True, break_rules=True),
         frozenset({"row cut at page foot"})),
    Case("row_cut_under_category_printed_again_with_seq", "power", 7, 30,
         ListOptions(row_split=True, orientation="landscape"),
         frozenset({"row cut at page foot", "category reprinted at page top"})),
    # The cut row starts a 职权类别 and a 职权名称 merged over its 子项 rows; both are
    # printed again atop the next page: the same cells, not text that goes on.
    Case("cut_row_starting_category_and_sub_category_with_seq", "power", 100, 30,
         ListOptions(row_split=True, orientation="landscape"),
         frozenset({"cut row starts a category and its sub-category printed again"}),
         two_level=True),
    Case("cut_row_starting_category_and_sub_category_without_seq", "power", 100, 30,
         ListOptions(row_split=True, break_rules=False, orientation="landscape"),
         frozenset({"cut row starts a category and its sub-category printed again",
                    "open rule at cut"}), two_level=True, seq=False),
    Case("excel_rules_as_filled_rectangles_power_list", "power", 8, 36,
         ListOptions(rules="rects", rule_width=0.96, orientation="landscape"),
         frozenset({"category across pages"})),
    Case("category_printed_once_word_style_with_seq", "power", 9, 30,
         ListOptions(row_split=True, category_print="first part", orientation="landscape"),
         frozenset({"category not printed at page top"})),
    Case("header_once_landscape_running_header_page_numbers", "proof", 10, 50,
         ListOptions(header_repeat=False, orientation="landscape",
                     running_header="某区人民政府办公室文件", page_numbers=True),
         frozenset({"category across pages"})),
    # Seven columns like the 2021 list, header on the first page only: the
    # later pages are that table, not a headerless 2021 list.
    Case("header_once_table_not_taken_for_a_headerless_list", "service", 11, 45,
         ListOptions(header_repeat=False, page_numbers=True),
         frozenset({"category across pages"})),
    Case("two_level_header_without_seq", "classification", 12, 60,
         ListOptions(rules="rects", rule_width=0.96),
         frozenset({"category across pages"}), two_level=True),
    Case("two_level_header_with_seq", "service", 13, 40, ListOptions(orientation="landscape"),
         frozenset({"category across pages"})),
    Case("department_column_merged_over_runs", "proof", 14, 40, EXCEL,
         frozenset({"category across pages"})),
    # More than five 序号 under one category cell: "1"…"9" run together is no number.
    Case("many_numbered_rows_under_one_category_cell", "power", 100, 30,
         ListOptions(orientation="landscape", font_size=8.0)),
    Case("assist_columns_read_generic_when_asked", "assist", 16, 30,
         ListOptions(orientation="landscape"), frozenset({"category across pages"}),
         profile="generic"),
]
CASE_IDS = [c.id for c in CASES]


def _profile(case: Case) -> str | None:
    """--profile for a case: its own, or generic for a 权责清单 (which the power profile
    would claim: tests/test_power_*.py read those with it)."""
    return case.profile or ("generic" if case.family == "power" else None)


def _extract(pdf: Path, out: Path, profile: str | None) -> hostile.CliRun:
    args = ["extract", pdf, "--out", out] + (["--profile", profile] if profile else [])
    return hostile.run_cli(*args, timeout=180)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, tuple[Rendered, Path, hostile.CliRun]]:
    """Every case rendered and extracted once (two CLI runs at a time)."""
    root = tmp_path_factory.mktemp("generic")
    rendered = {}
    for case in CASES:
        spec = random_spec(case.family, case.seed, case.rows, case.two_level, case.seq)
        options, lay = place_breaks(spec, case.options, case.shows)
        rendered[case.id] = render_list(spec, root / f"{case.id}.pdf", options, lay)
    with ThreadPoolExecutor(2) as pool:
        runs = dict(zip(CASE_IDS, pool.map(
            lambda c: _extract(rendered[c.id].path, root / c.id, _profile(c)), CASES), strict=True))
    return {c.id: (rendered[c.id], root / c.id, runs[c.id]) for c in CASES}


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in frame.to_dict("records")]


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_generated_list_extracts_cell_by_cell(extracted, case_id):
    rendered, out, run = extracted[case_id]
    assert run.returncode == 0, run.stderr
    notice = json.loads((out / "notice.json").read_text(encoding="utf-8"))
    assert notice["profile"] == "generic"
    assert notice["item_count"] == len(rendered.items)
    columns = pd.read_parquet(out / "columns.parquet")
    assert list(columns["field"]) == [c.field for c in rendered.columns]
    assert list(columns["label"]) == rendered.layout.spec.labels
    items = _records(pd.read_parquet(out / "items.parquet"))
    assert len(items) == len(rendered.items)
    wrong = [(n, k, want, got[k]) for n, (want_row, got) in enumerate(zip(
        rendered.items, items, strict=True), start=1) for k, want in want_row.items()
        if got[k] != want]
    assert not wrong, wrong[:10]
    assert set(items[0]) - {"seq_text"} == {*rendered.items[0], "ocr_min_conf"}
    if "seq_text" in items[0]:  # a printed 序号: as printed beside its number
        assert all(r["seq_text"] == str(r["seq"]) for r in items)
    for table, rows in rendered.parsed.items():
        got = _records(pd.read_parquet(out / f"{table}.parquet"))
        keys = list(rows[0]) if rows else []
        assert [{k: r[k] for k in keys} for r in got] == rows, table


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_generated_list_shows_what_it_is_named_after(extracted, case_id):
    case = CASES[CASE_IDS.index(case_id)]
    rendered = extracted[case_id][0]
    lay = rendered.layout
    assert case.shows <= layout_facts(lay)
    assert len(lay.pages) >= 2
    options = lay.options
    spec = lay.spec
    assert ("序号" in spec.labels) == (case.seq and case.family != "classification")
    if case.two_level and case.family != "power":
        assert any(c.group for c in spec.columns)
    if case_id == "many_numbered_rows_under_one_category_cell":
        longest = max(len(part.rows) for part in lay.parts if part.page == 0)
        assert longest >= 6
    if case_id.startswith("header_once"):
        assert not options.header_repeat
    if case_id == "assist_columns_read_generic_when_asked":
        from pipeline.profiles import load_profiles

        assert load_profiles()["assist"].read_header(spec.labels) is not None


# --------------------------------------------------------------------------- diff

def _version(tmp: Path, name: str, spec, options: ListOptions) -> Path:
    rendered = render_list(spec, tmp / f"{name}.pdf", options)
    run = _extract(rendered.path, tmp / name, None)
    assert run.returncode == 0, run.stderr
    return tmp / name


def _field(spec, label: str) -> str:
    return field_of(spec.labels)[spec.labels.index(label)].field


def _changes(old: Path, new: Path, out: Path) -> list[tuple]:
    run = hostile.run_cli("diff", old, new, "--out", out)
    assert run.returncode == 0, run.stderr
    changes = _records(pd.read_parquet(out / "changes.parquet"))
    return sorted((c["change"], c["old_seq"], c["new_seq"], c["field"]) for c in changes)


def test_diff_of_two_generated_lists_without_seq_reports_exactly_the_changes(tmp_path):
    spec = random_spec("classification", 21, 50)
    rows = [dict(r) for r in spec.rows]
    new_rows = [dict(r) for r in rows]
    new_rows[4]["上市公司简称"] = "新名称股份"
    added = dict(rows[20], 上市公司代码="999001", 上市公司简称="新上市公司")
    del new_rows[9]  # old row 10
    new_rows.insert(20, added)  # new row 21
    old = _version(tmp_path, "old", spec, EXCEL)
    new = _version(tmp_path, "new", with_rows(spec, new_rows), EXCEL)
    assert _changes(old, new, tmp_path / "diff") == sorted([
        ("changed", 5, 5, _field(spec, "上市公司简称")),
        ("removed", 10, None, None),
        ("added", None, 21, None)])


def test_diff_of_two_generated_lists_with_seq_reports_exactly_the_changes(tmp_path):
    spec = random_spec("proof", 22, 30)
    rows = [dict(r) for r in spec.rows]
    new_rows = [dict(r) for r in rows[:-1]]
    new_rows[2]["证明名称"] = "新设证明事项"
    new_rows.append(dict(rows[5], 序号="31"))
    old = _version(tmp_path, "old", spec, ListOptions())
    new = _version(tmp_path, "new", with_rows(spec, new_rows), ListOptions())
    assert _changes(old, new, tmp_path / "diff") == sorted([
        ("changed", 3, 3, _field(spec, "证明名称")),
        ("removed", 30, None, None),
        ("added", None, 31, None)])


def test_long_list_generator_fills_the_pages_asked_and_every_row_is_read(tmp_path):
    from tests.render.generic import render_long_list

    long = render_long_list(tmp_path / "long.pdf", 3, seed=5)
    assert long.pages == 3 and long.rows > 100
    run = _extract(long.path, tmp_path / "v", None)
    assert run.returncode == 0, run.stderr
    notice = json.loads((tmp_path / "v" / "notice.json").read_text(encoding="utf-8"))
    assert (notice["page_count"], notice["item_count"], notice["profile"]) == (
        3, long.rows, "generic")
